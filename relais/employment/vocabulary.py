"""Abilities (« habiletés ») observed in work situations and the competences they translate
into. A shipped vocabulary rather than free text: the matching compares a position's
required abilities with a person's observed ones, which needs one code per ability.

Abilities are concrete and observable (what the observer saw the person do); competences
are the transferable names an employer reads on a CV, after France Travail's « savoir-être
professionnels » and the CléA base (communication, numbers, digital, teamwork, rules,
learning, safety). Each ability has a default competence; the professional may choose
another one when translating."""

from __future__ import annotations

COMPETENCES: dict[str, str] = {
    "rules": "Respecter les règles, les consignes et les procédures",
    "team": "Travailler en équipe",
    "autonomy": "Faire preuve d'autonomie",
    "organisation": "Organiser son travail",
    "rigour": "Faire preuve de rigueur et de précision",
    "customer": "Communiquer avec un public, un client",
    "numbers": "Utiliser les règles de base de calcul",
    "digital": "Utiliser les techniques usuelles de l'information et de la communication numérique",
    "safety": "Appliquer les règles d'hygiène, de sécurité et de santé au travail",
    "physical": "Tenir un poste physique dans la durée",
    "adaptation": "S'adapter aux changements",
    "learning": "Apprendre tout au long de sa vie professionnelle",
}

# code → (label, default competence)
ABILITIES: dict[str, tuple[str, str]] = {
    "punctuality": ("Respecter les horaires", "rules"),
    "instructions": ("Suivre une consigne orale", "rules"),
    "written_instructions": ("Lire et appliquer une consigne écrite", "rules"),
    "hygiene": ("Respecter les règles d'hygiène", "safety"),
    "safety_gear": ("Porter les équipements de protection", "safety"),
    "loads": ("Porter des charges", "physical"),
    "standing": ("Travailler debout longtemps", "physical"),
    "pace": ("Tenir une cadence", "physical"),
    "dexterity": ("Gestes fins, dextérité", "rigour"),
    "quality_check": ("Vérifier la qualité de son travail", "rigour"),
    "tools": ("Utiliser les outils et machines du poste", "safety"),
    "order": ("Ranger, tenir son poste en ordre", "organisation"),
    "planning": ("Organiser ses tâches dans le temps imparti", "organisation"),
    "alone": ("Travailler seul·e sur une tâche confiée", "autonomy"),
    "ask_help": ("Demander de l'aide à bon escient", "team"),
    "colleagues": ("Coopérer avec ses collègues", "team"),
    "public": ("Accueillir et renseigner du public", "customer"),
    "cash": ("Compter, rendre la monnaie", "numbers"),
    "measures": ("Mesurer, peser, doser", "numbers"),
    "digital_tools": ("Utiliser une tablette, un terminal, un logiciel simple", "digital"),
    "changes": ("Accepter un changement de tâche ou de consigne", "adaptation"),
    "feedback": ("Tenir compte d'une remarque pour progresser", "learning"),
}


class Level:
    """Level of an observed ability: how much help the person needed."""

    CHOICES = [
        (1, "1 — en cours d'acquisition (avec aide constante)"),
        (2, "2 — acquise avec un appui ponctuel"),
        (3, "3 — acquise en autonomie"),
        (4, "4 — maîtrisée, peut la transmettre"),
    ]
    # From this level an ability counts as met by the matching.
    MET = 2


def ability_label(code: str) -> str:
    return ABILITIES.get(code, (code, ""))[0]


def competence_label(code: str) -> str:
    return COMPETENCES.get(code, code)


def ability_choices() -> list[tuple[str, str]]:
    return [(code, label) for code, (label, _) in ABILITIES.items()]


def competence_choices() -> list[tuple[str, str]]:
    return list(COMPETENCES.items())


def abilities_key(codes: list[str]) -> str:
    """Codes stored as « |loads|pace| »: a position's required abilities can then be matched
    with `contains` in any database (no JSON operators, no join table)."""
    return "|" + "|".join(sorted(set(codes))) + "|" if codes else ""
