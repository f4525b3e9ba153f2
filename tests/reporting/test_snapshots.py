"""Precomputed organisation dashboards: what they store is what the page would compute,
they serve only their own day and default filters, and the page says when they were made."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from relais.reporting import selectors, snapshots
from relais.reporting.filters import ReportFilter, Scope, default_period
from relais.reporting.models import DashboardSnapshot
from tests.factories import PathwayFactory, PersonFactory
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    """The hand-computed world and five more persons aged 25 to 54 in the RSA since 2025,
    so that the precomputed slices (RSA, 25 to 54) hold 5 persons or more (below five,
    nothing is shown, and nothing is stored)."""
    for _ in range(5):
        person = PersonFactory(
            organisation=world.org, referent=world.r1.user, birth_date=dt.date(1985, 3, 1)
        )
        PathwayFactory(
            person=person, referent=world.r1.user, scheme="rsa", started_on=dt.date(2025, 1, 1)
        )
    return world


def texts(sections):
    return {
        t.key: [(line.label, [c.text for c in line.cells]) for line in t.lines]
        for block in sections
        for t in block.tables
    }


def test_a_snapshot_holds_the_figures_the_page_computes(world):
    today = timezone.localdate()
    snapshots.snapshot_refresh(organisation_id=world.org.pk, today=today)
    start, end = default_period(today)
    flt = ReportFilter(start=start, end=end)
    stored, computed_at = snapshots.cached(world.org.pk, flt, today=today)
    live = selectors.dashboard(world.manager, Scope.ORGANISATION, flt, today=today)
    assert texts(stored) == texts(live)
    assert computed_at.date() == timezone.now().date()
    assert all(t.chart is not None or not t.indicator.chart for b in stored for t in b.tables)
    # The comparison year is stored as well.
    assert snapshots.cached(world.org.pk, flt.previous_year(), today=today) is not None


def test_a_snapshot_serves_only_its_day_and_the_default_filters(world):
    today = timezone.localdate()
    snapshots.snapshot_refresh(organisation_id=world.org.pk, today=today)
    start, end = default_period(today)
    assert (
        snapshots.cached(world.org.pk, ReportFilter(start, end, commune_code="59350"), today=today)
        is None
    )
    assert (
        snapshots.cached(
            world.org.pk, ReportFilter(start, end, scheme="rsa", age_band="25-54"), today=today
        )
        is None
    )
    tomorrow = today + dt.timedelta(days=1)
    assert (
        snapshots.cached(world.org.pk, ReportFilter(*default_period(tomorrow)), today=tomorrow)
        is None
    )


def test_refresh_replaces_older_snapshots(world):
    today = timezone.localdate()
    snapshots.snapshot_refresh(organisation_id=world.org.pk, today=today - dt.timedelta(days=1))
    call_command("reporting_refresh")
    # The organisation's two views, and two for each référent holding a caseload.
    holders = snapshots.caseload_holders(world.org.pk)
    assert len(holders) == 2
    # The organisation's two views and its slices of 5 persons or more (RSA, 25 to 54,
    # each with the year before; the other slices hold fewer persons and are not stored),
    # and two for each référent holding a caseload.
    assert DashboardSnapshot.objects.filter(organisation=world.org).count() == 2 + 4 + 2 * 2
    assert snapshots.cached(world.org.pk, ReportFilter(*default_period(today)), today=today)


def test_the_page_uses_the_snapshot_and_says_when(client, world):
    login_verified(client, world.manager.user)
    url = reverse("reporting:organisation")
    live = client.get(url)
    assert "Chiffres calculés à l'instant" in page_text(live)
    live_queries = count_queries(lambda: client.get(url))
    snapshots.snapshot_refresh(organisation_id=world.org.pk, today=timezone.localdate())
    stored = client.get(url)
    assert "Chiffres calculés le" in page_text(stored)
    assert count_queries(lambda: client.get(url)) < live_queries
    # A slice by one scheme is precomputed; other filters are computed when asked.
    assert "Chiffres calculés le" in page_text(client.get(url, {"dispositif": "rsa"}))
    filtered = client.get(url, {"commune": "69123"})
    assert "Chiffres calculés à l'instant" in page_text(filtered)
    # Below five persons, no figure: nothing precomputed, the page says why.
    assert "Moins de 5 personnes" in page_text(client.get(url, {"dispositif": "plie"}))


def test_each_referents_caseload_is_precomputed_and_the_page_says_when(client, world):
    today = timezone.localdate()
    snapshots.snapshot_refresh(organisation_id=world.org.pk, today=today)
    flt = ReportFilter(*default_period(today))
    stored, _at = snapshots.cached(world.org.pk, flt, today=today, user_id=world.r2.user_id)
    live = selectors.dashboard(world.r2, Scope.CASELOAD, flt, today=today)
    assert texts(stored) == texts(live)
    # Another référent's snapshot is not this one's.
    other = snapshots.cached(world.org.pk, flt, today=today, user_id=world.r1.user_id)
    assert other is not None and texts(other[0]) != texts(stored)
    login_verified(client, world.r2.user)
    url = reverse("reporting:caseload")
    page = client.get(url)
    assert "Chiffres calculés le" in page_text(page)
    assert "Recalculer maintenant" in page_text(page)
    fresh = client.get(url, {"recalculer": "1"})
    assert "Chiffres calculés à l'instant" in page_text(fresh)
    # Opening the precomputed view costs a fixed, small number of queries.
    assert count_queries(lambda: client.get(url)) < count_queries(
        lambda: client.get(url, {"recalculer": "1"})
    )


def test_a_slice_holds_the_figures_the_page_computes(world):
    today = timezone.localdate()
    snapshots.snapshot_refresh(organisation_id=world.org.pk, today=today, caseloads=False)
    start, end = default_period(today)
    for changes in ({"scheme": "rsa"}, {"age_band": "25-54"}):
        flt = ReportFilter(start, end, **changes)
        stored, _at = snapshots.cached(world.org.pk, flt, today=today)
        live = selectors.dashboard(world.manager, Scope.ORGANISATION, flt, today=today)
        assert texts(stored) == texts(live)
        assert snapshots.cached(world.org.pk, flt.previous_year(), today=today) is not None


def test_the_refresh_computes_with_no_transaction_open(world, monkeypatch):
    # SQLite's transactions take the write lock at once (BEGIN IMMEDIATE): computing an
    # organisation's dashboards inside one held every writer out for the whole refresh.
    from django.db import connection

    outer = len(connection.atomic_blocks)  # the test's own transaction
    depths = []
    compute = selectors.dashboard

    def watched(*args, **kwargs):
        depths.append(len(connection.atomic_blocks) - outer)
        return compute(*args, **kwargs)

    monkeypatch.setattr(selectors, "dashboard", watched)
    written = []
    write = DashboardSnapshot.objects.update_or_create

    def watched_write(*args, **kwargs):
        written.append(len(connection.atomic_blocks) - outer)
        return write(*args, **kwargs)

    monkeypatch.setattr(DashboardSnapshot.objects, "update_or_create", watched_write)
    stored = snapshots.snapshot_refresh(organisation_id=world.org.pk, today=timezone.localdate())
    assert depths and set(depths) == {0}
    # Each snapshot written in its own short transaction.
    assert len(written) == stored and set(written) == {1}
