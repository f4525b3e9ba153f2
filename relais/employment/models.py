"""Employers of an organisation's territory, their positions, the prospecting log, the
workstation analyses (APST), a person's observed abilities and employment project, and the
placements with their checkpoints and mediations.

Employers and positions are organisation data (shared by its team, not personal data);
their contacts and tutors are professionals' personal data, journaled like the rest.
Abilities, projects, placements and mediations are the accompanied person's data: they hang
from the person for the journal."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from relais.core.models import TimeStampedModel, VersionedModel


class SizeBand(models.TextChoices):
    NONE = "0", "Sans salarié"
    MICRO = "1-9", "1 à 9 salariés"
    SMALL = "10-49", "10 à 49 salariés"
    MEDIUM = "50-249", "50 à 249 salariés"
    LARGE = "250+", "250 salariés et plus"


class Employer(TimeStampedModel, VersionedModel):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure",
        on_delete=models.CASCADE,
        related_name="employers",
    )
    siret = models.CharField("SIRET", max_length=14)
    name = models.CharField("raison sociale ou enseigne", max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    naf_code = models.CharField("code NAF", max_length=6)
    size_band = models.CharField("effectif", max_length=6, choices=SizeBand.choices, blank=True)
    address = models.CharField("adresse", max_length=250, blank=True)
    commune_code = models.CharField("commune (code INSEE)", max_length=5, blank=True)
    # The commune's coordinates, copied on save: distances are computed in the database.
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    constraints = models.TextField("contraintes de production et RH", max_length=3000, blank=True)
    hiring_potential = models.TextField("potentiel de recrutement", max_length=2000, blank=True)
    social_clauses = models.BooleanField("engagé dans des clauses sociales", default=False)
    pmsmp_host = models.BooleanField("accueille des immersions (PMSMP)", default=False)
    tutor_available = models.BooleanField("tuteur disponible", default=False)
    # The earliest next action of the prospecting log (kept by the services): the list of
    # employers to recontact is one indexed range.
    next_contact_on = models.DateField("à recontacter le", null=True, blank=True)

    class Meta:
        verbose_name = "employeur"
        ordering = ["name_key"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "siret"], name="employer_org_siret"),
        ]
        indexes = [
            models.Index(fields=["organisation", "name_key"], name="employer_org_name"),
            models.Index(fields=["organisation", "naf_code"], name="employer_org_naf"),
            models.Index(fields=["organisation", "next_contact_on"], name="employer_org_next"),
            models.Index(fields=["organisation", "commune_code"], name="employer_org_commune"),
        ]

    def __str__(self) -> str:
        return self.name


class EmployerContact(TimeStampedModel):
    """A person to talk to at the employer. A professional's personal data, not an
    accompanied person's: the pages that show contacts journal them explicitly (one entry
    naming the employer, covering each contact), but the model does not take part in the
    person-record machinery (journal parents, archive guard, erasure), which is about the
    accompanied person's file."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("nom", max_length=150)
    role = models.CharField("fonction", max_length=150, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    is_tutor = models.BooleanField("peut être tuteur ou tutrice", default=False)

    class Meta:
        verbose_name = "contact employeur"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def journal_person_id(self) -> None:
        return None

    @property
    def journal_organisation_id(self) -> int:
        return self.employer.organisation_id


class ProspectingKind(models.TextChoices):
    CALL = "call", "Appel"
    VISIT = "visit", "Visite"
    EMAIL = "email", "E-mail"
    EVENT = "event", "Événement (forum, job dating…)"


class ProspectingOutcome(models.TextChoices):
    NEED = "need", "Besoin de recrutement identifié"
    INTERESTED = "interested", "Intéressé, sans besoin immédiat"
    IMMERSION = "immersion", "Accord pour accueillir une immersion"
    NO_ANSWER = "no_answer", "Pas de réponse"
    REFUSED = "refused", "Pas intéressé"


class ProspectingContact(TimeStampedModel):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="prospecting")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField("type de contact", max_length=6, choices=ProspectingKind.choices)
    happened_on = models.DateField("date")
    summary = models.TextField("échange", max_length=3000, blank=True)
    outcome = models.CharField("résultat", max_length=10, choices=ProspectingOutcome.choices)
    next_action = models.CharField("prochaine action", max_length=300, blank=True)
    next_action_on = models.DateField("date de la prochaine action", null=True, blank=True)

    class Meta:
        verbose_name = "contact de prospection"
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["employer", "happened_on"], name="prospect_employer_date")]


class ContractType(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    CDDI = "cddi", "CDDI (insertion)"
    INTERIM = "interim", "Intérim"
    APPRENTICESHIP = "apprentissage", "Contrat d'apprentissage"
    PROFESSIONALISATION = "pro", "Contrat de professionnalisation"
    PEC = "pec", "Parcours emploi compétences (PEC)"


class Schedule(models.TextChoices):
    DAY = "day", "Journée"
    SHIFTS = "shifts", "En équipes (2×8, 3×8)"
    SPLIT = "split", "Coupures dans la journée"
    EARLY_LATE = "early_late", "Tôt le matin ou tard le soir"
    NIGHT = "night", "Nuit"
    WEEKEND = "weekend", "Week-end compris"


# Schedules hard to hold with young children to look after.
CHILDCARE_HARD_SCHEDULES = (Schedule.SHIFTS, Schedule.EARLY_LATE, Schedule.NIGHT, Schedule.WEEKEND)


class LicenceCategory(models.TextChoices):
    """Driving licences a position may require beyond B (which has its own field, read by
    the matching): the categories of the French licence employers ask for."""

    A = "A", "A — moto"
    BE = "BE", "BE — voiture avec remorque lourde"
    C1 = "C1", "C1 — camion de 3,5 à 7,5 t"
    C = "C", "C — poids lourd"
    CE = "CE", "CE — poids lourd avec remorque (semi-remorque)"
    D1 = "D1", "D1 — minibus (16 passagers au plus)"
    D = "D", "D — autocar, autobus"
    DE = "DE", "DE — autocar avec remorque"


class MobilityRequirement(models.TextChoices):
    VEHICLE = "vehicle", "Véhicule personnel indispensable"
    SITES = "sites", "Mobilité sur plusieurs sites dans la journée"
    NO_TRANSIT = "no_transit", "Lieu non desservi par les transports en commun aux horaires"
    TRAVEL = "travel", "Déplacements fréquents, parfois avec nuits hors du domicile"


class PositionStatus(models.TextChoices):
    OPEN = "open", "Ouvert"
    FILLED = "filled", "Pourvu"
    CLOSED = "closed", "Fermé"


class Position(TimeStampedModel, VersionedModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="positions"
    )
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="positions")
    rome_code = models.CharField("code ROME", max_length=5)
    appellation = models.CharField("appellation", max_length=200, blank=True)
    contract_type = models.CharField("contrat", max_length=15, choices=ContractType.choices)
    weekly_hours = models.DecimalField("heures par semaine", max_digits=4, decimal_places=1)
    schedule = models.CharField("horaires", max_length=12, choices=Schedule.choices)
    commune_code = models.CharField("lieu de travail (code INSEE)", max_length=5)
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    starts_on = models.DateField("début souhaité", null=True, blank=True)
    abilities_key = models.CharField(max_length=600, blank=True, editable=False)
    required_abilities = models.JSONField("habiletés requises", default=list, blank=True)
    driving_licence_required = models.BooleanField("permis B exigé", default=False)
    other_licences = models.JSONField("autres permis exigés", default=list, blank=True)
    mobility_requirement = models.CharField(
        "mobilité exigée", max_length=12, choices=MobilityRequirement.choices, blank=True
    )
    languages = models.CharField("langues", max_length=200, blank=True)
    requirements = models.TextField("autres exigences", max_length=2000, blank=True)
    status = models.CharField(
        "statut", max_length=6, choices=PositionStatus.choices, default=PositionStatus.OPEN
    )

    class Meta:
        verbose_name = "poste"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "rome_code"], name="position_org_rome"),
            models.Index(fields=["organisation", "status", "latitude"], name="position_org_lat"),
            models.Index(fields=["employer", "status"], name="position_employer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(rome_code=""), name="position_rome_required"
            ),
            models.CheckConstraint(
                condition=models.Q(weekly_hours__gt=0, weekly_hours__lte=48),
                name="position_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return self.appellation or self.rome_code


class PositionTransition(models.Model):
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=6)
    to_status = models.CharField(max_length=6)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class WorkstationAnalysis(TimeStampedModel, VersionedModel):
    """APST: a real workstation observed — prescribed vs real tasks, conditions, abilities,
    gaps and adjustments. `tasks` is a list of {prescribed, real, abilities, gap}."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="analyses")
    observed_on = models.DateField("date d'observation")
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    tutor_name = models.CharField("tuteur ou tutrice", max_length=150, blank=True)
    tasks = models.JSONField("tâches", default=list, blank=True)
    physical = models.TextField("contraintes physiques", max_length=2000, blank=True)
    pace = models.TextField("rythme et cadence", max_length=2000, blank=True)
    hours = models.TextField("horaires", max_length=2000, blank=True)
    environment = models.TextField("environnement", max_length=2000, blank=True)
    safety = models.TextField("sécurité", max_length=2000, blank=True)
    adjust_post = models.TextField("aménagements du poste", max_length=3000, blank=True)
    adjust_training = models.TextField("formation à prévoir", max_length=3000, blank=True)
    adjust_tutoring = models.TextField("rôle du tuteur", max_length=3000, blank=True)

    class Meta:
        verbose_name = "analyse de poste (APST)"
        ordering = ["-observed_on", "-pk"]


class SituationKind(models.TextChoices):
    TEST = "test", "Test, mise en situation d'évaluation"
    REAL = "real", "Situation réelle de travail"
    SIMULATED = "simulated", "Situation de travail simulée (atelier)"
    IMMERSION = "immersion", "Immersion professionnelle (PMSMP)"


class _PersonData(models.Model):
    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    class Meta:
        abstract = True

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.organisation_id


class Ability(_PersonData, TimeStampedModel):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="abilities")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField("habileté", max_length=30)
    level = models.PositiveSmallIntegerField("niveau")
    situation = models.CharField("situation", max_length=10, choices=SituationKind.choices)
    situation_detail = models.CharField("précisions sur la situation", max_length=300, blank=True)
    observed_on = models.DateField("observée le")
    observer_name = models.CharField("observée par", max_length=150)
    step = models.ForeignKey(
        "pathways.Step", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    competence = models.CharField("compétence", max_length=20)
    evidence = models.TextField("éléments de preuve", max_length=2000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "habileté"
        ordering = ["code", "-observed_on", "-pk"]
        indexes = [models.Index(fields=["person", "code", "level"], name="ability_person_code")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="ability_level_range"
            )
        ]

    def __str__(self) -> str:
        return self.code


class Mobility(models.TextChoices):
    CAR = "car", "Voiture"
    TRANSIT = "transit", "Transports en commun"
    BIKE = "bike", "Vélo"
    WALK = "walk", "À pied"


# Average door-to-door speed in km/h, for a travel-time estimate (straight-line distance).
MOBILITY_SPEED = {Mobility.CAR: 40, Mobility.TRANSIT: 18, Mobility.BIKE: 14, Mobility.WALK: 4.5}


class EmploymentProject(_PersonData, TimeStampedModel, VersionedModel):
    """The person's employment project: the jobs aimed at, how far and how long they can
    work. One per person; the matching starts from it."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="employment_project"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    rome_code = models.CharField("métier visé (ROME)", max_length=5)
    rome_code_2 = models.CharField("autre métier visé", max_length=5, blank=True)
    max_distance_km = models.PositiveSmallIntegerField("distance maximale (km)", default=15)
    mobility = models.CharField("moyen de déplacement", max_length=8, choices=Mobility.choices)
    max_weekly_hours = models.PositiveSmallIntegerField("heures par semaine au plus", default=35)
    commune_code = models.CharField(max_length=5, blank=True, editable=False)
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "projet professionnel"
        indexes = [
            models.Index(fields=["organisation", "rome_code"], name="project_org_rome"),
        ]

    def __str__(self) -> str:
        return self.rome_code


class PlacementKind(models.TextChoices):
    CONTRACT = "contract", "Contrat de travail"
    IMMERSION = "immersion", "Immersion professionnelle (PMSMP)"


class PlacementStatus(models.TextChoices):
    ONGOING = "ongoing", "En cours"
    ENDED = "ended", "Terminée"


class PlacementOutcome(models.TextChoices):
    SUSTAINABLE = "sustainable", "Emploi durable (CDI, CDD de 6 mois et plus)"
    TRANSITION = (
        "transition",
        "Emploi de transition (CDD de moins de 6 mois, intérim, contrat aidé)",
    )
    IMMERSION_DONE = "immersion_done", "Immersion réalisée, projet confirmé"
    TRAINING = "training", "Entrée en formation qualifiante"
    BROKEN = "broken", "Rupture (fin anticipée)"
    NOT_CONFIRMED = "not_confirmed", "Projet non confirmé"


class Placement(_PersonData, TimeStampedModel, VersionedModel):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="placements")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="placements")
    position = models.ForeignKey(
        Position, on_delete=models.SET_NULL, null=True, blank=True, related_name="placements"
    )
    kind = models.CharField("type", max_length=10, choices=PlacementKind.choices)
    contract_type = models.CharField(
        "contrat", max_length=15, choices=ContractType.choices, blank=True
    )
    job_title = models.CharField("poste occupé", max_length=200)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin", null=True, blank=True)
    weekly_hours = models.DecimalField("heures par semaine", max_digits=4, decimal_places=1)
    tutor_name = models.CharField("tuteur ou tutrice", max_length=150)
    tutor_role = models.CharField("fonction du tuteur", max_length=150, blank=True)
    tutor_phone = models.CharField("téléphone du tuteur", max_length=20, blank=True)
    status = models.CharField(
        max_length=8, choices=PlacementStatus.choices, default=PlacementStatus.ONGOING
    )
    outcome = models.CharField("issue", max_length=15, choices=PlacementOutcome.choices, blank=True)
    outcome_on = models.DateField("date de l'issue", null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "mise en emploi"
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "status"], name="placement_org_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="placement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.job_title


class Checkpoint(TimeStampedModel):
    holds_personal_data = True
    journal_parent = ("employment.placement", "placement_id")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="checkpoints")
    label = models.CharField("échéance", max_length=40)
    due_on = models.DateField("prévu le")
    done_on = models.DateField("réalisé le", null=True, blank=True)
    notes = models.TextField("ce qui a été dit", max_length=3000, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "point de suivi"
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["done_on", "due_on"], name="checkpoint_due")]


class Mediation(TimeStampedModel):
    holds_personal_data = True
    journal_parent = ("employment.placement", "placement_id")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="mediations")
    happened_on = models.DateField("date")
    difficulty = models.TextField("difficulté", max_length=3000)
    employer_words = models.TextField("ce qu'a dit l'employeur", max_length=3000, blank=True)
    person_words = models.TextField("ce qu'a dit la personne", max_length=3000, blank=True)
    tutor_words = models.TextField("ce qu'a dit le tuteur", max_length=3000, blank=True)
    agreement = models.TextField("accord trouvé", max_length=3000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "médiation"
        ordering = ["-happened_on", "-pk"]
