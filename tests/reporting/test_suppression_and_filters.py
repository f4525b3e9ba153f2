"""Small counts hidden beyond the caseload (primary and secondary), filters checked."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.core.errors import DomainError, PermissionDenied
from relais.reporting import policies, selectors, tables
from relais.reporting.filters import ReportFilter, Scope, build_filter, check_period
from relais.reporting.registry import INDICATORS, Cell, Row, Unit
from tests.factories import MembershipFactory, UserFactory
from tests.factories.reporting import TODAY, period


def table(key, membership, scope):
    return selectors.compute(membership, scope, period(), today=TODAY, keys=[key])[0]


def texts(found):
    return {line.label: [c.text for c in line.cells] for line in found.lines}


@pytest.mark.django_db
def test_organisation_dashboard_shows_small_counts_as_less_than_five(world):
    found = texts(table("persons_followed", world.manager, Scope.ORGANISATION))
    assert found == {"Personnes suivies": ["< 5"]}


@pytest.mark.django_db
def test_caseload_dashboard_shows_the_referents_own_figures(world):
    found = texts(table("persons_followed", world.r1, Scope.CASELOAD))
    assert found == {"Personnes suivies": ["2"]}


@pytest.mark.django_db
def test_rates_over_small_counts_are_hidden(world):
    found = texts(table("acceptance_by_partner", world.manager, Scope.ORGANISATION))
    assert found["Ensemble"] == ["< 5", "< 5", "< 5", "< 5"]


@pytest.mark.django_db
def test_the_chart_carries_no_suppressed_figure(world):
    found = table("appointments", world.manager, Scope.ORGANISATION)
    assert None in found.chart.series[0].values
    assert all(v in (None, 0) for v in found.chart.series[0].values)


def _indicator():
    return INDICATORS["new_entries"]


def test_secondary_suppression_hides_a_second_cell_of_the_column():
    rows = [Row("A", 3), Row("B", 20), Row("C", 40), Row("Total", 63, is_total=True)]
    found = tables.build(_indicator(), rows, suppress=True)
    shown = [line.cells[0].text for line in found.lines]
    # 3 alone hidden would be 63 - 20 - 40: B (the smallest other) is hidden too.
    assert shown == ["< 5", "< 5", "40", "63"]
    assert found.any_suppressed


def test_no_secondary_suppression_when_rows_do_not_add_up_to_the_total():
    rows = [Row("A", 3), Row("B", 20), Row("Total", 30, is_total=True)]
    shown = [line.cells[0].text for line in tables.build(_indicator(), rows, suppress=True).lines]
    assert shown == ["< 5", "20", "30"]


def test_nothing_hidden_in_the_caseload():
    rows = [Row("A", 3), Row("B", 20), Row("Total", 23, is_total=True)]
    shown = [line.cells[0].text for line in tables.build(_indicator(), rows, suppress=False).lines]
    assert shown == ["3", "20", "23"]


def test_a_rate_is_hidden_when_a_count_of_its_row_is():
    rows = [
        Row(
            "X",
            40,
            cells=(
                Cell("Acceptées", 2),
                Cell("Taux", 5.0, n=40, unit=Unit.RATE, part=2),
            ),
        )
    ]
    shown = [c.text for c in tables.build(_indicator(), rows, suppress=True).lines[0].cells]
    assert shown == ["40", "< 5", "< 5"]


def test_zero_is_shown():
    shown = tables.build(_indicator(), [Row("A", 0)], suppress=True).lines[0].cells[0].text
    assert shown == "0"


def test_period_ending_before_it_starts_is_refused_in_french():
    errors = check_period(dt.date(2026, 6, 1), dt.date(2026, 1, 1))
    assert [e.field for e in errors] == ["end"]
    assert "ne peut pas précéder" in errors[0].message
    with pytest.raises(DomainError):
        build_filter(start=dt.date(2026, 6, 1), end=dt.date(2026, 1, 1))


def test_missing_dates_and_bad_values_are_all_reported():
    assert [e.field for e in check_period(None, None)] == ["start", "end"]
    with pytest.raises(DomainError, match="Dispositif"):
        build_filter(start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 1), scheme="nope")
    with pytest.raises(DomainError, match="Tranche"):
        build_filter(start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 1), age_band="x")
    with pytest.raises(DomainError, match="INSEE"):
        build_filter(start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 1), commune_code="1")
    with pytest.raises(DomainError, match="trois ans"):
        build_filter(start=dt.date(2020, 1, 1), end=dt.date(2026, 2, 1))


def test_previous_year_keeps_the_dates():
    flt = ReportFilter(start=dt.date(2024, 2, 29), end=dt.date(2024, 12, 31))
    previous = flt.previous_year()
    assert (previous.start, previous.end) == (dt.date(2023, 2, 28), dt.date(2023, 12, 31))


def test_age_band_birth_dates():
    flt = ReportFilter(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30), age_band="25-54")
    # 25 on 30/06/2026: born on or before 30/06/2001; 54 at most: born after 30/06/1971.
    assert flt.birth_date_range() == (dt.date(1971, 7, 1), dt.date(2001, 6, 30))


@pytest.mark.django_db
def test_referent_of_another_organisation_is_refused(world):
    stranger = MembershipFactory(role="referent").user
    with pytest.raises(PermissionDenied):
        policies.check_referent_filter(world.manager, stranger.pk)
    with pytest.raises(PermissionDenied):
        policies.check_referent_filter(world.manager, UserFactory().pk)
    policies.check_referent_filter(world.manager, world.r1.user_id)  # accepted


@pytest.mark.django_db
def test_scopes_by_role(world):
    staff = MembershipFactory(organisation=world.org, role="staff")
    assert policies.scopes(world.manager) == (Scope.ORGANISATION, Scope.CASELOAD, Scope.TEAM)
    assert policies.scopes(world.r1) == (Scope.CASELOAD, Scope.TEAM)
    assert policies.scopes(staff) == ()
    with pytest.raises(PermissionDenied):
        policies.check_view(world.r1, Scope.ORGANISATION)


@pytest.mark.django_db
def test_team_dashboard_offers_only_indicators_built_on_shared_data(world):
    keys = {t.key for t in selectors.compute(world.team, Scope.TEAM, period(), today=TODAY)}
    assert "ruptures" not in keys
    assert "distance_travelled" not in keys
    assert {"persons_followed", "notes", "referral_delays"} <= keys


def test_secondary_suppression_along_a_row():
    indicator = INDICATORS["distance_travelled"]
    rows = [
        Row(
            "Logement",
            13,
            cells=(
                Cell("Difficulté en baisse", 3),
                Cell("Stable", 10),
                Cell("Difficulté en hausse", 0),
                Cell("Évolution", -0.2, n=13, unit=Unit.LEVEL),
            ),
        )
    ]
    shown = [c.text for c in tables.build(indicator, rows, suppress=True).lines[0].cells]
    # 3 alone hidden would be 13 - 10 - 0: « Stable » is hidden too, and the mean with them.
    assert shown == ["13", "< 5", "< 5", "0", "< 5"]
