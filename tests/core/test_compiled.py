"""Queries compiled once (relais.core.compiled): the same rows as the ORM for every id and
list size, conversions applied, one query per call, empty lists without a query, and a
queryset whose SQL depends on its ids' values refused at compile time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count, Max, Q
from django.test.utils import CaptureQueriesContext

from relais.core.compiled import BUCKETS, CompiledQuery, totals
from relais.pathways.models import Note
from relais.people.models import Person
from tests.factories import NoteFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _persons(organisation_id: int):
    return Person.objects.filter(organisation_id=organisation_id).values_list(
        "pk", "birth_name", "birth_date", "created_at"
    )


def _notes_of(persons):
    return (
        Note.objects.filter(person_id__in=persons)
        .order_by("person_id", "pk")
        .values_list("person_id", "occurred_on")
    )


def test_same_rows_as_the_orm_with_conversions():
    first, second = OrganisationFactory(), OrganisationFactory()
    PersonFactory.create_batch(3, organisation=first, birth_date=dt.date(1990, 5, 17))
    PersonFactory(organisation=second)
    query = CompiledQuery(_persons, ids=("organisation_id",))
    for organisation in (first, second, first):
        rows = sorted(query(organisation_id=organisation.pk))
        assert rows == sorted(_persons(organisation.pk))
    assert isinstance(rows[0][2], dt.date)  # SQLite's text read back as a date
    assert isinstance(rows[0][3], dt.datetime) and rows[0][3].tzinfo is not None


@pytest.mark.parametrize("size", [1, 2, 4, 5, 16, 17, 70])
def test_lists_padded_to_their_bucket(size):
    persons = PersonFactory.create_batch(size + 1)
    for person in persons:
        NoteFactory.create_batch(2, person=person)
    wanted = [p.pk for p in persons[:size]]
    query = CompiledQuery(_notes_of, id_lists=("persons",))
    with CaptureQueriesContext(connection) as queries:
        rows = query(persons=wanted)
    assert len(queries) == 1
    assert rows == list(_notes_of(wanted))
    assert {person_id for person_id, _ in rows} == set(wanted)  # not the one left out


def test_empty_list_without_a_query_and_long_list_through_the_orm():
    query = CompiledQuery(_notes_of, id_lists=("persons",))
    with CaptureQueriesContext(connection) as queries:
        assert query(persons=[]) == []
    assert len(queries) == 0
    person = PersonFactory()
    NoteFactory(person=person)
    too_many = [person.pk] + [-i for i in range(1, BUCKETS[-1] + 1)]
    assert query(persons=too_many) == list(_notes_of(too_many))


def test_flat_and_totals():
    organisation = OrganisationFactory()
    persons = PersonFactory.create_batch(2, organisation=organisation)
    NoteFactory.create_batch(3, person=persons[0])

    def counts(organisation_id):
        mine = Q(person__organisation_id=organisation_id)
        return totals(Note.objects.filter(mine), notes=Count("pk"), latest=Max("occurred_on"))

    query = CompiledQuery(counts, ids=("organisation_id",))
    ((notes, latest),) = query(organisation_id=organisation.pk)
    assert notes == 3 and isinstance(latest, dt.date)
    assert query(organisation_id=OrganisationFactory().pk) == [(0, None)]  # one row, always

    names = CompiledQuery(
        lambda organisation_id: (
            Person.objects.filter(organisation_id=organisation_id).order_by("pk").values_list("pk")
        ),
        ids=("organisation_id",),
        flat=True,
    )
    assert names(organisation_id=organisation.pk) == [p.pk for p in persons]


def test_an_id_that_does_not_reach_the_parameters_is_refused():
    def depends_on_value(organisation_id):
        # The SQL changes with the value: compiling it once would be wrong.
        if organisation_id < 0:
            return Person.objects.filter(archived_at__isnull=True).values_list("pk")
        return Person.objects.filter(organisation_id=organisation_id).values_list("pk")

    with pytest.raises(ValueError, match="ids not found"):
        CompiledQuery(depends_on_value, ids=("organisation_id",))(organisation_id=1)
