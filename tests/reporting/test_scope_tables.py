"""The persons a dashboard counts, read once into a temporary table (decision 0071): the same
figures as the subquery for every indicator, scope and filter; the tables dropped at the end,
even when a computation fails; one table per shared category for a coordination team."""

from __future__ import annotations

import re

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from relais.reporting import selectors
from relais.reporting.filters import Scope
from relais.reporting.registry import INDICATORS, Indicator
from relais.reporting.scope import BASE, Context, scope_tables
from tests.factories.reporting import TODAY, period

pytestmark = pytest.mark.django_db

CREATED = re.compile(r'CREATE TEMPORARY TABLE "(reporting_scope_\w+)"')


def computed(indicator: Indicator, membership, scope, flt, *, tables: bool):
    shared: dict = {}
    with scope_tables(shared, enabled=tables):
        ctx = Context(
            membership=membership,
            scope=scope,
            filter=flt,
            today=TODAY,
            category=indicator.team_category or BASE,
            shared=shared,
        )
        return indicator.compute(ctx)


FILTERS = [
    {},
    {"scheme": "rsa"},
    {"age_band": "25-54"},
    {"commune_code": "59350"},
    {"scheme": "plie", "age_band": "moins-25"},
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "+".join(f) or "none")
def test_every_indicator_gives_the_same_rows_from_the_table_as_from_the_subquery(world, filters):
    flt = period(**filters)
    for key, indicator in INDICATORS.items():
        for membership, scope in ((world.manager, Scope.ORGANISATION), (world.team, Scope.TEAM)):
            if scope == Scope.TEAM and indicator.team_category is None:
                continue
            from_table = computed(indicator, membership, scope, flt, tables=True)
            from_subquery = computed(indicator, membership, scope, flt, tables=False)
            assert from_table == from_subquery, (key, scope, filters)


def test_the_referent_filter_too(world):
    flt = period(referent_id=world.r1.user_id)
    for indicator in INDICATORS.values():
        assert computed(indicator, world.manager, Scope.ORGANISATION, flt, tables=True) == (
            computed(indicator, world.manager, Scope.ORGANISATION, flt, tables=False)
        )


def _exists(name: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SELECT COUNT(*) FROM "{name}"')
        return True
    except DatabaseError:
        return False


def test_a_dashboard_makes_one_table_and_drops_it(world):
    with CaptureQueriesContext(connection) as queries:
        selectors.compute(world.manager, Scope.ORGANISATION, period(), today=TODAY)
    names = {m.group(1) for q in queries for m in [CREATED.search(q["sql"])] if m}
    assert len(names) == 1
    assert not any(_exists(name) for name in names)


def test_a_team_dashboard_makes_one_table_per_shared_category(world):
    with CaptureQueriesContext(connection) as queries:
        selectors.compute(world.team, Scope.TEAM, period(), today=TODAY)
    names = {m.group(1) for q in queries for m in [CREATED.search(q["sql"])] if m}
    categories = {i.team_category for i in INDICATORS.values() if i.team_category is not None}
    assert len(names) == len(categories)
    assert not any(_exists(name) for name in names)


def test_a_caseload_reads_its_persons_directly(world):
    with CaptureQueriesContext(connection) as queries:
        selectors.compute(world.r1, Scope.CASELOAD, period(), today=TODAY)
    assert not any(CREATED.search(q["sql"]) for q in queries)


def test_the_table_is_dropped_when_a_computation_fails(world, monkeypatch):
    indicator = INDICATORS["notes"]

    def failing(ctx):
        indicator.compute(ctx)  # creates the table
        raise RuntimeError("panne")

    monkeypatch.setitem(
        INDICATORS, "notes", Indicator(**{**indicator.__dict__, "compute": failing})
    )
    with CaptureQueriesContext(connection) as queries, pytest.raises(RuntimeError):
        selectors.compute(world.manager, Scope.ORGANISATION, period(), today=TODAY)
    names = {m.group(1) for q in queries for m in [CREATED.search(q["sql"])] if m}
    assert names
    assert not any(_exists(name) for name in names)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Transaction autour des tables temporaires : PostgreSQL seulement (SQLite : aucune).",
)
def test_on_postgresql_the_table_lives_in_one_transaction(monkeypatch):
    """Behind a pooler in transaction mode, a table made outside a transaction could be on
    another server session than the statements that read it."""
    from tests.factories.reporting import reporting_world

    world = reporting_world()
    seen = []
    original = Context.person_ids

    def person_ids(ctx):
        seen.append(connection.in_atomic_block)
        return original(ctx)

    monkeypatch.setattr(Context, "person_ids", person_ids)
    assert not connection.in_atomic_block
    selectors.compute(world.manager, Scope.ORGANISATION, period(), today=TODAY)
    assert seen
    assert all(seen)
