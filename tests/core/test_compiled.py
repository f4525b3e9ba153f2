"""Queries compiled once (relais.core.compiled): the same rows as the ORM for every id and
list size, conversions applied, one query per call, empty lists without a query, and a
queryset whose SQL depends on its ids' values refused at compile time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, connections
from django.db.models import Count, Max, Q
from django.test.utils import CaptureQueriesContext

from relais.core.compiled import BUCKETS, CompiledQuery, totals
from relais.pathways.models import Note
from relais.people.models import Person
from tests.factories import NoteFactory, OrganisationFactory, PersonFactory, UserFactory

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


def _persons_with_referent(organisation_id: int):
    return (
        Person.objects.filter(organisation_id=organisation_id)
        .select_related("referent")
        .annotate(note_count=Count("notes"))
        .order_by("pk")
    )


def test_model_instances_as_the_orm_builds_them():
    organisation = OrganisationFactory()
    with_referent = PersonFactory(
        organisation=organisation, birth_date=dt.date(1990, 5, 17), referent=UserFactory()
    )
    without = PersonFactory(organisation=organisation)
    NoteFactory.create_batch(2, person=with_referent)
    query = CompiledQuery(_persons_with_referent, ids=("organisation_id",))
    expected = list(_persons_with_referent(organisation.pk))
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            found = query(organisation_id=organisation.pk)
            # The referent came with the row (select_related): no query of its own.
            referents = [p.referent for p in found]
        assert len(queries) == 1
        assert found == expected  # same primary keys, same model
        assert [p.__dict__.get("birth_date") for p in found] == [p.birth_date for p in expected]
        assert referents == [p.referent for p in expected]
        assert referents[1] is None and referents[0].pk == with_referent.referent_id
        assert [p.note_count for p in found] == [2, 0]
        assert not found[0]._state.adding and found[0]._state.db == "default"
    found[0].birth_name = "Autre"
    found[0].save()  # a loaded instance, saved as usual
    assert Person.objects.get(pk=with_referent.pk).birth_name == "Autre"
    assert without.pk == found[1].pk


def test_visible_person_is_the_views_lookup():
    """relais.people.lookup.visible_person: the own organisation's person, not another's,
    nothing for an inactive membership."""
    from relais.accounts.models import Role
    from relais.people.lookup import visible_person
    from tests.factories import MembershipFactory

    membership = MembershipFactory(role=Role.REFERENT)
    own = PersonFactory(organisation=membership.organisation)
    other = PersonFactory()
    found = visible_person(membership, own.pk)
    assert found == own and found.referent == own.referent
    assert visible_person(membership, other.pk) is None
    assert visible_person(membership, 0) is None
    membership.is_active = False
    assert visible_person(membership, own.pk) is None
    assert visible_person(None, own.pk) is None


def _first_persons(organisation_id: int, n: int):
    return (
        Person.objects.filter(organisation_id=organisation_id)
        .order_by("pk")
        .values("pk", "birth_name")[:n]
    )


def test_keys_select_variants_and_values_give_dicts():
    organisation = OrganisationFactory()
    PersonFactory.create_batch(5, organisation=organisation)
    query = CompiledQuery(_first_persons, ids=("organisation_id",), keys=("n",))
    for n in (1, 3, 1, 10):
        rows = query(organisation_id=organisation.pk, n=n)
        assert rows == list(_first_persons(organisation.pk, n))
        assert len(rows) == min(n, 5) and set(rows[0]) == {"pk", "birth_name"}
    # One variant per LIMIT, each compiled once.
    assert len(query._compiled[connections["default"]]) == 3


def _named_since(birth_name: str, since: dt.datetime):
    return Person.objects.filter(birth_name=birth_name, created_at__gte=since).values_list(
        "pk", flat=True
    )


def test_texts_and_moments_as_the_orm_compares_them():
    from django.utils import timezone

    PersonFactory.create_batch(2, birth_name="MARTIN")
    PersonFactory(birth_name="DURAND")
    query = CompiledQuery(_named_since, texts=("birth_name",), moments=("since",), flat=True)
    now = timezone.now()
    paris = dt.timezone(dt.timedelta(hours=1))
    for name in ("MARTIN", "DURAND", "inconnu", "O'Brien %s ?"):
        for since in (now - dt.timedelta(days=1), now + dt.timedelta(days=1)):
            for moment in (since, since.astimezone(paris), since.replace(microsecond=0)):
                assert sorted(query(birth_name=name, since=moment)) == sorted(
                    _named_since(name, moment)
                ), (name, moment)
    with pytest.raises(ValueError, match="aware"):
        query(birth_name="MARTIN", since=dt.datetime(2026, 1, 1))
