"""Professional threads: who reads and writes (sharing rules, at each request), notices
without personal data."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.network.coordination import threads
from relais.network.coordination.models import TeamMember
from relais.notifications.models import Notification
from relais.people.models import Consent
from relais.people.services import consent_withdraw
from tests.factories import PersonFactory, co_follower

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent, birth_name="Zébulon")


def start(person, user, **changes):
    values = {"subject": "Point logement", "body": "Le dossier FSL est parti hier."}
    values.update(changes)
    return threads.thread_start(
        person=person, actor=user, membership=user.memberships.get(), **values
    )


def test_team_member_posts_and_the_organisation_is_told(person, referent, organisation):
    member = co_follower(person)
    thread = start(person, member.user)
    threads.thread_post(
        thread=thread, actor=referent, membership=referent.memberships.get(), body="Merci !"
    )
    assert thread.messages.count() == 2
    notices = Notification.objects.all()
    assert {n.organisation_id for n in notices} == {organisation.pk, member.organisation_id}
    for notice in notices:
        assert "Zébulon" not in notice.message and person.first_names not in notice.message


def test_consent_withdrawn_closes_the_thread(person, referent):
    member = co_follower(person)
    thread = start(person, referent)
    assert threads.may_take_part(member.user.memberships.get(), person)
    consent = Consent.objects.get(person=person, partner_organisation=member.organisation)
    consent_withdraw(
        consent=consent,
        actor=referent,
        decided_on=timezone.localdate(),
        method="oral_witness",
        witness_name="Mme Témoin",
    )
    person.refresh_from_db()
    fresh = type(person).objects.get(pk=person.pk)
    assert not threads.may_take_part(member.user.memberships.get(), fresh)
    with pytest.raises(PermissionDenied, match="accord au partage"):
        threads.thread_post(
            thread=thread, actor=member.user, membership=member.user.memberships.get(), body="?"
        )


def test_former_member_cannot_post(person, referent):
    member = co_follower(person)
    thread = start(person, member.user)
    TeamMember.objects.filter(pk=member.pk).update(ended_on=timezone.localdate(), end_reason="Fin")
    with pytest.raises(PermissionDenied):
        threads.thread_post(
            thread=thread,
            actor=member.user,
            membership=member.user.memberships.get(),
            body="Encore",
        )
    assert thread.messages.count() == 1


def test_reception_cannot_take_part(person, staff_member):
    with pytest.raises(PermissionDenied):
        start(person, staff_member)


def test_empty_message_and_subject_refused(person, referent):
    with pytest.raises(DomainError) as error:
        start(person, referent, body="   ")
    assert error.value.field == "body"
    with pytest.raises(DomainError) as error:
        start(person, referent, subject="")
    assert error.value.field == "subject"
