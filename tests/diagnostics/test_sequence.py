"""Derived columns of a diagnostic (decision 0069): the person's sequence (`superseded_on`)
and the domain masks, kept by the services, a merge and its undoing, and the repair
command."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO

import pytest
from django import db
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from relais.diagnostics import services
from relais.diagnostics.models import Diagnostic
from relais.diagnostics.sequence import (
    DOMAIN_BITS,
    latest_of_period,
    refresh_all,
    refresh_sequence,
    summarise,
)
from relais.diagnostics.services import AssessmentInput, DiagnosticInput
from relais.people.merging import person_merge, person_merge_undo
from tests.factories import DiagnosticFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
D1, D2, D3 = (TODAY - dt.timedelta(days=n) for n in (300, 200, 100))


@pytest.fixture
def person(organisation):
    return PersonFactory(organisation=organisation, birth_date=dt.date(1985, 4, 2))


@pytest.fixture
def author():
    return UserFactory()


def create(person, author, day, **difficulties):
    return services.diagnostic_create(
        person=person,
        author=author,
        data=DiagnosticInput(
            assessed_on=day,
            assessments=tuple(
                AssessmentInput(domain=d, difficulty=n) for d, n in difficulties.items()
            ),
        ),
    )


def superseded(*diagnostics):
    return [Diagnostic.objects.get(pk=d.pk).superseded_on for d in diagnostics]


def test_summarise():
    assert summarise(
        [
            ("housing", 2, ["25", "24", "25"]),
            ("health", 3, []),
            ("budget", 1, ["30"]),  # not significant: neither the domain nor its barriers
            ("digital", None, []),
        ]
    ) == (DOMAIN_BITS["housing"] | DOMAIN_BITS["health"], DOMAIN_BITS["health"], "24 25")


def test_create_keeps_the_sequence_and_the_masks(person, author):
    first = create(person, author, D1, housing=2, health=3, budget=1)
    assert first.superseded_on is None
    assert first.significant_domains == DOMAIN_BITS["housing"] | DOMAIN_BITS["health"]
    assert first.blocking_domains == DOMAIN_BITS["health"]
    third = create(person, author, D3)
    # Entered afterwards for an earlier date: between the two.
    second = create(person, author, D2, employment=0)
    assert superseded(first, second, third) == [D2, D3, None]
    assert second.significant_domains == second.blocking_domains == 0


def test_same_day_the_one_recorded_last_supersedes(person, author):
    first = create(person, author, D1)
    second = create(person, author, D1)
    assert superseded(first, second) == [D1, None]
    assert list(Diagnostic.objects.filter(latest_of_period(D1, D1))) == [second]


def test_correction_of_date_and_difficulties(person, author):
    first = create(person, author, D1, housing=3)
    second = create(person, author, D2)
    services.diagnostic_update(
        diagnostic=first,
        actor=author,
        expected_version=first.version,
        data=DiagnosticInput(
            assessed_on=D3, assessments=(AssessmentInput(domain="housing", difficulty=2),)
        ),
    )
    assert superseded(first, second) == [None, D3]
    first.refresh_from_db()
    assert (first.significant_domains, first.blocking_domains) == (DOMAIN_BITS["housing"], 0)
    assert first.version == 2  # the derived columns do not count as an edit
    second.refresh_from_db()
    assert second.version == 1


def test_deletion_makes_the_previous_one_latest_again(person, author):
    first = create(person, author, D1)
    second = create(person, author, D2)
    third = create(person, author, D3)
    services.diagnostic_delete(diagnostic=second)
    assert superseded(first, third) == [D3, None]
    services.diagnostic_delete(diagnostic=third)
    assert superseded(first) == [None]


def test_merge_and_undo_rebuild_both_sequences(organisation, author):
    kept = PersonFactory(organisation=organisation)
    merged = PersonFactory(organisation=organisation)
    k1, k3 = create(kept, author, D1), create(kept, author, D3)
    m2 = create(merged, author, D2)
    assert superseded(k1, m2, k3) == [D3, None, None]
    kept.refresh_from_db()
    merged.refresh_from_db()
    done = person_merge(
        organisation_id=organisation.pk,
        actor=author,
        kept_id=kept.pk,
        merged_id=merged.pk,
        kept_version=kept.version,
        merged_version=merged.version,
    )
    assert superseded(k1, m2, k3) == [D2, D3, None]
    person_merge_undo(merge_id=done.pk, organisation_id=organisation.pk, actor=author)
    assert superseded(k1, m2, k3) == [D3, None, None]


def test_command_repairs_raw_writes_and_is_idempotent(person, author):
    first = create(person, author, D1, housing=3)
    second = DiagnosticFactory(person=person, assessed_on=D2)
    other = create(PersonFactory(organisation=person.organisation), author, D1, health=2)
    # Raw writes (an import, the bench): the columns are stale.
    Diagnostic.objects.update(superseded_on=None, significant_domains=0, blocking_domains=0)
    Diagnostic.objects.filter(pk=second.pk).update(assessed_on=D3)
    out = StringIO()
    call_command("diagnostics_refresh_summaries", "--batch-size", "1", stdout=out)
    assert "2 personnes" in out.getvalue()
    assert superseded(first, second, other) == [D3, None, None]
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.blocking_domains == DOMAIN_BITS["housing"]
    assert other.significant_domains == DOMAIN_BITS["health"]
    assert refresh_all() == (2, 0, 0)


def test_repair_gives_the_planner_statistics_first_on_postgresql(person, author):
    """After bulk writes PostgreSQL has no statistics and read both tables whole per batch."""
    from django.test.utils import CaptureQueriesContext

    create(person, author, D1, housing=3)
    with CaptureQueriesContext(connection) as queries:
        refresh_all()
    statements = [q["sql"] for q in queries.captured_queries]
    analysed = statements[0].startswith("ANALYZE")
    assert analysed == (connection.vendor == "postgresql")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Deux transactions concurrentes : testé sur PostgreSQL (SQLite sérialise les écritures).",
)
@pytest.mark.django_db(transaction=True)
def test_two_diagnostics_of_one_person_saved_at_once_both_in_order(organisation):
    """Each new diagnostic's foreign key holds a key-share lock on the person; both
    transactions then lock the person to read the sequence again. The second waits for the
    first (no deadlock), and the sequence holds both."""
    person = PersonFactory(organisation=organisation)
    author = UserFactory()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def save(day):
        try:
            with transaction.atomic():
                diagnostic = Diagnostic(person=person, author=author, assessed_on=day)
                Diagnostic.objects.bulk_create([diagnostic])  # the row, before the lock
                barrier.wait(timeout=10)
                refresh_sequence([person.pk])
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            db.connections.close_all()

    threads = [threading.Thread(target=save, args=(day,)) for day in (D1, D2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = list(
        Diagnostic.objects.filter(person=person)
        .order_by("assessed_on")
        .values_list("assessed_on", "superseded_on")
    )
    assert rows == [(D1, D2), (D2, None)]
