"""The urgency rules one by one (referential 2.5): each fires when its fact is there and
only then, with its level and the reason shown to the référent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from relais.diagnostics import urgency
from relais.diagnostics.domains import Domain
from relais.diagnostics.models import Urgency
from relais.diagnostics.urgency import UrgencyFacts, suggest

DAY = date(2026, 3, 10)


def facts(**kwargs) -> UrgencyFacts:
    return UrgencyFacts(assessed_on=DAY, **kwargs)


class TestEachRule:
    @pytest.mark.parametrize(
        ("rule", "fact", "level", "reason_part"),
        [
            (urgency.no_shelter_tonight, "no_shelter_tonight", Urgency.IMMEDIATE, "115"),
            (urgency.violence, "violence", Urgency.IMMEDIATE, "3919"),
            (urgency.health_emergency, "health_emergency", Urgency.IMMEDIATE, "soins"),
            (urgency.no_resources, "no_resources", Urgency.HIGH, "Aucune ressource"),
        ],
    )
    def test_boolean_rule_fires_on_its_fact_only(self, rule, fact, level, reason_part):
        fired = rule(facts(**{fact: True}))
        assert fired is not None
        assert fired.level == level
        assert reason_part in fired.reason
        assert rule(facts()) is None
        # Another fact does not make it fire.
        others = {"no_shelter_tonight", "violence", "health_emergency", "no_resources"} - {fact}
        assert rule(facts(**dict.fromkeys(others, True))) is None

    def test_blocking_difficulty_fires_with_the_domains_named(self):
        fired = urgency.blocking_difficulty(facts(blocking_domains=(Domain.HOUSING, Domain.HEALTH)))
        assert fired.level == Urgency.WATCH
        assert "logement et hébergement" in fired.reason
        assert "santé" in fired.reason
        assert urgency.blocking_difficulty(facts()) is None


class TestEviction:
    @pytest.mark.parametrize(
        ("days", "expected"),
        [
            (-400, Urgency.IMMEDIATE),  # long past: still unresolved housing emergency
            (-1, Urgency.IMMEDIATE),
            (0, Urgency.IMMEDIATE),  # today
            (1, Urgency.HIGH),
            (29, Urgency.HIGH),
            (30, Urgency.HIGH),  # boundary: within 30 days
            (31, None),  # boundary: beyond
            (200, None),
        ],
    )
    def test_levels_around_the_30_day_horizon(self, days, expected):
        fired = urgency.eviction_soon(facts(eviction_on=DAY + timedelta(days=days)))
        if expected is None:
            assert fired is None
        else:
            assert fired.level == expected

    def test_no_date_no_rule(self):
        assert urgency.eviction_soon(facts(eviction_on=None)) is None

    def test_reason_counts_days_from_the_diagnostic_date(self):
        assert urgency.eviction_soon(facts(eviction_on=DAY + timedelta(days=30))).reason == (
            "Expulsion prévue dans 30 jours."
        )
        assert urgency.eviction_soon(facts(eviction_on=DAY + timedelta(days=1))).reason == (
            "Expulsion prévue dans 1 jour."
        )
        assert "aujourd'hui" in urgency.eviction_soon(facts(eviction_on=DAY)).reason


class TestSuggest:
    def test_nothing_fires(self):
        assert suggest(facts()) == (Urgency.NONE, [])

    def test_highest_level_wins_and_every_reason_is_kept_highest_first(self):
        level, reasons = suggest(
            facts(
                no_resources=True,
                blocking_domains=(Domain.BUDGET,),
                violence=True,
                eviction_on=DAY + timedelta(days=10),
            )
        )
        assert level == Urgency.IMMEDIATE
        assert len(reasons) == 4
        assert "Violences" in reasons[0]
        assert "Difficulté bloquante" in reasons[-1]

    def test_watch_only(self):
        assert suggest(facts(blocking_domains=(Domain.DIGITAL,)))[0] == Urgency.WATCH

    def test_every_rule_has_its_help_line(self):
        assert len(urgency.RULE_HELP) >= len(urgency.RULES)

    def test_suggest_for_a_diagnostic_and_its_assessments(self):
        class Diag:
            assessed_on = DAY
            no_shelter_tonight = False
            no_resources = True
            violence = False
            health_emergency = False
            eviction_on = None

        class Assessment:
            def __init__(self, domain, difficulty):
                self.domain, self.difficulty = domain, difficulty

        level, reasons = urgency.suggest_for(
            Diag(), [Assessment("housing", 3), Assessment("health", 2)]
        )
        assert level == Urgency.HIGH
        assert any("logement" in r for r in reasons)
        assert not any("santé" in r for r in reasons)
