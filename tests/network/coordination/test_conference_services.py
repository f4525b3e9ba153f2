"""Case conferences (réunions de synthèse): who writes them, participants, decisions that
become steps of the person's pathway, and the minutes as PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.accounts.models import Membership
from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.network.coordination import conferences
from relais.network.coordination.conferences import DecisionInput
from relais.network.coordination.models import ConferenceDecision
from relais.pathways.models import Step, StepOwner
from relais.people.models import Person
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PathwayFactory,
    PersonFactory,
    UserFactory,
    co_follower,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    organisation = OrganisationFactory()
    referent = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(organisation=organisation, referent=referent, birth_name="Quennehen")
    pathway = PathwayFactory(person=person, referent=referent)
    member = co_follower(person, categories=["identity"])
    return {
        "organisation": organisation,
        "referent": referent,
        "membership": Membership.objects.get(user=referent),
        "person": Person.objects.get(pk=person.pk),
        "pathway": pathway,
        "member": member,
        "member_membership": Membership.objects.get(user=member.user),
    }


def create(setting, **overrides):
    values = {
        "membership": setting["membership"],
        "actor": setting["referent"],
        "person": setting["person"],
        "held_on": timezone.localdate(),
        "participants": [setting["referent"], setting["member"].user],
        "person_present": True,
        "agenda": "Point sur le logement et l'emploi",
        "minutes": "La personne a exprimé son souhait de travailler dans la logistique.",
        "decisions": [
            DecisionInput(
                text="Déposer une demande de logement social",
                owner=StepOwner.PERSON,
                due_on=timezone.localdate() + dt.timedelta(days=15),
                kind="administrative",
            ),
            DecisionInput(
                text="Orienter vers une PMSMP en logistique",
                owner=StepOwner.PARTNER,
                owner_name="Mission locale Nord",
                due_on=timezone.localdate() + dt.timedelta(days=30),
            ),
        ],
    }
    values.update(overrides)
    return conferences.case_conference_create(**values)


def test_decisions_become_steps_of_the_only_open_pathway(setting):
    conference = create(setting)
    decisions = list(conference.decisions.order_by("pk"))
    assert len(decisions) == 2
    first, second = decisions
    assert first.step.pathway == setting["pathway"]
    assert first.step.title == "Déposer une demande de logement social"
    assert first.step.owner == StepOwner.PERSON
    assert first.step.kind == "administrative"
    assert first.step.planned_on == first.due_on
    assert first.step.status == "planned"
    assert first.owner_name == "La personne"
    assert second.step.owner == StepOwner.PARTNER
    assert second.step.owner_name == "Mission locale Nord"
    assert second.step.kind == "other"
    assert Step.objects.filter(pathway=setting["pathway"]).count() == 2
    assert set(conference.participants.all()) == {setting["referent"], setting["member"].user}
    assert conference.organisation == setting["organisation"]


def test_referent_owner_is_named(setting):
    conference = create(
        setting, decisions=[DecisionInput(text="Faire le point", owner=StepOwner.REFERENT)]
    )
    decision = conference.decisions.get()
    assert decision.owner_name == f"Le référent ({setting['referent'].get_full_name()})"


def test_an_active_team_member_writes_a_conference(setting):
    conference = create(
        setting,
        membership=setting["member_membership"],
        actor=setting["member"].user,
    )
    assert conference.author == setting["member"].user
    assert conference.decisions.count() == 2


@pytest.mark.parametrize("who", ["staff", "unrelated", "ended_member"])
def test_others_cannot_write_a_conference(setting, who):
    if who == "staff":
        user = MembershipFactory(organisation=setting["organisation"], role="staff").user
    elif who == "unrelated":
        user = MembershipFactory(organisation=OrganisationFactory()).user
    else:
        user = co_follower(setting["person"], ended=True).user
    membership = Membership.objects.get(user=user)
    person = Person.objects.get(pk=setting["person"].pk)
    with pytest.raises(PermissionDenied):
        create(setting, membership=membership, actor=user, person=person)


def test_several_open_pathways_need_a_choice(setting):
    other = PathwayFactory(person=setting["person"], scheme="plie")
    with pytest.raises(DomainError) as error:
        create(setting)
    assert error.value.field == "pathway"
    conference = create(setting, pathway=other)
    assert {d.step.pathway_id for d in conference.decisions.all()} == {other.pk}


def test_without_open_pathway_decisions_are_refused_but_not_the_conference(setting):
    setting["pathway"].status = "closed"
    setting["pathway"].save()
    with pytest.raises(DomainError, match="pas de parcours en cours") as error:
        create(setting)
    assert error.value.field == "pathway"
    conference = create(setting, decisions=[])
    assert conference.decisions.count() == 0


def test_pathway_of_another_person_is_refused(setting):
    with pytest.raises(DomainError):
        create(setting, pathway=PathwayFactory())


def test_nothing_is_written_when_a_decision_is_wrong(setting):
    with pytest.raises(DomainError) as error:
        create(
            setting,
            decisions=[
                DecisionInput(text="Bonne décision"),
                DecisionInput(text="Sans porteur", owner=StepOwner.PARTNER, owner_name=""),
            ],
        )
    assert error.value.field == "decision-1-owner_name"
    assert not ConferenceDecision.objects.exists()
    assert not Step.objects.exists()


def test_empty_decisions_are_ignored(setting):
    conference = create(setting, decisions=[DecisionInput(text="   ")])
    assert conference.decisions.count() == 0


def test_participants_are_professionals_of_the_team(setting):
    stranger = UserFactory()
    with pytest.raises(DomainError) as error:
        create(setting, participants=[stranger])
    assert error.value.field == "participants"


def test_someone_must_have_participated(setting):
    with pytest.raises(DomainError) as error:
        create(setting, participants=[], other_participants="")
    assert error.value.field == "participants"
    conference = create(setting, participants=[], other_participants="Sa sœur, un interprète")
    assert conference.other_participants == "Sa sœur, un interprète"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"held_on": None}, "held_on"),
        ({"held_on": dt.date(1970, 1, 1)}, "held_on"),
        ({"minutes": "x" * 20001}, "minutes"),
        ({"agenda": "x" * 5001}, "agenda"),
        ({"other_participants": "x" * 501}, "other_participants"),
    ],
)
def test_bad_input(setting, overrides, field):
    with pytest.raises(DomainError) as error:
        create(setting, **overrides)
    assert error.value.field == field


def test_update_completes_the_minutes_and_adds_decisions(setting):
    conference = create(setting)
    conference.person = setting["person"]
    updated = conferences.case_conference_update(
        membership=setting["membership"],
        actor=setting["referent"],
        conference=conference,
        expected_version=1,
        held_on=conference.held_on,
        participants=[setting["referent"]],
        person_present=False,
        other_participants="",
        agenda=conference.agenda,
        minutes="Compte rendu complété.",
        new_decisions=[DecisionInput(text="Bilan dans un mois")],
    )
    assert updated.minutes == "Compte rendu complété."
    assert updated.person_present is False
    assert list(updated.participants.all()) == [setting["referent"]]
    assert updated.decisions.count() == 3


def test_minutes_saved_meanwhile_by_a_colleague_are_not_overwritten(setting):
    """#11, 3: the minutes are completed by several team members."""
    conference = create(setting)
    conference.person = setting["person"]
    fields = {
        "membership": setting["membership"],
        "actor": setting["referent"],
        "conference": conference,
        "held_on": conference.held_on,
        "participants": [setting["referent"]],
        "agenda": conference.agenda,
    }
    conferences.case_conference_update(expected_version=1, minutes="Première version.", **fields)
    with pytest.raises(StaleObjectError, match="Modifié entre-temps"):
        conferences.case_conference_update(expected_version=1, minutes="Périmée.", **fields)
    conference.refresh_from_db()
    assert conference.minutes == "Première version."
    assert conference.version == 2


def test_participant_choices_are_the_organisation_and_the_active_team(setting):
    ended = co_follower(setting["person"], ended=True)
    users = {user.pk for user, _ in conferences.participant_choices(setting["person"])}
    assert setting["referent"].pk in users
    assert setting["member"].user_id in users
    assert ended.user_id not in users


def test_minutes_pdf(setting):
    conference = create(setting)
    pdf = conferences.minutes_pdf(conference, person_label="Personne n° 12")
    assert pdf.startswith(b"%PDF")
    html = conferences.minutes_html(conference, person_label="Personne n° 12")
    assert "Personne n° 12" in html
    assert "Déposer une demande de logement social" in html
    assert setting["person"].birth_name not in html


def test_minutes_escape_html(setting):
    conference = create(setting, minutes="<script>alert(1)</script>", decisions=[])
    html = conferences.minutes_html(conference, person_label="X")
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
