"""The named querysets of the coordination models: who is in a team now, who has access
now (`TeamMember.objects.current()` / `.active()`), and which partnerships are in force."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.network.coordination.models import Partnership, TeamMember
from tests.factories import OrganisationFactory, PartnershipFactory, PersonFactory, co_follower

pytestmark = pytest.mark.django_db


def test_current_and_active_team_members():
    person = PersonFactory()
    active = co_follower(person)
    by_kind = co_follower(person, consent="category")
    # No consent recorded for this organisation nor its kind: listed, no access.
    suspended = co_follower(person, consent="", organisation=OrganisationFactory(kind="chrs"))
    ended = co_follower(person, ended=True)
    assert set(TeamMember.objects.current()) == {active, by_kind, suspended}
    assert set(TeamMember.objects.active()) == {active, by_kind}
    assert ended not in TeamMember.objects.all().active()


def test_team_members_of_a_person():
    person, other = PersonFactory(), PersonFactory()
    mine = co_follower(person)
    co_follower(other)
    assert list(TeamMember.objects.of_person(person.pk)) == [mine]
    assert list(TeamMember.objects.active().of_person(person.pk)) == [mine]


def test_partnerships_in_force():
    today = timezone.localdate()
    open_ended = PartnershipFactory()
    ends_tomorrow = PartnershipFactory(ended_on=today + dt.timedelta(days=1))
    ends_today = PartnershipFactory(ended_on=today)
    ended = PartnershipFactory(ended_on=today - dt.timedelta(days=30))
    assert set(Partnership.objects.in_force()) == {open_ended, ends_tomorrow}
    earlier = today - dt.timedelta(days=31)
    assert set(Partnership.objects.in_force(earlier)) == {
        open_ended,
        ends_tomorrow,
        ends_today,
        ended,
    }
    for partnership in (open_ended, ends_tomorrow, ends_today, ended):
        assert partnership.is_in_force() == (partnership in {open_ended, ends_tomorrow})
    assert ended.is_in_force(earlier)
