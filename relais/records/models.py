"""The lifecycle of a person's record: the organisation's retention policy, erasures
postponed, the warnings sent before an erasure, what is kept of an erased record
(non-identifying statistics only), and the person's erasure and rectification requests
(art. 16 and 17 RGPD). See docs/decisions/0027-erasure-model.md."""

from __future__ import annotations

from django.db import models

from relais.core.models import TimeStampedModel

# Bounds of the retention period (months after the end of the accompaniment).
# Floor: a year, the rhythm of the activity reports and of the returns after a rupture —
# erasing sooner would lose the record of a person who comes back within the year.
# Ceiling: five years, the civil limitation period (art. 2224 du Code civil): no need of the
# accompaniment justifies keeping a record in the active base longer.
RETENTION_MIN_MONTHS = 12
RETENTION_MAX_MONTHS = 60
RETENTION_DEFAULT_MONTHS = 24
# Supporting documents: deleted this long after their expiry date.
DOCUMENT_RETENTION_MIN_MONTHS = 1
DOCUMENT_RETENTION_MAX_MONTHS = 24
DOCUMENT_RETENTION_DEFAULT_MONTHS = 3


class RetentionPolicy(TimeStampedModel):
    """How long the organisation keeps a record after the accompaniment ended. No row: the
    defaults."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="retention_policy"
    )
    months_after_last_activity = models.PositiveSmallIntegerField(
        "durée de conservation après la fin de l'accompagnement (mois)",
        default=RETENTION_DEFAULT_MONTHS,
    )
    document_months_after_expiry = models.PositiveSmallIntegerField(
        "conservation des justificatifs après leur expiration (mois)",
        default=DOCUMENT_RETENTION_DEFAULT_MONTHS,
    )
    updated_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "politique de conservation"
        verbose_name_plural = "politiques de conservation"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    months_after_last_activity__gte=RETENTION_MIN_MONTHS,
                    months_after_last_activity__lte=RETENTION_MAX_MONTHS,
                ),
                name="retention_months_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    document_months_after_expiry__gte=DOCUMENT_RETENTION_MIN_MONTHS,
                    document_months_after_expiry__lte=DOCUMENT_RETENTION_MAX_MONTHS,
                ),
                name="retention_document_months_range",
            ),
        ]


class RetentionHold(TimeStampedModel):
    """A manager postponed the erasure of a record until `until` (ongoing litigation…).
    Deleted with the record."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")
    writable_when_archived = True

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="retention_holds"
    )
    until = models.DateField("effacement reporté jusqu'au")
    reason = models.CharField("motif du report", max_length=300)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "report d'effacement"
        verbose_name_plural = "reports d'effacement"
        ordering = ["-until", "-id"]

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.person.organisation_id


class RetentionWarning(models.Model):
    """The organisation's managers were told that the record falls due on `due_on` (sent
    once per due date). Deleted with the record."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")
    writable_when_archived = True

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="retention_warnings"
    )
    due_on = models.DateField("effacement prévu le")
    sent_at = models.DateTimeField("prévenu le")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "due_on"], name="retention_warning_once")
        ]

    def __str__(self) -> str:
        return f"effacement prévu le {self.due_on:%d/%m/%Y}"

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.person.organisation_id


class ErasureCause(models.TextChoices):
    RETENTION = "retention", "Fin de la durée de conservation"
    REQUEST = "request", "Demande d'effacement de la personne"


class ErasedRecord(models.Model):
    """What is kept of an erased record: non-identifying statistics for the organisation's
    activity reports. No name, no exact date of birth, no free text, no id of the erased
    person (the journal line of the erasure names this row instead)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="erased_records"
    )
    erased_on = models.DateField("effacé le")
    cause = models.CharField("motif", max_length=10, choices=ErasureCause.choices)
    record_opened_year = models.PositiveSmallIntegerField("année d'ouverture du dossier")
    birth_decade = models.PositiveSmallIntegerField("décennie de naissance")
    # One item per pathway: {"scheme", "started", "ended" (YYYY-MM or null), "exit"}.
    pathways = models.JSONField("parcours", default=list)
    referral_count = models.PositiveIntegerField("orientations", default=0)

    class Meta:
        verbose_name = "dossier effacé (statistiques)"
        verbose_name_plural = "dossiers effacés (statistiques)"
        ordering = ["-erased_on", "-id"]

    def __str__(self) -> str:
        return f"dossier effacé le {self.erased_on:%d/%m/%Y}"


class RequestKind(models.TextChoices):
    ERASURE = "erasure", "Effacement (art. 17 RGPD)"
    RECTIFICATION = "rectification", "Rectification (art. 16 RGPD)"


class RequestSource(models.TextChoices):
    """Who put the request on record: a professional (who received it by letter, at the
    desk…), or the person themselves from their space (no professional recorded it)."""

    PROFESSIONAL = "professional", "Enregistrée par un·e professionnel·le"
    PERSON_SPACE = "person_space", "Faite par la personne, depuis son espace"


class RequestStatus(models.TextChoices):
    OPEN = "open", "En cours"
    DONE = "done", "Traitée"
    REFUSED = "refused", "Refusée"


class RightsRequest(TimeStampedModel):
    """A person's request to erase or rectify their data, tracked against its legal deadline
    (one month from receipt, extensible by two months with a reason: art. 12.3 RGPD).

    Kept when the record is erased (accountability: the organisation shows it answered), with
    its texts blanked and `person` set to null."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")
    writable_when_archived = True

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="rights_requests"
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rights_requests",
    )
    kind = models.CharField("type de demande", max_length=15, choices=RequestKind.choices)
    received_on = models.DateField("reçue le")
    details = models.TextField("ce qui est demandé", max_length=3000)
    due_on = models.DateField("à traiter avant le")
    extended_reason = models.CharField("motif de la prolongation", max_length=500, blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    decision_reason = models.TextField("motif de la décision", max_length=3000, blank=True)
    closed_on = models.DateField("close le", null=True, blank=True)
    source = models.CharField(
        "origine",
        max_length=12,
        choices=RequestSource.choices,
        default=RequestSource.PROFESSIONAL,
    )
    # Empty when the person made the request from their space: nobody recorded it for them.
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    erased_record = models.ForeignKey(
        ErasedRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "demande d'exercice des droits"
        verbose_name_plural = "demandes d'exercice des droits"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["organisation", "status", "due_on"], name="rights_org")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(decision_reason=""),
                name="rights_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(source="professional", recorded_by__isnull=False)
                | models.Q(source="person_space", recorded_by__isnull=True),
                name="rights_recorded_by_matches_source",
            ),
        ]

    @property
    def journal_person_id(self) -> int | None:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.organisation_id

    @property
    def is_extended(self) -> bool:
        return bool(self.extended_reason)


# Registered with Django here; defined in their own module.
from relais.records.synthesis_models import SynthesisReport  # noqa: E402, F401
