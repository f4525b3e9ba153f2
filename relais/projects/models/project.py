"""A collective project: its sheet (purpose, public, needs, SMART objectives), partners and
meetings, budget, team, risks, SWOT, journal and impact indicators. Organisation records:
none of them names an accompanied person (participants are in `workshop.py`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from relais.core.models import TimeStampedModel, VersionedModel
from relais.core.smart import smart_gaps


class ProjectStatus(models.TextChoices):
    DESIGN = "design", "En conception"
    RUNNING = "running", "En cours"
    CLOSED = "closed", "Terminé"
    ABANDONED = "abandoned", "Abandonné"


class Project(TimeStampedModel, VersionedModel):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure porteuse",
        on_delete=models.CASCADE,
        related_name="projects",
    )
    title = models.CharField("intitulé", max_length=200)
    purpose = models.TextField("finalité", max_length=4000)
    public = models.CharField("public visé", max_length=80, blank=True)
    public_detail = models.CharField("précisions sur le public", max_length=300, blank=True)
    commune_code = models.CharField("commune (code INSEE)", max_length=5, blank=True)
    thematiques = models.JSONField("thématiques", default=list, blank=True)
    starts_on = models.DateField("début prévu", null=True, blank=True)
    ends_on = models.DateField("fin prévue", null=True, blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.DESIGN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "projet collectif"
        verbose_name_plural = "projets collectifs"
        ordering = ["title", "id"]
        indexes = [
            models.Index(fields=["organisation", "status", "title"], name="project_org_status"),
            models.Index(fields=["organisation", "title"], name="project_org_title"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProjectTransition(models.Model):
    """One change of a project's status: who, when, from, to, why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=ProjectStatus.choices)
    to_status = models.CharField(max_length=10, choices=ProjectStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField("motif", max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "changement de statut"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class ProjectNeed(TimeStampedModel):
    """A need the project answers: a barrier of the diagnostics' vocabulary (what
    caseloads show), an observed need of the territory (see `relais.projects.needs`), or
    plain text — at least one of them."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="needs")
    barrier_code = models.CharField("frein", max_length=40, blank=True)
    observed_need = models.CharField("besoin observé du territoire", max_length=100, blank=True)
    text = models.CharField("besoin", max_length=500, blank=True)

    class Meta:
        verbose_name = "besoin"
        ordering = ["id"]


class Objective(TimeStampedModel, VersionedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="objectives")
    text = models.CharField("objectif", max_length=300)
    indicator = models.CharField("indicateur", max_length=200, blank=True)
    baseline = models.CharField("valeur de départ", max_length=100, blank=True)
    target = models.CharField("cible", max_length=100, blank=True)
    deadline = models.DateField("échéance", null=True, blank=True)

    class Meta:
        verbose_name = "objectif"
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def smart_gaps(self) -> list[str]:
        return smart_gaps(
            indicator=self.indicator,
            baseline=self.baseline,
            target=self.target,
            deadline=self.deadline,
        )


CONTRIBUTION_LABELS = {
    "money": "Financement",
    "staff": "Temps de personnel",
    "premises": "Locaux",
    "referrals": "Orientation de participants",
    "equipment": "Matériel",
    "expertise": "Expertise",
}


class Partner(TimeStampedModel):
    """A partner of the project: an organisation of the directory, or an external one
    named in `name`. `contributions`: keys of CONTRIBUTION_LABELS."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure de l'annuaire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField("partenaire hors annuaire", max_length=200, blank=True)
    contributions = models.JSONField("apports", default=list, blank=True)
    contribution_detail = models.CharField("détail des apports", max_length=500, blank=True)
    stakes = models.CharField("enjeux pour le partenaire", max_length=500, blank=True)

    class Meta:
        verbose_name = "partenaire"
        ordering = ["id"]

    @property
    def display_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.name

    @property
    def contribution_labels(self) -> list[str]:
        return [CONTRIBUTION_LABELS.get(c, c) for c in self.contributions]


class MeetingKind(models.TextChoices):
    CO_CONSTRUCTION = "co_construction", "Co-construction (public, partenaires)"
    REGULATION = "regulation", "Réunion de régulation"
    STEERING = "steering", "Comité de pilotage"


class Meeting(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField("type", max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField("date")
    participants = models.CharField("participants", max_length=500, blank=True)
    minutes = models.TextField("compte rendu", max_length=10000, blank=True)

    class Meta:
        verbose_name = "réunion"
        ordering = ["-held_on", "-id"]


class ProjectMember(TimeStampedModel):
    """The project team: a professional of Relais or a named outside person, and their role."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField("nom (hors Relais)", max_length=200, blank=True)
    role = models.CharField("rôle", max_length=200)

    class Meta:
        verbose_name = "membre de l'équipe projet"
        ordering = ["id"]

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name() or self.user.email
        return self.name


class BudgetKind(models.TextChoices):
    EXPENSE = "expense", "Charge"
    RESOURCE = "resource", "Produit"


class ExpenseCategory(models.TextChoices):
    STAFF = "staff", "Frais de personnel"
    PREMISES = "premises", "Locaux"
    EQUIPMENT = "equipment", "Matériel et fournitures"
    TRAVEL = "travel", "Déplacements"
    SERVICES = "services", "Prestations extérieures"
    COMMUNICATION = "communication", "Communication"
    VALUED = "valued", "Contributions en nature valorisées"
    OTHER = "other", "Autres charges"


class FundingStatus(models.TextChoices):
    SECURED = "secured", "Acquis"
    REQUESTED = "requested", "Demandé"


class BudgetLine(TimeStampedModel):
    """A line of the budget: an expense by category, or a resource by funder with whether
    it is secured or only requested. Amounts in euros, never negative."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField("nature", max_length=10, choices=BudgetKind.choices)
    category = models.CharField(
        "catégorie", max_length=15, choices=ExpenseCategory.choices, blank=True
    )
    funder = models.CharField("financeur", max_length=200, blank=True)
    funding_status = models.CharField(
        "état du financement", max_length=10, choices=FundingStatus.choices, blank=True
    )
    label = models.CharField("libellé", max_length=200)
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "ligne de budget"
        ordering = ["kind", "category", "funder", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budget_line_amount_not_negative"
            )
        ]


class Risk(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risks")
    description = models.CharField("risque", max_length=300)
    probability = models.PositiveSmallIntegerField("probabilité (1 à 3)")
    impact = models.PositiveSmallIntegerField("impact (1 à 3)")
    mitigation = models.CharField("mesure de prévention", max_length=500, blank=True)
    owner_name = models.CharField("responsable", max_length=200, blank=True)

    class Meta:
        verbose_name = "risque"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    probability__gte=1, probability__lte=3, impact__gte=1, impact__lte=3
                ),
                name="risk_scales",
            )
        ]

    @property
    def score(self) -> int:
        return self.probability * self.impact


class SwotQuadrant(models.TextChoices):
    STRENGTH = "strength", "Forces"
    WEAKNESS = "weakness", "Faiblesses"
    OPPORTUNITY = "opportunity", "Opportunités"
    THREAT = "threat", "Menaces"


class SwotItem(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="swot_items")
    quadrant = models.CharField("case", max_length=12, choices=SwotQuadrant.choices)
    text = models.CharField("élément", max_length=300)

    class Meta:
        verbose_name = "élément de l'analyse AFOM"
        ordering = ["quadrant", "id"]


class ProjectLogEntry(TimeStampedModel):
    """The project journal: what happened, dated, by whom. Never a person's name."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="log_entries")
    written_on = models.DateField("date")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField("fait marquant", max_length=4000)

    class Meta:
        verbose_name = "entrée du journal de projet"
        ordering = ["-written_on", "-id"]


class Indicator(TimeStampedModel):
    """An impact indicator measured over time against its target."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    objective = models.ForeignKey(
        Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators"
    )
    name = models.CharField("indicateur", max_length=200)
    unit = models.CharField("unité", max_length=40, blank=True)
    baseline = models.DecimalField("valeur de départ", max_digits=12, decimal_places=2)
    target = models.DecimalField("cible", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "indicateur d'impact"
        ordering = ["id"]


class Measurement(TimeStampedModel):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField("date de mesure")
    value = models.DecimalField("valeur", max_digits=12, decimal_places=2)
    comment = models.CharField("commentaire", max_length=300, blank=True)

    class Meta:
        verbose_name = "mesure"
        ordering = ["measured_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"], name="measurement_one_per_day"
            )
        ]
