"""Every statement of the hot pages can be served by an index (PostgreSQL).

The pages are requested as a référent would, their statements captured, then each one is
explained with sequential scans disabled (`enable_seqscan = off`): the planner then takes an
index whenever one can serve the statement, so a « Seq Scan » left in the plan means no
index fits its filter or join — on a large table, a page that grows with the data. Small
reference tables (the thématiques, the organisations' kinds…) may be scanned."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relais.pathways.models import Pathway
from tests.factories.network.directory import ServiceFactory
from tests.factories.network.referrals import ReferralFactory
from tests.factories.pathways import AppointmentFactory, NoteFactory, PathwayFactory
from tests.factories.people import PersonFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="query plans are those of PostgreSQL"
    ),
]

# Tables that stay small whatever the number of persons (read whole on purpose).
SMALL_TABLES = {
    "django_content_type",
    "django_migrations",
}


def _seq_scans(plan: dict) -> list[str]:
    found = []
    if plan.get("Node Type") == "Seq Scan":
        found.append(plan.get("Relation Name", "?"))
    for child in plan.get("Plans", []):
        found += _seq_scans(child)
    return found


def _scanned_tables(statements: list[str]) -> dict[str, list[str]]:
    """Statement → tables it can only read by a sequential scan."""
    bad: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            for sql in statements:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                raw = cursor.fetchone()[0]
                plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
                tables = [t for t in _seq_scans(plan) if t not in SMALL_TABLES]
                if tables:
                    bad[sql[:300]] = tables
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")
    return bad


def _selects(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith("SELECT")]


@pytest.fixture
def caseload_world(organisation, referent, other_organisation):
    persons = PersonFactory.create_batch(12, organisation=organisation, referent=referent)
    PersonFactory.create_batch(5, organisation=other_organisation)
    for person in persons:
        PathwayFactory(person=person, referent=referent)
    person = persons[0]
    NoteFactory(person=person, author=referent)
    AppointmentFactory(person=person, with_user=referent)
    service = ServiceFactory(organisation=organisation)
    for sender in PersonFactory.create_batch(3, organisation=other_organisation):
        ReferralFactory(person=sender, service=service)
    return persons


@pytest.mark.parametrize(
    "path",
    ["/", "/?q=a", "/orientations/", "/orientations/?onglet=toutes", "/agenda/"],
    ids=["caseload", "name-search", "inbox", "inbox-all", "agenda"],
)
def test_hot_pages_use_indexes(referent_client, caseload_world, path):
    statements = _selects(referent_client, path)
    assert statements
    assert _scanned_tables(statements) == {}


def test_person_page_uses_indexes(referent_client, caseload_world):
    person = caseload_world[0]
    assert Pathway.objects.filter(person=person).exists()
    statements = _selects(referent_client, f"/personnes/{person.pk}/")
    statements += _selects(referent_client, f"/personnes/{person.pk}/sections/chronologie/")
    assert _scanned_tables(statements) == {}


def test_seq_scans_are_found():
    """The check itself: a filter no index serves is reported."""
    sql = "SELECT id FROM people_person WHERE length(first_names) = 7"
    assert _scanned_tables([sql]) == {sql: ["people_person"]}
