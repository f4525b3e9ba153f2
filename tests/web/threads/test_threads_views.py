"""Thread pages: a team member reads and answers, loses the thread after the consent is
withdrawn; a refused post gives the text back; query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.network.coordination import threads
from relais.network.coordination.models import TeamMember
from relais.network.coordination.thread_models import ThreadMessage
from relais.people.models import Consent
from relais.people.services import consent_withdraw
from tests.factories import PersonFactory, co_follower
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


def start(person, user):
    return threads.thread_start(
        person=person,
        actor=user,
        membership=user.memberships.get(),
        subject="Point logement",
        body="Le dossier FSL est parti.",
    )


def test_member_reads_and_answers(client, person, referent):
    member = co_follower(person)
    thread = start(person, referent)
    login_verified(client, member.user)
    url = reverse("threads:detail", args=[person.pk, thread.pk])
    assert "Le dossier FSL est parti." in page_text(client.get(url))
    assert client.post(url, {"body": "Bien reçu, je relance la CAF."}).status_code == 302
    assert thread.messages.count() == 2


def test_withdrawn_consent_hides_thread_and_keeps_text(client, person, referent):
    member = co_follower(person)
    thread = start(person, referent)
    consent = Consent.objects.get(person=person, partner_organisation=member.organisation)
    consent_withdraw(
        consent=consent,
        actor=referent,
        decided_on=timezone.localdate(),
        method="oral_witness",
        witness_name="Mme Témoin",
    )
    login_verified(client, member.user)
    url = reverse("threads:detail", args=[person.pk, thread.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"body": "Mon long message à ne pas perdre"})
    assert response.status_code == 404
    text = page_text(response)
    assert "accord au partage a été retiré" in text
    assert "Mon long message à ne pas perdre" in text
    assert "Le dossier FSL" not in text
    assert ThreadMessage.objects.count() == 1


def test_former_member_refused(client, person, referent):
    member = co_follower(person)
    thread = start(person, referent)
    TeamMember.objects.filter(pk=member.pk).update(ended_on=timezone.localdate(), end_reason="Fin")
    login_verified(client, member.user)
    response = client.post(
        reverse("threads:detail", args=[person.pk, thread.pk]), {"body": "Encore moi"}
    )
    assert response.status_code == 404 and "Encore moi" in page_text(response)


def test_writing_check_before_sending(referent_client, person):
    url = reverse("threads:list", args=[person.pk])
    response = referent_client.post(url, {"subject": "Point", "body": "Il est hystérique."})
    assert response.status_code == 200 and "Relecture" in page_text(response)
    assert not ThreadMessage.objects.exists()


def test_staff_gets_no_thread(client, person, staff_member):
    login_verified(client, staff_member)
    assert client.get(reverse("threads:list", args=[person.pk])).status_code == 403


def test_pages_constant_queries(referent_client, person, referent):
    thread = start(person, referent)
    member = co_follower(person)
    urls = [
        reverse("threads:list", args=[person.pk]),
        reverse("threads:detail", args=[person.pk, thread.pk]),
    ]
    for url in urls:
        referent_client.get(url)
    few = [count_queries(lambda u=url: referent_client.get(u)) for url in urls]
    for _ in range(5):
        start(person, member.user)
        threads.thread_post(
            thread=thread, actor=member.user, membership=member.user.memberships.get(), body="Oui"
        )
    assert [count_queries(lambda u=url: referent_client.get(u)) for url in urls] == few


def test_person_page_section(referent_client, person, referent):
    start(person, referent)
    response = referent_client.get(reverse("people:section", args=[person.pk, "echanges"]))
    assert "Point logement" in page_text(response)


def test_long_thread_shows_the_latest_messages(referent_client, person, referent):
    thread = start(person, referent)
    membership = referent.memberships.get()
    for n in range(55):
        threads.thread_post(thread=thread, actor=referent, membership=membership, body=f"Suite {n}")
    url = reverse("threads:detail", args=[person.pk, thread.pk])
    text = page_text(referent_client.get(url))
    assert "Suite 54" in text and "Le dossier FSL est parti." not in text
    assert "Afficher les 6 messages précédents" in text
    assert "Le dossier FSL est parti." in page_text(referent_client.get(url + "?tous=1"))
