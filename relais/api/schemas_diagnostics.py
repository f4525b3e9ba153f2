"""Schemas of the diagnostics API: a diagnostic with its life domains and urgency, and the
evolution of each domain across diagnostics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from relais.api.schemas_base import (
    VERSION_DOC,
    InputSchema,
    OutputSchema,
    UserRef,
    _doc,
    _text,
    _values,
)
from relais.diagnostics.domains import Domain
from relais.diagnostics.models import Urgency

DomainValue = _values(Domain)
DifficultyValue = Literal[0, 1, 2, 3]
UrgencyValue = Literal[0, 1, 2, 3]

URGENCY_DOC = "; ".join(f"`{value}` : {label}" for value, label in Urgency.choices)
DIFFICULTY_DOC = (
    "Niveau de difficulté : `0` aucune, `1` légère, `2` importante, `3` bloquante ; "
    "`null` : domaine non abordé."
)


class AssessmentIn(InputSchema):
    domain: DomainValue = Field(description=_doc("Domaine de vie", Domain))
    situation: str = _text("Situation dans ce domaine.", 5000, default="")
    difficulty: DifficultyValue | None = Field(None, description=DIFFICULTY_DOC)
    strengths: str = _text("Atouts.", 3000, default="")
    barriers: list[str] = Field(
        default_factory=list,
        description=(
            "Codes des freins de ce domaine (vocabulaire France Travail `FT…` et Relais `R…`)."
        ),
    )
    barriers_other: str = _text("Autres freins, en texte libre.", 500, default="")
    person_words: str = _text("Paroles et souhaits de la personne.", 3000, default="")


class AssessmentOut(AssessmentIn, OutputSchema):
    domain_label: str
    difficulty_label: str = Field(description="Libellé du niveau, ou « non abordé ».")


_FACT_DOCS = {
    "no_shelter_tonight": "Sans solution d'hébergement ce soir.",
    "no_resources": "Aucune ressource.",
    "violence": "Violences subies ou personne en danger.",
    "health_emergency": "Urgence de santé.",
    "eviction_on": "Date d'expulsion prévue (AAAA-MM-JJ), s'il y en a une.",
}
URGENCY_IN_DOC = (
    f"Degré d'urgence retenu : {URGENCY_DOC}. `null` (par défaut) : le degré suggéré par les "
    "règles. Un degré différent du degré suggéré exige `urgency_override_reason`."
)


class DiagnosticIn(InputSchema):
    assessed_on: date = Field(description="Date du diagnostic (pas dans le futur).")
    assessments: list[AssessmentIn] = Field(
        default_factory=list,
        description="Un élément par domaine abordé (un domaine au plus une fois).",
    )
    person_expectations: str = _text("Attentes de la personne, avec ses mots.", 5000, default="")
    no_shelter_tonight: bool = Field(False, description=_FACT_DOCS["no_shelter_tonight"])
    no_resources: bool = Field(False, description=_FACT_DOCS["no_resources"])
    violence: bool = Field(False, description=_FACT_DOCS["violence"])
    health_emergency: bool = Field(False, description=_FACT_DOCS["health_emergency"])
    eviction_on: date | None = Field(None, description=_FACT_DOCS["eviction_on"])
    urgency: UrgencyValue | None = Field(None, description=URGENCY_IN_DOC)
    urgency_override_reason: str = _text(
        "Pourquoi un autre degré que celui suggéré.", 2000, default=""
    )
    validated_with_person_on: date | None = Field(
        None, description="Date à laquelle le diagnostic a été validé avec la personne."
    )


class DiagnosticPatchIn(InputSchema):
    version: int = Field(ge=0, description=VERSION_DOC)
    assessed_on: date = Field(None, description="Date du diagnostic.")
    assessments: list[AssessmentIn] = Field(
        None,
        description=(
            "Domaines à modifier : chaque domaine envoyé remplace le précédent (envoyé vide, "
            "il est retiré) ; les domaines non envoyés restent tels quels."
        ),
    )
    person_expectations: str = _text("Attentes de la personne.", 5000, default=None)
    no_shelter_tonight: bool = Field(None, description=_FACT_DOCS["no_shelter_tonight"])
    no_resources: bool = Field(None, description=_FACT_DOCS["no_resources"])
    violence: bool = Field(None, description=_FACT_DOCS["violence"])
    health_emergency: bool = Field(None, description=_FACT_DOCS["health_emergency"])
    eviction_on: date | None = Field(None, description=_FACT_DOCS["eviction_on"])
    urgency: UrgencyValue | None = Field(
        None,
        description=(
            URGENCY_IN_DOC + " Non envoyé : le degré retenu jusqu'ici est conservé s'il "
            "avait été choisi, sinon il suit la suggestion."
        ),
    )
    urgency_override_reason: str = _text("Justification du degré retenu.", 2000, default=None)
    validated_with_person_on: date | None = Field(
        None, description="Validé avec la personne le (AAAA-MM-JJ) ; `null` pour retirer."
    )


class DiagnosticOut(Schema):
    id: int
    person_id: int
    assessed_on: date
    author: UserRef
    validated_with_person_on: date | None
    person_expectations: str
    no_shelter_tonight: bool
    no_resources: bool
    violence: bool
    health_emergency: bool
    eviction_on: date | None
    urgency_suggested: UrgencyValue = Field(
        description=f"Degré suggéré par les règles : {URGENCY_DOC}."
    )
    urgency_suggested_label: str
    urgency_reasons: list[str] = Field(description="Raisons des règles déclenchées.")
    urgency: UrgencyValue = Field(description=f"Degré retenu : {URGENCY_DOC}.")
    urgency_label: str
    urgency_override_reason: str
    assessments: list[AssessmentOut]
    version: int
    created_at: datetime
    updated_at: datetime


class DomainEvolutionOut(Schema):
    domain: DomainValue
    label: str
    levels: list[DifficultyValue | None] = Field(
        description="Niveau à chaque diagnostic, du plus ancien au plus récent ; `null` : non abordé."
    )
    change: int | None = Field(
        description="Dernier niveau moins premier niveau (négatif : la difficulté a baissé)."
    )
    change_label: str


class EvolutionOut(Schema):
    dates: list[date] = Field(description="Dates des diagnostics, du plus ancien au plus récent.")
    diagnostic_ids: list[int]
    domains: list[DomainEvolutionOut]
