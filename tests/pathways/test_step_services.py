"""Steps: creation, edition and the explicit status workflow."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from relais.core.errors import DomainError, StaleObjectError
from relais.pathways import steps
from relais.pathways.models import Step, StepStatus
from relais.pathways.steps import STEP_TRANSITIONS, allowed_step_transitions
from tests.factories import GoalFactory, MembershipFactory, StepFactory
from tests.pathways.pathway_helpers import days, make_pathway, today

pytestmark = pytest.mark.django_db

ALL = list(StepStatus.values)
ALLOWED = [(a, b) for a in ALL for b in ALL if b in STEP_TRANSITIONS[a]]
REFUSED = [(a, b) for a in ALL for b in ALL if b not in STEP_TRANSITIONS[a]]


def test_every_status_has_a_row_in_the_table():
    assert set(STEP_TRANSITIONS) == set(StepStatus.values)
    for targets in STEP_TRANSITIONS.values():
        assert targets <= set(StepStatus.values)


def test_no_status_moves_to_itself():
    assert all(status not in targets for status, targets in STEP_TRANSITIONS.items())


def test_allowed_transitions_are_listed_in_enum_order():
    assert allowed_step_transitions(StepStatus.IN_PROGRESS) == [
        "done",
        "abandoned",
        "cancelled",
        "on_hold",
    ]


class TestCreate:
    def test_step_linked_to_a_goal(self, referent):
        pathway = make_pathway(referent)
        goal = GoalFactory(pathway=pathway)
        step = steps.step_create(
            pathway=pathway,
            actor=referent,
            kind="immersion",
            title="PMSMP en boulangerie",
            goal=goal,
            owner="partner",
            owner_name="  Mission locale  ",
            planned_on=days(10),
        )
        assert step.status == StepStatus.PLANNED
        assert step.owner_name == "Mission locale"
        assert step.goal == goal

    def test_owner_name_only_kept_for_another_professional(self, referent):
        step = steps.step_create(
            pathway=make_pathway(referent),
            actor=referent,
            kind="administrative",
            title="Demande de CSS",
            owner="person",
            owner_name="ignoré",
        )
        assert step.owner_name == ""

    def test_partner_needs_a_name(self, referent):
        with pytest.raises(DomainError) as error:
            steps.step_create(
                pathway=make_pathway(referent),
                actor=referent,
                kind="referral",
                title="Orientation",
                owner="partner",
            )
        assert error.value.field == "owner_name"

    def test_goal_of_another_pathway_is_refused(self, referent):
        other_goal = GoalFactory(pathway=make_pathway(referent))
        with pytest.raises(DomainError) as error:
            steps.step_create(
                pathway=make_pathway(referent),
                actor=referent,
                kind="other",
                title="Étape",
                goal=other_goal,
            )
        assert error.value.field == "goal"

    def test_recording_a_step_already_done_needs_its_date(self, referent):
        pathway = make_pathway(referent)
        with pytest.raises(DomainError) as error:
            steps.step_create(
                pathway=pathway, actor=referent, kind="other", title="CV fait", status="done"
            )
        assert error.value.field == "done_on"
        step = steps.step_create(
            pathway=pathway,
            actor=referent,
            kind="other",
            title="CV fait",
            status="done",
            done_on=today(),
        )
        assert step.done_on == today()

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"title": ""}, "title"),
            ({"title": "é" * 301}, "title"),
            ({"kind": "party"}, "kind"),
            ({"owner": "nobody"}, "owner"),
            ({"outcome": "x" * 3001}, "outcome"),
            ({"status": "cancelled"}, "status"),
            ({"status": "done", "done_on": days(3)}, "done_on"),
        ],
    )
    def test_bad_input(self, referent, kwargs, field):
        values = {"kind": "other", "title": "Étape", **kwargs}
        with pytest.raises(DomainError) as error:
            steps.step_create(pathway=make_pathway(referent), actor=referent, **values)
        assert error.value.field == field
        assert not Step.objects.exists()


class TestWorkflow:
    @pytest.mark.parametrize(("source", "target"), ALLOWED)
    def test_allowed_transitions(self, referent, source, target):
        step = StepFactory(
            pathway=make_pathway(referent),
            status=source,
            done_on=today() if source == "done" else None,
        )
        changed = steps.step_change_status(
            step=step,
            actor=referent,
            expected_version=step.version,
            status=target,
            done_on=today(),
        )
        assert changed.status == target
        assert changed.version == step.version + 1
        assert changed.done_on == (today() if target == "done" else None)

    @pytest.mark.parametrize(("source", "target"), REFUSED)
    def test_refused_transitions(self, referent, source, target):
        step = StepFactory(
            pathway=make_pathway(referent),
            status=source,
            done_on=today() if source == "done" else None,
        )
        with pytest.raises(DomainError) as error:
            steps.step_change_status(
                step=step,
                actor=referent,
                expected_version=step.version,
                status=target,
                done_on=today(),
            )
        assert error.value.field == "status"
        assert "ne peut pas passer" in error.value.message
        step.refresh_from_db()
        assert step.status == source

    def test_unknown_status(self, referent):
        step = StepFactory(pathway=make_pathway(referent))
        with pytest.raises(DomainError, match="inconnu"):
            steps.step_change_status(
                step=step, actor=referent, expected_version=step.version, status="lost"
            )

    def test_done_needs_a_date_not_in_the_future(self, referent):
        step = StepFactory(pathway=make_pathway(referent))
        with pytest.raises(DomainError) as error:
            steps.step_change_status(
                step=step, actor=referent, expected_version=step.version, status="done"
            )
        assert error.value.field == "done_on"
        with pytest.raises(DomainError, match="futur"):
            steps.step_change_status(
                step=step,
                actor=referent,
                expected_version=step.version,
                status="done",
                done_on=days(1),
            )

    def test_outcome_is_recorded_with_the_change(self, referent):
        step = StepFactory(pathway=make_pathway(referent), status="in_progress")
        changed = steps.step_change_status(
            step=step,
            actor=referent,
            expected_version=step.version,
            status="done",
            done_on=today(),
            outcome="Embauchée à l'issue de l'immersion.",
        )
        assert changed.outcome == "Embauchée à l'issue de l'immersion."

    def test_database_refuses_done_without_date(self, referent):
        step = StepFactory(pathway=make_pathway(referent))
        with pytest.raises(IntegrityError), transaction.atomic():
            Step.objects.filter(pk=step.pk).update(status="done", done_on=None)

    def test_stale_status_change(self, referent, organisation):
        colleague = MembershipFactory(organisation=organisation).user
        step = StepFactory(pathway=make_pathway(referent))
        seen = step.version
        steps.step_change_status(
            step=step, actor=colleague, expected_version=seen, status="in_progress"
        )
        with pytest.raises(StaleObjectError):
            steps.step_change_status(
                step=step, actor=referent, expected_version=seen, status="cancelled"
            )
        step.refresh_from_db()
        assert step.status == "in_progress"


class TestUpdate:
    def test_update_does_not_touch_the_status(self, referent):
        step = StepFactory(pathway=make_pathway(referent), status="in_progress")
        updated = steps.step_update(
            step=step,
            actor=referent,
            expected_version=step.version,
            kind="workshop",
            title="Atelier CV",
            owner="referent",
            planned_on=days(3),
        )
        assert updated.status == "in_progress"
        assert updated.title == "Atelier CV"
        assert updated.done_on is None

    def test_done_date_can_be_corrected_but_not_removed(self, referent):
        step = StepFactory(pathway=make_pathway(referent), status="done", done_on=today())
        values = {"kind": step.kind, "title": step.title}
        updated = steps.step_update(
            step=step, actor=referent, expected_version=step.version, done_on=days(-2), **values
        )
        assert updated.done_on == days(-2)
        with pytest.raises(DomainError) as error:
            steps.step_update(step=step, actor=referent, expected_version=updated.version, **values)
        assert error.value.field == "done_on"

    def test_closed_pathway_refuses_step_changes(self, referent):
        pathway = make_pathway(referent, status="closed")
        step = StepFactory(pathway=pathway, status="cancelled")
        with pytest.raises(DomainError, match="terminé"):
            steps.step_change_status(
                step=step, actor=referent, expected_version=step.version, status="planned"
            )
        with pytest.raises(DomainError, match="terminé"):
            steps.step_create(pathway=pathway, actor=referent, kind="other", title="Nouvelle")
