"""Distance travelled on random records, against the rule computed by hand: for each person
and domain, the latest assessment made by the end of the period (of two diagnostics the same
day, the one recorded last), kept when made in the period and preceded by another, compared
with the first."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest

from relais.accounts.models import Role
from relais.diagnostics.domains import Domain
from relais.reporting.filters import ReportFilter, Scope
from relais.reporting.indicators.distance import distance_travelled
from relais.reporting.scope import Context
from tests.factories.accounts import MembershipFactory, OrganisationFactory
from tests.factories.diagnostics import DiagnosticFactory, DomainAssessmentFactory
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db
START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
DOMAINS = [Domain.HOUSING.value, Domain.HEALTH.value, Domain.MOBILITY.value]


def _by_hand(assessments) -> dict[str, list[int]]:
    """domain → the changes of level of the persons counted."""
    series = defaultdict(list)
    for person, domain, on, diagnostic, level in assessments:
        if level is not None and on <= END:
            series[(person, domain)].append((on, diagnostic, level))
    found = defaultdict(list)
    for (_person, domain), items in series.items():
        items.sort()
        if len(items) > 1 and items[-1][0] >= START:
            found[domain].append(items[-1][2] - items[0][2])
    return found


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_distance_travelled_equals_the_rule_by_hand(seed):
    rng = random.Random(seed)
    org = OrganisationFactory()
    manager = MembershipFactory(organisation=org, role=Role.MANAGER)
    other = PersonFactory()  # another organisation's person: never counted
    written = []
    for person in [PersonFactory(organisation=org) for _ in range(25)] + [other]:
        for _ in range(rng.randint(1, 4)):
            # Before, in and after the period; some the same day as another.
            on = dt.date(2024, 6, 1) + dt.timedelta(days=rng.choice([0, 100, 250, 400, 400, 600]))
            diagnostic = DiagnosticFactory(person=person, assessed_on=on)
            for domain in rng.sample(DOMAINS, rng.randint(1, 3)):
                level = rng.choice([0, 1, 2, 3, None])
                DomainAssessmentFactory(diagnostic=diagnostic, domain=domain, difficulty=level)
                if person != other:
                    written.append((person.pk, domain, on, diagnostic.pk, level))
    ctx = Context(
        membership=manager,
        scope=Scope.ORGANISATION,
        filter=ReportFilter(start=START, end=END),
        today=dt.date(2026, 1, 15),
    )
    found = {row.label: row for row in distance_travelled(ctx)}
    expected = _by_hand(written)
    assert expected  # the random records do hold comparisons
    for domain in Domain:
        changes = expected.get(domain.value, [])
        if not changes:
            assert domain.label not in found
            continue
        row = found[domain.label]
        cells = {c.label: c.value for c in row.cells}
        assert row.value == len(changes)
        assert cells["Difficulté en baisse"] == sum(1 for c in changes if c < 0)
        assert cells["Stable"] == sum(1 for c in changes if c == 0)
        assert cells["Difficulté en hausse"] == sum(1 for c in changes if c > 0)
        assert cells["Évolution moyenne du niveau"] == round(sum(changes) / len(changes), 2)
