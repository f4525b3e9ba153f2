"""Intake cannot make copies: the same form sent twice gives one record, a request retried
with its Idempotency-Key too, and identical submissions at the same instant create one record
(the duplicate check and the insert are serialised)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from relais.accounts import services as services_accounts
from relais.people import services
from relais.people.models import Person
from tests.api.conftest import ApiClient
from tests.factories import MembershipFactory
from tests.web.people.test_intake import URL, form_data

pytestmark = pytest.mark.django_db


def token_of(page: str) -> str:
    return page.split('name="submission" value="')[1].split('"')[0]


def test_a_double_click_on_intake_creates_one_record(referent_client, organisation):
    token = token_of(referent_client.get(URL).content.decode())
    first = referent_client.post(URL, form_data(submission=token))
    second = referent_client.post(URL, form_data(submission=token))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Person.objects.filter(organisation=organisation).count() == 1


def test_without_the_token_the_second_submission_shows_the_first_record(
    referent_client, organisation
):
    referent_client.post(URL, form_data())
    again = referent_client.post(URL, form_data())
    assert again.status_code == 200
    assert "Dupont" in again.content.decode()
    assert Person.objects.filter(organisation=organisation).count() == 1


def test_the_api_returns_the_same_record_for_a_retried_request(referent, organisation):
    _token, raw = services_accounts.api_token_create(user=referent, name="Outil")
    referent_api = ApiClient(raw)
    url = f"/api/v1/organisations/{organisation.pk}/persons"
    payload = {"birth_name": "Martin", "first_names": "Léa", "birth_date": "1990-04-02"}
    headers = {"Idempotency-Key": "cle-unique-de-la-demande-0001"}
    first = referent_api.post(url, payload, headers=headers)
    second = referent_api.post(url, payload, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    third = referent_api.post(url, payload)
    assert third.status_code == 409
    assert Person.objects.filter(organisation=organisation).count() == 1


def test_a_record_created_meanwhile_is_found_at_the_moment_of_creating(organisation):
    actor = MembershipFactory(organisation=organisation).user
    data = {"birth_name": "Benali", "first_names": "Sofia", "birth_date": dt.date(1988, 5, 6)}
    services.person_create(organisation=organisation, actor=actor, data=data, set_aside=set())
    with pytest.raises(services.DuplicatesFound) as found:
        services.person_create(organisation=organisation, actor=actor, data=data, set_aside=set())
    assert len(found.value.candidates) == 1
    # The user saw that record and says it is someone else: created.
    services.person_create(
        organisation=organisation,
        actor=actor,
        data=data,
        set_aside={c.person.pk for c in found.value.candidates},
    )
    assert Person.objects.filter(organisation=organisation).count() == 2


@pytest.mark.django_db(transaction=True)
def test_identical_submissions_at_the_same_instant_create_one_record():
    if connection.vendor != "postgresql":
        pytest.skip("threads racing on one database: PostgreSQL only (in-memory SQLite)")
    membership = MembershipFactory()
    organisation, actor = membership.organisation, membership.user
    data = {"birth_name": "Nguyen", "first_names": "Linh", "birth_date": dt.date(1979, 1, 9)}
    barrier = threading.Barrier(6)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            services.person_create(
                organisation=organisation, actor=actor, data=data, set_aside=set()
            )
            outcomes.append("created")
        except services.DuplicatesFound:
            outcomes.append("duplicate")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created"] + ["duplicate"] * 5
    assert Person.objects.filter(organisation=organisation).count() == 1
