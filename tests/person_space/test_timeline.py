"""The person's actions appear in the timeline of their record, named as the person's."""

from __future__ import annotations

import pytest

from relais.person_space import services
from relais.records.timeline import TimelineKind, build_timeline
from tests.factories import ConsentFactory
from tests.factories.person_space import SpaceAccessFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def test_person_actions_in_the_timeline():
    access = SpaceAccessFactory()
    membership = access.invited_by.memberships.get()
    consent = ConsentFactory(person=access.person, purpose="contact_sms")
    services.message_from_person(access=access, body="Bonjour")
    services.space_consent_withdraw(access=access, consent_id=consent.pk)
    timeline = build_timeline(access.person, membership, kinds=[TimelineKind.PERSON_SPACE])
    titles = [i.title for i in timeline.items]
    assert titles == [
        "Dans son espace : consentement retiré",
        "Dans son espace : message envoyé",
    ]
    assert all(i.badge == "La personne" for i in timeline.items)


def test_one_query_whatever_the_number():
    access = SpaceAccessFactory()
    membership = access.invited_by.memberships.get()
    services.message_from_person(access=access, body="Un")

    def read():
        return build_timeline(access.person, membership, kinds=[TimelineKind.PERSON_SPACE])

    few = count_queries(read)
    for i in range(20):
        services.message_from_person(access=access, body=f"Message {i}")
    assert count_queries(read) == few
    assert len(read().items) == 21


def test_outsiders_see_nothing():
    from tests.factories import MembershipFactory

    access = SpaceAccessFactory()
    services.message_from_person(access=access, body="Bonjour")
    outsider = MembershipFactory(role="manager")
    assert build_timeline(access.person, outsider).items == []
