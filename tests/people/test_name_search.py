"""Name search among an organisation's persons (PersonQuerySet.search)."""

from __future__ import annotations

import pytest
from django.db import connection

from relais.people.models import Person
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_every_word_folded_and_only_the_organisations_persons():
    organisation = OrganisationFactory()
    found = PersonFactory(organisation=organisation, birth_name="Lefèvre", first_names="Jean-Éric")
    PersonFactory(organisation=organisation, birth_name="Lefèvre", first_names="Anne")
    PersonFactory(birth_name="Lefevre", first_names="Jean")  # another organisation
    search = Person.objects.search("LEFEVRE jean eric", organisation_id=organisation.pk)
    assert list(search) == [found]
    everyone = Person.objects.search("  ", organisation_id=organisation.pk)
    assert everyone.count() == Person.objects.count()  # no words: no filter


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="L'index trigramme n'existe que sur PostgreSQL (SQLite : index organisation + nom).",
)
def test_postgresql_has_the_trigram_index_for_the_name_search():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'person_namekey_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "gin_trgm_ops" in definition


@pytest.mark.parametrize(
    ("recorded", "typed"),
    [
        ("Łukasik", "lukasik"),
        ("Strauß", "STRAUSS"),
        ("Cœur", "coeur"),
        ("Øberg", "oberg"),
        ("Иванов", "ivanov"),
    ],
)
def test_letters_that_do_not_decompose_are_found(recorded, typed):
    organisation = OrganisationFactory()
    found = PersonFactory(organisation=organisation, birth_name=recorded, first_names="Anna")
    assert list(Person.objects.search(typed, organisation_id=organisation.pk)) == [found]
    assert list(Person.objects.search(recorded, organisation_id=organisation.pk)) == [found]


def test_migration_recomputes_the_folded_names_and_the_keys():
    import importlib

    from django.apps import apps

    from relais.people.models import PersonMatchKey

    migration = importlib.import_module("relais.people.migrations.0003_identity")
    person = PersonFactory(birth_name="Łukasik", first_names="Anna")
    Person.objects.filter(pk=person.pk).update(name_key="ukasik anna")  # the old folding
    PersonMatchKey.objects.filter(person=person).delete()
    migration.recompute(apps, None)
    person.refresh_from_db()
    assert person.name_key == "lukasik anna"
    assert PersonMatchKey.objects.filter(person=person).exists()
