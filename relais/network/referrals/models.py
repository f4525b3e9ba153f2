"""Referrals wing: referrals with a closed loop and their transitions."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from relais.core.models import TimeStampedModel, VersionedModel


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Envoyée"
    SEEN = "seen", "Vue"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Terminée"
    CANCELLED = "cancelled", "Annulée par l'émetteur"
    EXPIRED = "expired", "Expirée (sans réponse)"


# Groups of statuses (the workflow's transition table is relais.network.referrals.workflow).
OPEN_STATUSES = (
    ReferralStatus.SENT,
    ReferralStatus.SEEN,
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
)
WAITING_STATUSES = (ReferralStatus.SENT, ReferralStatus.SEEN)  # no answer yet: may expire
CLOSED_STATUSES = (
    ReferralStatus.REFUSED,
    ReferralStatus.DONE,
    ReferralStatus.CANCELLED,
    ReferralStatus.EXPIRED,
)
ANSWERED_STATUSES = (ReferralStatus.ACCEPTED, ReferralStatus.REFUSED)
# What the partner tells the sender: accepted, refused, taken in charge, completed.
ANSWER_STATUSES = (
    ReferralStatus.ACCEPTED,
    ReferralStatus.REFUSED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.DONE,
)


class RefusalReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", "La personne ne remplit pas les conditions"
    NO_CAPACITY = "no_capacity", "Plus de place disponible"
    NOT_REACHABLE = "not_reachable", "Personne injoignable"
    PERSON_DECLINED = "person_declined", "La personne a décliné"
    WRONG_SERVICE = "wrong_service", "Service non adapté à la demande"
    DUPLICATE = "duplicate", "Déjà accompagnée par la structure"
    OTHER = "other", "Autre motif"


class ReferralQuerySet(models.QuerySet):
    def of_organisation(self, organisation_id: int) -> ReferralQuerySet:
        """The referrals an organisation is one of the two sides of (sender or receiver)."""
        return self.filter(
            models.Q(sender_organisation_id=organisation_id)
            | models.Q(receiver_organisation_id=organisation_id)
        )

    def open(self) -> ReferralQuerySet:
        """Not closed yet: sent, seen, accepted or in progress."""
        return self.filter(status__in=OPEN_STATUSES)

    def waiting(self) -> ReferralQuerySet:
        """Sent or seen, no answer yet."""
        return self.filter(status__in=WAITING_STATUSES)

    def with_parties(self) -> ReferralQuerySet:
        """With what every referral page and list shows: the service, the two organisations
        and the sender."""
        return self.select_related(
            "service", "sender", "sender_organisation", "receiver_organisation"
        )


class Referral(TimeStampedModel, VersionedModel):
    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="referrals"
    )
    pathway = models.ForeignKey(
        "pathways.Pathway",
        verbose_name="parcours",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    step = models.OneToOneField(
        "pathways.Step",
        verbose_name="étape",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referral",
    )
    service = models.ForeignKey(
        "network.Service",
        verbose_name="service",
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    sender_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure émettrice",
        on_delete=models.PROTECT,
        related_name="sent_referrals",
    )
    sender = models.ForeignKey(
        "accounts.User", verbose_name="émise par", on_delete=models.PROTECT, related_name="+"
    )
    receiver_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure destinataire",
        on_delete=models.PROTECT,
        related_name="received_referrals",
    )
    reason = models.TextField("motif de l'orientation", max_length=3000)
    # What the sender asks the partner for (« ce qui est demandé »); `request` in the API.
    asked_for = models.TextField("ce qui est demandé", max_length=3000)
    availability = models.CharField("disponibilités de la personne", max_length=500, blank=True)
    contact_preference = models.CharField("préférence de contact", max_length=200, blank=True)
    shared_categories = models.JSONField("informations partagées", default=list, blank=True)
    shared_domains = models.JSONField("domaines du diagnostic partagés", default=list, blank=True)
    attachments = models.ManyToManyField(
        "people.Document", verbose_name="pièces jointes", blank=True, related_name="+"
    )
    status = models.CharField(
        "statut", max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_at = models.DateTimeField("envoyée le")
    seen_at = models.DateTimeField("vue le", null=True, blank=True)
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    first_appointment_on = models.DateField("premier rendez-vous le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    expires_at = models.DateTimeField("expire le")
    refusal_reason = models.CharField(
        "motif du refus", max_length=20, choices=RefusalReason.choices, blank=True
    )
    refusal_comment = models.TextField("commentaire du refus", max_length=2000, blank=True)
    outcome = models.TextField("résultat communiqué", max_length=3000, blank=True)
    answered_by_hand = models.BooleanField(
        "réponse saisie par l'émetteur (hors plateforme)", default=False
    )
    # The sending side opened the referral after the partner's last change: the answer is
    # no longer « new » on its home page and in its menu (see selectors.unseen_answers).
    answer_seen_at = models.DateTimeField("réponse vue par l'émetteur le", null=True, blank=True)
    # The partner's answer is news to the sender (its menu's count, its home page): computed
    # by the database from the four columns it depends on, so that the menu of every page
    # reads the sender's unseen answers from an index (`referral_unseen_answers`) instead
    # of every referral the user ever sent, whatever their number.
    answer_unseen = models.GeneratedField(
        expression=models.Case(
            models.When(
                models.Q(status__in=ANSWER_STATUSES, answered_by_hand=False)
                & (
                    models.Q(answer_seen_at__isnull=True)
                    | models.Q(answer_seen_at__lt=models.F("updated_at"))
                ),
                then=models.Value(True),
            ),
            default=models.Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name="réponse pas encore vue par l'émetteur",
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "orientation"
        verbose_name_plural = "orientations"
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(
                fields=["receiver_organisation", "status", "-sent_at"], name="referral_inbox"
            ),
            models.Index(
                fields=["sender_organisation", "status", "-sent_at"], name="referral_outbox"
            ),
            models.Index(fields=["person", "-sent_at"], name="referral_person"),
            models.Index(
                fields=["sender", "sender_organisation"],
                condition=models.Q(answer_unseen=True),
                name="referral_unseen_answers",
            ),
            models.Index(fields=["status", "expires_at"], name="referral_expiry"),
            # Actor map: the referrals a territory sent, or received, over a period. Each
            # index holds every column the map reads, so that the aggregation reads the
            # period's index entries only, never the table (1M referrals: see
            # docs/performance.md). The sent side also holds what an organisation's
            # dashboard reads of the referrals it sent (delays, partners per person, the
            # scheme through the pathway): 300 ms → 30 ms at 20,000 persons.
            models.Index(
                fields=[
                    "sender_organisation",
                    "sent_at",
                    "receiver_organisation",
                    "status",
                    "answered_at",
                    "seen_at",
                    "first_appointment_on",
                    "person",
                    "pathway",
                ],
                name="referral_flow_sent",
            ),
            models.Index(
                fields=[
                    "receiver_organisation",
                    "sent_at",
                    "sender_organisation",
                    "status",
                    "answered_at",
                ],
                name="referral_flow_received",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
                name="referral_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Orientation n° {self.pk} vers {self.service}"

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.sender_organisation_id


class ReferralTransition(models.Model):
    """Who moved a referral from one status to another, when, and why. Append-only."""

    holds_personal_data = True
    journal_parent = ("network.referral", "referral_id")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ReferralStatus.choices)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    comment = models.TextField(max_length=3000, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referraltransition_ref_at")]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class RedundancyKind(models.TextChoices):
    REFERRAL = "referral", "Orientation"
    STEP = "step", "Étape"


class RedundancyWarning(TimeStampedModel):
    """A redundancy warning as it was raised (`relais.network.referrals.redundancy`): a
    new action (a referral sent, a step added) for a person while a similar one of another
    organisation was running. One row per pair (new action, other action), kept so that
    coordination can be accounted for (warnings raised, and resolved: one of the two
    actions no longer running). Written by the referral service and the step warning,
    never by reporting, which only reads it."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure qui engage l'action",
        on_delete=models.CASCADE,
        related_name="+",
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="+"
    )
    raised_at = models.DateTimeField("signalé le", default=timezone.now)
    kind = models.CharField("nouvelle action", max_length=10, choices=RedundancyKind.choices)
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    step = models.ForeignKey(
        "pathways.Step", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    other_kind = models.CharField("action similaire", max_length=10, choices=RedundancyKind.choices)
    other_referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    other_step = models.ForeignKey(
        "pathways.Step", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The other organisation on the platform; None: a partner named on a step.
    other_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "alerte de doublon"
        verbose_name_plural = "alertes de doublon"
        indexes = [
            models.Index(fields=["organisation", "raised_at"], name="redundancy_org_raised"),
            models.Index(fields=["person", "raised_at"], name="redundancy_person_raised"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="referral", referral__isnull=False, step__isnull=True)
                    | models.Q(kind="step", step__isnull=False, referral__isnull=True)
                ),
                name="redundancy_new_action",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        other_kind="referral",
                        other_referral__isnull=False,
                        other_step__isnull=True,
                    )
                    | models.Q(
                        other_kind="step", other_step__isnull=False, other_referral__isnull=True
                    )
                ),
                name="redundancy_other_action",
            ),
        ]

    def __str__(self) -> str:
        return f"Alerte de doublon n° {self.pk}"

    @property
    def journal_organisation_id(self) -> int:
        return self.organisation_id

    @property
    def journal_person_id(self) -> int:
        return self.person_id
