"""Pathways (parcours) with SMART goals and steps, the engagement contract, reviews, exit,
professional notes and appointments."""

from __future__ import annotations

from django.db import models

from relais.core.models import TimeStampedModel, VersionedModel
from relais.core.smart import smart_gaps
from relais.diagnostics.domains import Domain


class _PersonChild:
    """Journal helpers for records attached to a person through `person`."""

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.person.organisation_id


class _PathwayChild:
    @property
    def journal_person_id(self) -> int:
        return self.pathway.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.pathway.organisation_id


class Scheme(models.TextChoices):
    RSA = "rsa", "Accompagnement RSA"
    PLIE = "plie", "PLIE"
    CEJ = "cej", "Contrat d'engagement jeune (CEJ)"
    IAE = "iae", "Insertion par l'activité économique (IAE)"
    OTHER = "other", "Autre dispositif"


class PathwayStatus(models.TextChoices):
    ACTIVE = "active", "En cours"
    CLOSED = "closed", "Terminé"


class PathwayQuerySet(models.QuerySet):
    def active(self) -> PathwayQuerySet:
        """Pathways in progress (not closed)."""
        return self.filter(status=PathwayStatus.ACTIVE)


class Pathway(_PersonChild, TimeStampedModel, VersionedModel):
    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="pathways"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure",
        on_delete=models.PROTECT,
        related_name="pathways",
    )
    scheme = models.CharField("dispositif", max_length=10, choices=Scheme.choices)
    scheme_detail = models.CharField("précision sur le dispositif", max_length=150, blank=True)
    referent = models.ForeignKey(
        "accounts.User",
        verbose_name="référent de parcours",
        on_delete=models.PROTECT,
        related_name="pathways",
    )
    started_on = models.DateField("début du parcours")
    review_every_months = models.PositiveSmallIntegerField("rythme des bilans (mois)", default=3)
    next_review_on = models.DateField("prochain bilan", null=True, blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=PathwayStatus.choices, default=PathwayStatus.ACTIVE
    )

    objects = PathwayQuerySet.as_manager()

    class Meta:
        verbose_name = "parcours"
        verbose_name_plural = "parcours"
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["person", "status"], name="pathway_person_status"),
            models.Index(
                fields=["organisation", "status", "next_review_on"], name="pathway_org_review"
            ),
            models.Index(fields=["referent", "status"], name="pathway_referent_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_every_months__gte=1, review_every_months__lte=24),
                name="pathway_review_rhythm_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} (depuis le {self.started_on:%d/%m/%Y})"

    @property
    def journal_organisation_id(self) -> int:
        return self.organisation_id


class GoalStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "En cours"
    ACHIEVED = "achieved", "Atteint"
    ABANDONED = "abandoned", "Abandonné"


class Goal(_PathwayChild, TimeStampedModel, VersionedModel):
    """A SMART goal. Missing indicator or deadline is flagged in the interface, not refused:
    the référent may write a goal with the person first and make it measurable later."""

    holds_personal_data = True
    journal_parent = ("pathways.pathway", "pathway_id")

    pathway = models.ForeignKey(
        Pathway, verbose_name="parcours", on_delete=models.CASCADE, related_name="goals"
    )
    text = models.CharField("objectif", max_length=300)
    domain = models.CharField("domaine de vie", max_length=15, choices=Domain.choices, blank=True)
    indicator = models.CharField("indicateur", max_length=200, blank=True)
    target = models.CharField("cible", max_length=200, blank=True)
    deadline = models.DateField("échéance", null=True, blank=True)
    status = models.CharField(
        "statut", max_length=12, choices=GoalStatus.choices, default=GoalStatus.IN_PROGRESS
    )

    class Meta:
        verbose_name = "objectif"
        verbose_name_plural = "objectifs"
        ordering = ["pathway", "deadline", "id"]
        # The dashboards count the goals of many pathways by status from the index alone.
        indexes = [models.Index(fields=["pathway", "status"], name="goal_pathway_status")]

    def __str__(self) -> str:
        return self.text

    @property
    def smart_gaps(self) -> list[str]:
        return smart_gaps(indicator=self.indicator, target=self.target, deadline=self.deadline)


class StepKind(models.TextChoices):
    APPOINTMENT = "appointment", "Rendez-vous"
    WORKSHOP = "workshop", "Atelier"
    TRAINING = "training", "Formation"
    IMMERSION = "immersion", "Immersion professionnelle (PMSMP)"
    ADMINISTRATIVE = "administrative", "Démarche administrative"
    REFERRAL = "referral", "Orientation vers un partenaire"
    EMPLOYMENT = "employment", "Emploi"
    OTHER = "other", "Autre action"


class StepOwner(models.TextChoices):
    PERSON = "person", "La personne"
    REFERENT = "referent", "Le référent"
    PARTNER = "partner", "Un autre professionnel"


class StepStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Réalisée"
    ABANDONED = "abandoned", "Abandonnée"
    CANCELLED = "cancelled", "Annulée"
    ON_HOLD = "on_hold", "En attente"


OPEN_STEP_STATUSES = (StepStatus.PLANNED, StepStatus.IN_PROGRESS, StepStatus.ON_HOLD)


class Step(_PathwayChild, TimeStampedModel, VersionedModel):
    holds_personal_data = True
    journal_parent = ("pathways.pathway", "pathway_id")

    pathway = models.ForeignKey(
        Pathway, verbose_name="parcours", on_delete=models.CASCADE, related_name="steps"
    )
    goal = models.ForeignKey(
        Goal,
        verbose_name="objectif",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="steps",
    )
    kind = models.CharField("type d'action", max_length=15, choices=StepKind.choices)
    title = models.CharField("action", max_length=300)
    owner = models.CharField(
        "qui la porte", max_length=10, choices=StepOwner.choices, default=StepOwner.PERSON
    )
    owner_name = models.CharField("professionnel ou structure", max_length=200, blank=True)
    planned_on = models.DateField("date prévue", null=True, blank=True)
    done_on = models.DateField("date de réalisation", null=True, blank=True)
    status = models.CharField(
        "statut", max_length=12, choices=StepStatus.choices, default=StepStatus.PLANNED
    )
    outcome = models.TextField("résultat", max_length=3000, blank=True)

    class Meta:
        verbose_name = "étape"
        verbose_name_plural = "étapes"
        ordering = ["pathway", "planned_on", "id"]
        indexes = [
            # `updated_at` last: the dashboards count the steps abandoned in a period from
            # the index alone (decision 0071).
            models.Index(
                fields=["pathway", "status", "planned_on", "updated_at"],
                name="step_pathway_status",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_on__isnull=False),
                name="step_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SignatureMode(models.TextChoices):
    HANDWRITTEN = "handwritten", "Signature manuscrite sur papier"
    ELECTRONIC = "electronic", "Signature électronique"


class Contract(_PathwayChild, TimeStampedModel):
    """A version of the engagement contract. Its content is a snapshot of the goals and
    steps when it was generated; a signed version is never changed."""

    holds_personal_data = True
    journal_parent = ("pathways.pathway", "pathway_id")

    pathway = models.ForeignKey(
        Pathway, verbose_name="parcours", on_delete=models.CASCADE, related_name="contracts"
    )
    number = models.PositiveIntegerField("version")
    content = models.JSONField("contenu")
    content_hash = models.CharField(max_length=64)
    commitments_person = models.TextField("engagements de la personne", max_length=3000, blank=True)
    commitments_organisation = models.TextField(
        "engagements de la structure", max_length=3000, blank=True
    )
    generated_by = models.ForeignKey(
        "accounts.User", verbose_name="établi par", on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField("signé le", null=True, blank=True)
    signature_mode = models.CharField(
        "mode de signature", max_length=12, choices=SignatureMode.choices, blank=True
    )
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)
    # The scan of the signed paper, kept among the person's documents (people.Document):
    # its download is permission-checked and journaled there.
    signed_scan = models.ForeignKey(
        "people.Document",
        verbose_name="contrat signé numérisé",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "contrat d'engagement"
        verbose_name_plural = "contrats d'engagement"
        ordering = ["pathway", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "number"], name="contract_unique_number"),
            models.CheckConstraint(
                condition=models.Q(signed_on__isnull=True) | ~models.Q(signature_mode=""),
                name="contract_signed_has_mode",
            ),
        ]

    def __str__(self) -> str:
        return f"Contrat d'engagement v{self.number}"


class Review(_PathwayChild, TimeStampedModel):
    """A bilan (2.10, 2.14): results per goal, gaps, adjustments, risks and success factors,
    the person's view, an updated diagnostic and the next review date."""

    holds_personal_data = True
    journal_parent = ("pathways.pathway", "pathway_id")

    pathway = models.ForeignKey(
        Pathway, verbose_name="parcours", on_delete=models.CASCADE, related_name="reviews"
    )
    held_on = models.DateField("date du bilan")
    author = models.ForeignKey(
        "accounts.User", verbose_name="réalisé par", on_delete=models.PROTECT, related_name="+"
    )
    adjustments = models.TextField("ajustements décidés", max_length=5000, blank=True)
    risks = models.TextField("risques identifiés", max_length=3000, blank=True)
    success_factors = models.TextField("facteurs de réussite", max_length=3000, blank=True)
    person_view = models.TextField("point de vue de la personne", max_length=3000, blank=True)
    diagnostic = models.ForeignKey(
        "diagnostics.Diagnostic",
        verbose_name="diagnostic actualisé",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    next_review_on = models.DateField("prochain bilan", null=True, blank=True)

    class Meta:
        verbose_name = "bilan"
        verbose_name_plural = "bilans"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["pathway", "-held_on"], name="review_pathway_date")]

    def __str__(self) -> str:
        return f"Bilan du {self.held_on:%d/%m/%Y}"


class GoalResult(models.TextChoices):
    ACHIEVED = "achieved", "Atteint"
    PARTLY = "partly", "Partiellement atteint"
    NOT_ACHIEVED = "not_achieved", "Non atteint"
    ABANDONED = "abandoned", "Abandonné"


class GoalReview(models.Model):
    holds_personal_data = True
    journal_parent = ("pathways.review", "review_id")

    review = models.ForeignKey(
        Review, verbose_name="bilan", on_delete=models.CASCADE, related_name="goal_reviews"
    )
    goal = models.ForeignKey(
        Goal, verbose_name="objectif", on_delete=models.CASCADE, related_name="reviews"
    )
    result = models.CharField("résultat", max_length=12, choices=GoalResult.choices)
    gap = models.TextField("explication de l'écart", max_length=2000, blank=True)

    class Meta:
        verbose_name = "résultat d'objectif"
        verbose_name_plural = "résultats d'objectifs"
        constraints = [models.UniqueConstraint(fields=["review", "goal"], name="goalreview_unique")]

    def __str__(self) -> str:
        return self.get_result_display()


class ExitCategory(models.TextChoices):
    """Why a pathway ends, as the field says it; each category belongs to one family
    (`EXIT_FAMILY`)."""

    SUSTAINABLE_EMPLOYMENT = "sustainable_employment", "Sortie dynamique — emploi durable"
    TRANSITION_EMPLOYMENT = "transition_employment", "Sortie dynamique — emploi de transition"
    POSITIVE = "positive", "Sortie dynamique — sortie positive (formation qualifiante…)"
    REORIENTED = "reoriented", "Réorientation vers un autre référent ou dispositif"
    END_OF_RIGHTS = "end_of_rights", "Fin de droits"
    LOST_CONTACT = "lost_contact", "Perte de contact"
    ENDED_BY_PERSON = "ended_by_person", "Arrêt à l'initiative de la personne"
    MOVED = "moved", "Déménagement"
    HEALTH = "health", "Raisons de santé"
    INCARCERATION = "incarceration", "Incarcération"
    DEATH = "death", "Décès"
    OTHER = "other", "Autre sortie"


class ExitFamily(models.TextChoices):
    """The families used to count exits. Dynamic exits (emploi durable, de transition,
    sortie positive) make the rate of dynamic exits; neutral ones (move, health,
    incarceration, death) say nothing of the accompaniment's result and are set aside from
    that rate, as the insertion schemes' reporting does; the others count in it without
    being dynamic (a réorientation goes on elsewhere: not a result of this pathway)."""

    DYNAMIC = "dynamic", "Sortie dynamique"
    OTHER = "other", "Autre sortie"
    NEUTRAL = "neutral", "Sortie neutralisée (hors taux de sorties dynamiques)"


EXIT_FAMILY: dict[str, str] = {
    ExitCategory.SUSTAINABLE_EMPLOYMENT: ExitFamily.DYNAMIC,
    ExitCategory.TRANSITION_EMPLOYMENT: ExitFamily.DYNAMIC,
    ExitCategory.POSITIVE: ExitFamily.DYNAMIC,
    ExitCategory.REORIENTED: ExitFamily.OTHER,
    ExitCategory.END_OF_RIGHTS: ExitFamily.OTHER,
    ExitCategory.LOST_CONTACT: ExitFamily.OTHER,
    ExitCategory.ENDED_BY_PERSON: ExitFamily.OTHER,
    ExitCategory.OTHER: ExitFamily.OTHER,
    ExitCategory.MOVED: ExitFamily.NEUTRAL,
    ExitCategory.HEALTH: ExitFamily.NEUTRAL,
    ExitCategory.INCARCERATION: ExitFamily.NEUTRAL,
    ExitCategory.DEATH: ExitFamily.NEUTRAL,
}

DYNAMIC_EXITS = tuple(c for c, family in EXIT_FAMILY.items() if family == ExitFamily.DYNAMIC)


class Exit(_PathwayChild, TimeStampedModel):
    holds_personal_data = True
    journal_parent = ("pathways.pathway", "pathway_id")

    pathway = models.OneToOneField(
        Pathway, verbose_name="parcours", on_delete=models.CASCADE, related_name="exit"
    )
    exited_on = models.DateField("date de sortie")
    category = models.CharField("type de sortie", max_length=25, choices=ExitCategory.choices)
    comment = models.TextField("commentaire", max_length=3000, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name="saisie par", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "sortie"
        verbose_name_plural = "sorties"

    @property
    def is_dynamic(self) -> bool:
        return self.category in DYNAMIC_EXITS

    @property
    def family(self) -> str:
        return EXIT_FAMILY.get(self.category, ExitFamily.OTHER)

    def get_family_display(self) -> str:
        return ExitFamily(self.family).label


class NoteKind(models.TextChoices):
    INTERVIEW = "interview", "Compte rendu d'entretien"
    PHONE = "phone", "Appel téléphonique"
    HOME_VISIT = "home_visit", "Visite à domicile"
    OTHER = "other", "Autre écrit"


class NoteVisibility(models.TextChoices):
    AUTHOR = "author", "Moi seul·e"
    ORGANISATION = "organisation", "Ma structure"
    TEAM = "team", "L'équipe de coordination de la personne"
    # Written for the person: read by the organisation and by the person in their space
    # (relais.person_space); never by the coordination team's partners.
    PERSON = "person", "La personne, dans son espace personnel (et ma structure)"


class Note(_PersonChild, TimeStampedModel, VersionedModel):
    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="notes"
    )
    pathway = models.ForeignKey(
        Pathway,
        verbose_name="parcours",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notes",
    )
    kind = models.CharField(
        "type d'écrit", max_length=12, choices=NoteKind.choices, default=NoteKind.INTERVIEW
    )
    occurred_on = models.DateField("date de l'échange")
    body = models.TextField("contenu", max_length=20000)
    visibility = models.CharField(
        "visible par",
        max_length=12,
        choices=NoteVisibility.choices,
        default=NoteVisibility.ORGANISATION,
    )
    author = models.ForeignKey(
        "accounts.User", verbose_name="auteur", on_delete=models.PROTECT, related_name="+"
    )
    writing_flags = models.JSONField("alertes de rédaction acceptées", default=list, blank=True)

    class Meta:
        verbose_name = "écrit professionnel"
        verbose_name_plural = "écrits professionnels"
        ordering = ["-occurred_on", "-id"]
        # The kind last: an organisation's dashboard counts a period's notes by kind from
        # the index alone (decision 0071).
        indexes = [models.Index(fields=["person", "-occurred_on", "kind"], name="note_person_date")]


class NoteDraft(TimeStampedModel):
    """The text of a note being typed, saved as the user types so that nothing is lost if
    the session expires or the network drops. One draft per author and person."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "author"], name="notedraft_unique")
        ]

    @property
    def journal_person_id(self) -> int:
        return self.person_id


class Participation(models.TextChoices):
    PLANNED = "planned", "Prévu"
    SEEN = "seen", "Honoré"
    EXCUSED = "excused", "Excusé"
    CANCELLED = "cancelled", "Annulé"
    NO_SHOW = "no_show", "Absent sans prévenir"


class Appointment(_PersonChild, TimeStampedModel, VersionedModel):
    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey(
        "people.Person",
        verbose_name="personne",
        on_delete=models.CASCADE,
        related_name="appointments",
    )
    pathway = models.ForeignKey(
        Pathway,
        verbose_name="parcours",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
    starts_at = models.DateTimeField("date et heure")
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", default=45)
    location = models.CharField("lieu", max_length=200, blank=True)
    purpose = models.CharField("objet", max_length=200)
    with_user = models.ForeignKey(
        "accounts.User", verbose_name="avec", on_delete=models.PROTECT, related_name="+"
    )
    participation = models.CharField(
        "participation", max_length=10, choices=Participation.choices, default=Participation.PLANNED
    )
    # Set once the reminder was queued (relais.pathways.agenda.appointment_reminders_send):
    # a second run of the scheduled command never sends it again.
    reminder_sent_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["-starts_at"]
        indexes = [
            # Participation last: the dashboards count from the index alone (decision 0071).
            models.Index(
                fields=["person", "-starts_at", "participation"], name="appointment_person_date"
            ),
            models.Index(fields=["with_user", "starts_at"], name="appointment_user_date"),
        ]


class CalendarFeed(TimeStampedModel):
    """A professional's subscription link to their appointments (ICS), for one organisation.
    Only the SHA-256 of the secret is stored (decision 0008); a new link revokes the previous
    one, and a revoked link answers 404."""

    user = models.ForeignKey(
        "accounts.User",
        verbose_name="professionnel",
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure",
        on_delete=models.CASCADE,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    last_used_at = models.DateTimeField("dernière lecture", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "abonnement d'agenda"
        verbose_name_plural = "abonnements d'agenda"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "organisation"], name="calendarfeed_user_org")]

    def __str__(self) -> str:
        return f"{self.prefix}…"


# Registered with Django here; defined in their own module (incidents and safety flags).
from relais.pathways.collective_models import InfoSession, Registration  # noqa: E402, F401
from relais.pathways.practice_models import (  # noqa: E402, F401
    CasePresentation,
    PeerSession,
    ReflectiveEntry,
)
from relais.pathways.safety_models import Incident, SafetyFlag  # noqa: E402, F401
