"""Shared builders for the pathway tests (plain functions, not fixtures: the tests of
notes and appointments live in the same folder with their own fixtures)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.factories import GoalFactory, PathwayFactory, PersonFactory, StepFactory


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def make_pathway(referent, organisation=None, **kwargs):
    """A pathway of a new person of the référent's organisation, led by the référent."""
    if organisation is None:
        organisation = referent.memberships.get().organisation
    person = kwargs.pop("person", None) or PersonFactory(organisation=organisation)
    return PathwayFactory(person=person, referent=referent, **kwargs)


def make_plan(pathway, goals: int, steps_per_goal: int) -> None:
    for g in range(goals):
        goal = GoalFactory(pathway=pathway, text=f"Objectif {g}")
        for s in range(steps_per_goal):
            StepFactory(pathway=pathway, goal=goal, title=f"Étape {g}.{s}")
