"""The person's space: who may sign in (`SpaceAccess`), the one-time codes and links that
let them in (`SignInCode`), their open sessions (`SpaceSession`), and what happens there —
document requests, messages with the référent, co-signatures of the contract.

Every secret (code, link, session key) is stored hashed (decision 0008): a copy of the
database opens no space."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from relais.core.models import TimeStampedModel


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    PAPER = "paper", "Code remis sur papier"


class SpaceAccessQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def of_organisation(self, organisation_id: int):
        return self.filter(person__organisation_id=organisation_id)


class SpaceAccess(TimeStampedModel):
    """The right of one person to sign in to their space, opened by a professional of the
    organisation holding the record. At most one access in force per person; revoking it
    ends every session at once."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="space_accesses"
    )
    channel = models.CharField("moyen de connexion", max_length=5, choices=Channel.choices)
    # The address or number codes are sent to, as chosen at invitation (the record's own
    # contact details may change later; a new invitation follows them).
    contact = models.CharField("adresse ou numéro", max_length=254, blank=True)
    invited_by = models.ForeignKey(
        "accounts.User", verbose_name="invitée par", on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField("bloqué le", null=True, blank=True)
    revoked_at = models.DateTimeField("fermé le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SpaceAccessQuerySet.as_manager()

    class Meta:
        verbose_name = "accès à l'espace personnel"
        verbose_name_plural = "accès aux espaces personnels"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(revoked_at__isnull=True),
                name="space_one_active_access",
            ),
        ]
        indexes = [models.Index(fields=["contact", "revoked_at"], name="space_access_contact")]

    def __str__(self) -> str:
        return f"Accès {self.get_channel_display()} (dossier n° {self.person_id})"

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.person.organisation_id

    @property
    def locked_until(self):
        """When a lock after too many wrong codes ends (the professionals' cool-off,
        `AXES_COOLOFF_TIME`); None when the access is not locked, or no longer."""
        if self.locked_at is None:
            return None
        until = self.locked_at + settings.AXES_COOLOFF_TIME
        return until if until > timezone.now() else None

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None


class CodePurpose(models.TextChoices):
    SIGN_IN = "sign_in", "Connexion"
    PAPER = "paper", "Code papier"
    COSIGN = "cosign", "Signature du contrat"


class SignInCode(models.Model):
    """A one-time secret: a short code typed by the person, and for e-mail and SMS a link
    that carries a long token. Both stored hashed; used once; short-lived."""

    access = models.ForeignKey(SpaceAccess, on_delete=models.CASCADE, related_name="codes")
    purpose = models.CharField(max_length=8, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64)
    link_hash = models.CharField(max_length=64, blank=True)
    # Paper codes are looked up by their own digest (nothing else identifies the person).
    lookup_hash = models.CharField(max_length=64, blank=True)
    contract = models.ForeignKey(
        "pathways.Contract", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["access", "purpose", "-created_at"], name="space_code_access"),
            models.Index(fields=["link_hash"], name="space_code_link"),
            models.Index(fields=["lookup_hash"], name="space_code_lookup"),
        ]

    def __str__(self) -> str:
        return f"Code {self.get_purpose_display()} du {self.created_at:%d/%m/%Y}"


class SpaceSession(models.Model):
    """A signed-in device. The cookie holds a random key; only its digest is here."""

    access = models.ForeignKey(SpaceAccess, on_delete=models.CASCADE, related_name="sessions")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=8, choices=Channel.choices)

    def __str__(self) -> str:
        return f"Session ouverte le {self.created_at:%d/%m/%Y}"


class RequestStatus(models.TextChoices):
    OPEN = "open", "À déposer"
    RECEIVED = "received", "Reçu"
    CANCELLED = "cancelled", "Annulée"


# Explicit workflow: from → allowed targets.
REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.OPEN: frozenset({RequestStatus.RECEIVED, RequestStatus.CANCELLED}),
    RequestStatus.RECEIVED: frozenset(),
    RequestStatus.CANCELLED: frozenset(),
}


class DocumentRequest(TimeStampedModel):
    """A document the référent asks the person to upload from their space."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="document_requests"
    )
    title = models.CharField("document demandé", max_length=200)
    kind = models.CharField("type", max_length=15)
    due_on = models.DateField("à déposer avant le")
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name="demandé par", on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        "people.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["person", "status"], name="space_request_person")]

    def __str__(self) -> str:
        return self.title

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.person.organisation_id


class MessageAuthor(models.TextChoices):
    PERSON = "person", "La personne"
    PROFESSIONAL = "professional", "Le ou la professionnel·le"


class MessageTopic(models.TextChoices):
    MESSAGE = "message", "Message"
    CORRECTION = "correction", "Demande de correction du dossier"
    REVIEW = "review", "Mon avis pour le prochain bilan"


class Message(models.Model):
    """A plain-text message between the person and their référent. A request for a
    correction of the record, and the person's comment before a review, are messages of
    their own topic (the référent reads them in the same thread)."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    author_kind = models.CharField(max_length=12, choices=MessageAuthor.choices)
    author_user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField(max_length=2000)
    topic = models.CharField(max_length=10, choices=MessageTopic.choices, default="message")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "-created_at"], name="space_message_person")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(author_kind="person", author_user__isnull=True)
                | models.Q(author_kind="professional", author_user__isnull=False),
                name="space_message_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} du {self.created_at:%d/%m/%Y}"

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.person.organisation_id


class Cosignature(models.Model):
    """The person's own signature of a contract version from their space: when, how (the
    channel the code went through) and the hash of the terms they saw."""

    holds_personal_data = True
    journal_parent = ("pathways.contract", "contract_id")

    contract = models.OneToOneField(
        "pathways.Contract", on_delete=models.CASCADE, related_name="cosignature"
    )
    # RESTRICT, not PROTECT: an access cannot go while its signatures stand, but erasing the
    # record removes both (the contract, and so its signature, go with the record).
    access = models.ForeignKey(SpaceAccess, on_delete=models.RESTRICT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=8, choices=Channel.choices)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"Signature de la personne du {self.signed_at:%d/%m/%Y}"
