"""Writes on the pathway itself: opening it, changing it, and its exit (which closes it).

What hangs from a pathway has its own module: SMART goals in `goals`, steps and their
workflow in `steps`, the engagement contract in `contract`, reviews (bilans) in `reviews`;
notes and appointments in `notes`, handing a person over to another référent in `handover`.
The checks every one of them makes first (access, open pathway, version, dates) are in
`checks`.

Rules decided here (the issue left them open):
- A closed pathway is read-only: every pathway service refuses to change it.
- Exit: open steps (planned, on hold, in progress) are cancelled, with a line added to
  their outcome. Steps *in progress* are work the person is doing: the user must confirm
  (`confirm_in_progress=True`) before they are cancelled.
- Exit: every goal still in progress is settled, reached or abandoned (`goal_outcomes`,
  asked per goal in the exit form): a closed pathway keeps no goal « en cours ».
- Exit: the pathway's open referrals are cancelled through the referral workflow, the
  partner notified, in the same transaction (`relais.pathways.closing`, a seam the referrals
  wing fills); their steps follow them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from relais.accounts.models import Membership, Role, User
from relais.core.errors import DomainError
from relais.core.text import clean_text
from relais.core.versioning import update_versioned
from relais.pathways import closing
from relais.pathways.checks import (
    add_months,
    check_date,
    check_not_future,
    check_version,
    ensure_allowed,
    format_date,
    locked_pathway,
    validate,
)
from relais.pathways.models import (
    OPEN_STEP_STATUSES,
    Exit,
    ExitCategory,
    Goal,
    GoalStatus,
    Pathway,
    PathwayStatus,
    Step,
    StepStatus,
)
from relais.people.models import Person

DEFAULT_REVIEW_EVERY_MONTHS = 3
REFERENT_ROLES = (Role.REFERENT, Role.MANAGER)


def _check_referent(referent: User, organisation_id: int) -> None:
    eligible = Membership.objects.active().filter(
        user=referent, organisation_id=organisation_id, role__in=REFERENT_ROLES
    )
    if not eligible.exists():
        raise DomainError(
            "Le référent doit être un référent de parcours ou un responsable actif de la structure.",
            field="referent",
        )


# --- Pathway -------------------------------------------------------------------------------


# The rules of a pathway's fields, one function each: the service applies them all, and the
# pathway form calls them too so that the user sees every problem at once.


def check_scheme_detail(scheme: str, scheme_detail: str) -> None:
    if scheme == "other" and not (scheme_detail or "").strip():
        raise DomainError("Précisez le dispositif.", field="scheme_detail")


def check_review_rhythm(review_every_months: int) -> None:
    if not 1 <= review_every_months <= 24:
        raise DomainError(
            "Le rythme des bilans doit être compris entre 1 et 24 mois.",
            field="review_every_months",
        )


def check_pathway_start(started_on: dt.date, person: Person) -> None:
    check_date(started_on, "started_on", "La date de début")
    if started_on > add_months(timezone.localdate(), 12):
        raise DomainError(
            "Le parcours ne peut pas commencer plus d'un an après aujourd'hui.", field="started_on"
        )
    if started_on < person.birth_date:
        raise DomainError(
            "Le parcours ne peut pas commencer avant la naissance de la personne.",
            field="started_on",
        )


def check_exit_date(exited_on: dt.date, pathway: Pathway) -> None:
    check_not_future(exited_on, "exited_on", "La date de sortie")
    if exited_on < pathway.started_on:
        raise DomainError(
            f"La sortie ne peut pas précéder le début du parcours ({format_date(pathway.started_on)}).",
            field="exited_on",
        )


def _pathway_fields(
    *,
    person: Person,
    scheme: str,
    scheme_detail: str,
    referent: User,
    started_on: dt.date,
    review_every_months: int,
) -> dict:
    scheme_detail = clean_text(scheme_detail)
    candidate = Pathway(
        person=person,
        organisation_id=person.organisation_id,
        scheme=scheme,
        scheme_detail=scheme_detail,
        referent=referent,
        started_on=started_on,
        review_every_months=review_every_months,
    )
    validate(candidate, ["scheme", "scheme_detail", "started_on", "review_every_months"])
    check_scheme_detail(scheme, scheme_detail)
    check_review_rhythm(review_every_months)
    check_pathway_start(started_on, person)
    _check_referent(referent, person.organisation_id)
    return {
        "scheme": scheme,
        "scheme_detail": scheme_detail,
        "referent": referent,
        "started_on": started_on,
        "review_every_months": review_every_months,
    }


@transaction.atomic
def pathway_create(
    *,
    person: Person,
    actor: User,
    scheme: str,
    referent: User,
    started_on: dt.date,
    scheme_detail: str = "",
    review_every_months: int = DEFAULT_REVIEW_EVERY_MONTHS,
) -> Pathway:
    ensure_allowed(actor, person)
    fields = _pathway_fields(
        person=person,
        scheme=scheme,
        scheme_detail=scheme_detail,
        referent=referent,
        started_on=started_on,
        review_every_months=review_every_months,
    )
    return Pathway.objects.create(
        person=person,
        organisation_id=person.organisation_id,
        next_review_on=add_months(started_on, review_every_months),
        updated_by=actor,
        **fields,
    )


@transaction.atomic
def pathway_update(
    *,
    pathway: Pathway,
    actor: User,
    expected_version: int,
    scheme: str,
    referent: User,
    started_on: dt.date,
    scheme_detail: str = "",
    review_every_months: int = DEFAULT_REVIEW_EVERY_MONTHS,
) -> Pathway:
    """When the start date or the rhythm changes, the next review is computed again from
    the last review (or from the start when there was none)."""
    current = locked_pathway(pathway, actor)
    check_version(current, expected_version)
    changes = _pathway_fields(
        person=current.person,
        scheme=scheme,
        scheme_detail=scheme_detail,
        referent=referent,
        started_on=started_on,
        review_every_months=review_every_months,
    )
    if (started_on, review_every_months) != (current.started_on, current.review_every_months):
        last_review = current.reviews.aggregate(last=Max("held_on"))["last"]
        changes["next_review_on"] = add_months(last_review or started_on, review_every_months)
    return update_versioned(
        current, expected_version=expected_version, actor=actor, changes=changes
    )


# --- Exit ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExitOutcome:
    exit: Exit
    cancelled_steps: list[Step]
    cancelled_referrals: list = field(default_factory=list)


@transaction.atomic
def pathway_exit(
    *,
    pathway: Pathway,
    actor: User,
    expected_version: int,
    exited_on: dt.date,
    category: str,
    comment: str = "",
    confirm_in_progress: bool = False,
    goal_outcomes: Mapping[int, str] | None = None,
) -> ExitOutcome:
    """Closes the pathway. Its open steps are cancelled (steps in progress only once the
    user has confirmed), its open referrals too; each goal still in progress is settled as
    `goal_outcomes` says ({goal id: "achieved" or "abandoned"}, every one required); the
    pathway becomes read-only and has no next review."""
    current = locked_pathway(pathway, actor)
    check_version(current, expected_version)
    if exited_on is None:
        raise DomainError("Indiquez la date de sortie.", field="exited_on")
    check_exit_date(exited_on, current)
    if category not in ExitCategory.values:
        raise DomainError("Indiquez le type de sortie.", field="category")
    exit_record = Exit(
        pathway=current,
        exited_on=exited_on,
        category=category,
        comment=clean_text(comment),
        recorded_by=actor,
    )
    validate(exit_record, ["comment"])
    open_steps = _open_steps(current)
    in_progress = [s for s in open_steps if s.status == StepStatus.IN_PROGRESS]
    if in_progress and not confirm_in_progress:
        titles = ", ".join(f"« {s.title} »" for s in in_progress[:5])
        more = "…" if len(in_progress) > 5 else ""
        raise DomainError(
            f"{len(in_progress)} étape(s) encore en cours : {titles}{more}. Confirmez leur "
            "annulation pour clore le parcours, ou mettez-les d'abord à jour.",
            field="confirm_in_progress",
        )
    settled = _settled_goals(current, goal_outcomes or {})
    # The referrals first: each cancels its own step with the referral's reason.
    cancelled_referrals = closing.close_referrals(pathway=current, actor=actor, exited_on=exited_on)
    note = f"Annulée à la sortie du parcours le {format_date(exited_on)}."
    for step in _open_steps(current):
        outcome = f"{step.outcome}\n{note}".strip() if step.outcome else note
        update_versioned(
            step,
            expected_version=step.version,
            actor=actor,
            changes={"status": StepStatus.CANCELLED, "outcome": outcome[:3000]},
        )
    for goal, status in settled:
        update_versioned(
            goal, expected_version=goal.version, actor=actor, changes={"status": status}
        )
    exit_record.save()
    update_versioned(
        current,
        expected_version=current.version,
        actor=actor,
        changes={"status": PathwayStatus.CLOSED, "next_review_on": None},
    )
    return ExitOutcome(
        exit=exit_record,
        cancelled_steps=open_steps,
        cancelled_referrals=cancelled_referrals,
    )


GOAL_EXIT_STATUSES = (GoalStatus.ACHIEVED, GoalStatus.ABANDONED)


def _settled_goals(pathway: Pathway, outcomes: Mapping[int, str]) -> list[tuple[Goal, str]]:
    """Each goal still in progress with the status it closes with; refused when one is not
    settled, or settled otherwise than reached or abandoned."""
    open_goals = list(
        Goal.objects.select_for_update()
        .filter(pathway=pathway, status=GoalStatus.IN_PROGRESS)
        .order_by("deadline", "pk")
    )
    known = {g.pk for g in open_goals}
    if any(int(key) not in known for key in outcomes):
        raise DomainError(
            "Un des objectifs indiqués n'est pas un objectif en cours de ce parcours.",
            field="goal_outcomes",
        )
    given = {int(key): value for key, value in outcomes.items()}
    settled = []
    for goal in open_goals:
        status = given.get(goal.pk)
        if status not in GOAL_EXIT_STATUSES:
            raise DomainError(
                f"Indiquez si l'objectif « {goal.text} » est atteint ou abandonné.",
                field=f"goal_{goal.pk}",
            )
        settled.append((goal, status))
    return settled


def _open_steps(pathway: Pathway) -> list[Step]:
    return list(
        Step.objects.select_for_update()
        .filter(pathway=pathway, status__in=OPEN_STEP_STATUSES)
        .order_by("planned_on", "pk")
    )
