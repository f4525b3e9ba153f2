"""A referral linked to a goal of the pathway; sent from a planned step, it uses that step
instead of adding a second one (#9)."""

from __future__ import annotations

import pytest

from relais.core.errors import DomainError
from relais.pathways.models import StepKind, StepOwner, StepStatus
from tests.factories import GoalFactory, PathwayFactory, StepFactory
from tests.network.referrals.support import make_scenario, send

pytestmark = pytest.mark.django_db


def test_the_referrals_step_is_linked_to_the_goal():
    sc = make_scenario()
    goal = GoalFactory(pathway=sc.pathway, text="Trouver un emploi")
    referral = send(sc, goal=goal.pk)
    assert referral.step.goal == goal
    assert sc.pathway.steps.count() == 1


def test_a_goal_of_another_pathway_or_settled_is_refused():
    sc = make_scenario()
    elsewhere = GoalFactory(pathway=PathwayFactory(person=sc.person, referent=sc.referent))
    reached = GoalFactory(pathway=sc.pathway, status="achieved")
    for goal in (elsewhere, reached):
        with pytest.raises(DomainError) as error:
            send(sc, pathway=sc.pathway, goal=goal.pk)
        assert error.value.field == "goal"
    assert not sc.pathway.steps.exists()


def test_sent_from_a_planned_step_it_uses_that_step():
    sc = make_scenario()
    goal = GoalFactory(pathway=sc.pathway)
    planned = StepFactory(
        pathway=sc.pathway, goal=goal, title="Voir la Mission locale", kind="appointment"
    )
    referral = send(sc, step=planned.pk)
    assert referral.step_id == planned.pk
    assert sc.pathway.steps.count() == 1
    planned.refresh_from_db()
    assert planned.kind == StepKind.REFERRAL
    assert planned.owner == StepOwner.PARTNER
    assert planned.owner_name == sc.receiver_org.name
    assert planned.goal == goal
    assert planned.title == "Voir la Mission locale"
    assert planned.status == StepStatus.PLANNED


@pytest.mark.parametrize("problem", ["done", "other_pathway", "already_referred", "other_goal"])
def test_a_step_that_cannot_carry_the_referral_is_refused(problem):
    sc = make_scenario()
    kwargs = {}
    if problem == "done":
        step = StepFactory(pathway=sc.pathway, status="done", done_on=sc.pathway.started_on)
    elif problem == "other_pathway":
        step = StepFactory(pathway=PathwayFactory(person=sc.person, referent=sc.referent))
        kwargs["pathway"] = sc.pathway
    elif problem == "already_referred":
        step = send(sc).step
        sc.service = type(sc.service).objects.create(
            organisation=sc.receiver_org,
            name="Atelier CV",
            thematiques=["preparer-sa-candidature"],
        )
    else:
        step = StepFactory(pathway=sc.pathway, goal=GoalFactory(pathway=sc.pathway))
        kwargs["goal"] = GoalFactory(pathway=sc.pathway).pk
    steps_before = sc.pathway.steps.count()
    with pytest.raises(DomainError) as error:
        send(sc, step=step.pk, **kwargs)
    assert error.value.field in ("step", "goal")
    assert sc.pathway.steps.count() == steps_before
