"""The home page: caseload for référents and managers (filters, sort, search, paging,
journal, reassignment), person search for the reception staff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AccessLogEntry
from relais.people.models import Person
from tests.factories import (
    MembershipFactory,
    NoteFactory,
    PathwayFactory,
    PersonFactory,
    StepFactory,
)
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


def person_of(referent, organisation, **kwargs):
    # Opened long enough ago for the no-contact alerts, recently enough to be followed.
    kwargs.setdefault("created_at", timezone.now() - dt.timedelta(days=150))
    person = PersonFactory(organisation=organisation, referent=referent, **kwargs)
    return person


def test_referent_home_is_their_caseload(referent_client, referent, organisation):
    mine = person_of(referent, organisation, birth_name="Dupré", first_names="Hélène")
    PathwayFactory(
        person=mine, scheme="plie", next_review_on=timezone.localdate() - dt.timedelta(days=2)
    )
    other = MembershipFactory(organisation=organisation).user
    person_of(other, organisation, birth_name="Autre", first_names="Personne")
    response = referent_client.get("/")
    text = page_text(response)
    assert "Bonjour" in text
    assert "Ma file active" in text
    assert "DUPRÉ Hélène" in text
    assert "AUTRE Personne" not in text
    assert "Bilan en retard" in text
    assert "Sans contact depuis 60 jours" in text
    assert "PLIE" in text
    entry = AccessLogEntry.objects.get(action="list")
    assert entry.target_type == "people.person"
    assert "1 personne(s)" in entry.summary


def test_nouvelle_personne_button(referent_client):
    text = page_text(referent_client.get("/"))
    assert f'href="{reverse("people:create")}"' in text
    assert "Nouvelle personne" in text


def test_manager_sees_everyone_filters_by_referent(manager_client, organisation, referent):
    colleague = MembershipFactory(organisation=organisation).user
    person_of(referent, organisation, birth_name="Aaa")
    person_of(colleague, organisation, birth_name="Bbb")
    text = page_text(manager_client.get("/"))
    assert "File active de la structure" in text
    assert "AAA" in text and "BBB" in text
    assert "Réattribuer les personnes cochées" in text
    filtered = page_text(manager_client.get(f"/?referent={colleague.pk}"))
    assert "BBB" in filtered and "AAA" not in filtered


def test_search_is_accent_insensitive(referent_client, referent, organisation):
    person_of(referent, organisation, birth_name="Dupré", first_names="Hélène")
    person_of(referent, organisation, birth_name="Martin", first_names="Paul")
    text = page_text(referent_client.get("/?q=helene"))
    assert "DUPRÉ Hélène" in text
    assert "MARTIN Paul" not in text
    assert 'value="helene"' in text


def test_alert_filter_and_sort_links(referent_client, referent, organisation):
    late = person_of(referent, organisation, birth_name="Retard")
    pathway = PathwayFactory(person=late)
    StepFactory(pathway=pathway, planned_on=timezone.localdate() - dt.timedelta(days=1))
    NoteFactory(person=late, author=referent)
    calm = person_of(referent, organisation, birth_name="Calme")
    NoteFactory(person=calm, author=referent)
    text = page_text(referent_client.get("/?alert=step_overdue"))
    assert "RETARD" in text and "CALME" not in text
    sorted_page = referent_client.get("/?tri=-nom")
    body = page_text(sorted_page)
    assert body.index("RETARD") < body.index("CALME")
    assert 'aria-sort="descending"' in body
    assert "tri=nom" in body  # clicking again sorts ascending


def test_bad_filter_values_are_ignored(referent_client, referent, organisation):
    person_of(referent, organisation, birth_name="Stable")
    response = referent_client.get("/?tri=<script>&urgency=9&page=abc&alert=x&scheme=y")
    assert response.status_code == 200
    assert "STABLE" in page_text(response)


def test_pagination_50_per_page(referent_client, referent, organisation):
    for i in range(55):
        person_of(referent, organisation, birth_name=f"Nom{i:02d}")
    first = page_text(referent_client.get("/"))
    assert first.count('data-testid="caseload-row"') == 50
    assert "Page suivante" in first
    second = page_text(referent_client.get("/?page=2"))
    assert second.count('data-testid="caseload-row"') == 5
    entry = AccessLogEntry.objects.filter(action="list").latest("id")
    assert "5 personne(s), page 2" in entry.summary


def test_caseload_page_query_count_is_constant(referent_client, referent, organisation):
    def build(n):
        for _ in range(n):
            person = person_of(referent, organisation)
            pathway = PathwayFactory(person=person)
            StepFactory(pathway=pathway)
            NoteFactory(person=person, author=referent)

    build(3)
    referent_client.get("/")
    small = count_queries(lambda: referent_client.get("/"))
    build(47)
    large = count_queries(lambda: referent_client.get("/?tri=-alertes"))
    default = count_queries(lambda: referent_client.get("/"))
    assert default == small, (small, default)
    assert large <= small + 4, (small, large)  # the contract alert over the whole scope


def test_staff_home_is_a_person_search(client, staff_member, organisation, referent):
    person_of(referent, organisation, birth_name="Dupré", first_names="Hélène")
    login_verified(client, staff_member)
    empty = page_text(client.get("/"))
    assert "Rechercher une personne" in empty
    assert "File active" not in empty
    assert not AccessLogEntry.objects.filter(action="list").exists()
    found = page_text(client.get("/?q=hélene"))
    assert "DUPRÉ Hélène" in found
    assert AccessLogEntry.objects.filter(action="list").count() == 1
    assert "Aucune personne ne correspond" in page_text(client.get("/?q=zorglub"))


def test_staff_search_reads_what_it_shows_in_a_fixed_number_of_queries(
    client, staff_member, organisation, referent
):
    first = person_of(referent, organisation, birth_name="Dupré", first_names="Hélène")
    first.phone = "0601020304"
    first.save()
    login_verified(client, staff_member)
    client.get("/?q=dupre")
    one = count_queries(lambda: client.get("/?q=dupre"))
    for i in range(6):
        person_of(referent, organisation, birth_name="Dupré", first_names=f"Prénom{i}")
    many = count_queries(lambda: client.get("/?q=dupre"))
    assert many == one, (one, many)
    text = page_text(client.get("/?q=dupre"))
    assert "7 personnes trouvées" in text
    assert "0601020304" in text
    assert first.birth_date.strftime("%d/%m/%Y") in text


class TestReassign:
    url = reverse("pathways:caseload_reassign")

    def test_manager_reassigns_checked_persons(self, manager_client, organisation, referent):
        colleague = MembershipFactory(organisation=organisation).user
        a = person_of(referent, organisation)
        b = person_of(referent, organisation)
        already = person_of(colleague, organisation)
        response = manager_client.post(
            self.url,
            {"referent": colleague.pk, "persons": [a.pk, b.pk, already.pk], "retour": "?tri=nom"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == "/?tri=nom"
        text = page_text(response)
        assert "2 personnes confiées" in text
        assert "1 personne déjà suivie" in text
        assert set(Person.objects.filter(referent=colleague).values_list("pk", flat=True)) == {
            a.pk,
            b.pk,
            already.pk,
        }
        assert (
            AccessLogEntry.objects.filter(action="update", target_type="people.person").count() == 2
        )

    def test_errors(self, manager_client, organisation, referent, other_organisation):
        a = person_of(referent, organisation)
        outsider_person = PersonFactory(organisation=other_organisation)
        staff = MembershipFactory(organisation=organisation, role="staff").user
        text = page_text(manager_client.post(self.url, {"referent": referent.pk}, follow=True))
        assert "Cochez au moins une personne" in text
        text = page_text(
            manager_client.post(self.url, {"referent": staff.pk, "persons": [a.pk]}, follow=True)
        )
        assert "Sélectionnez un choix valide" in text
        manager_client.post(self.url, {"referent": referent.pk, "persons": [outsider_person.pk]})
        outsider_person.refresh_from_db()
        assert outsider_person.referent is None

    def test_referent_may_not_reassign(self, referent_client, organisation, referent):
        a = person_of(referent, organisation)
        colleague = MembershipFactory(organisation=organisation).user
        response = referent_client.post(self.url, {"referent": colleague.pk, "persons": [a.pk]})
        assert response.status_code == 403
        a.refresh_from_db()
        assert a.referent == referent


def test_former_persons_are_one_filter_away(referent_client, referent, organisation):
    """#9, defect 2: a person whose pathway closed without news for six months leaves the
    file active, and « Anciens suivis » finds them."""
    current = person_of(referent, organisation, birth_name="Présent")
    former = person_of(
        referent,
        organisation,
        birth_name="Parti",
        created_at=timezone.now() - dt.timedelta(days=400),
    )
    PathwayFactory(person=former, referent=referent, status="closed")
    text = page_text(referent_client.get("/"))
    assert current.birth_name.upper() in text
    assert "PARTI" not in text
    text = page_text(referent_client.get("/?suivi=anciens"))
    assert "PARTI" in text
    assert current.birth_name.upper() not in text
    assert "Anciens suivis" in text
