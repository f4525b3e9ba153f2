"""Synthesis reports for a commission or a prescriber (referential 2.6 « rendre compte »:
RSA équipe pluridisciplinaire, CDIAE, MDPH, a prescriber).

A report keeps what it contained when it was produced (`content`: the sections as
rendered, the refused sections with their reason), so that the PDF can be given again as
it was and the person's right-of-access export lists exactly what left the organisation.
Imported by `relais.records.models`."""

from __future__ import annotations

from django.db import models

from relais.core.models import TimeStampedModel


class SynthesisPurpose(models.TextChoices):
    RSA_TEAM = "rsa_team", "Équipe pluridisciplinaire RSA"
    CDIAE = "cdiae", "CDIAE (insertion par l'activité économique)"
    MDPH = "mdph", "MDPH"
    PRESCRIBER = "prescriber", "Prescripteur"
    OTHER = "other", "Autre commission"


class SynthesisSection(models.TextChoices):
    SITUATION = "situation", "Situation"
    DIAGNOSTIC = "diagnostic", "Diagnostic (domaines de vie)"
    PATHWAY = "pathway", "Parcours et étapes"
    REVIEWS = "reviews", "Bilans"
    PROPOSAL = "proposal", "Proposition et avis de la personne"


class SynthesisStatus(models.TextChoices):
    PRODUCED = "produced", "Produite"
    SENT = "sent", "Transmise"


class SendingMethod(models.TextChoices):
    SECURE_EMAIL = "secure_email", "Messagerie sécurisée"
    MAIL = "mail", "Courrier"
    HANDED = "handed", "Remise en commission"
    PLATFORM = "platform", "Plateforme du destinataire"


class SynthesisReport(TimeStampedModel):
    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="destinataire",
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField("pour", max_length=12, choices=SynthesisPurpose.choices)
    sections = models.JSONField("sections transmises", default=list)
    refused = models.JSONField("sections refusées", default=list, blank=True)
    content = models.JSONField("contenu", default=list)
    proposal = models.TextField("proposition", max_length=5000, blank=True)
    person_view = models.TextField("avis de la personne", max_length=3000, blank=True)
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=8, choices=SynthesisStatus.choices, default=SynthesisStatus.PRODUCED
    )
    sent_on = models.DateField("transmise le", null=True, blank=True)
    sent_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sending_method = models.CharField(
        "moyen de transmission", max_length=12, choices=SendingMethod.choices, blank=True
    )

    class Meta:
        verbose_name = "synthèse pour une commission"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "-created_at"], name="synthesis_person")]

    def __str__(self) -> str:
        return f"Synthèse du {self.created_at:%d/%m/%Y}"

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.organisation_id
