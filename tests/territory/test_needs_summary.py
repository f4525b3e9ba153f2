"""The observed needs stored per calendar year and commune (decision 0070): the same figures
as read live, kept fresh by the writes of diagnostics, unused when the pooled organisations
changed since they were computed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from relais.diagnostics.domains import Domain, barrier_codes_for
from relais.territory import needs_summary, services
from relais.territory.models import NeedsSummary, NeedsSummaryState
from relais.territory.needs import observed_needs
from relais.territory.needs_sources import TWELVE_MONTHS, pooled_organisations
from tests.factories.diagnostics import DiagnosticFactory, DomainAssessmentFactory
from tests.factories.pathways import PathwayFactory
from tests.factories.people import PersonFactory
from tests.factories.territory import (
    LYON,
    VAULX,
    VILLEURBANNE,
    PoolingAgreementFactory,
    TerritoryFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
THIS_YEAR = TODAY.year
SCHEMES = ["rsa", "plie", "cej", "iae"]


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _populate(rng: random.Random, organisations, persons: int) -> None:
    """Persons of several organisations and communes (one outside the territory), born at
    every age, in one or two schemes, with one to three diagnostics over three years (two
    of them some days on the same date), each with random domains, difficulties, barriers
    and urgency."""
    # Bron and Vénissieux have few persons: counted together as « autres communes ».
    # Lyon also under its arrondissements (69383, 69387), as addresses may name them.
    communes = [
        LYON,
        "69383",
        "69387",
        VILLEURBANNE,
        VILLEURBANNE,
        VAULX,
        "69029",
        "69259",
        "13055",
    ]
    domains = list(Domain.values)
    for _ in range(persons):
        person = PersonFactory(
            organisation=rng.choice(organisations),
            commune_code=rng.choice(communes),
            birth_date=dt.date(THIS_YEAR - rng.randint(17, 70), rng.randint(1, 12), 28),
        )
        for scheme in rng.sample(SCHEMES, rng.randint(0, 2)):
            PathwayFactory(person=person, scheme=scheme)
        for _d in range(rng.randint(1, 3)):
            year = THIS_YEAR - rng.randint(0, 2)
            last_day = TODAY if year == THIS_YEAR else dt.date(year, 12, 31)
            assessed = dt.date(year, rng.randint(1, last_day.month), 1)
            urgency = rng.choice([0, 1, 2, 3])
            diagnostic = DiagnosticFactory(
                person=person, assessed_on=assessed, urgency=urgency, urgency_suggested=urgency
            )
            for domain in rng.sample(domains, rng.randint(0, 4)):
                codes = sorted(barrier_codes_for(domain))
                DomainAssessmentFactory(
                    diagnostic=diagnostic,
                    domain=domain,
                    difficulty=rng.choice([0, 1, 2, 3, None]),
                    barriers=rng.sample(codes, min(len(codes), rng.randint(0, 2))),
                )


def _figures(found) -> dict:
    return {k: v for k, v in dataclasses.asdict(found).items() if k != "computed_at"}


@pytest.mark.parametrize("seed", [1, 2])
def test_stored_figures_equal_the_live_ones_every_year(seed, organisation, other_organisation):
    rng = random.Random(seed)
    territory = TerritoryFactory(organisation=organisation, areas=["departement:69"])
    PoolingAgreementFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=other_organisation)
    not_pooled = PersonFactory().organisation
    _populate(rng, [organisation, other_organisation, not_pooled], 90)
    result = needs_summary.refresh()
    assert result.years == 3
    pooled = pooled_organisations()
    grouped: set[str] = set()
    for year in range(THIS_YEAR - 3, THIS_YEAR + 1):
        start, end = _year(year)
        stored = observed_needs(territory, start=start, end=end)
        live = observed_needs(territory, start=start, end=end, organisations=pooled)
        assert stored.computed_at is not None and live.computed_at is None
        assert _figures(stored) == _figures(live), year
        grouped |= stored.grouped
    assert observed_needs(territory, start=start, end=end).persons > 0
    assert grouped  # the small communes were pooled in some year
    # Another territory reads the same rows through its own units.
    lyon = TerritoryFactory(organisation=organisation, areas=[f"commune:{LYON}"])
    stored = observed_needs(lyon, start=start, end=end)
    assert _figures(stored) == _figures(
        observed_needs(lyon, start=start, end=end, organisations=pooled)
    )


def test_the_twelve_months_to_today_are_stored_too(organisation, other_organisation):
    territory = TerritoryFactory(organisation=organisation, areas=["departement:69"])
    PoolingAgreementFactory(organisation=organisation)
    _populate(random.Random(4), [organisation, other_organisation], 60)
    needs_summary.refresh()
    start = TODAY - TWELVE_MONTHS
    stored = observed_needs(territory, start=start, end=TODAY)
    live = observed_needs(territory, start=start, end=TODAY, organisations=pooled_organisations())
    assert stored.computed_at is not None and stored.persons > 0
    assert _figures(stored) == _figures(live)


def test_another_period_is_read_live(organisation):
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    needs_summary.refresh()
    found = observed_needs(territory, start=TODAY - dt.timedelta(days=100), end=TODAY)
    assert found.computed_at is None
    # The twelve months stored end on the day of the computation, not on another day.
    NeedsSummaryState.objects.update(rolling_end=TODAY - dt.timedelta(days=1))
    found = observed_needs(territory, start=TODAY - TWELVE_MONTHS, end=TODAY)
    assert found.computed_at is None


def _diagnose(organisation, n: int, *, commune=VILLEURBANNE) -> None:
    for _ in range(n):
        person = PersonFactory(organisation=organisation, commune_code=commune)
        diagnostic = DiagnosticFactory(person=person, assessed_on=TODAY)
        DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", difficulty=3)


def test_a_diagnostic_written_queues_one_refresh(organisation, django_capture_on_commit_callbacks):
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    _diagnose(organisation, 5)
    needs_summary.refresh()
    start, end = _year(THIS_YEAR)
    assert observed_needs(territory, start=start, end=end).persons == 5
    with django_capture_on_commit_callbacks(execute=False) as queued:
        _diagnose(organisation, 2)
    # Out of date, one refresh queued for the three writes (nothing queued while one is).
    assert NeedsSummaryState.objects.get().stale_since is not None
    assert len(queued) == 1
    assert observed_needs(territory, start=start, end=end).persons == 5
    queued[0]()  # the test settings run tasks at once
    state = NeedsSummaryState.objects.get()
    assert state.stale_since is None
    assert observed_needs(territory, start=start, end=end).persons == 7


def test_nothing_is_queued_before_the_first_computation(
    organisation, django_capture_on_commit_callbacks
):
    PoolingAgreementFactory(organisation=organisation)
    with django_capture_on_commit_callbacks() as queued:
        _diagnose(organisation, 1)
    assert queued == []
    assert not NeedsSummaryState.objects.exists()


def test_a_withdrawal_counts_at_once(organisation, other_organisation, manager):
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=other_organisation)
    _diagnose(organisation, 6)
    _diagnose(other_organisation, 7)
    needs_summary.refresh()
    start, end = _year(THIS_YEAR)
    assert observed_needs(territory, start=start, end=end).persons == 13
    services.pooling_withdraw(membership=manager.memberships.get())
    found = observed_needs(territory, start=start, end=end)
    assert (found.persons, found.computed_at) == (7, None)  # read live until recomputed
    needs_summary.refresh()
    found = observed_needs(territory, start=start, end=end)
    assert found.persons == 7 and found.computed_at is not None


def test_stored_figures_read_in_few_queries(
    organisation, django_assert_max_num_queries, rng=random.Random(3)
):
    territory = TerritoryFactory(organisation=organisation, areas=["departement:69"])
    PoolingAgreementFactory(organisation=organisation)
    _populate(rng, [organisation], 30)
    needs_summary.refresh()
    start, end = _year(THIS_YEAR)
    # Agreements, state, the year's communes, the five years' columns.
    with django_assert_max_num_queries(4):
        found = observed_needs(territory, start=start, end=end)
    assert found.persons > 0


def test_command_replaces_the_rows(organisation, capsys):
    PoolingAgreementFactory(organisation=organisation)
    _diagnose(organisation, 5)
    NeedsSummary.objects.create(year=1990, commune_code=LYON, persons=99)
    call_command("territory_refresh_needs")
    out = capsys.readouterr().out
    assert "Besoins observés calculés : 1 année(s), 1 commune(s), 5 personne(s)" in out
    assert sorted(NeedsSummary.objects.values_list("year", "commune_code", "persons")) == [
        (0, VILLEURBANNE, 5),  # the twelve months to today
        (THIS_YEAR, VILLEURBANNE, 5),
    ]
