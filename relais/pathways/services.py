"""Writes on pathways: the pathway, its SMART goals, its steps and their workflow, the
engagement contract, reviews (bilans) and exit.

Rules decided here (the issue left them open):
- A goal without indicator, target or deadline is accepted and flagged on screen; a
  deadline in the past is accepted (catching up on paper files) and shown as overdue,
  but a deadline before the pathway's start is refused (always a typing error).
- Steps follow `STEP_TRANSITIONS`, the one place that says which status may follow which.
  "Done" needs a done date; leaving "done" clears it.
- A closed pathway is read-only: every service below refuses to change it.
- Exit: open steps (planned, on hold, in progress) are cancelled, with a line added to
  their outcome. Steps *in progress* are work the person is doing: the user must confirm
  (`confirm_in_progress=True`) before they are cancelled.
- Recording a review sets the goals it marks achieved or abandoned, and the pathway's
  next review date (default: review date + rhythm).
- A contract version is never changed once signed; only the latest version can be signed,
  and only if the goals and steps have not changed since it was drawn up.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from relais.accounts.models import Membership, Role, User
from relais.core.errors import DomainError, PermissionDenied
from relais.core.text import clean_text
from relais.core.versioning import update_versioned
from relais.diagnostics.models import Diagnostic
from relais.pathways import contract as contract_terms
from relais.pathways.models import (
    OPEN_STEP_STATUSES,
    Contract,
    Exit,
    ExitCategory,
    Goal,
    GoalResult,
    GoalReview,
    GoalStatus,
    Pathway,
    PathwayStatus,
    Review,
    SignatureMode,
    Step,
    StepOwner,
    StepStatus,
)
from relais.people.models import Person
from relais.people.policies import Capability, can

DEFAULT_REVIEW_EVERY_MONTHS = 3
REFERENT_ROLES = (Role.REFERENT, Role.MANAGER)
EARLIEST_DATE = dt.date(1990, 1, 1)
FAR_FUTURE_YEARS = 10

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


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months, clamped to the end of shorter months
    (31/01 + 1 month = 28/02 or 29/02)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- Checks shared by the services ---------------------------------------------------------


def _ensure_allowed(actor: User, person: Person) -> None:
    membership = (
        Membership.objects.active()
        .filter(user=actor, organisation_id=person.organisation_id)
        .first()
    )
    if not can(membership, Capability.ACCOMPANIMENT, person):
        raise PermissionDenied("Vous n'avez pas accès à l'accompagnement de cette personne.")


def _ensure_open(pathway: Pathway) -> None:
    if pathway.status == PathwayStatus.CLOSED:
        raise DomainError("Ce parcours est terminé : il ne peut plus être modifié.")


def _locked_pathway(pathway: Pathway, actor: User) -> Pathway:
    current = (
        Pathway.objects.select_for_update()
        .select_related("person", "organisation")
        .get(pk=pathway.pk)
    )
    _ensure_allowed(actor, current.person)
    _ensure_open(current)
    return current


def _check_version(instance: models.Model, expected_version: int | None) -> None:
    """Refuse, naming who saved in between, when the row moved past the user's version."""
    if expected_version is None or instance.version == expected_version:
        return
    # update_versioned finds no row at that version and raises the StaleObjectError.
    update_versioned(instance, expected_version=expected_version, actor=None, changes={})


def _validate(instance: models.Model, fields: Iterable[str]) -> None:
    """Model field validation (lengths, choices, blanks) turned into a DomainError."""
    names = set(fields)
    exclude = [f.name for f in instance._meta.fields if f.name not in names]
    try:
        instance.clean_fields(exclude=exclude)
        # Django checks TextField.max_length in forms only: do it here for every caller.
        for model_field in instance._meta.fields:
            if (
                model_field.name in names
                and isinstance(model_field, models.TextField)
                and model_field.max_length
            ):
                value = getattr(instance, model_field.attname) or ""
                try:
                    MaxLengthValidator(model_field.max_length)(value)
                except ValidationError as error:
                    raise ValidationError({model_field.name: error.messages}) from error
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(messages[0], field=field) from error


def _check_date(value: dt.date | None, field: str, label: str) -> None:
    if value is None:
        return
    today = timezone.localdate()
    if value < EARLIEST_DATE or value > add_months(today, 12 * FAR_FUTURE_YEARS):
        raise DomainError(
            f"{label} semble erronée ({_fmt(value)}) : vérifiez l'année.", field=field
        )


def _check_not_future(value: dt.date, field: str, label: str) -> None:
    if value > timezone.localdate():
        raise DomainError(f"{label} ne peut pas être dans le futur.", field=field)


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
    _validate(candidate, ["scheme", "scheme_detail", "started_on", "review_every_months"])
    if scheme == "other" and not scheme_detail:
        raise DomainError("Précisez le dispositif.", field="scheme_detail")
    if not 1 <= review_every_months <= 24:
        raise DomainError(
            "Le rythme des bilans doit être compris entre 1 et 24 mois.",
            field="review_every_months",
        )
    _check_date(started_on, "started_on", "La date de début")
    if started_on > add_months(timezone.localdate(), 12):
        raise DomainError(
            "Le parcours ne peut pas commencer plus d'un an après aujourd'hui.", field="started_on"
        )
    if started_on < person.birth_date:
        raise DomainError(
            "Le parcours ne peut pas commencer avant la naissance de la personne.",
            field="started_on",
        )
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
    _ensure_allowed(actor, person)
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
    current = _locked_pathway(pathway, actor)
    _check_version(current, expected_version)
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


# --- Goals ---------------------------------------------------------------------------------


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
    _validate(Goal(pathway=pathway, **values), values)
    _check_date(deadline, "deadline", "L'échéance")
    if deadline is not None and deadline < pathway.started_on:
        raise DomainError(
            f"L'échéance ne peut pas précéder le début du parcours ({_fmt(pathway.started_on)}).",
            field="deadline",
        )
    return values


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
    current = _locked_pathway(pathway, actor)
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
    pathway = _locked_pathway(goal.pathway, actor)
    current = Goal.objects.select_for_update().get(pk=goal.pk)
    _check_version(current, expected_version)
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


# --- Steps ---------------------------------------------------------------------------------


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
    _validate(Step(pathway=pathway, **values), values)
    if owner == StepOwner.PARTNER and not values["owner_name"]:
        raise DomainError(
            "Indiquez le professionnel ou la structure qui porte l'étape.", field="owner_name"
        )
    if goal is not None and goal.pathway_id != pathway.pk:
        raise DomainError("Cet objectif n'appartient pas à ce parcours.", field="goal")
    _check_date(planned_on, "planned_on", "La date prévue")
    values["goal"] = goal
    return values


def _check_done_on(status: str, done_on: dt.date | None) -> dt.date | None:
    if status != StepStatus.DONE:
        return None
    if done_on is None:
        raise DomainError("Indiquez la date de réalisation de l'étape.", field="done_on")
    _check_date(done_on, "done_on", "La date de réalisation")
    _check_not_future(done_on, "done_on", "La date de réalisation")
    return done_on


@transaction.atomic
def step_create(
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
    return step_add_to_locked_pathway(
        pathway=_locked_pathway(pathway, actor),
        actor=actor,
        kind=kind,
        title=title,
        goal=goal,
        owner=owner,
        owner_name=owner_name,
        planned_on=planned_on,
        status=status,
        done_on=done_on,
        outcome=outcome,
    )


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
    values["done_on"] = _check_done_on(status, done_on)
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
    pathway = _locked_pathway(step.pathway, actor)
    current = Step.objects.select_for_update().get(pk=step.pk)
    _check_version(current, expected_version)
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
    changes["done_on"] = _check_done_on(current.status, done_on)
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
    _locked_pathway(step.pathway, actor)
    current = Step.objects.select_for_update().get(pk=step.pk)
    _check_version(current, expected_version)
    if status not in StepStatus.values:
        raise DomainError("Statut d'étape inconnu.", field="status")
    if status not in STEP_TRANSITIONS[current.status]:
        raise DomainError(
            f"Une étape « {StepStatus(current.status).label.lower()} » ne peut pas passer "
            f"à « {StepStatus(status).label.lower()} ».",
            field="status",
        )
    changes: dict = {"status": status, "done_on": _check_done_on(status, done_on)}
    if outcome is not None:
        changes["outcome"] = clean_text(outcome)
        _validate(Step(outcome=changes["outcome"]), ["outcome"])
    return update_versioned(
        current, expected_version=expected_version, actor=actor, changes=changes
    )


# --- Engagement contract -------------------------------------------------------------------


def default_commitments(pathway: Pathway) -> tuple[str, str]:
    """(person's, organisation's) commitments to pre-fill a new version: those of the
    latest version, or sensible defaults for the first one."""
    latest = pathway.contracts.order_by("-number").first()
    if latest is not None:
        return latest.commitments_person, latest.commitments_organisation
    return (
        contract_terms.DEFAULT_COMMITMENTS_PERSON,
        contract_terms.DEFAULT_COMMITMENTS_ORGANISATION,
    )


@transaction.atomic
def contract_generate(
    *,
    pathway: Pathway,
    actor: User,
    commitments_person: str,
    commitments_organisation: str,
) -> Contract:
    """A new version (previous number + 1) from the current goals and steps."""
    current = _locked_pathway(pathway, actor)
    commitments_person = clean_text(commitments_person)
    commitments_organisation = clean_text(commitments_organisation)
    _validate(
        Contract(
            commitments_person=commitments_person,
            commitments_organisation=commitments_organisation,
        ),
        ["commitments_person", "commitments_organisation"],
    )
    if not commitments_person:
        raise DomainError("Indiquez les engagements de la personne.", field="commitments_person")
    if not commitments_organisation:
        raise DomainError(
            "Indiquez les engagements de la structure.", field="commitments_organisation"
        )
    current = (
        Pathway.objects.select_related("person", "organisation", "referent")
        .prefetch_related("goals", "steps")
        .get(pk=current.pk)
    )
    content, content_hash = contract_terms.snapshot(current)
    if not content["goals"]:
        raise DomainError("Ajoutez au moins un objectif avant d'établir le contrat d'engagement.")
    last_number = current.contracts.aggregate(n=Max("number"))["n"] or 0
    return Contract.objects.create(
        pathway=current,
        number=last_number + 1,
        content=content,
        content_hash=content_hash,
        commitments_person=commitments_person,
        commitments_organisation=commitments_organisation,
        generated_by=actor,
    )


@transaction.atomic
def contract_sign(
    *, contract: Contract, actor: User, signed_on: dt.date, signature_mode: str
) -> Contract:
    """Records the signature of a version. A signed version is never changed again."""
    pathway = _locked_pathway(contract.pathway, actor)
    current = Contract.objects.select_for_update().get(pk=contract.pk)
    if current.signed_on is not None:
        raise DomainError(
            "Cette version est déjà signée : une version signée ne peut plus être modifiée."
        )
    latest = pathway.contracts.aggregate(n=Max("number"))["n"]
    if current.number != latest:
        raise DomainError(
            f"Seule la dernière version (v{latest}) peut être signée : la v{current.number} "
            "a été remplacée."
        )
    live = Pathway.objects.prefetch_related("goals", "steps").get(pk=pathway.pk)
    if contract_terms.terms_hash(contract_terms.current_terms(live)) != current.content_hash:
        raise DomainError(
            "Les objectifs ou les étapes ont changé depuis que cette version a été établie : "
            "établissez une nouvelle version avant de la faire signer."
        )
    if signature_mode not in SignatureMode.values:
        raise DomainError("Indiquez le mode de signature.", field="signature_mode")
    if signed_on is None:
        raise DomainError("Indiquez la date de signature.", field="signed_on")
    _check_not_future(signed_on, "signed_on", "La date de signature")
    drawn_up = timezone.localdate(current.created_at)
    if signed_on < drawn_up:
        raise DomainError(
            f"La date de signature ne peut pas précéder l'établissement de la version ({_fmt(drawn_up)}).",
            field="signed_on",
        )
    current.signed_on = signed_on
    current.signature_mode = signature_mode
    current.save(update_fields=["signed_on", "signature_mode", "updated_at"])
    return current


# --- Reviews -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalOutcome:
    result: str
    gap: str = ""


@transaction.atomic
def review_record(
    *,
    pathway: Pathway,
    actor: User,
    held_on: dt.date,
    results: Mapping[int, GoalOutcome],
    adjustments: str = "",
    risks: str = "",
    success_factors: str = "",
    person_view: str = "",
    next_review_on: dt.date | None = None,
    diagnostic: Diagnostic | None = None,
) -> Review:
    """`results` maps each goal in progress (by id) to its result. Goals marked achieved
    or abandoned take that status; the pathway's next review is set."""
    current = _locked_pathway(pathway, actor)
    if held_on is None:
        raise DomainError("Indiquez la date du bilan.", field="held_on")
    _check_not_future(held_on, "held_on", "La date du bilan")
    if held_on < current.started_on:
        raise DomainError(
            f"Le bilan ne peut pas précéder le début du parcours ({_fmt(current.started_on)}).",
            field="held_on",
        )
    review = Review(
        pathway=current,
        held_on=held_on,
        author=actor,
        adjustments=clean_text(adjustments),
        risks=clean_text(risks),
        success_factors=clean_text(success_factors),
        person_view=clean_text(person_view),
        diagnostic=diagnostic,
        next_review_on=next_review_on or add_months(held_on, current.review_every_months),
    )
    _validate(review, ["adjustments", "risks", "success_factors", "person_view"])
    if review.next_review_on <= held_on:
        raise DomainError(
            "Le prochain bilan doit avoir lieu après celui-ci.", field="next_review_on"
        )
    _check_date(review.next_review_on, "next_review_on", "La date du prochain bilan")
    if diagnostic is not None and diagnostic.person_id != current.person_id:
        raise DomainError("Ce diagnostic ne concerne pas cette personne.", field="diagnostic")

    goals = list(
        Goal.objects.select_for_update()
        .filter(pathway=current, status=GoalStatus.IN_PROGRESS)
        .order_by("pk")
    )
    known = {g.pk for g in goals}
    unknown = set(results) - known
    if unknown:
        raise DomainError(
            "Un résultat porte sur un objectif qui n'est pas en cours dans ce parcours."
        )
    goal_reviews = []
    for goal in goals:
        outcome = results.get(goal.pk)
        if outcome is None or outcome.result not in GoalResult.values:
            raise DomainError(
                f"Indiquez le résultat de l'objectif « {goal.text} ».", field=f"result_{goal.pk}"
            )
        gap = clean_text(outcome.gap)
        item = GoalReview(goal=goal, result=outcome.result, gap=gap)
        try:
            _validate(item, ["gap"])
        except DomainError as error:
            raise DomainError(error.message, field=f"gap_{goal.pk}") from error
        goal_reviews.append(item)

    review.save()
    for item in goal_reviews:
        item.review = review
    GoalReview.objects.bulk_create(goal_reviews)
    new_status = {
        GoalResult.ACHIEVED: GoalStatus.ACHIEVED,
        GoalResult.ABANDONED: GoalStatus.ABANDONED,
    }
    for goal, item in zip(goals, goal_reviews, strict=True):
        if item.result in new_status:
            update_versioned(
                goal,
                expected_version=goal.version,
                actor=actor,
                changes={"status": new_status[item.result]},
            )
    Pathway.objects.filter(pk=current.pk).update(
        next_review_on=review.next_review_on, updated_at=timezone.now()
    )
    return review


# --- Exit ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExitOutcome:
    exit: Exit
    cancelled_steps: list[Step]


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
) -> ExitOutcome:
    """Closes the pathway. Its open steps are cancelled (steps in progress only once the
    user has confirmed); the pathway becomes read-only and has no next review."""
    current = _locked_pathway(pathway, actor)
    _check_version(current, expected_version)
    if exited_on is None:
        raise DomainError("Indiquez la date de sortie.", field="exited_on")
    _check_not_future(exited_on, "exited_on", "La date de sortie")
    if exited_on < current.started_on:
        raise DomainError(
            f"La sortie ne peut pas précéder le début du parcours ({_fmt(current.started_on)}).",
            field="exited_on",
        )
    if category not in ExitCategory.values:
        raise DomainError("Indiquez le type de sortie.", field="category")
    exit_record = Exit(
        pathway=current,
        exited_on=exited_on,
        category=category,
        comment=clean_text(comment),
        recorded_by=actor,
    )
    _validate(exit_record, ["comment"])
    open_steps = list(
        Step.objects.select_for_update()
        .filter(pathway=current, status__in=OPEN_STEP_STATUSES)
        .order_by("planned_on", "pk")
    )
    in_progress = [s for s in open_steps if s.status == StepStatus.IN_PROGRESS]
    if in_progress and not confirm_in_progress:
        titles = ", ".join(f"« {s.title} »" for s in in_progress[:5])
        more = "…" if len(in_progress) > 5 else ""
        raise DomainError(
            f"{len(in_progress)} étape(s) encore en cours : {titles}{more}. Confirmez leur "
            "annulation pour clore le parcours, ou mettez-les d'abord à jour.",
            field="confirm_in_progress",
        )
    note = f"Annulée à la sortie du parcours le {_fmt(exited_on)}."
    for step in open_steps:
        outcome = f"{step.outcome}\n{note}".strip() if step.outcome else note
        update_versioned(
            step,
            expected_version=step.version,
            actor=actor,
            changes={"status": StepStatus.CANCELLED, "outcome": outcome[:3000]},
        )
    exit_record.save()
    update_versioned(
        current,
        expected_version=current.version,
        actor=actor,
        changes={"status": PathwayStatus.CLOSED, "next_review_on": None},
    )
    return ExitOutcome(exit=exit_record, cancelled_steps=open_steps)
