"""A certification's referential, loaded from the versioned data files of
`relais/certification/data/` (see `relais.certification.referentials`): certification →
blocks → competences; blocks → evaluation modalities → criteria. Public data: no personal
data, read by anyone (the API serves it without a token)."""

from __future__ import annotations

from django.db import models

from relais.core.models import TimeStampedModel


class CertificationKind(models.TextChoices):
    RNCP = "rncp", "RNCP"
    RS = "rs", "Répertoire spécifique"


class Certification(TimeStampedModel):
    code = models.CharField("code", max_length=40, unique=True)
    kind = models.CharField("répertoire", max_length=4, choices=CertificationKind.choices)
    data_version = models.CharField("version du référentiel", max_length=20)
    title = models.CharField("intitulé", max_length=250)
    level = models.PositiveSmallIntegerField("niveau", null=True, blank=True)
    nsf_codes = models.JSONField("codes NSF", default=list)
    formacodes = models.JSONField("Formacodes", default=list)
    rome_codes = models.JSONField("codes ROME", default=list)
    certifier_name = models.CharField("certificateur", max_length=250)
    certifier_siret = models.CharField("SIRET du certificateur", max_length=14, blank=True)
    registered_on = models.DateField("date d'enregistrement", null=True, blank=True)
    registration_ends_on = models.DateField("échéance de l'enregistrement", null=True, blank=True)
    last_delivery_on = models.DateField("dernière délivrance possible", null=True, blank=True)
    source = models.CharField("document source", max_length=300)
    acquisition = models.TextField("modalités d'acquisition", blank=True)
    block_validity_years = models.PositiveSmallIntegerField(
        "validité des blocs acquis (années)", null=True, blank=True
    )
    # The rules of the fiche that vary by certification (prerequisites, jury compositions,
    # access routes, placement hours), read by relais.certification.rules.
    rules = models.JSONField("règles de la fiche", default=dict)

    class Meta:
        verbose_name = "certification"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def placement_hours(self) -> int | None:
        """Practical placement hours required before the oral without experience of
        accompanying vulnerable persons (the RS), or None."""
        return (self.rules or {}).get("placement_hours")


class Block(models.Model):
    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="blocks"
    )
    code = models.CharField("code", max_length=60)
    title = models.CharField("intitulé", max_length=250)
    position = models.PositiveSmallIntegerField(default=0)
    acquired_alone = models.BooleanField("peut être acquis seul", default=True)
    is_final = models.BooleanField("épreuves finales", default=False)

    class Meta:
        verbose_name = "bloc de compétences"
        verbose_name_plural = "blocs de compétences"
        ordering = ["certification", "position"]
        constraints = [
            models.UniqueConstraint(fields=["certification", "code"], name="cert_block_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class Competence(models.Model):
    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="competences")
    code = models.CharField("code", max_length=60)
    title = models.TextField("compétence")
    activity = models.CharField("activité", max_length=250, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "compétence"
        ordering = ["block", "position"]
        constraints = [
            models.UniqueConstraint(fields=["block", "code"], name="cert_competence_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class ModalityKind(models.TextChoices):
    CASE_STUDY = "case_study", "Étude de cas"
    PROFESSIONAL_FILE = "professional_file", "Dossier professionnel"
    ORAL = "oral", "Soutenance orale"
    CONTINUOUS = "continuous", "Contrôle continu"
    SIMULATION = "simulation", "Mise en situation"
    INTERVIEW = "interview", "Entretien"
    WRITTEN = "written", "Épreuve écrite"
    MEMOIR = "memoir", "Mémoire professionnel"


class Modality(models.Model):
    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="modalities")
    code = models.CharField("code", max_length=60)
    kind = models.CharField("type", max_length=20, choices=ModalityKind.choices)
    title = models.CharField("intitulé", max_length=300)
    pages = models.PositiveSmallIntegerField("pages", null=True, blank=True)
    minutes = models.PositiveSmallIntegerField("durée (minutes)", null=True, blank=True)
    hours = models.PositiveSmallIntegerField("durée (heures)", null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "modalité d'évaluation"
        verbose_name_plural = "modalités d'évaluation"
        ordering = ["block", "position"]
        constraints = [
            models.UniqueConstraint(fields=["block", "code"], name="cert_modality_code_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def format_label(self) -> str:
        parts = []
        if self.pages:
            parts.append(f"{self.pages} pages")
        if self.hours:
            parts.append(f"{self.hours} h")
        if self.minutes:
            parts.append(f"{self.minutes} minutes")
        return ", ".join(parts)


class Criterion(models.Model):
    modality = models.ForeignKey(Modality, on_delete=models.CASCADE, related_name="criteria")
    competence = models.ForeignKey(
        Competence, on_delete=models.CASCADE, related_name="criteria", null=True, blank=True
    )
    code = models.CharField("code", max_length=60)
    text = models.TextField("critère")
    # True when the fiche publishes no grid: one criterion per competence, written from it.
    derived = models.BooleanField("déduit de la compétence", default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "critère d'évaluation"
        verbose_name_plural = "critères d'évaluation"
        ordering = ["modality", "position"]
        constraints = [
            models.UniqueConstraint(fields=["modality", "code"], name="cert_criterion_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Correspondence(models.Model):
    """A former version recognised in correspondence: its acquired blocks carry over
    (`block_map`: former block code → block code of this version)."""

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="correspondences"
    )
    former_code = models.CharField("code de la version antérieure", max_length=40)
    former_title = models.CharField("intitulé de la version antérieure", max_length=250)
    total = models.BooleanField("correspondance totale", default=True)
    block_map = models.JSONField("blocs en correspondance", default=dict)

    class Meta:
        verbose_name = "correspondance"
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "former_code"], name="cert_correspondence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.former_code} → {self.certification.code}"
