"""What the diagnostic templates display, prepared in Python (templates stay simple and the
strict-template tests see explicit context)."""

from __future__ import annotations

from dataclasses import dataclass

from relais.diagnostics.domains import Barrier, Difficulty, Domain, barriers
from relais.diagnostics.models import Diagnostic, DomainAssessment, Urgency
from relais.diagnostics.selectors import Evolution, assessments_by_domain
from relais.web.diagnostics.forms import URGENCY_BADGES

DIFFICULTY_BADGES = {
    None: "",
    Difficulty.NONE: "fr-badge--success",
    Difficulty.LIGHT: "fr-badge--info",
    Difficulty.SIGNIFICANT: "fr-badge--warning",
    Difficulty.BLOCKING: "fr-badge--error",
}


SHORT_DIFFICULTY = {0: "0 aucune", 1: "1 légère", 2: "2 importante", 3: "3 bloquante"}


def difficulty_label(level: int | None) -> str:
    return "Non abordé" if level is None else Difficulty(level).label


def difficulty_short_label(level: int | None) -> str:
    """For the evolution table: the figure first, as in the chart."""
    return "non abordé" if level is None else SHORT_DIFFICULTY[level]


@dataclass(frozen=True)
class DomainView:
    domain: str
    label: str
    assessment: DomainAssessment | None
    difficulty: int | None
    difficulty_label: str
    badge: str
    barriers: list[Barrier]
    unknown_barriers: list[str]  # codes no longer in the vocabulary: shown as they are


def domain_views(diagnostic: Diagnostic) -> list[DomainView]:
    """All twelve domains, in order, with what was recorded (None: not addressed)."""
    found = assessments_by_domain(diagnostic)
    vocabulary = barriers()
    views = []
    for domain in Domain:
        assessment = found.get(domain.value)
        level = assessment.difficulty if assessment else None
        codes = list(assessment.barriers) if assessment else []
        views.append(
            DomainView(
                domain=domain.value,
                label=domain.label,
                assessment=assessment,
                difficulty=level,
                difficulty_label=difficulty_label(level),
                badge=DIFFICULTY_BADGES[level],
                barriers=[vocabulary[c] for c in codes if c in vocabulary],
                unknown_barriers=[c for c in codes if c not in vocabulary],
            )
        )
    return views


def urgency_view(diagnostic: Diagnostic) -> dict:
    return {
        "level": diagnostic.urgency,
        "label": Urgency(diagnostic.urgency).label,
        "badge": URGENCY_BADGES[diagnostic.urgency],
        "suggested_label": Urgency(diagnostic.urgency_suggested).label,
        "suggested_badge": URGENCY_BADGES[diagnostic.urgency_suggested],
        "reasons": list(diagnostic.urgency_reasons or []),
        "is_overridden": diagnostic.is_overridden,
        "justification": diagnostic.urgency_override_reason,
    }


def facts_view(diagnostic: Diagnostic) -> list[str]:
    facts = []
    if diagnostic.no_shelter_tonight:
        facts.append("Sans solution d'hébergement pour ce soir")
    if diagnostic.no_resources:
        facts.append("Aucune ressource")
    if diagnostic.violence:
        facts.append("Violences subies ou personne en danger")
    if diagnostic.health_emergency:
        facts.append("Urgence de santé")
    if diagnostic.eviction_on:
        facts.append(f"Expulsion prévue le {diagnostic.eviction_on:%d/%m/%Y}")
    return facts


def evolution_table(evolution: Evolution) -> list[dict]:
    """Rows of the data table that carries the chart's figures."""
    return [
        {
            "label": row.label,
            "cells": [
                {"level": level, "label": difficulty_short_label(level)} for level in row.levels
            ],
            "change": row.change_label,
        }
        for row in evolution.rows
    ]
