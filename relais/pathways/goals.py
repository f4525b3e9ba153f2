"""Writes on a pathway's SMART goals (a review may also set their status: see
`relais.pathways.reviews`).

Rules decided here (the issue left them open): a goal without indicator, target or deadline
is accepted and flagged on screen; a deadline in the past is accepted (catching up on paper
files) and shown as overdue, but a deadline before the pathway's start is refused (always a
typing error).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from relais.accounts.models import User
from relais.core.errors import DomainError
from relais.core.text import clean_text
from relais.core.versioning import update_versioned
from relais.pathways.checks import check_date, check_version, format_date, locked_pathway, validate
from relais.pathways.models import Goal, GoalStatus, Pathway


def _goal_fields(
    *,
    pathway: Pathway,
    text: str,
    domain: str,
    indicator: str,
    target: str,
    deadline: dt.date | None,
) -> dict:
    values = {
        "text": clean_text(text),
        "domain": domain or "",
        "indicator": clean_text(indicator),
        "target": clean_text(target),
        "deadline": deadline,
    }
    validate(Goal(pathway=pathway, **values), values)
    check_goal_deadline(deadline, pathway)
    return values


def check_goal_deadline(deadline: dt.date | None, pathway: Pathway) -> None:
    """The goal's deadline (the goal form calls it too, to show every problem at once)."""
    check_date(deadline, "deadline", "L'échéance")
    if deadline is not None and deadline < pathway.started_on:
        raise DomainError(
            f"L'échéance ne peut pas précéder le début du parcours ({format_date(pathway.started_on)}).",
            field="deadline",
        )


@transaction.atomic
def goal_create(
    *,
    pathway: Pathway,
    actor: User,
    text: str,
    domain: str = "",
    indicator: str = "",
    target: str = "",
    deadline: dt.date | None = None,
) -> Goal:
    """A goal that is not yet measurable is accepted: it is flagged on screen
    (`Goal.smart_gaps`) so that the référent and the person complete it together."""
    current = locked_pathway(pathway, actor)
    values = _goal_fields(
        pathway=current,
        text=text,
        domain=domain,
        indicator=indicator,
        target=target,
        deadline=deadline,
    )
    return Goal.objects.create(pathway=current, updated_by=actor, **values)


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    actor: User,
    expected_version: int,
    text: str,
    domain: str = "",
    indicator: str = "",
    target: str = "",
    deadline: dt.date | None = None,
    status: str = GoalStatus.IN_PROGRESS,
) -> Goal:
    pathway = locked_pathway(goal.pathway, actor)
    current = Goal.objects.select_for_update().get(pk=goal.pk)
    check_version(current, expected_version)
    changes = _goal_fields(
        pathway=pathway,
        text=text,
        domain=domain,
        indicator=indicator,
        target=target,
        deadline=deadline,
    )
    if status not in GoalStatus.values:
        raise DomainError("Statut d'objectif inconnu.", field="status")
    changes["status"] = status
    return update_versioned(
        current, expected_version=expected_version, actor=actor, changes=changes
    )
