"""Evaluations on criteria grids, jury sessions (members, candidates, deliberation per
block), acquired blocks (capitalisation) and certificates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from relais.core.models import TimeStampedModel, VersionedModel


class ScoreLevel(models.TextChoices):
    MET = "met", "Atteint"
    PARTLY = "partly", "Partiellement atteint"
    NOT_MET = "not_met", "Non atteint"


class Evaluation(TimeStampedModel, VersionedModel):
    """One modality of a block evaluated for one enrolment: scheduled, then scored.

    A modality whose fiche publishes no criteria (an oral, a simulation, an interview of
    RNCP41885 or RNCP16575) is scored as a whole: one level, with evidence and a comment, on
    the evaluation itself. A modality with criteria is scored criterion by criterion and
    leaves these fields empty."""

    enrolment = models.ForeignKey(
        "certification.Enrolment", on_delete=models.CASCADE, related_name="evaluations"
    )
    modality = models.ForeignKey(
        "certification.Modality", on_delete=models.PROTECT, related_name="evaluations"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scheduled_on = models.DateField("prévue le", null=True, blank=True)
    scored_on = models.DateField("notée le", null=True, blank=True)
    overall_level = models.CharField(
        "appréciation d'ensemble", max_length=8, choices=ScoreLevel.choices, blank=True
    )
    overall_evidence = models.TextField("éléments de preuve", blank=True)
    overall_comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "évaluation"
        ordering = ["modality__block__position", "modality__position"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "modality"], name="cert_evaluation_unique")
        ]
        # The organisation's calendar of scheduled written files and orals.
        indexes = [models.Index(fields=["scheduled_on"], name="cert_evaluation_scheduled")]


class CriterionScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        "certification.Criterion", on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField("niveau", max_length=8, choices=ScoreLevel.choices)
    evidence = models.TextField("éléments de preuve", blank=True)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="cert_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id} : {self.level}"


class JuryStatus(models.TextChoices):
    PLANNED = "planned", "Prévu"
    CONSTITUTED = "constituted", "Composition validée"
    DELIBERATED = "deliberated", "Délibéré"


class JurySession(TimeStampedModel, VersionedModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="jury_sessions"
    )
    certification = models.ForeignKey(
        "certification.Certification", on_delete=models.PROTECT, related_name="jury_sessions"
    )
    held_on = models.DateField("date du jury")
    for_vae = models.BooleanField("jury de VAE", default=False)
    status = models.CharField(
        "statut", max_length=12, choices=JuryStatus.choices, default=JuryStatus.PLANNED
    )
    enrolments = models.ManyToManyField(
        "certification.Enrolment", related_name="jury_sessions", blank=True
    )
    minutes_signed_at = models.DateTimeField("procès-verbal signé le", null=True, blank=True)
    minutes_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="procès-verbal signé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "session de jury"
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["organisation", "held_on"], name="cert_jury_org_date")]

    def __str__(self) -> str:
        return f"Jury {self.certification.code} du {self.held_on:%d/%m/%Y}"


class MemberQuality(models.TextChoices):
    ACADEMIC = "academic", "Universitaire"
    INSTITUTIONAL = "institutional", "Institutionnel"
    PROFESSIONAL = "professional", "Professionnel"
    HEALTH_SOCIAL = "health_social", "Professionnel du secteur santé-social"


class JuryMember(models.Model):
    session = models.ForeignKey(JurySession, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField("nom", max_length=200)
    quality = models.CharField("qualité", max_length=15, choices=MemberQuality.choices)
    is_president = models.BooleanField("président", default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    employer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure employeuse",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The employer the member declares when it is not an organisation of the platform:
    # compared with the candidates' employers (normalised name, or SIREN when both known).
    employer_name = models.CharField("employeur déclaré", max_length=200, blank=True)
    employer_siret = models.CharField("SIRET de l'employeur", max_length=14, blank=True)

    class Meta:
        ordering = ["-is_president", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "full_name"], name="cert_jury_member_unique"
            ),
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(is_president=True),
                name="cert_jury_one_president",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class BlockDecision(models.Model):
    session = models.ForeignKey(JurySession, on_delete=models.CASCADE, related_name="decisions")
    enrolment = models.ForeignKey(
        "certification.Enrolment", on_delete=models.CASCADE, related_name="decisions"
    )
    block = models.ForeignKey("certification.Block", on_delete=models.PROTECT, related_name="+")
    validated = models.BooleanField("validé")
    reasons = models.TextField("motifs", blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment", "block"], name="cert_decision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.block_id} : {'validé' if self.validated else 'non validé'}"


class AcquiredVia(models.TextChoices):
    JURY = "jury", "Décision de jury"
    EQUIVALENCE = "equivalence", "Équivalence"
    CORRESPONDENCE = "correspondence", "Correspondance avec une version antérieure"


class BlockAcquisition(models.Model):
    """A block kept (capitalised) by an enrolment, with its validity."""

    enrolment = models.ForeignKey(
        "certification.Enrolment", on_delete=models.CASCADE, related_name="acquisitions"
    )
    block = models.ForeignKey("certification.Block", on_delete=models.PROTECT, related_name="+")
    acquired_on = models.DateField("acquis le")
    via = models.CharField("par", max_length=15, choices=AcquiredVia.choices)
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "block"], name="cert_acquisition_unique")
        ]
        indexes = [models.Index(fields=["block", "acquired_on"], name="cert_acq_block_date")]

    def __str__(self) -> str:
        return f"{self.block_id} acquis le {self.acquired_on:%d/%m/%Y}"


class Certificate(TimeStampedModel):
    """A certificate (the whole certification) or a block attestation, with a unique number
    that cannot be guessed: the public verification page finds it by that number only."""

    enrolment = models.ForeignKey(
        "certification.Enrolment", on_delete=models.PROTECT, related_name="certificates"
    )
    block = models.ForeignKey(
        "certification.Block", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    number = models.CharField("numéro", max_length=40, unique=True)
    issued_on = models.DateField("délivré le")
    # What the certificate states, frozen at issue: the public page shows this and nothing else.
    holder_name = models.CharField("titulaire", max_length=310)
    title = models.CharField("intitulé", max_length=400)

    class Meta:
        verbose_name = "certificat"
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=models.Q(block__isnull=True),
                name="cert_one_certificate_per_enrolment",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "block"],
                condition=models.Q(block__isnull=False),
                name="cert_one_attestation_per_block",
            ),
        ]
