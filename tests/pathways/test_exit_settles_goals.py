"""Closing a pathway settles its open goals, as the exit form asks (#9, defect 2)."""

from __future__ import annotations

import pytest

from relais.core.errors import DomainError
from relais.pathways import services
from relais.pathways.models import GoalStatus
from tests.factories import GoalFactory
from tests.pathways.pathway_helpers import days, make_pathway, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway(referent):
    return make_pathway(referent, started_on=days(-200))


def close(pathway, referent, **kwargs):
    pathway.refresh_from_db()
    values = {
        "expected_version": pathway.version,
        "exited_on": today(),
        "category": "sustainable_employment",
        **kwargs,
    }
    return services.pathway_exit(pathway=pathway, actor=referent, **values)


def test_open_goals_are_settled_reached_or_abandoned(pathway, referent):
    reached = GoalFactory(pathway=pathway, text="Permis B")
    dropped = GoalFactory(pathway=pathway, text="Logement autonome")
    settled = GoalFactory(pathway=pathway, text="CV", status=GoalStatus.ABANDONED)
    close(
        pathway,
        referent,
        goal_outcomes={reached.pk: GoalStatus.ACHIEVED, dropped.pk: GoalStatus.ABANDONED},
    )
    statuses = dict(pathway.goals.values_list("pk", "status"))
    assert statuses == {
        reached.pk: GoalStatus.ACHIEVED,
        dropped.pk: GoalStatus.ABANDONED,
        settled.pk: GoalStatus.ABANDONED,
    }
    pathway.refresh_from_db()
    assert pathway.next_review_on is None
    assert not pathway.goals.filter(status=GoalStatus.IN_PROGRESS).exists()


def test_an_open_goal_left_unsettled_is_refused(pathway, referent):
    goal = GoalFactory(pathway=pathway, text="Permis B")
    with pytest.raises(DomainError) as error:
        close(pathway, referent)
    assert error.value.field == f"goal_{goal.pk}"
    assert "« Permis B »" in error.value.message
    pathway.refresh_from_db()
    assert pathway.status == "active"


@pytest.mark.parametrize("outcome", [GoalStatus.IN_PROGRESS, "partly", ""])
def test_a_goal_is_reached_or_abandoned_nothing_else(pathway, referent, outcome):
    goal = GoalFactory(pathway=pathway)
    with pytest.raises(DomainError) as error:
        close(pathway, referent, goal_outcomes={goal.pk: outcome})
    assert error.value.field == f"goal_{goal.pk}"


def test_a_goal_of_another_pathway_is_refused(pathway, referent):
    other = GoalFactory(pathway=make_pathway(referent))
    with pytest.raises(DomainError) as error:
        close(pathway, referent, goal_outcomes={other.pk: GoalStatus.ACHIEVED})
    assert error.value.field == "goal_outcomes"
    other.refresh_from_db()
    assert other.status == GoalStatus.IN_PROGRESS
