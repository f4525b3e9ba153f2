"""The shared diagnostic: a dated assessment, domain by domain, co-built with the person.

A new diagnostic is made at each review; old ones are kept, so that the evolution
("distance parcourue") can be shown domain by domain."""

from __future__ import annotations

from django.db import models

from relais.core.models import TimeStampedModel, VersionedModel
from relais.diagnostics.domains import Difficulty, Domain


class Urgency(models.IntegerChoices):
    NONE = 0, "Pas d'urgence"
    WATCH = 1, "À surveiller"
    HIGH = 2, "Urgent (sous 7 jours)"
    IMMEDIATE = 3, "Immédiat (aujourd'hui)"


class Diagnostic(TimeStampedModel, VersionedModel):
    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey(
        "people.Person",
        verbose_name="personne",
        on_delete=models.CASCADE,
        related_name="diagnostics",
    )
    assessed_on = models.DateField("date du diagnostic")
    author = models.ForeignKey(
        "accounts.User", verbose_name="réalisé par", on_delete=models.PROTECT, related_name="+"
    )
    validated_with_person_on = models.DateField("validé avec la personne le", null=True, blank=True)
    person_expectations = models.TextField(
        "attentes de la personne, avec ses mots", max_length=5000, blank=True
    )
    # Facts that drive the urgency rules (relais.diagnostics.urgency).
    no_shelter_tonight = models.BooleanField("sans solution d'hébergement ce soir", default=False)
    no_resources = models.BooleanField("aucune ressource", default=False)
    violence = models.BooleanField("violences subies ou en danger", default=False)
    health_emergency = models.BooleanField("urgence de santé", default=False)
    eviction_on = models.DateField("date d'expulsion prévue", null=True, blank=True)
    urgency_suggested = models.PositiveSmallIntegerField(
        "urgence suggérée", choices=Urgency.choices, default=Urgency.NONE
    )
    urgency_reasons = models.JSONField("raisons de l'urgence suggérée", default=list, blank=True)
    urgency = models.PositiveSmallIntegerField(
        "degré d'urgence retenu", choices=Urgency.choices, default=Urgency.NONE
    )
    urgency_override_reason = models.TextField(
        "justification du degré retenu", max_length=2000, blank=True
    )
    # Derived figures, never typed: kept by relais.diagnostics.sequence at every write of a
    # diagnostic, its assessments or the person's sequence (decision 0069), so that the
    # territory's observed needs read one narrow row per person.
    superseded_on = models.DateField(
        "remplacé le",
        null=True,
        blank=True,
        editable=False,
        help_text="Date du diagnostic suivant de la personne (vide : le plus récent).",
    )
    significant_domains = models.PositiveIntegerField(
        "domaines en difficulté importante ou bloquante", default=0, editable=False
    )
    blocking_domains = models.PositiveIntegerField(
        "domaines en difficulté bloquante", default=0, editable=False
    )
    significant_barriers = models.TextField(
        "freins des domaines en difficulté", blank=True, default="", editable=False
    )

    class Meta:
        verbose_name = "diagnostic"
        verbose_name_plural = "diagnostics"
        ordering = ["-assessed_on", "-id"]
        indexes = [
            models.Index(fields=["person", "-assessed_on"], name="diagnostic_person_date"),
            models.Index(fields=["assessed_on", "superseded_on"], name="diagnostic_period_latest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(urgency__lte=3), name="diagnostic_urgency_range"
            ),
            models.CheckConstraint(
                condition=models.Q(urgency=models.F("urgency_suggested"))
                | ~models.Q(urgency_override_reason=""),
                name="diagnostic_override_justified",
            ),
        ]

    def __str__(self) -> str:
        return f"Diagnostic du {self.assessed_on:%d/%m/%Y}"

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.person.organisation_id

    @property
    def is_overridden(self) -> bool:
        return self.urgency != self.urgency_suggested


class DomainAssessment(models.Model):
    holds_personal_data = True
    journal_parent = ("diagnostics.diagnostic", "diagnostic_id")

    diagnostic = models.ForeignKey(
        Diagnostic, verbose_name="diagnostic", on_delete=models.CASCADE, related_name="assessments"
    )
    domain = models.CharField("domaine de vie", max_length=15, choices=Domain.choices)
    situation = models.TextField("situation", max_length=5000, blank=True)
    difficulty = models.PositiveSmallIntegerField(
        "niveau de difficulté", choices=Difficulty.choices, null=True, blank=True
    )
    strengths = models.TextField("atouts", max_length=3000, blank=True)
    barriers = models.JSONField("freins", default=list, blank=True)
    barriers_other = models.CharField("autres freins", max_length=500, blank=True)
    person_words = models.TextField(
        "paroles et souhaits de la personne", max_length=3000, blank=True
    )

    class Meta:
        verbose_name = "évaluation d'un domaine"
        verbose_name_plural = "évaluations des domaines"
        ordering = ["diagnostic", "domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "domain"], name="assessment_unique_domain"
            ),
            models.CheckConstraint(
                condition=models.Q(difficulty__isnull=True) | models.Q(difficulty__lte=3),
                name="assessment_difficulty_range",
            ),
        ]

    def __str__(self) -> str:
        return self.get_domain_display()

    @property
    def journal_person_id(self) -> int:
        return self.diagnostic.person_id
