"""Explicit urgency rules (referential 2.5: situate the degree of urgency and act).

Each rule looks at facts recorded in the diagnostic and, when it fires, gives a level and
the reason shown to the référent. The suggestion is the highest level among the rules
that fire; the référent may retain another level with a written justification."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from relais.diagnostics.domains import Difficulty, Domain
from relais.diagnostics.models import Urgency

EVICTION_HORIZON_DAYS = 30


@dataclass(frozen=True)
class UrgencyFacts:
    assessed_on: date
    no_shelter_tonight: bool = False
    no_resources: bool = False
    violence: bool = False
    health_emergency: bool = False
    eviction_on: date | None = None
    blocking_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleResult:
    level: int
    reason: str


Rule = Callable[[UrgencyFacts], RuleResult | None]


def no_shelter_tonight(facts: UrgencyFacts) -> RuleResult | None:
    if facts.no_shelter_tonight:
        return RuleResult(
            Urgency.IMMEDIATE, "Sans solution d'hébergement ce soir : appeler le 115 / SIAO."
        )
    return None


def violence(facts: UrgencyFacts) -> RuleResult | None:
    if facts.violence:
        return RuleResult(
            Urgency.IMMEDIATE,
            "Violences déclarées : mise en sécurité d'abord (17, 3919, 119 pour un enfant).",
        )
    return None


def health_emergency(facts: UrgencyFacts) -> RuleResult | None:
    if facts.health_emergency:
        return RuleResult(
            Urgency.IMMEDIATE, "Urgence de santé : orienter vers les soins (15, PASS de l'hôpital)."
        )
    return None


def eviction_soon(facts: UrgencyFacts) -> RuleResult | None:
    if facts.eviction_on is None:
        return None
    days = (facts.eviction_on - facts.assessed_on).days
    if days <= 0:
        return RuleResult(Urgency.IMMEDIATE, "Expulsion prévue aujourd'hui ou déjà passée.")
    if days <= EVICTION_HORIZON_DAYS:
        return RuleResult(
            Urgency.HIGH, f"Expulsion prévue dans {days} jour{'s' if days > 1 else ''}."
        )
    return None


def no_resources(facts: UrgencyFacts) -> RuleResult | None:
    if facts.no_resources:
        return RuleResult(
            Urgency.HIGH, "Aucune ressource : aide d'urgence et ouverture des droits."
        )
    return None


def blocking_difficulty(facts: UrgencyFacts) -> RuleResult | None:
    if facts.blocking_domains:
        labels = ", ".join(Domain(d).label.lower() for d in facts.blocking_domains)
        return RuleResult(Urgency.WATCH, f"Difficulté bloquante : {labels}.")
    return None


RULES: tuple[Rule, ...] = (
    no_shelter_tonight,
    violence,
    health_emergency,
    eviction_soon,
    no_resources,
    blocking_difficulty,
)


def suggest(facts: UrgencyFacts, rules: Iterable[Rule] = RULES) -> tuple[int, list[str]]:
    """The suggested level and the reasons of every rule that fired, highest first."""
    fired = [r for r in (rule(facts) for rule in rules) if r is not None]
    fired.sort(key=lambda r: -r.level)
    level = fired[0].level if fired else Urgency.NONE
    return int(level), [r.reason for r in fired]


def facts_from(diagnostic, assessments: Iterable) -> UrgencyFacts:
    return UrgencyFacts(
        assessed_on=diagnostic.assessed_on,
        no_shelter_tonight=diagnostic.no_shelter_tonight,
        no_resources=diagnostic.no_resources,
        violence=diagnostic.violence,
        health_emergency=diagnostic.health_emergency,
        eviction_on=diagnostic.eviction_on,
        blocking_domains=tuple(
            a.domain for a in assessments if a.difficulty == Difficulty.BLOCKING
        ),
    )


# How the rules read, for the page that explains the suggestion (same order as RULES).
RULE_HELP: tuple[tuple[int, str], ...] = (
    (Urgency.IMMEDIATE, "Pas de solution d'hébergement pour ce soir."),
    (Urgency.IMMEDIATE, "Violences subies ou personne en danger."),
    (Urgency.IMMEDIATE, "Urgence de santé."),
    (Urgency.IMMEDIATE, "Expulsion prévue à la date du diagnostic ou déjà passée."),
    (Urgency.HIGH, f"Expulsion prévue dans les {EVICTION_HORIZON_DAYS} jours."),
    (Urgency.HIGH, "Aucune ressource."),
    (Urgency.WATCH, "Au moins un domaine en difficulté bloquante (niveau 3)."),
)


def suggest_for(diagnostic, assessments: Iterable) -> tuple[int, list[str]]:
    """The suggestion for a diagnostic and its domain assessments (saved or not)."""
    return suggest(facts_from(diagnostic, assessments))
