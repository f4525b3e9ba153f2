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


@cache
def barriers() -> dict[str, Barrier]:
    """Every barrier of the vocabulary, by code."""
    data = json.loads(FT_FILE.read_text(encoding="utf-8"))
    result: dict[str, Barrier] = {}
    for group in data["barriers"]:
        domain = FT_BARRIER_DOMAIN[group["code"]]
        for situation in group["situations"]:
            code = f"FT{situation['code']}"
            result[code] = Barrier(code, situation["label"], domain, "france_travail")
    for domain, items in OWN_BARRIERS.items():
        for code, label in items:
            result[code] = Barrier(code, label, domain, "relais")
    return result


def barriers_for(domain: str) -> list[Barrier]:
    return [b for b in barriers().values() if b.domain == domain]


def barrier_label(code: str) -> str:
    barrier = barriers().get(code)
    return barrier.label if barrier else code
