"""Incidents (difficult situations: stress, aggression, violence) and the safety flags they
may raise on a person's record (referential 2.3).

An incident's account stays with the accompaniment (référents, managers); the flag is the
only thing reception sees: a short instruction (« ne pas recevoir seul·e »), never the
story behind it. Imported by `relais.pathways.models` so that Django registers them."""

from __future__ import annotations

from django.db import models

from relais.core.models import TimeStampedModel


class _PersonChild:
    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.organisation_id


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Suivi en cours"
    CLOSED = "closed", "Suivi terminé"


class Incident(_PersonChild, TimeStampedModel):
    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="+"
    )
    occurred_on = models.DateField("date de l'incident")
    description = models.TextField("ce qui s'est passé", max_length=5000)
    present = models.CharField("personnes présentes", max_length=300, blank=True)
    follow_up = models.TextField("suite décidée", max_length=2000)
    status = models.CharField(
        "statut", max_length=8, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    author = models.ForeignKey(
        "accounts.User", verbose_name="rédigé par", on_delete=models.PROTECT, related_name="+"
    )
    writing_flags = models.JSONField("alertes de rédaction acceptées", default=list, blank=True)
    closed_at = models.DateTimeField("suivi terminé le", null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closing_note = models.CharField("bilan du suivi", max_length=500, blank=True)

    class Meta:
        verbose_name = "incident"
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_on"], name="incident_person_date"),
            models.Index(fields=["organisation", "status", "-occurred_on"], name="incident_open"),
        ]

    def __str__(self) -> str:
        return f"Incident du {self.occurred_on:%d/%m/%Y}"


class SafetyFlagKind(models.TextChoices):
    NOT_ALONE = "not_alone", "Ne pas recevoir seul·e"
    TWO_PROFESSIONALS = "two", "Recevoir à deux professionnel·les"
    NEAR_EXIT = "near_exit", "Recevoir dans un bureau proche de la sortie"
    ALERT_MANAGER = "manager", "Prévenir le ou la responsable avant l'entretien"
    OTHER = "other", "Autre consigne"


class SafetyFlag(_PersonChild, TimeStampedModel):
    """A standing instruction for whoever receives the person. Lifted, never deleted: who
    raised it, who lifted it and why stay on record."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="+"
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags"
    )
    kind = models.CharField("consigne", max_length=10, choices=SafetyFlagKind.choices)
    instruction = models.CharField("précision", max_length=150, blank=True)
    review_on = models.DateField("à réexaminer le", null=True, blank=True)
    raised_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name="posée par"
    )
    lifted_at = models.DateTimeField("levée le", null=True, blank=True)
    lifted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lift_reason = models.CharField("motif de la levée", max_length=500, blank=True)

    class Meta:
        verbose_name = "consigne de sécurité"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "lifted_at"], name="safetyflag_person")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lifted_at__isnull=True) | ~models.Q(lift_reason=""),
                name="safetyflag_lift_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        text = self.get_kind_display()
        return f"{text} : {self.instruction}" if self.instruction else text

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
