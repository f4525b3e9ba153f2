"""Reads on pathways. Callers pass a person already fetched through
`Person.objects.visible_to(...)` (or `relais.web.people.access.get_person`): nothing here
widens what a user may see.

Helpers taking a pathway read `pathway.goals.all()`, `pathway.steps.all()` and
`pathway.contracts.all()`: prefetch them (see `with_plan`) to read many pathways at a
constant number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from relais.accounts.models import Membership, Role, User
from relais.pathways import contract as contract_terms
from relais.pathways.models import (
    Appointment,
    Contract,
    Exit,
    Goal,
    GoalStatus,
    Participation,
    Pathway,
    PathwayStatus,
    Review,
    Step,
    StepStatus,
)
from relais.pathways.steps import allowed_step_transitions
from relais.people.models import Person

# A step is overdue when its planned date has passed and it is neither done nor set aside.
OVERDUE_STEP_STATUSES = (StepStatus.PLANNED, StepStatus.IN_PROGRESS)


def overdue_steps_q(today: dt.date | None = None, prefix: str = "") -> Q:
    """Filter for overdue steps; `prefix` reaches them from another model
    (`prefix="pathways__steps__"` from Person)."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}status__in": OVERDUE_STEP_STATUSES, f"{prefix}planned_on__lt": today})


def step_is_overdue(step: Step, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        step.status in OVERDUE_STEP_STATUSES
        and step.planned_on is not None
        and step.planned_on < today
    )


def review_is_overdue(pathway: Pathway, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        pathway.status == PathwayStatus.ACTIVE
        and pathway.next_review_on is not None
        and pathway.next_review_on < today
    )


def eligible_referents(organisation_id: int) -> QuerySet[User]:
    """Who may be named référent of a pathway: active référents and managers."""
    user_ids = Membership.objects.active().filter(
        organisation_id=organisation_id, role__in=(Role.REFERENT, Role.MANAGER)
    )
    return User.objects.filter(pk__in=user_ids.values("user_id")).order_by(
        "last_name", "first_name", "email"
    )


def with_plan(queryset: QuerySet[Pathway], *, detailed: bool = False) -> QuerySet[Pathway]:
    """Pathways with what their pages show: référent, exit, goals, steps and contracts;
    `detailed` adds the reviews and who drew up each contract (the pathway page)."""
    contracts = Contract.objects.order_by("-number")
    if detailed:
        contracts = contracts.select_related("generated_by")
    queryset = queryset.select_related("referent", "exit").prefetch_related(
        # Goals in the order they were agreed; steps by date, undated ones last (the same
        # order on SQLite and PostgreSQL).
        Prefetch("goals", queryset=Goal.objects.order_by("pk")),
        Prefetch(
            "steps", queryset=Step.objects.order_by(F("planned_on").asc(nulls_last=True), "pk")
        ),
        Prefetch("contracts", queryset=contracts),
    )
    if detailed:
        queryset = queryset.select_related("organisation", "exit__recorded_by").prefetch_related(
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("author", "diagnostic").prefetch_related(
                    "goal_reviews__goal"
                ),
            )
        )
    return queryset


def pathways_of(person: Person) -> QuerySet[Pathway]:
    """The person's pathways, open ones first."""
    return with_plan(Pathway.objects.filter(person=person).order_by("status", "-started_on", "-pk"))


def pathway_of(person: Person, pathway_id: int) -> Pathway | None:
    """One pathway of the person, with everything its page shows, or None."""
    return with_plan(Pathway.objects.filter(person=person, pk=pathway_id), detailed=True).first()


# --- Contract state ------------------------------------------------------------------------


class ContractState(StrEnum):
    NONE = "none"  # no version drawn up
    DRAFT = "draft"  # versions drawn up, none signed
    SIGNED = "signed"  # the last signed version matches the current goals and steps
    TO_RENEW = "to_renew"  # goals or steps changed since the last signed version


def last_signed_contract(pathway: Pathway) -> Contract | None:
    signed = [c for c in pathway.contracts.all() if c.signed_on is not None]
    return max(signed, key=lambda c: c.number) if signed else None


def contract_needs_renewal(pathway: Pathway) -> bool:
    """True when the goals or steps differ from those of the last signed contract
    ("Contrat à renouveler"). False without any signed contract, and for a closed pathway."""
    if pathway.status == PathwayStatus.CLOSED:
        return False
    signed = last_signed_contract(pathway)
    if signed is None:
        return False
    return contract_terms.terms_hash(contract_terms.current_terms(pathway)) != signed.content_hash


def contract_state(pathway: Pathway) -> ContractState:
    contracts = list(pathway.contracts.all())
    if not contracts:
        return ContractState.NONE
    if last_signed_contract(pathway) is None:
        return ContractState.DRAFT
    return ContractState.TO_RENEW if contract_needs_renewal(pathway) else ContractState.SIGNED


# --- Goals with their steps ----------------------------------------------------------------


@dataclass
class StepRow:
    step: Step
    overdue: bool
    allowed_statuses: list[str]


@dataclass
class GoalBlock:
    goal: Goal | None  # None: the steps linked to no goal
    steps: list[StepRow] = field(default_factory=list)

    @property
    def deadline_passed(self) -> bool:
        goal = self.goal
        return (
            goal is not None
            and goal.status == GoalStatus.IN_PROGRESS
            and goal.deadline is not None
            and goal.deadline < timezone.localdate()
        )


@dataclass
class PathwayPlan:
    pathway: Pathway
    blocks: list[GoalBlock]
    contract_state: ContractState
    last_signed: Contract | None
    latest_contract: Contract | None
    overdue_steps: int
    review_overdue: bool
    goals_in_progress: int
    exit: Exit | None

    @property
    def is_closed(self) -> bool:
        return self.pathway.status == PathwayStatus.CLOSED


def plan_of(pathway: Pathway, today: dt.date | None = None) -> PathwayPlan:
    """Goals each followed by their steps, then the steps linked to no goal. Uses the
    prefetched goals, steps and contracts only."""
    today = today or timezone.localdate()
    blocks = {g.pk: GoalBlock(goal=g) for g in pathway.goals.all()}
    unlinked = GoalBlock(goal=None)
    overdue = 0
    for step in pathway.steps.all():
        row = StepRow(
            step=step,
            overdue=step_is_overdue(step, today),
            allowed_statuses=allowed_step_transitions(step.status),
        )
        overdue += row.overdue
        blocks.get(step.goal_id, unlinked).steps.append(row)
    ordered = list(blocks.values())
    if unlinked.steps:
        ordered.append(unlinked)
    contracts = list(pathway.contracts.all())
    return PathwayPlan(
        pathway=pathway,
        blocks=ordered,
        contract_state=contract_state(pathway),
        last_signed=last_signed_contract(pathway),
        latest_contract=max(contracts, key=lambda c: c.number) if contracts else None,
        overdue_steps=overdue,
        review_overdue=review_is_overdue(pathway, today),
        goals_in_progress=sum(1 for g in pathway.goals.all() if g.status == GoalStatus.IN_PROGRESS),
        exit=_exit_of(pathway),
    )


def _exit_of(pathway: Pathway) -> Exit | None:
    try:
        return pathway.exit
    except Exit.DoesNotExist:
        return None


# --- Appointments --------------------------------------------------------------------------

# Participations that keep the professional busy: a cancelled or excused appointment frees
# its slot.
_BUSY = (Participation.PLANNED, Participation.SEEN, Participation.NO_SHOW)


def overlapping_appointments(
    professional: User | int,
    start: dt.datetime,
    end: dt.datetime,
    exclude: Appointment | int | None = None,
) -> list[Appointment]:
    """The appointments of `professional` (a user or its id) that overlap the slot
    [start, end), earliest first, with their person; `exclude`: the appointment being
    changed. Double booking is warned, never refused: the professional may mean it (a
    three-way meeting entered for each person)."""
    from relais.pathways.notes import APPOINTMENT_MAX_MINUTES

    rows = Appointment.objects.filter(
        with_user_id=getattr(professional, "pk", professional),
        participation__in=_BUSY,
        starts_at__lt=end,
        starts_at__gt=start - dt.timedelta(minutes=APPOINTMENT_MAX_MINUTES),
    )
    if exclude is not None:
        rows = rows.exclude(pk=getattr(exclude, "pk", exclude))
    # The end is computed here (portable): only the overlapping ones are loaded as records.
    pks = [
        pk
        for pk, starts_at, minutes in rows.values_list("pk", "starts_at", "duration_minutes")
        if starts_at + dt.timedelta(minutes=minutes) > start
    ]
    if not pks:
        return []
    return list(
        Appointment.objects.filter(pk__in=pks).select_related("person").order_by("starts_at", "pk")
    )
