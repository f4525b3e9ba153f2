"""The twelve life domains of the shared diagnostic and their vocabularies.

Each domain maps to France Travail's diagnostic barriers (codes of the shipped reference
file) and to the data·inclusion thématiques, so that a barrier seen in a diagnostic can
later be turned into a search for a service that answers it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import models

FT_FILE = Path(__file__).parent / "data" / "barriers_france_travail.json"


class Domain(models.TextChoices):
    EMPLOYMENT = "employment", "Projet professionnel et emploi"
    TRAINING = "training", "Formation et compétences"
    MOBILITY = "mobility", "Mobilité"
    HOUSING = "housing", "Logement et hébergement"
    HEALTH = "health", "Santé"
    BUDGET = "budget", "Budget et dettes"
    RIGHTS = "rights", "Accès aux droits et démarches administratives"
    FAMILY = "family", "Famille et garde d'enfants"
    LANGUAGE = "language", "Langue française et savoirs de base"
    DIGITAL = "digital", "Numérique"
    JUSTICE = "justice", "Justice"
    SOCIAL_LIFE = "social_life", "Vie sociale et isolement"


class Difficulty(models.IntegerChoices):
    NONE = 0, "0 — aucune difficulté"
    LIGHT = 1, "1 — difficulté légère"
    SIGNIFICANT = 2, "2 — difficulté importante"
    BLOCKING = 3, "3 — difficulté bloquante"


# France Travail barrier code → Relais domain.
FT_BARRIER_DOMAIN = {
    "23": Domain.MOBILITY,
    "24": Domain.FAMILY,
    "25": Domain.HEALTH,
    "26": Domain.LANGUAGE,
    "27": Domain.HOUSING,
    "28": Domain.BUDGET,
    "29": Domain.RIGHTS,
}

DOMAIN_THEMATIQUES: dict[str, list[str]] = {
    Domain.EMPLOYMENT: [
        "choisir-un-metier",
        "preparer-sa-candidature",
        "trouver-un-emploi",
        "creer-une-entreprise",
    ],
    Domain.TRAINING: ["se-former"],
    Domain.MOBILITY: ["mobilite"],
    Domain.HOUSING: ["logement-hebergement"],
    Domain.HEALTH: ["sante"],
    Domain.BUDGET: ["difficultes-financieres", "equipement-et-alimentation"],
    Domain.RIGHTS: ["difficultes-administratives-ou-juridiques"],
    Domain.FAMILY: ["famille"],
    Domain.LANGUAGE: ["lecture-ecriture-calcul"],
    Domain.DIGITAL: ["numerique"],
    Domain.JUSTICE: [
        "difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire"
    ],
    Domain.SOCIAL_LIFE: ["remobilisation"],
}

# Barriers for domains France Travail's list does not cover (codes prefixed "R").
OWN_BARRIERS: dict[str, list[tuple[str, str]]] = {
    Domain.EMPLOYMENT: [
        ("R01", "Projet professionnel à construire"),
        ("R02", "Éloignement durable de l'emploi"),
        ("R03", "Expérience professionnelle à valoriser"),
        ("R04", "Techniques de recherche d'emploi à acquérir"),
    ],
    Domain.TRAINING: [
        ("R10", "Pas de qualification reconnue"),
        ("R11", "Diplôme étranger non reconnu"),
        ("R12", "Besoin de remise à niveau"),
    ],
    Domain.DIGITAL: [
        ("R20", "Pas d'équipement numérique"),
        ("R21", "Pas de connexion internet"),
        ("R22", "Ne sait pas utiliser les services en ligne"),
    ],
    Domain.JUSTICE: [
        ("R30", "Sous main de justice"),
        ("R31", "Sortant de détention"),
        ("R32", "Procédure judiciaire en cours"),
    ],
    Domain.SOCIAL_LIFE: [
        ("R40", "Isolement social"),
        ("R41", "Perte de confiance en soi"),
        ("R42", "Pas de réseau familial ou amical mobilisable"),
    ],
    Domain.HEALTH: [("R50", "Souffrance psychique exprimée"), ("R51", "Addiction exprimée")],
    Domain.HOUSING: [("R60", "Hébergé·e chez un tiers")],
}


@dataclass(frozen=True)
class Barrier:
    code: str
    label: str
    domain: str
    source: str  # "france_travail" or "relais"
    # France Travail only: the "contrainte" the situation belongs to, and the situation's
    # own code in France Travail's diagnostic (what a conseiller France Travail reads).
    group_code: str = ""
    group_label: str = ""
    ft_code: str = ""

    @property
    def is_france_travail(self) -> bool:
        return self.source == "france_travail"

    @property
    def display_code(self) -> str:
        """The code shown next to the label: France Travail's own numbering, so that a
        diagnostic can be read against France Travail's "diagnostic socio-professionnel"."""
        if self.is_france_travail:
            return f"FT {self.group_code}.{self.ft_code}"
        return ""


@cache
def barriers() -> dict[str, Barrier]:
    """Every barrier of the vocabulary, by code."""
    data = json.loads(FT_FILE.read_text(encoding="utf-8"))
    result: dict[str, Barrier] = {}
    for group in data["barriers"]:
        domain = FT_BARRIER_DOMAIN[group["code"]]
        for situation in group["situations"]:
            code = f"FT{situation['code']}"
            result[code] = Barrier(
                code,
                situation["label"],
                domain,
                "france_travail",
                group_code=group["code"],
                group_label=group["label"],
                ft_code=situation["code"],
            )
    for domain, items in OWN_BARRIERS.items():
        for code, label in items:
            result[code] = Barrier(code, label, domain, "relais")
    return result


def barriers_for(domain: str) -> list[Barrier]:
    return [b for b in barriers().values() if b.domain == domain]


def barrier_label(code: str) -> str:
    barrier = barriers().get(code)
    return barrier.label if barrier else code


def barrier_codes_for(domain: str) -> frozenset[str]:
    return frozenset(b.code for b in barriers_for(domain))


# --- data·inclusion thématiques ----------------------------------------------------------------
# The vocabulary of data·inclusion's schema (v1: categories, then "category--thematique"). A
# barrier answers to the thématiques below; a barrier without its own line answers to the
# thématiques of its domain. The service search (network app) turns them into a query.

DATA_INCLUSION_CATEGORIES: frozenset[str] = frozenset(
    {
        "choisir-un-metier",
        "creer-une-entreprise",
        "difficultes-administratives-ou-juridiques",
        "difficultes-financieres",
        "equipement-et-alimentation",
        "famille",
        "lecture-ecriture-calcul",
        "logement-hebergement",
        "mobilite",
        "numerique",
        "preparer-sa-candidature",
        "remobilisation",
        "sante",
        "se-former",
        "souvrir-a-linternational",
        "trouver-un-emploi",
    }
)

_ADMIN = "difficultes-administratives-ou-juridiques--"
BARRIER_THEMATIQUES: dict[str, list[str]] = {
    # Mobilité (France Travail 23)
    "FT6": [
        "mobilite--acceder-a-un-vehicule",
        "mobilite--mobilite-douce-partagee-collective",
        "mobilite--financer-ma-mobilite",
    ],
    "FT7": [
        "mobilite--mobilite-douce-partagee-collective",
        "mobilite--etre-accompagne-dans-son-parcours-mobilite",
    ],
    "FT8": ["mobilite--preparer-un-permis"],
    "FT40": ["mobilite--mobilite-douce-partagee-collective", "sante--acces-aux-soins"],
    # Famille (24)
    "FT9": ["famille--soutien-aidants", "sante--constituer-un-dossier-mdph-invalidite"],
    "FT10": ["famille--garde-denfants"],
    "FT11": ["famille--soutien-aidants", "famille--prise-en-charge-personne-dependante"],
    "FT12": ["famille"],
    "FT13": ["famille--garde-denfants"],
    "FT14": ["famille--soutien-a-la-parentalite-et-a-leducation", "sante--acces-aux-soins"],
    # Santé (25)
    "FT15": ["sante--constituer-un-dossier-mdph-invalidite", "choisir-un-metier"],
    "FT16": ["sante--acces-aux-soins", f"{_ADMIN}accompagnement-pour-lacces-aux-droits"],
    "FT17": ["sante--constituer-un-dossier-mdph-invalidite", "sante--acces-aux-soins"],
    "FT18": ["sante--acces-aux-soins", "sante--constituer-un-dossier-mdph-invalidite"],
    "FT19": ["sante--acces-aux-soins", "trouver-un-emploi--maintien-dans-lemploi"],
    # Lecture, écriture, calcul (26)
    "FT20": ["lecture-ecriture-calcul--maitriser-le-francais"],
    "FT21": ["lecture-ecriture-calcul--maitriser-le-francais"],
    "FT22": ["lecture-ecriture-calcul--maitriser-le-francais"],
    "FT23": ["lecture-ecriture-calcul--maitriser-le-calcul"],
    # Logement (27)
    "FT24": ["logement-hebergement--rechercher-une-solution-dhebergement-temporaire"],
    "FT25": [
        "logement-hebergement--changer-de-logement",
        "logement-hebergement--louer-un-logement",
    ],
    "FT26": [
        "logement-hebergement--reduire-les-impayes-de-loyer",
        "logement-hebergement--se-maintenir-dans-le-logement",
    ],
    "FT27": [
        "logement-hebergement--se-maintenir-dans-le-logement",
        "logement-hebergement--changer-de-logement",
    ],
    "FT28": ["mobilite", "logement-hebergement--changer-de-logement"],
    "FT41": ["logement-hebergement--se-maintenir-dans-le-logement"],
    # Budget (28)
    "FT29": [
        f"{_ADMIN}accompagnement-pour-lacces-aux-droits",
        "equipement-et-alimentation--alimentation",
    ],
    "FT30": ["difficultes-financieres--prevenir-une-degradation-de-la-situation-financiere"],
    "FT31": [
        "difficultes-financieres--ameliorer-sa-gestion-budgetaire",
        "difficultes-financieres--acquerir-une-autonomie-budgetaire",
    ],
    "FT32": ["difficultes-financieres--situation-dendettement-surendettement"],
    "FT33": ["equipement-et-alimentation--alimentation"],
    "FT34": [
        f"{_ADMIN}accompagnement-pour-lacces-aux-droits",
        "difficultes-financieres--prevenir-une-degradation-de-la-situation-financiere",
    ],
    # Administratif et juridique (29)
    "FT35": [f"{_ADMIN}accompagnement-aux-demarches-administratives"],
    "FT36": [f"{_ADMIN}accompagnement-pour-lacces-aux-droits"],
    "FT37": [f"{_ADMIN}prendre-en-compte-une-problematique-judiciaire"],
    "FT38": [f"{_ADMIN}accompagnement-aux-demarches-administratives"],
    "FT39": [f"{_ADMIN}accompagnement-aux-demarches-administratives"],
    # Relais's own barriers
    "R01": [
        "choisir-un-metier--identifier-ses-points-forts-et-ses-competences",
        "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
    ],
    "R02": ["remobilisation", "trouver-un-emploi"],
    "R03": [
        "preparer-sa-candidature--valoriser-ses-competences",
        "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation",
    ],
    "R04": [
        "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
        "trouver-un-emploi--convaincre-un-recruteur-en-entretien",
    ],
    "R10": ["se-former--trouver-sa-formation"],
    "R11": [
        "se-former--monter-son-dossier-de-formation",
        f"{_ADMIN}accompagnement-aux-demarches-administratives",
    ],
    "R12": ["se-former--trouver-sa-formation", "lecture-ecriture-calcul"],
    "R20": ["numerique--acquerir-un-equipement"],
    "R21": ["numerique--acceder-a-une-connexion-internet"],
    "R22": [
        "numerique--maitriser-les-fondamentaux-du-numerique",
        "numerique--acceder-a-des-services-en-ligne",
    ],
    "R30": [f"{_ADMIN}prendre-en-compte-une-problematique-judiciaire"],
    "R31": [f"{_ADMIN}prendre-en-compte-une-problematique-judiciaire", "logement-hebergement"],
    "R32": [f"{_ADMIN}prendre-en-compte-une-problematique-judiciaire"],
    "R40": ["remobilisation--lien-social"],
    "R41": ["remobilisation--bien-etre-confiance-en-soi"],
    "R42": ["remobilisation--lien-social", "remobilisation--benevolat-action-citoyenne"],
    "R50": ["sante--sante-mentale"],
    "R51": ["sante--addictions"],
    "R60": [
        "logement-hebergement--louer-un-logement",
        "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
    ],
}


def barrier_thematiques(code: str) -> list[str]:
    """The data·inclusion thématiques of the services that answer barrier `code` (most
    specific first); an unknown code answers nothing."""
    barrier = barriers().get(code)
    if barrier is None:
        return []
    return list(BARRIER_THEMATIQUES.get(code) or DOMAIN_THEMATIQUES[barrier.domain])


def domain_thematiques(domain: str) -> list[str]:
    return list(DOMAIN_THEMATIQUES.get(domain, []))
