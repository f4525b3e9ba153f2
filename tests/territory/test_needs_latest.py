"""Observed needs read from the diagnostics' derived columns (decision 0069) give the figures
of a plain reading of every diagnostic: each person's latest of the period in (date, id)
order, their domains, age band and the years of the evolution."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.utils import timezone

from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.territory.needs import observed_needs
from relais.territory.needs_sources import AGE_BANDS
from tests.factories.diagnostics import DiagnosticFactory, DomainAssessmentFactory
from tests.factories.people import PersonFactory
from tests.factories.territory import LYON, VILLEURBANNE, PoolingAgreementFactory, TerritoryFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DOMAINS = ("housing", "health", "employment", "budget")


def plain_latest(start: dt.date, end: dt.date) -> dict[int, Diagnostic]:
    latest: dict[int, Diagnostic] = {}
    for d in Diagnostic.objects.filter(assessed_on__gte=start, assessed_on__lte=end):
        current = latest.get(d.person_id)
        if current is None or (d.assessed_on, d.pk) > (current.assessed_on, current.pk):
            latest[d.person_id] = d
    return latest


def age_on(end: dt.date, born: dt.date) -> int:
    return end.year - born.year - ((end.month, end.day) < (born.month, born.day))


def test_figures_equal_a_plain_reading(organisation):
    rng = random.Random(69)
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    days = [TODAY - dt.timedelta(days=n) for n in (0, 0, 40, 400, 800)]
    for i in range(24):
        person = PersonFactory(
            organisation=organisation,
            commune_code=(VILLEURBANNE, LYON)[i % 2],
            # ages 20 to 66, born the day before, on or after the day of the period's end
            birth_date=dt.date(1960 + 2 * i, 1, 1)
            + (TODAY - dt.date(TODAY.year, 1, 1))
            + dt.timedelta(days=i % 3 - 1),
        )
        for _ in range(rng.randint(1, 3)):
            diagnostic = DiagnosticFactory(person=person, assessed_on=rng.choice(days))
            for domain in rng.sample(DOMAINS, rng.randint(0, 3)):
                DomainAssessmentFactory(
                    diagnostic=diagnostic, domain=domain, difficulty=rng.choice([None, 0, 2, 3])
                )
    start, end = dt.date(TODAY.year - 1, 1, 1), TODAY
    found = observed_needs(territory, start=start, end=end)
    latest = plain_latest(start, end)
    assert found.persons == len(latest)
    significant = DomainAssessment.objects.filter(diagnostic__in=latest.values(), difficulty__gte=2)
    domains = Counter(a.domain for a in significant)
    blocking = Counter(a.domain for a in significant if a.difficulty == 3)
    assert {key: (n, b) for key, _label, n, b in found.by_domain} == {
        key: (n, blocking[key]) for key, n in domains.items()
    }
    assert found.difficulty == len({a.diagnostic_id for a in significant})
    ages = Counter()
    for d in latest.values():
        age = age_on(end, d.person.birth_date)
        ages.update(label for low, high, label in AGE_BANDS if low <= age <= high)
    assert dict(found.by_age) == {label: ages[label] for _l, _h, label in AGE_BANDS}
    for year, persons, _urgent in found.evolution[:-1]:
        of_year = plain_latest(dt.date(year, 1, 1), dt.date(year, 12, 31))
        per_commune = Counter(d.person.commune_code for d in of_year.values())
        units = {d.pk for d in of_year.values() if per_commune[d.person.commune_code] >= 5}
        troubled = DomainAssessment.objects.filter(diagnostic__in=units, difficulty__gte=2)
        assert persons == len({a.diagnostic_id for a in troubled})
