"""Small counts hidden beyond the caseload (primary and secondary), filters checked."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.core.errors import DomainError, PermissionDenied
from relais.reporting import policies, selectors, tables
from relais.reporting.filters import ReportFilter, Scope, build_filter, check_period
from relais.reporting.registry import INDICATORS, Cell, Row, Unit
from tests.factories import MembershipFactory, UserFactory
from tests.factories.reporting import START, TODAY, period


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


def test_the_goals_rate_is_hidden_when_a_count_it_is_computed_from_is():
    # En cours 25, Atteint 40, Abandonné 3, Total 68: a rate of 93,0 % with 40 shown would
    # give 40 / 0,93 − 40 = 3 back.
    from relais.reporting.indicators.outcomes import goal_rows

    rows = goal_rows({"in_progress": 25, "achieved": 40, "abandoned": 3})
    found = texts(tables.build(INDICATORS["goals"], rows, suppress=True))
    assert found["Abandonné"] == ["< 5"]
    assert found["Objectifs atteints parmi les objectifs terminés"] == ["< 5"]


def test_a_rate_whose_complement_is_small_is_hidden():
    rows = [Row("X", 40, cells=(Cell("Taux", 93.0, n=43, unit=Unit.RATE, part=40),))]
    shown = [c.text for c in tables.build(_indicator(), rows, suppress=True).lines[0].cells]
    assert shown == ["40", "< 5"]


def _exit_rows(by_category: dict[str, int]):
    from relais.pathways.models import DYNAMIC_EXITS, ExitCategory
    from relais.reporting.indicators.outcomes import NEUTRAL_EXITS, _rate_row

    exits = [Row(c.label, by_category.get(c.value, 0)) for c in ExitCategory]
    exits.append(Row("Total", sum(by_category.values()), is_total=True))
    kept = sum(n for c, n in by_category.items() if c not in NEUTRAL_EXITS)
    dynamic = sum(n for c, n in by_category.items() if c in DYNAMIC_EXITS)
    rate_rows = [
        _rate_row("RSA", kept, dynamic),
        _rate_row("Ensemble", kept, dynamic, is_total=True),
    ]
    return exits, rate_rows


def test_neutral_exits_cannot_be_found_back_across_tables():
    # Total of the exits − « Sorties (hors neutralisées) » = the neutral exits: a single
    # small move among them must not be found back by subtraction between the tables.
    exits, rate_rows = _exit_rows(
        {"sustainable_employment": 20, "lost_contact": 30, "moved": 3, "other": 12}
    )
    built = tables.build_all(
        [
            (INDICATORS["exits_by_category"], exits),
            (INDICATORS["dynamic_rate_by_scheme"], rate_rows),
        ],
        suppress=True,
    )
    shown = {
        (t.key, line.label, c): cell.value
        for t in built
        for line in t.lines
        for c, cell in enumerate(line.cells)
    }
    total = shown[("exits_by_category", "Total", 0)]
    kept = shown[("dynamic_rate_by_scheme", "Ensemble", 0)]
    neutral_shown = [
        shown[("exits_by_category", label, 0)]
        for label in ("Raisons de santé", "Incarcération", "Décès")
    ]
    # The other neutral categories are 0: total − kept would be the move alone, so one of
    # the two must be hidden.
    assert neutral_shown == [0, 0, 0]
    assert shown[("exits_by_category", "Déménagement", 0)] is None
    assert total is None or kept is None


def test_cancelled_referrals_cannot_be_found_back_across_tables():
    acceptance = INDICATORS["acceptance_by_partner"]
    without = INDICATORS["without_answer"]
    from relais.reporting.indicators.coordination import _acceptance_row

    # 40 sent: 20 accepted, 10 refused, 5 waiting, 3 expired, 2 cancelled.
    acceptance_rows = [
        _acceptance_row("X", 20, 10, 40),
        _acceptance_row("Ensemble", 20, 10, 40, is_total=True),
    ]
    without_rows = [
        Row("Toujours en attente de réponse", 5),
        Row("Expirées sans réponse", 3),
        Row("Annulées par votre structure", 2),
        Row("Orientations envoyées (total)", 40, is_total=True),
    ]
    built = tables.build_all(
        [(acceptance, acceptance_rows), (without, without_rows)], suppress=True
    )
    shown = {
        (t.key, line.label, c): cell.value
        for t in built
        for line in t.lines
        for c, cell in enumerate(line.cells)
    }
    assert shown[("without_answer", "Annulées par votre structure", 0)] is None
    assert shown[("without_answer", "Expirées sans réponse", 0)] is None
    known = [
        shown[("acceptance_by_partner", "Ensemble", 0)],
        shown[("acceptance_by_partner", "Ensemble", 1)],
        shown[("acceptance_by_partner", "Ensemble", 2)],
        shown[("without_answer", "Toujours en attente de réponse", 0)],
    ]
    # Sent − accepted − refused − waiting leaves expired + cancelled together, never one alone.
    assert None in known or known[0] - known[1] - known[2] - known[3] == 5


def test_linked_suppression_hides_a_figure_until_no_small_count_is_found_back():
    from relais.core import disclosure

    # a + b + c = t (one table); a + b = u (another table): c = t − u.
    values = {0: 20, 1: 30, 2: 3, 3: 53, 4: 50}
    figures = disclosure.suppress_lines(values, [([0, 1, 2], 3), ([0, 1], 4)])
    hidden = {i for i, figure in figures.items() if figure.suppressed}
    assert 2 in hidden
    assert not disclosure.recoverable(2, hidden, [([0, 1, 2], 3), ([0, 1], 4)])


TOO_FEW = "Moins de 5 personnes correspondent à ces filtres"


@pytest.mark.django_db
def test_no_figure_when_fewer_than_five_persons_are_in_scope(world):
    # Narrowed to one person (P1's commune): « Personnes suivies < 5 » would sit beside
    # all of their appointments, notes and delays.
    with pytest.raises(selectors.TooFewPersons) as refused:
        selectors.compute(
            world.manager, Scope.ORGANISATION, period(commune_code="59350"), today=TODAY
        )
    assert TOO_FEW in refused.value.message
    with pytest.raises(selectors.TooFewPersons):
        selectors.dashboard(
            world.manager, Scope.ORGANISATION, period(referent_id=world.r1.user_id), today=TODAY
        )
    # Five persons: shown; the référent's own caseload: always shown.
    assert selectors.compute(world.manager, Scope.ORGANISATION, period(), today=TODAY)
    assert selectors.compute(world.r1, Scope.CASELOAD, period(), today=TODAY)


@pytest.mark.django_db
def test_a_team_indicator_over_fewer_than_five_sharing_persons_shows_no_figure(world):
    # Nobody shares a diagnostic with this member: the table shows no figure at all.
    found = texts(table("diagnostics_done", world.team, Scope.TEAM))
    assert found and all(v == ["< 5"] for v in found.values())
    assert texts(table("persons_followed", world.team, Scope.TEAM)) == {
        "Personnes co-suivies": ["5"]
    }


def test_beyond_the_caseload_periods_are_whole_months():
    from relais.reporting.filters import check_whole_months, default_period, is_whole_months

    assert is_whole_months(dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    assert not is_whole_months(dt.date(2026, 1, 1), dt.date(2026, 6, 15))
    assert not is_whole_months(dt.date(2026, 1, 2), dt.date(2026, 6, 30))
    errors = check_whole_months(dt.date(2026, 1, 2), dt.date(2026, 6, 15))
    assert [e.field for e in errors] == ["start", "end"]
    assert "mois entiers" in errors[0].message and "01/01/2026" in errors[0].message
    assert "30/06/2026" in errors[1].message
    # The default period ends with the current month; a year earlier stays whole months.
    assert default_period(dt.date(2026, 12, 5)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    february = ReportFilter(start=dt.date(2025, 1, 1), end=dt.date(2025, 2, 28))
    assert february.previous_year().end == dt.date(2024, 2, 29)


@pytest.mark.django_db
def test_a_period_of_part_of_a_month_is_refused_beyond_the_caseload(world):
    half = ReportFilter(start=START, end=dt.date(2026, 6, 15))
    with pytest.raises(DomainError) as refused:
        selectors.compute(world.manager, Scope.ORGANISATION, half, today=TODAY)
    assert "mois entiers" in refused.value.message
    # The référent's own caseload: any dates.
    assert selectors.compute(world.r1, Scope.CASELOAD, half, today=TODAY)


@pytest.mark.django_db
def test_the_filters_in_words_name_the_referent(world):
    world.r1.user.first_name, world.r1.user.last_name = "Inès", "Bernard"
    world.r1.user.save(update_fields=["first_name", "last_name"])
    described = period(referent_id=world.r1.user_id).describe()
    assert "référent : Inès Bernard" in described
    assert "n°" not in described
