"""What an active team member adds to the record (relais.network.coordination.contributions):
steps, notes shared with the team, appointments with themselves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.network.coordination import contributions, teams
from relais.pathways.models import NoteVisibility, StepOwner
from relais.people.models import Person
from tests.factories import PathwayFactory
from tests.network.coordination.support import make_member_setting, make_setting, membership_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def setting():
    return make_setting()


@pytest.fixture
def member_setting(setting):
    return make_member_setting(setting)


def test_member_adds_a_step_carried_by_themselves(member_setting):
    s = member_setting
    step = contributions.team_step_add(
        membership=s["membership"],
        actor=s["professional"],
        person=s["person"],
        pathway=s["pathway"],
        kind="workshop",
        title="Atelier CV à la mission locale",
        planned_on=TODAY() + dt.timedelta(days=7),
    )
    assert step.pathway == s["pathway"]
    assert step.owner == StepOwner.PARTNER
    assert step.owner_name == f"{s['professional'].get_full_name()} (Mission locale Nord)"
    assert step.updated_by == s["professional"]
    assert step.status == "planned"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"kind": "referral"}, "kind"),
        ({"owner": "nobody"}, "owner"),
        ({"planned_on": dt.date(1900, 1, 1)}, "planned_on"),
    ],
)
def test_member_step_bad_input(member_setting, overrides, field):
    s = member_setting
    values = {
        "membership": s["membership"],
        "actor": s["professional"],
        "person": s["person"],
        "pathway": s["pathway"],
        "kind": "other",
        "title": "Une action",
        **overrides,
    }
    with pytest.raises(DomainError) as error:
        contributions.team_step_add(**values)
    assert error.value.field == field


def test_member_cannot_add_a_step_to_a_closed_or_foreign_pathway(member_setting):
    s = member_setting
    closed = PathwayFactory(person=s["person"], status="closed")
    foreign = PathwayFactory()
    for pathway in (closed, foreign):
        with pytest.raises(DomainError):
            contributions.team_step_add(
                membership=s["membership"],
                actor=s["professional"],
                person=s["person"],
                pathway=pathway,
                kind="other",
                title="Action",
            )


def test_member_without_steps_cannot_add_one(member_setting):
    s = member_setting
    teams.team_member_update_sharing(
        member=s["member"], actor=s["referent"], categories=["identity"]
    )
    person = Person.objects.get(pk=s["person"].pk)
    with pytest.raises(PermissionDenied):
        contributions.team_step_add(
            membership=s["membership"],
            actor=s["professional"],
            person=person,
            pathway=s["pathway"],
            kind="other",
            title="Action",
        )


def test_acting_for_someone_else_is_refused(member_setting):
    s = member_setting
    with pytest.raises(PermissionDenied):
        contributions.team_step_add(
            membership=s["membership"],
            actor=s["referent"],
            person=s["person"],
            pathway=s["pathway"],
            kind="other",
            title="Action",
        )


def test_member_note_is_shared_with_the_team(member_setting):
    s = member_setting
    note = contributions.team_note_add(
        membership=s["membership"],
        actor=s["professional"],
        person=s["person"],
        kind="phone",
        occurred_on=TODAY(),
        body="Appel : la personne a rendez-vous à la mission locale mardi.",
    )
    assert note.visibility == NoteVisibility.TEAM
    assert note.author == s["professional"]
    referent_membership = membership_of(s["referent"], s["organisation"])
    from relais.people.policies import can_read_note

    note.person = Person.objects.get(pk=s["person"].pk)
    assert can_read_note(referent_membership, note)


def test_member_appointment_is_with_themselves(member_setting):
    s = member_setting
    starts = timezone.now() + dt.timedelta(days=3)
    appointment = contributions.team_appointment_add(
        membership=s["membership"],
        actor=s["professional"],
        person=s["person"],
        starts_at=starts,
        purpose="Point emploi",
        location="Mission locale, bureau 2",
    )
    assert appointment.with_user == s["professional"]
    assert appointment.pathway is None
    with pytest.raises(DomainError) as error:
        contributions.team_appointment_add(
            membership=s["membership"],
            actor=s["professional"],
            person=s["person"],
            starts_at=starts,
            purpose="Point",
            duration_minutes=2,
        )
    assert error.value.field == "duration_minutes"


def test_ended_member_adds_nothing(member_setting):
    s = member_setting
    teams.team_member_end(member=s["member"], actor=s["referent"], reason="Fin")
    person = Person.objects.get(pk=s["person"].pk)
    with pytest.raises(PermissionDenied):
        contributions.team_appointment_add(
            membership=s["membership"],
            actor=s["professional"],
            person=person,
            starts_at=timezone.now() + dt.timedelta(days=1),
            purpose="Point",
        )
