"""Candidates (professionals working toward a certification), their enrolments with the
access route, the collective VAE groups a federation opens, positioning tests, funded
accompaniment hours, equivalences, the individual training plan and follow-up surveys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from relais.core.models import TimeStampedModel, VersionedModel


class BodyKind(models.TextChoices):
    CERTIFIER = "certifier", "Certificateur"
    TRAINING = "training", "Organisme de formation"
    FEDERATION = "federation", "Fédération (VAE collective)"


class CertificationBody(TimeStampedModel):
    """What an organisation is in the certification process. Kept here rather than as new
    kinds of `Organisation`: a federation or a certifier is an organisation like the others,
    this module only needs to know its part in the process."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="certification_body"
    )
    kind = models.CharField("rôle", max_length=12, choices=BodyKind.choices)
    certifications = models.ManyToManyField(
        "certification.Certification", blank=True, related_name="bodies"
    )

    class Meta:
        verbose_name = "structure de certification"

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_kind_display()})"


class CandidateQuerySet(models.QuerySet):
    def of_organisation(self, organisation) -> CandidateQuerySet:
        return self.filter(organisation=organisation)


class Candidate(TimeStampedModel, VersionedModel):
    holds_personal_data = True

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="candidates"
    )
    last_name = models.CharField("nom", max_length=150)
    first_name = models.CharField("prénom", max_length=150)
    birth_date = models.DateField("date de naissance")
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    employer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="employeur (structure adhérente)",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employed_candidates",
    )
    employer_name = models.CharField("employeur", max_length=200, blank=True)
    # Checked against the jury members' employers (conflicts of interest); empty: unknown.
    employer_siret = models.CharField("SIRET de l'employeur", max_length=14, blank=True)
    job_title = models.CharField("fonction", max_length=200, blank=True)
    diploma_level = models.PositiveSmallIntegerField("niveau du plus haut diplôme", default=0)
    foreign_diploma = models.BooleanField("diplôme obtenu à l'étranger", default=False)
    experience_years = models.DecimalField(
        "années d'expérience dans la fonction", max_digits=4, decimal_places=1, default=0
    )
    vulnerable_experience = models.BooleanField(
        "expérience de l'accompagnement de personnes vulnérables", default=False
    )
    last_activity_on = models.DateField("dernière activité", default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = "candidat"
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["organisation", "last_name"], name="cert_candidate_org_name"),
            models.Index(fields=["last_activity_on"], name="cert_candidate_activity"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(diploma_level__lte=8), name="cert_candidate_level_range"
            ),
            models.CheckConstraint(
                condition=models.Q(experience_years__gte=0), name="cert_candidate_exp_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}"

    @property
    def journal_organisation_id(self) -> int:
        return self.organisation_id


class AccessRoute(models.TextChoices):
    INITIAL = "initial", "Formation initiale (élève ou étudiant)"
    APPRENTICESHIP = "apprenticeship", "Contrat d'apprentissage"
    CONTINUING = "continuing", "Formation continue"
    PROFESSIONALISATION = "professionalisation", "Contrat de professionnalisation"
    INDIVIDUAL = "individual", "Candidature individuelle"
    VAE = "vae", "Expérience (VAE)"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Inscrit"
    REFRESHER = "refresher", "Remise à niveau"
    IN_PROGRESS = "in_progress", "En parcours"
    CERTIFIED = "certified", "Certifié"
    WITHDRAWN = "withdrawn", "Abandon"


class Funding(models.TextChoices):
    OPCO = "opco", "OPCO"
    CPF = "cpf", "Compte personnel de formation (CPF)"
    PROFESSIONALISATION = "professionalisation", "Fonds de la professionnalisation"
    PLAN = "plan", "Plan de formation"
    OWN = "own", "Fonds propres"


class GroupStatus(models.TextChoices):
    FORMING = "forming", "En constitution"
    OPEN = "open", "Ouvert"
    CLOSED = "closed", "Terminé"


class CollectiveGroup(TimeStampedModel, VersionedModel):
    """A collective VAE group a federation opens for the staff of its member structures."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="vae_groups"
    )
    certification = models.ForeignKey(
        "certification.Certification", on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField("nom du groupe", max_length=200)
    status = models.CharField(
        "statut", max_length=10, choices=GroupStatus.choices, default=GroupStatus.FORMING
    )
    opened_on = models.DateField("ouvert le", null=True, blank=True)
    vae_phase_ends_on = models.DateField("fin de la démarche VAE", null=True, blank=True)
    funded_hours = models.PositiveSmallIntegerField(
        "heures d'accompagnement financées par candidat", default=24
    )

    class Meta:
        verbose_name = "groupe de VAE collective"
        verbose_name_plural = "groupes de VAE collective"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "status"], name="cert_group_org_status")]

    def __str__(self) -> str:
        return self.name


class Enrolment(TimeStampedModel, VersionedModel):
    """A candidate's registration for one certification, by one access route."""

    holds_personal_data = True
    journal_parent = ("certification.candidate", "candidate_id")

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="enrolments")
    certification = models.ForeignKey(
        "certification.Certification", on_delete=models.PROTECT, related_name="enrolments"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    access_route = models.CharField("voie d'accès", max_length=20, choices=AccessRoute.choices)
    status = models.CharField(
        "statut", max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    enrolled_on = models.DateField("inscrit le")
    prerequisites_note = models.TextField("prérequis", blank=True)
    vap_requested = models.BooleanField("demande de VAP", default=False)
    placement_hours = models.PositiveSmallIntegerField("heures de stage pratique", default=0)
    group = models.ForeignKey(
        CollectiveGroup,
        verbose_name="groupe de VAE collective",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    funding = models.CharField("financement", max_length=20, choices=Funding.choices, blank=True)
    funding_amount = models.DecimalField(
        "montant financé (€)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    # The accompaniment hours the funder pays for this candidate (24 at most under the CPF);
    # empty: the group's funded hours, or the CPF's 24 h for a candidate outside any group.
    funded_hours = models.PositiveSmallIntegerField(
        "heures d'accompagnement financées", null=True, blank=True
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="formateur référent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    certified_on = models.DateField("certifié le", null=True, blank=True)
    # A withdrawal (« abandon ») is a status, never a deletion: the enrolment, its group and
    # its history stay, with the date the candidate left and why.
    withdrawn_on = models.DateField("abandon le", null=True, blank=True)
    withdrawal_reason = models.CharField("motif de l'abandon", max_length=300, blank=True)

    class Meta:
        verbose_name = "inscription"
        ordering = ["-enrolled_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "certification"], name="cert_enrolment_unique"
            )
        ]
        indexes = [
            models.Index(fields=["certification", "status"], name="cert_enrolment_cert_status"),
            models.Index(fields=["certification", "certified_on"], name="cert_enrolment_cert_on"),
            models.Index(fields=["organisation", "status"], name="cert_enrolment_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.certification.code} — {self.candidate_id}"

    @property
    def journal_organisation_id(self) -> int:
        return self.organisation_id


class StatusChange(models.Model):
    """One recorded transition of a workflow of this module (enrolment, group, jury)."""

    entity = models.CharField(max_length=20)
    entity_id = models.BigIntegerField()
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["entity", "entity_id"], name="cert_change_entity")]

    def __str__(self) -> str:
        return f"{self.entity} {self.entity_id} : {self.from_status} → {self.to_status}"


class Positioning(TimeStampedModel):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="positionings")
    score_percent = models.PositiveSmallIntegerField("résultat (%)")
    taken_on = models.DateField("passé le")
    admitted = models.BooleanField("orienté vers la VAE")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)

    class Meta:
        ordering = ["-taken_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score_percent__lte=100), name="cert_positioning_range"
            )
        ]


class AccompanimentSession(TimeStampedModel):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="accompaniments"
    )
    collective = models.BooleanField("collectif", default=False)
    held_on = models.DateField("date")
    hours = models.DecimalField("heures", max_digits=4, decimal_places=1)

    class Meta:
        ordering = ["held_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="cert_accomp_hours_pos")
        ]


class Equivalence(TimeStampedModel):
    """A capitalisable training recognised for a block, with its certificate (PDF)."""

    holds_personal_data = True
    journal_parent = ("certification.enrolment", "enrolment_id")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="equivalences")
    block = models.ForeignKey("certification.Block", on_delete=models.PROTECT, related_name="+")
    training_title = models.CharField("formation suivie", max_length=250)
    completed_on = models.DateField("suivie le")
    granted_on = models.DateField("accordée le")
    certificate = models.FileField("attestation", upload_to="certification/equivalences/%Y/%m/")
    certificate_name = models.CharField(max_length=150)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)

    class Meta:
        ordering = ["granted_on"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "block"], name="cert_equivalence_unique")
        ]


class SessionKind(models.TextChoices):
    TRAINING = "training", "Formation"
    SYNTHESIS = "synthesis", "Session de synthèse"
    VALIDATION = "validation", "Session de validation"
    WRITTEN = "written", "Écrit"
    ORAL = "oral", "Oral"
    OTHER = "other", "Autre"


class PlannedSession(TimeStampedModel):
    """An item of the individual training plan: a training, a synthesis or validation
    session, a written file or an oral, with its date."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="plan")
    kind = models.CharField(
        "nature", max_length=10, choices=SessionKind.choices, default=SessionKind.TRAINING
    )
    block = models.ForeignKey(
        "certification.Block", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField("intitulé", max_length=250)
    starts_on = models.DateField("date")

    class Meta:
        ordering = ["starts_on"]


class CandidateDocument(TimeStampedModel):
    """A document the candidate submits (professional file, mémoire…), with its deposit
    date."""

    holds_personal_data = True
    journal_parent = ("certification.enrolment", "enrolment_id")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="documents")
    block = models.ForeignKey(
        "certification.Block", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField("document", max_length=200)
    file = models.FileField(upload_to="certification/documents/%Y/%m/")
    original_name = models.CharField(max_length=150)
    deposited_at = models.DateTimeField("déposé le", default=timezone.now)

    class Meta:
        ordering = ["-deposited_at"]


class FollowUpSurvey(TimeStampedModel):
    """A follow-up survey of a certified candidate (6 months or 2 years after)."""

    holds_personal_data = True
    journal_parent = ("certification.enrolment", "enrolment_id")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="surveys")
    months_after = models.PositiveSmallIntegerField("délai", choices=[(6, "6 mois"), (24, "2 ans")])
    employed = models.BooleanField("en emploi")
    in_trade = models.BooleanField("dans le métier visé")
    answered_on = models.DateField("réponse le")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["months_after"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "months_after"], name="cert_survey_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(employed=True) | models.Q(in_trade=False),
                name="cert_survey_trade_implies_employed",
            ),
        ]
