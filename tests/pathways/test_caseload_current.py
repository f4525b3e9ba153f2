"""The caseload shows the persons currently followed — an open pathway, or a contact in the
last six months — with a filter for the others (#9, defect 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.pathways import caseload
from relais.pathways.caseload import CaseloadFilters
from tests.factories import (
    AppointmentFactory,
    MembershipFactory,
    NoteFactory,
    PathwayFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def membership(organisation):
    return MembershipFactory(organisation=organisation, role="referent")


def person(membership, name, *, opened_days_ago=400):
    return PersonFactory(
        organisation=membership.organisation,
        referent=membership.user,
        birth_name=name,
        created_at=timezone.now() - dt.timedelta(days=opened_days_ago),
    )


def names(membership, **filters) -> list[str]:
    return [p.birth_name for p in caseload.caseload(membership, CaseloadFilters(**filters))]


def test_only_persons_with_an_open_pathway_or_a_recent_contact(membership):
    in_pathway = person(membership, "Aubert")
    PathwayFactory(person=in_pathway, referent=membership.user)
    recent_note = person(membership, "Bernard")
    NoteFactory(person=recent_note, occurred_on=ago(150), author=membership.user)
    recent_visit = person(membership, "Carpentier")
    AppointmentFactory(
        person=recent_visit,
        with_user=membership.user,
        starts_at=timezone.now() - dt.timedelta(days=20),
        participation="seen",
    )
    person(membership, "Dupuis", opened_days_ago=3)
    closed = person(membership, "Esnault")
    PathwayFactory(person=closed, referent=membership.user, status="closed")
    NoteFactory(person=closed, occurred_on=ago(200), author=membership.user)
    missed = person(membership, "Faure")
    AppointmentFactory(
        person=missed,
        with_user=membership.user,
        starts_at=timezone.now() - dt.timedelta(days=20),
        participation="no_show",
    )
    person(membership, "Garnier")

    assert caseload.RECENT_CONTACT_MONTHS == 6
    assert names(membership) == ["Aubert", "Bernard", "Carpentier", "Dupuis"]
    assert names(membership, followed=caseload.FOLLOWED_OTHERS) == ["Esnault", "Faure", "Garnier"]
    assert len(names(membership, followed=caseload.FOLLOWED_ALL)) == 7


def test_sorted_by_the_name_shown_usage_name_first(membership):
    """#9, defect 4: the list shows the usage name when there is one, and sorts by it."""
    for birth, usage, first in [
        ("Martin", "Zidane", "Léa"),
        ("Zola", "", "Émile"),
        ("Yvon", "Bernard", "Ana"),
        ("Carré", "", "Paul"),
    ]:
        PersonFactory(
            organisation=membership.organisation,
            referent=membership.user,
            birth_name=birth,
            usage_name=usage,
            first_names=first,
        )
    shown = [p.display_name for p in caseload.caseload(membership, CaseloadFilters())]
    assert shown == ["BERNARD Ana", "CARRÉ Paul", "ZIDANE Léa", "ZOLA Émile"]
    backwards = caseload.caseload(membership, CaseloadFilters(sort="-nom"))
    assert [p.display_name for p in backwards] == list(reversed(shown))
