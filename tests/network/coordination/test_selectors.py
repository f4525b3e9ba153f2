"""Reads of the coordination team (relais.network.coordination.selectors)."""

from __future__ import annotations

import pytest

from relais.network.coordination import selectors
from tests.factories import PersonFactory, co_follower
from tests.network.coordination.support import make_member_setting, make_setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    return make_setting()


@pytest.fixture
def member_setting(setting):
    return make_member_setting(setting)


def test_team_members_lists_history_and_suspended_access(member_setting):
    s = member_setting
    other = co_follower(s["person"], consent="")  # consent missing: suspended
    gone = co_follower(s["person"], ended=True)
    rows = selectors.team_members(s["person"])
    assert [m.pk for m in rows] == [other.pk, s["member"].pk, gone.pk]  # current first
    consent = {m.pk: m.has_consent for m in rows}
    assert consent[s["member"].pk] is True
    assert consent[other.pk] is False


def test_cofollowed_lists_the_active_memberships(member_setting):
    s = member_setting
    second = PersonFactory()
    co_follower(second, user=s["professional"], organisation=s["partner"])
    ended_person = PersonFactory()
    co_follower(ended_person, user=s["professional"], organisation=s["partner"], ended=True)
    rows = selectors.cofollowed(s["membership"])
    assert {m.team.person_id for m in rows} == {s["person"].pk, second.pk}
