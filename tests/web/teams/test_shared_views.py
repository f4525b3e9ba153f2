"""What a co-following professional adds through the shared views (relais.web.teams.
shared_views): a step (with the redundancy warning), a note shared with the team (with the
writing check), an appointment; and the shared person page at a constant number of
queries. Who sees which shared page: test_cofollow_access.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.accounts.models import Membership
from relais.core.models import AccessLogEntry, JournalAction
from relais.pathways.models import Note, Step
from relais.people.models import Document
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PathwayFactory,
    PersonFactory,
    StepFactory,
    co_follower,
)
from tests.helpers import count_queries, login_verified, page_text
from tests.web.teams.support import grow_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(
        organisation=organisation, referent=referent, birth_name="Moreau", first_names="Lucas"
    )


def test_member_adds_a_step(client, person, referent):
    pathway = PathwayFactory(person=person, referent=referent)
    member = co_follower(person, categories=["steps"])
    login_verified(client, member.user)
    url = f"/equipes/personnes/{person.pk}/etapes/nouvelle/"
    response = client.post(
        url, {"pathway": pathway.pk, "title": "", "kind": "workshop", "owner": "partner"}
    )
    assert "Décrivez l'action." in page_text(response)
    response = client.post(
        url,
        {
            "pathway": pathway.pk,
            "title": "Atelier CV",
            "kind": "workshop",
            "owner": "partner",
            "owner_name": "",
            "planned_on": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 302
    step = Step.objects.get(title="Atelier CV")
    assert member.organisation.name in step.owner_name
    entry = AccessLogEntry.objects.filter(action=JournalAction.CREATE).latest("pk")
    assert entry.target_type == "pathways.step"
    assert entry.organisation_id == person.organisation_id
    assert entry.actor_organisation_id == member.organisation_id


def test_member_step_without_open_pathway(client, person):
    member = co_follower(person, categories=["steps"])
    login_verified(client, member.user)
    text = page_text(client.get(f"/equipes/personnes/{person.pk}/etapes/nouvelle/"))
    assert "n'a pas de parcours en cours" in text


def test_member_note_with_the_writing_check(client, person):
    member = co_follower(person, categories=["notes"])
    login_verified(client, member.user)
    url = f"/equipes/personnes/{person.pk}/ecrits/nouveau/"
    data = {
        "kind": "interview",
        "occurred_on": timezone.localdate().isoformat(),
        "body": "Il est fainéant.",
    }
    response = client.post(url, data)
    assert "Relecture : 1 mot à reconsidérer" in page_text(response)
    assert not Note.objects.exists()
    flags_seen = response.context["form"]["flags_seen"].value()
    response = client.post(url, {**data, "flags_seen": flags_seen, "save_anyway": "1"})
    assert response.status_code == 302
    note = Note.objects.get()
    assert note.visibility == "team" and note.writing_flags


def test_member_note_date_in_the_future(client, person):
    member = co_follower(person, categories=["notes"])
    login_verified(client, member.user)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        f"/equipes/personnes/{person.pk}/ecrits/nouveau/",
        {"kind": "interview", "occurred_on": tomorrow, "body": "Texte"},
    )
    assert "ne peut pas être dans le futur" in page_text(response)


def test_member_appointment_bad_input(client, person):
    member = co_follower(person, categories=["identity"])
    login_verified(client, member.user)
    response = client.post(
        f"/equipes/personnes/{person.pk}/rendez-vous/nouveau/",
        {"day": "31/02/2026", "time": "25:00", "duration_minutes": "2", "purpose": ""},
    )
    text = page_text(response)
    assert "Cette date n'existe pas" in text
    assert "Heure illisible" in text
    assert "Au moins 5 minutes." in text
    assert "Indiquez l'objet du rendez-vous." in text


def test_member_step_warns_of_a_similar_action(client, person, referent):
    pathway = PathwayFactory(person=person, referent=referent)
    StepFactory(pathway=pathway, kind="workshop", title="Atelier CV au CCAS")
    member = co_follower(person, categories=["steps"])
    login_verified(client, member.user)
    response = client.post(
        f"/equipes/personnes/{person.pk}/etapes/nouvelle/",
        {"pathway": pathway.pk, "title": "Atelier CV", "kind": "workshop", "owner": "partner"},
        follow=True,
    )
    text = page_text(response)
    assert "Étape ajoutée au parcours." in text
    assert "risque de doublon" in text and "Atelier CV au CCAS" in text


# --- Queries -------------------------------------------------------------------------------


def test_person_page_queries_constant_for_a_co_follower(client, organisation, referent):
    small = PersonFactory(organisation=organisation, referent=referent)
    large = PersonFactory(organisation=organisation, referent=referent)
    grow_record(small, referent, 1)
    grow_record(large, referent, 6)
    user = MembershipFactory(organisation=OrganisationFactory()).user
    organisation_b = Membership.objects.get(user=user).organisation
    for p in (small, large):
        co_follower(
            p,
            user=user,
            organisation=organisation_b,
            categories=["identity", "situation", "diagnostic", "steps", "notes", "documents"],
            domains=["employment"],
            documents=list(Document.objects.filter(person=p)),
        )
    login_verified(client, user)
    client.get(f"/personnes/{small.pk}/")  # warm-up (session, caches)
    few = count_queries(lambda: client.get(f"/personnes/{small.pk}/"))
    many = count_queries(lambda: client.get(f"/personnes/{large.pk}/"))
    assert few == many
