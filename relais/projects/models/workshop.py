"""Workshops and training sequences: the design, its sessions, the persons enrolled from
caseloads and their attendance. Enrolments and attendances name a person: they are
personal data (journal, policies), hanging from the person's record."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from relais.core.models import TimeStampedModel, VersionedModel
from relais.projects.models.project import Project


class Workshop(TimeStampedModel, VersionedModel):
    """A workshop or training sequence as designed (3.10–3.11): objectives, content,
    duration, methods, materials, evaluation; optionally part of a collective project."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="workshops"
    )
    project = models.ForeignKey(
        Project,
        verbose_name="projet collectif",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
    )
    title = models.CharField("intitulé", max_length=200)
    objectives = models.TextField("objectifs pédagogiques", max_length=3000)
    content = models.TextField("contenu", max_length=6000, blank=True)
    duration_hours = models.DecimalField("durée totale (heures)", max_digits=6, decimal_places=1)
    methods = models.TextField("méthodes pédagogiques", max_length=3000, blank=True)
    materials = models.TextField("supports et matériel", max_length=3000, blank=True)
    evaluation = models.TextField("modalités d'évaluation", max_length=3000, blank=True)
    facilitator_evaluation = models.TextField(
        "évaluation de l'animateur", max_length=6000, blank=True
    )
    # What the sequence requires or works on, in the employment module's vocabulary of
    # abilities (`relais.employment.vocabulary.ABILITIES` codes), and the level from which
    # an observed ability counts as there (1 to 4, as `Level`): the group's needs compare
    # them with the participants' latest observations.
    required_abilities = models.JSONField("habiletés requises", default=list, blank=True)
    required_level = models.PositiveSmallIntegerField("niveau requis", default=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "atelier"
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["organisation", "title"], name="workshop_org_title")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_hours__gt=0), name="workshop_duration_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(required_level__gte=1, required_level__lte=4),
                name="workshop_required_level_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Session(TimeStampedModel, VersionedModel):
    """One dated session of a workshop. Its `version` guards the attendance sheet: two
    facilitators recording at once cannot overwrite each other."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="sessions")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    place = models.CharField("lieu", max_length=200)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="animateur",
        on_delete=models.PROTECT,
        related_name="+",
    )
    capacity = models.PositiveIntegerField("places")
    attendance_recorded_at = models.DateTimeField("émargement saisi le", null=True, blank=True)
    # A cancelled session stays in the calendar (shown as such, STATUS:CANCELLED in the
    # file) and takes no enrolment count nor attendance (`relais.projects.workshop_changes`).
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancellation_reason = models.CharField("motif de l'annulation", max_length=300, blank=True)

    class Meta:
        verbose_name = "séance"
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["organisation", "starts_at"], name="session_org_start"),
            models.Index(fields=["workshop", "starts_at"], name="session_workshop_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="session_capacity"),
            models.CheckConstraint(
                condition=models.Q(cancelled_at__isnull=True) | ~models.Q(cancellation_reason=""),
                name="session_cancelled_has_reason",
            ),
        ]

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class EnrolmentQuerySet(models.QuerySet):
    def active(self) -> EnrolmentQuerySet:
        """Enrolments still running: a withdrawn one is kept as history only."""
        return self.filter(withdrawn_at__isnull=True)


class Enrolment(TimeStampedModel):
    """A person enrolled in a workshop, with their consent, and the step it created on
    their pathway; their own evaluation of the workshop once it is over."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="workshop_enrolments"
    )
    step = models.ForeignKey(
        "pathways.Step", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consent_on = models.DateField("accord de la personne le")
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField("appréciation (1 à 5)", null=True, blank=True)
    evaluation = models.TextField("évaluation du participant", max_length=3000, blank=True)
    # A person who leaves the sequence: the enrolment stays (history, attendance already
    # recorded), frees its seat, and the person may be enrolled again later (a new row).
    withdrawn_at = models.DateTimeField("désinscrit·e le", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField("motif de la désinscription", max_length=300, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = "inscription à un atelier"
        verbose_name_plural = "inscriptions à un atelier"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "person"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="enrolment_once_active",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdrawal_reason=""),
                name="enrolment_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="enrolment_rating_scale",
            ),
        ]

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Présent·e"
    EXCUSED = "excused", "Absent·e excusé·e"
    ABSENT = "absent", "Absent·e"


class Attendance(TimeStampedModel):
    """Whether an enrolled person came to one session. `person` repeats the enrolment's
    for the timeline and the caseload's no-show alert (one indexed read each)."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    status = models.CharField("présence", max_length=10, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "présence à une séance"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once")
        ]
        indexes = [
            models.Index(fields=["person", "status"], name="attendance_person_status"),
        ]

    @property
    def journal_person_id(self) -> int:
        return self.person_id
