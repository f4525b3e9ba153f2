"""Partner meetings: who writes, participants from the declared partners, actions with an
owner and a due date, their one-way workflow, notices without personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.network.coordination import meetings
from relais.network.coordination.meeting_models import MeetingActionStatus
from relais.notifications.models import Notification
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(organisation, manager):
    other = OrganisationFactory()
    PartnershipFactory(source=organisation, target=other, declared_by=manager)
    return other


@pytest.fixture
def partner_user(partner):
    return MembershipFactory(organisation=partner, role="referent").user


def create(organisation, actor, **changes):
    values = {"title": "Comité technique PLIE", "held_on": timezone.localdate()}
    values.update(changes)
    return meetings.partner_meeting_create(organisation=organisation, actor=actor, **values)


def due(days=7):
    return timezone.localdate() + dt.timedelta(days=days)


def test_meeting_with_partner_and_action(organisation, referent, partner, partner_user):
    meeting = create(
        organisation,
        referent,
        partners=[partner],
        actions=[
            meetings.ActionInput(text="Envoyer le calendrier", due_on=due(), owner=partner_user)
        ],
    )
    assert list(meeting.partners.all()) == [partner]
    action = meeting.actions.get()
    assert action.owner == partner_user
    notice = Notification.objects.get(organisation=partner)
    assert "Comité technique PLIE" in notice.message
    assert list(meetings.visible_meetings(partner_user.memberships.get())) == [meeting]


def test_staff_cannot_write(organisation, staff_member):
    with pytest.raises(PermissionDenied):
        create(organisation, staff_member)


def test_not_a_declared_partner_refused(organisation, referent):
    stranger = OrganisationFactory()
    with pytest.raises(DomainError) as error:
        create(organisation, referent, partners=[stranger])
    assert error.value.field == "partners"


def test_action_needs_an_owner(organisation, referent):
    with pytest.raises(DomainError) as error:
        create(
            organisation, referent, actions=[meetings.ActionInput(text="Relancer", due_on=due())]
        )
    assert error.value.field == "action-0-owner"


def test_owner_outside_the_meeting_refused(organisation, referent):
    outsider = MembershipFactory().user
    with pytest.raises(DomainError):
        create(
            organisation,
            referent,
            actions=[meetings.ActionInput(text="Relancer", due_on=due(), owner=outsider)],
        )


def test_action_workflow(organisation, referent, partner, partner_user):
    meeting = create(
        organisation,
        referent,
        partners=[partner],
        actions=[
            meetings.ActionInput(text="A", due_on=due(), owner=partner_user),
            meetings.ActionInput(text="B", due_on=due(-2), owner_name="Mme Roche, Mission locale"),
        ],
    )
    first, second = meeting.actions.order_by("text")
    assert second.overdue
    owner_membership = partner_user.memberships.get()
    meetings.meeting_action_close(
        action=first,
        actor=partner_user,
        membership=owner_membership,
        status=MeetingActionStatus.DONE,
    )
    with pytest.raises(DomainError, match="déjà"):
        meetings.meeting_action_close(
            action=first,
            actor=partner_user,
            membership=owner_membership,
            status="dropped",
            note="x",
        )
    # The partner's member does not carry B: only the host or its owner closes it.
    with pytest.raises(PermissionDenied):
        meetings.meeting_action_close(
            action=second, actor=partner_user, membership=owner_membership, status="done"
        )
    referent_membership = referent.memberships.get()
    with pytest.raises(DomainError, match="pourquoi"):
        meetings.meeting_action_close(
            action=second, actor=referent, membership=referent_membership, status="dropped"
        )
    meetings.meeting_action_close(
        action=second,
        actor=referent,
        membership=referent_membership,
        status="dropped",
        note="Remplacée par le comité de mars.",
    )
    assert meetings.actions_list(referent_membership, mine=False, open_only=True).count() == 0


def test_update_is_versioned(organisation, referent):
    meeting = create(organisation, referent)
    meetings.partner_meeting_update(
        meeting=meeting,
        actor=referent,
        expected_version=1,
        title="Nouveau titre",
        held_on=meeting.held_on,
    )
    with pytest.raises(DomainError, match="Modifié entre-temps"):
        meetings.partner_meeting_update(
            meeting=meeting,
            actor=referent,
            expected_version=1,
            title="Autre",
            held_on=meeting.held_on,
        )
