"""The limits of the certification process, each a named rule with its French message and
the document it comes from — never a bare constant in a service. Services, forms and the
training plan's alerts all read them here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from relais.core.errors import DomainError

SEED_000 = "fiche RNCP41885"
SEED_001 = "fiche RNCP16575"
SEED_002 = "compte rendu COORACE « Projet de certification CIP / CISP »"
SEED_003 = "fiche RS référent de parcours"


@dataclass(frozen=True)
class Rule:
    code: str
    value: int
    label: str
    source: str

    @property
    def cited(self) -> str:
        """The rule as a warning names it: « label — source »."""
        return f"{self.label} — {self.source}"

    def refuse(self, message: str, *, field: str | None = None) -> DomainError:
        """The rule's refusal: its message, followed by where the rule comes from."""
        return DomainError(f"{message} (Règle : {self.label} — {self.source}.)", field=field)


GROUP_MIN_CANDIDATES = Rule(
    "group_min_candidates",
    7,
    "au moins 7 candidats pour lancer une VAE collective",
    SEED_002,
)
GROUP_MIN_EXPERIENCE_YEARS = Rule(
    "group_min_experience",
    3,
    "3 ans d'expérience dans la fonction pour entrer en VAE collective",
    SEED_002,
)
POSITIONING_THRESHOLD = Rule(
    "positioning_threshold",
    80,
    "test de positionnement réussi à 80 % au moins pour entrer en VAE",
    SEED_002,
)
VAE_PHASE_MAX_MONTHS = Rule(
    "vae_phase_max_months",
    3,
    "démarche VAE de 3 mois au plus",
    SEED_002,
)
FUNDED_ACCOMPANIMENT_HOURS = Rule(
    "funded_accompaniment_hours",
    24,
    "accompagnement à la VAE financé par le CPF : 24 heures au plus",
    SEED_002,
)
EQUIVALENCE_MAX_AGE_YEARS = Rule(
    "equivalence_max_age",
    5,
    "formations capitalisables prises en équivalence si elles ont 5 ans au plus",
    SEED_002,
)
CAPITALISABLE_TRAINING = Rule(
    "capitalisable_training",
    0,
    "seules les formations identifiées « formation capitalisable » sont prises en équivalence",
    SEED_002,
)
SYNTHESIS_AFTER_TRAININGS = Rule(
    "synthesis_after_trainings",
    0,
    "sessions de synthèse et de validation (une par bloc) à l'issue de toutes les formations "
    "du parcours",
    SEED_002,
)
PATH_MAX_YEARS = Rule(
    "path_max_years",
    5,
    "parcours capitalisé de 5 ans au plus après l'inscription",
    SEED_002,
)
RS_PLACEMENT_HOURS = Rule(
    "rs_placement_hours",
    140,
    "stage pratique de 140 heures avant l'épreuve orale sans expérience de "
    "l'accompagnement de personnes vulnérables",
    SEED_003,
)
PREREQUISITE_YEARS = Rule(
    "prerequisite_years",
    3,
    "trois ans d'expérience professionnelle (un an pour les apprentis) avec le diplôme requis",
    SEED_000,
)
SURVEY_DELAY = Rule(
    "survey_delay",
    6,
    "insertion mesurée 6 mois et 2 ans après l'obtention de la certification",
    "fiches RNCP41885 et RNCP16575 (statistiques)",
)
JURY_COMPOSITION = Rule(
    "jury_composition", 0, "composition du jury fixée par la fiche", f"{SEED_001}, {SEED_003}"
)
LAST_DELIVERY = Rule(
    "last_delivery", 0, "date de dernière délivrance possible de la certification", "fiche RNCP/RS"
)

ALL_RULES = (
    GROUP_MIN_CANDIDATES,
    GROUP_MIN_EXPERIENCE_YEARS,
    POSITIONING_THRESHOLD,
    VAE_PHASE_MAX_MONTHS,
    FUNDED_ACCOMPANIMENT_HOURS,
    EQUIVALENCE_MAX_AGE_YEARS,
    CAPITALISABLE_TRAINING,
    SYNTHESIS_AFTER_TRAININGS,
    PATH_MAX_YEARS,
    RS_PLACEMENT_HOURS,
    PREREQUISITE_YEARS,
    SURVEY_DELAY,
    JURY_COMPOSITION,
    LAST_DELIVERY,
)


def placement_required(enrolment) -> int:
    """The placement hours the certification requires of this candidate before the oral
    (0: none — no such rule, or experience of accompanying vulnerable persons declared)."""
    required = (enrolment.certification.rules or {}).get("placement_hours") or 0
    if not required or enrolment.candidate.vulnerable_experience:
        return 0
    return required


def check_placement_before_oral(enrolment, *, doing: str, field: str | None = None) -> None:
    """The RS's 140-hour placement is done before the oral is scheduled or scored."""
    required = placement_required(enrolment)
    if required and enrolment.placement_hours < required:
        raise RS_PLACEMENT_HOURS.refuse(
            f"Stage pratique : {enrolment.placement_hours} h faites sur {required} h requises : "
            f"l'épreuve orale ne peut être {doing} qu'une fois le stage accompli.",
            field=field,
        )


def positioning_admits(score_percent: int) -> bool:
    """≥ 80 % → VAE; below → refresher or complementary training first."""
    return score_percent >= POSITIONING_THRESHOLD.value


def has_group_experience(years: Decimal) -> bool:
    return years >= GROUP_MIN_EXPERIENCE_YEARS.value
