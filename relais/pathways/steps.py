"""Writes on a pathway's steps, and their workflow (the transition table). Closing the
pathway cancels its open steps: see `relais.pathways.services.pathway_exit`.

Rules decided here (the issue left them open): steps follow `STEP_TRANSITIONS`, the one
place that says which status may follow which. "Done" needs a done date; leaving "done"
clears it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from relais.accounts.models import User
from relais.core.errors import DomainError
from relais.core.text import clean_text
from relais.core.versioning import update_versioned
from relais.pathways.checks import (
    check_date,
    check_not_future,
    check_version,
    locked_pathway,
    validate,
)
from relais.pathways.models import Goal, Pathway, Step, StepOwner, StepStatus

# The step workflow: status → statuses it may move to. Done, abandoned and cancelled are
# ends, but can be reopened (a click on the wrong button, a person who comes back).
STEP_TRANSITIONS: dict[str, frozenset[str]] = {
    StepStatus.PLANNED: frozenset(
        {
            StepStatus.IN_PROGRESS,
            StepStatus.DONE,
            StepStatus.ON_HOLD,
            StepStatus.ABANDONED,
            StepStatus.CANCELLED,
        }
    ),
    StepStatus.IN_PROGRESS: frozenset(
        {StepStatus.DONE, StepStatus.ON_HOLD, StepStatus.ABANDONED, StepStatus.CANCELLED}
    ),
    StepStatus.ON_HOLD: frozenset(
        {StepStatus.PLANNED, StepStatus.IN_PROGRESS, StepStatus.ABANDONED, StepStatus.CANCELLED}
    ),
    StepStatus.DONE: frozenset({StepStatus.IN_PROGRESS}),
    StepStatus.ABANDONED: frozenset({StepStatus.PLANNED}),
    StepStatus.CANCELLED: frozenset({StepStatus.PLANNED}),
}
# A step may be recorded directly in one of these statuses.
INITIAL_STEP_STATUSES = (StepStatus.PLANNED, StepStatus.IN_PROGRESS, StepStatus.DONE)


def allowed_step_transitions(status: str) -> list[str]:
    """Statuses a step in `status` may move to, in the enum's order."""
    allowed = STEP_TRANSITIONS.get(status, frozenset())
    return [s for s in StepStatus.values if s in allowed]


def check_step_owner(owner: str, owner_name: str) -> None:
    """A partner's step names who carries it (the step form calls it too)."""
    if owner == StepOwner.PARTNER and not (owner_name or "").strip():
        raise DomainError(
            "Indiquez le professionnel ou la structure qui porte l'étape.", field="owner_name"
        )


def _step_fields(
    *,
    pathway: Pathway,
    kind: str,
    title: str,
    goal: Goal | None,
    owner: str,
    owner_name: str,
    planned_on: dt.date | None,
    outcome: str,
) -> dict:
    values = {
        "kind": kind,
        "title": clean_text(title),
        "owner": owner,
        "owner_name": clean_text(owner_name) if owner == StepOwner.PARTNER else "",
        "planned_on": planned_on,
        "outcome": clean_text(outcome),
    }
    validate(Step(pathway=pathway, **values), values)
    check_step_owner(owner, values["owner_name"])
    if goal is not None and goal.pathway_id != pathway.pk:
        raise DomainError("Cet objectif n'appartient pas à ce parcours.", field="goal")
    check_date(planned_on, "planned_on", "La date prévue")
    values["goal"] = goal
    return values


def check_done_on(status: str, done_on: dt.date | None) -> dt.date | None:
    if status != StepStatus.DONE:
        return None
    if done_on is None:
        raise DomainError("Indiquez la date de réalisation de l'étape.", field="done_on")
    check_date(done_on, "done_on", "La date de réalisation")
    check_not_future(done_on, "done_on", "La date de réalisation")
    return done_on


@transaction.atomic
def step_create(*, pathway: Pathway, actor: User, **fields: Any) -> Step:
    """A new step in the pathway (locked here, the actor's access checked): the fields are
    those of `step_add_to_locked_pathway`."""
    return step_add_to_locked_pathway(pathway=locked_pathway(pathway, actor), actor=actor, **fields)


def step_add_to_locked_pathway(
    *,
    pathway: Pathway,
    actor: User,
    kind: str,
    title: str,
    goal: Goal | None = None,
    owner: str = StepOwner.PERSON,
    owner_name: str = "",
    planned_on: dt.date | None = None,
    status: str = StepStatus.PLANNED,
    done_on: dt.date | None = None,
    outcome: str = "",
) -> Step:
    """`step_create` for a service that has already locked this active pathway and checked
    the actor's access in its own transaction (e.g. sending a referral): the step's own
    rules, without a second lock."""
    values = _step_fields(
        pathway=pathway,
        kind=kind,
        title=title,
        goal=goal,
        owner=owner,
        owner_name=owner_name,
        planned_on=planned_on,
        outcome=outcome,
    )
    if status not in INITIAL_STEP_STATUSES:
        raise DomainError(
            "Une nouvelle étape est prévue, en cours ou déjà réalisée.", field="status"
        )
    values["done_on"] = check_done_on(status, done_on)
    return Step.objects.create(pathway=pathway, status=status, updated_by=actor, **values)


@transaction.atomic
def step_update(
    *,
    step: Step,
    actor: User,
    expected_version: int,
    kind: str,
    title: str,
    goal: Goal | None = None,
    owner: str = StepOwner.PERSON,
    owner_name: str = "",
    planned_on: dt.date | None = None,
    outcome: str = "",
    done_on: dt.date | None = None,
) -> Step:
    """Edits what the step is. Its status changes only through `step_change_status`;
    the done date can be corrected here while the step is done."""
    pathway = locked_pathway(step.pathway, actor)
    current = Step.objects.select_for_update().get(pk=step.pk)
    check_version(current, expected_version)
    changes = _step_fields(
        pathway=pathway,
        kind=kind,
        title=title,
        goal=goal,
        owner=owner,
        owner_name=owner_name,
        planned_on=planned_on,
        outcome=outcome,
    )
    changes["done_on"] = check_done_on(current.status, done_on)
    return update_versioned(
        current, expected_version=expected_version, actor=actor, changes=changes
    )


@transaction.atomic
def step_change_status(
    *,
    step: Step,
    actor: User,
    expected_version: int,
    status: str,
    done_on: dt.date | None = None,
    outcome: str | None = None,
) -> Step:
    """Moves a step along `STEP_TRANSITIONS`. `outcome`, when given, replaces the step's
    outcome (what came of it)."""
    locked_pathway(step.pathway, actor)
    current = Step.objects.select_for_update().get(pk=step.pk)
    check_version(current, expected_version)
    if status not in StepStatus.values:
        raise DomainError("Statut d'étape inconnu.", field="status")
    if status not in STEP_TRANSITIONS[current.status]:
        raise DomainError(
            f"Une étape « {StepStatus(current.status).label.lower()} » ne peut pas passer "
            f"à « {StepStatus(status).label.lower()} ».",
            field="status",
        )
    changes: dict = {"status": status, "done_on": check_done_on(status, done_on)}
    if outcome is not None:
        changes["outcome"] = clean_text(outcome)
        validate(Step(outcome=changes["outcome"]), ["outcome"])
    return update_versioned(
        current, expected_version=expected_version, actor=actor, changes=changes
    )
