"""Creates happen once per submission token, also when the submissions race (threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from relais.core.models import Submission
from relais.core.submissions import submit_once
from relais.people.models import Person
from tests.factories import OrganisationFactory, PersonFactory, UserFactory


@pytest.mark.django_db
def test_same_token_same_object():
    user, organisation = UserFactory(), OrganisationFactory()
    made = []

    def create():
        made.append(PersonFactory(organisation=organisation))
        return made[-1]

    first, created = submit_once(token="t" * 30, actor=user, create=create, model=Person)
    again, created_again = submit_once(token="t" * 30, actor=user, create=create, model=Person)
    assert (created, created_again) == (True, False)
    assert again == first
    assert len(made) == 1


@pytest.mark.django_db
def test_a_failed_create_leaves_the_token_free():
    user = UserFactory()

    def failing():
        raise ValueError("refusé")

    with pytest.raises(ValueError):
        submit_once(token="u" * 30, actor=user, create=failing, model=Person)
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_without_a_token_it_just_creates():
    organisation = OrganisationFactory()
    for _ in range(2):
        submit_once(
            token="",
            actor=None,
            create=lambda: PersonFactory(organisation=organisation),
            model=Person,
        )
    assert Person.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_racing_submissions_create_once():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memorydb", ":memory:")
    ):
        pytest.skip("threads need PostgreSQL or a file database (in-memory SQLite is per thread)")
    user, organisation = UserFactory(), OrganisationFactory()
    barrier = threading.Barrier(6)
    results = []

    def submit():
        try:
            barrier.wait()
            obj, created = submit_once(
                token="race" * 8,
                actor=user,
                create=lambda: PersonFactory(organisation=organisation),
                model=Person,
            )
            results.append((obj.pk, created))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6
    assert Person.objects.filter(organisation=organisation).count() == 1
    assert sum(created for _, created in results) == 1
    assert len({pk for pk, _ in results}) == 1
