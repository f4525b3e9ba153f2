"""The person page: people sections, permissions by role, constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.core.models import AccessLogEntry, JournalAction
from tests.factories import (
    ConsentFactory,
    DocumentFactory,
    LifeEventFactory,
    MembershipFactory,
    PersonFactory,
)
from tests.helpers import count_queries, login_verified, person_page_text

pytestmark = pytest.mark.django_db


def url(person, suffix=""):
    return f"/personnes/{person.pk}/{suffix}"


class TestSections:
    def test_referent_sees_every_people_section(self, referent_client, person, referent):
        LifeEventFactory(person=person, recorded_by=referent, kind="eviction", is_rupture=True)
        DocumentFactory(
            person=person,
            uploaded_by=referent,
            title="Titre de séjour",
            expires_on=dt.date(2020, 1, 1),
        )
        ConsentFactory(person=person, recorded_by=referent)
        text = person_page_text(referent_client, person)
        for expected in [
            "Identité et contact",
            "Situation",
            "Éléments clefs de l'histoire",
            "Expulsion, perte de logement",
            "rupture",
            "Titre de séjour",
            "expiré",
            "Accompagnement et traitement des données",
            "Enregistrer un retrait",
            "Exporter le dossier (PDF)",
            f'href="/personnes/{person.pk}/modifier/"',
        ]:
            assert expected in text, expected
        assert "Changer de référent" not in text  # managers only

    def test_manager_sees_the_reassign_form(self, manager_client, person):
        assert "Changer de référent" in person_page_text(manager_client, person, "identite")

    def test_staff_sees_identity_only(self, staff_client, person, referent):
        ConsentFactory(person=person, recorded_by=referent)
        DocumentFactory(person=person, uploaded_by=referent, title="Passeport")
        text = person_page_text(staff_client, person)
        assert "Identité et contact" in text
        for hidden in [
            "Situation",
            "Passeport",
            "Consentements",
            "Droit d'accès",
            "Éléments clefs",
        ]:
            assert hidden not in text, hidden

    def test_other_organisations_person_is_404_and_journaled(
        self, referent_client, other_organisation
    ):
        stranger = PersonFactory(organisation=other_organisation)
        response = referent_client.get(url(stranger))
        assert response.status_code == 404
        entry = AccessLogEntry.objects.get(action=JournalAction.DENIED)
        assert entry.person_id == stranger.pk
        assert entry.organisation_id == other_organisation.pk

    def test_html_is_shown_escaped(self, referent_client, organisation, referent):
        evil = '<img src=x onerror="alert(1)">'
        person = PersonFactory(organisation=organisation, birth_name=evil, languages=evil)
        LifeEventFactory(person=person, recorded_by=referent, description=evil)
        DocumentFactory(person=person, uploaded_by=referent, title=evil, original_name=evil)
        content = referent_client.get(url(person)).content.decode() + "".join(
            referent_client.get(url(person, f"sections/{key}/")).content.decode()
            for key in ("identite", "evenements", "documents")
        )
        assert "<img src=x" not in content
        assert "&lt;img src=x" in content


def test_person_page_queries_do_not_grow(client, organisation):
    referent = MembershipFactory(organisation=organisation, role="manager").user
    login_verified(client, referent)
    persons = PersonFactory.create_batch(50, organisation=organisation, referent=referent)
    small, big = persons[0], persons[1]
    LifeEventFactory(person=small, recorded_by=referent)
    DocumentFactory(person=small, uploaded_by=referent)
    ConsentFactory(person=small, recorded_by=referent)
    for _ in range(40):
        LifeEventFactory(person=big, recorded_by=MembershipFactory(organisation=organisation).user)
    for i in range(30):
        DocumentFactory(person=big, uploaded_by=referent, expires_on=dt.date(2020, 1, 1 + i % 28))
    previous = None
    for _ in range(30):
        previous = ConsentFactory(
            person=big,
            recorded_by=referent,
            supersedes=previous,
            status="withdrawn" if previous and previous.status == "given" else "given",
        )

    def whole_page(person):
        client.get(url(person))
        for key in ("identite", "situation", "evenements", "documents", "consentements"):
            client.get(url(person, f"sections/{key}/"))

    whole_page(small)  # warm-up (sessions, caches)
    few = count_queries(lambda: whole_page(small))
    many = count_queries(lambda: whole_page(big))
    assert many == few, f"{few} requêtes pour un dossier léger, {many} pour un dossier chargé"


@pytest.mark.parametrize(
    "key", ["identite", "situation", "evenements", "documents", "consentements"]
)
def test_each_people_section_makes_at_most_one_query(rf, organisation, key):
    from relais.web.people.person_sections import SECTIONS

    manager = MembershipFactory(organisation=organisation, role="manager")
    person = PersonFactory(organisation=organisation, referent=manager.user)
    for _ in range(20):
        LifeEventFactory(person=person, recorded_by=manager.user)
        DocumentFactory(person=person, uploaded_by=manager.user)
        ConsentFactory(person=person, recorded_by=manager.user)
    request = rf.get("/")
    request.membership = manager
    section = next(s for s in SECTIONS if s.key == key)
    assert count_queries(lambda: section.context(request, person)) <= 1
