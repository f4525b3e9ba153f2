"""Editing identity and situation, with optimistic locking; reassigning the référent."""

from __future__ import annotations

import pytest

from relais.core.models import AccessLogEntry, JournalAction
from relais.people import services
from tests.factories import MembershipFactory, PathwayFactory, UserFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def edit_data(person, **overrides):
    data = {
        "version": person.version,
        "birth_name": person.birth_name,
        "usage_name": "",
        "first_names": person.first_names,
        "birth_date": person.birth_date.isoformat(),
        "phone": "0601020304",
        "email": "",
        "address": "",
        "postal_code": "",
        "commune_code": "",
        "france_travail_id": "",
        "household": "alone",
        "children_ages": "",
        "languages": "français",
    }
    data.update(overrides)
    return data


def test_form_is_prefilled(referent_client, person):
    response = referent_client.get(f"/personnes/{person.pk}/modifier/")
    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="Dupré"' in content
    assert f'name="version" value="{person.version}"' in content


def test_save(referent_client, person):
    response = referent_client.post(
        f"/personnes/{person.pk}/modifier/", edit_data(person, usage_name="Martin")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.usage_name == "Martin"
    assert person.phone == "06 01 02 03 04"
    assert person.version == 2
    assert "martin" in person.name_key
    assert AccessLogEntry.objects.filter(action=JournalAction.UPDATE, person_id=person.pk).exists()


def test_stale_save_is_refused_and_input_kept(referent_client, person):
    colleague = UserFactory(first_name="Awa", last_name="Diallo")
    data = edit_data(person, languages="peul, wolof")
    services.person_update(
        person=person, actor=colleague, expected_version=1, data={"languages": "anglais"}
    )
    response = referent_client.post(f"/personnes/{person.pk}/modifier/", data)
    text = page_text(response)
    assert response.status_code == 200
    assert "Modifié entre-temps par Awa Diallo" in text
    assert 'value="peul, wolof"' in text  # the user's input is kept
    assert "anglais" in text  # and what the colleague saved is shown
    assert 'name="version" value="2"' in text
    person.refresh_from_db()
    assert person.languages == "anglais"
    # Saving again, knowingly, applies the user's input.
    data["version"] = 2
    assert referent_client.post(f"/personnes/{person.pk}/modifier/", data).status_code == 302
    person.refresh_from_db()
    assert person.languages == "peul, wolof"


def test_staff_edits_identity_only(staff_client, person):
    response = staff_client.get(f"/personnes/{person.pk}/modifier/")
    assert "Situation familiale" not in page_text(response)
    response = staff_client.post(
        f"/personnes/{person.pk}/modifier/", edit_data(person, household="couple", languages="x")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.household == "" and person.languages == ""
    assert person.phone == "06 01 02 03 04"


def test_bad_input(referent_client, person):
    response = referent_client.post(
        f"/personnes/{person.pk}/modifier/", edit_data(person, first_names="é" * 10_000)
    )
    assert response.status_code == 200
    assert "au plus 100 caractères" in page_text(response)


class TestReassign:
    def test_manager_reassigns(self, manager_client, organisation, person, referent):
        new = MembershipFactory(organisation=organisation).user
        pathway = PathwayFactory(person=person, referent=referent)
        response = manager_client.post(f"/personnes/{person.pk}/referent/", {"referent": new.pk})
        assert response.status_code == 302
        person.refresh_from_db()
        pathway.refresh_from_db()
        assert person.referent == new and pathway.referent == new
        assert AccessLogEntry.objects.filter(action=JournalAction.UPDATE).exists()

    def test_referent_may_not(self, referent_client, organisation, person):
        new = MembershipFactory(organisation=organisation).user
        response = referent_client.post(f"/personnes/{person.pk}/referent/", {"referent": new.pk})
        assert response.status_code == 403
        assert AccessLogEntry.objects.filter(action=JournalAction.DENIED).exists()

    def test_outsider_refused(self, manager_client, person, referent):
        response = manager_client.post(
            f"/personnes/{person.pk}/referent/", {"referent": UserFactory().pk}, follow=True
        )
        assert "Choisissez le nouveau référent" in page_text(response)
        person.refresh_from_db()
        assert person.referent == referent


def test_tampered_version_is_said_at_the_top(referent_client, person):
    response = referent_client.post(
        f"/personnes/{person.pk}/modifier/", edit_data(person, version="abc")
    )
    assert response.status_code == 200
    assert "rechargez la page" in page_text(response)
