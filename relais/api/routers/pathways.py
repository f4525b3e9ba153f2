"""Pathways (API): a person's pathways, their SMART goals, steps (with the step workflow),
reviews (bilans) and exit. Reserved to the roles that accompany (référents, managers):
reception gets 403. A closed pathway is read-only (400 on any change).

Schemas, and how each record is shown, are in `relais.api.schemas_pathways`. The endpoints
stay in this one module: their OpenAPI `operationId` is made from it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Status

from relais.accounts.models import Membership
from relais.api.access import person_for, person_record_for
from relais.api.idempotency import idempotent
from relais.api.routers.people import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    OrganisationId,
    api_fields,
    find_user,
)
from relais.api.schemas_pathways import (
    ExitIn,
    GoalIn,
    GoalOut,
    GoalPatchIn,
    PathwayIn,
    PathwayOut,
    PathwayPatchIn,
    ReviewIn,
    ReviewOut,
    StepIn,
    StepOut,
    StepPatchIn,
    goal_out,
    pathway_out,
    review_out,
    step_out,
)
from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.diagnostics.models import Diagnostic
from relais.pathways import goals as goal_services
from relais.pathways import reviews as review_services
from relais.pathways import selectors, services
from relais.pathways import steps as step_services
from relais.pathways.models import Goal, Pathway, Review, Step
from relais.people.access import record_denied
from relais.people.models import Person
from relais.people.policies import Capability

router = Router(tags=["Parcours"])

PATHWAY_PATH = "/organisations/{organisation_id}/pathways/{pathway_id}"


# --- Fetching ------------------------------------------------------------------------------


def pathway_for(
    request: HttpRequest, organisation_id: int, pathway_id: int
) -> tuple[Membership, Person, Pathway]:
    """The pathway if its person is visible to the caller (else 404) and their role
    accompanies (else 403); both refusals journaled as denied."""
    return person_record_for(
        request,
        organisation_id,
        Pathway.objects.select_related("referent"),
        pathway_id,
        "pathways.pathway",
    )


def _not_in_pathway(request: HttpRequest, pathway: Pathway, target_type: str, target_id) -> Http404:
    record_denied(
        request,
        target_type=target_type,
        target_id=target_id,
        person_id=pathway.person_id,
        organisation_id=pathway.person.organisation_id,
        reason="API : hors de ce parcours",
    )
    return Http404()


def _goal_for(request: HttpRequest, pathway: Pathway, goal_id: int) -> Goal:
    goal = Goal.objects.filter(pathway=pathway, pk=goal_id).first()
    if goal is None:
        raise _not_in_pathway(request, pathway, "pathways.goal", goal_id)
    goal.pathway = pathway
    return goal


def _step_for(request: HttpRequest, pathway: Pathway, step_id: int) -> Step:
    step = Step.objects.filter(pathway=pathway, pk=step_id).select_related("goal").first()
    if step is None:
        raise _not_in_pathway(request, pathway, "pathways.step", step_id)
    step.pathway = pathway
    return step


def _linked_goal(pathway: Pathway, goal_id: int | None) -> Goal | None:
    """A goal named in a step must be one of the pathway's (no other record is read)."""
    if goal_id is None:
        return None
    goal = Goal.objects.filter(pathway=pathway, pk=goal_id).first()
    if goal is None:
        raise DomainError("Cet objectif n'appartient pas à ce parcours.", field="goal_id")
    return goal


def _journal(
    request: HttpRequest, action: str, target, person: Person, pathway: Pathway, summary="API"
):
    journal.record_request(request, action, target, summary=summary, also_covers=[person, pathway])


def _journal_list(
    request: HttpRequest,
    target_type: str,
    label: str,
    items: list,
    person: Person,
    pathway: Pathway,
) -> None:
    """A list of a pathway's goals, steps or reviews has been read."""
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type=target_type,
        person_id=person.pk,
        organisation=person.organisation_id,
        summary=f"API : {label} du parcours n° {pathway.pk} ({len(items)})",
        also_covers=[person, pathway, *items],
    )


def _planned(pathway_id: int) -> Pathway:
    return selectors.with_plan(Pathway.objects.filter(pk=pathway_id)).get()


def _reviews():
    return Review.objects.select_related("author").prefetch_related("goal_reviews__goal")


# --- Pathways ------------------------------------------------------------------------------


@router.get(
    "/organisations/{organisation_id}/persons/{person_id}/pathways",
    response={200: list[PathwayOut], **ERRORS},
    summary="Parcours d'une personne",
    description="Parcours en cours d'abord, chacun avec ses objectifs et ses étapes.",
)
def pathway_list(request: HttpRequest, organisation_id: OrganisationId, person_id: Id):
    membership, person = person_for(request, organisation_id, person_id, Capability.ACCOMPANIMENT)
    pathways = list(selectors.pathways_of(person))
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="pathways.pathway",
        person_id=person.pk,
        organisation=membership.organisation,
        summary=f"API : parcours de la personne ({len(pathways)})",
        also_covers=[person, *pathways],
    )
    today = timezone.localdate()
    return [pathway_out(p, today) for p in pathways]


@router.post(
    "/organisations/{organisation_id}/persons/{person_id}/pathways",
    response={201: PathwayOut, **WRITE_ERRORS},
    summary="Ouvrir un parcours",
    description="Le premier bilan est prévu au début du parcours + le rythme des bilans.",
)
@idempotent
def pathway_create(
    request: HttpRequest, organisation_id: OrganisationId, person_id: Id, payload: PathwayIn
):
    _membership, person = person_for(request, organisation_id, person_id, Capability.ACCOMPANIMENT)
    if payload.referent_id is not None:
        referent = find_user(payload.referent_id)
    elif selectors.eligible_referents(person.organisation_id).filter(pk=request.user.pk).exists():
        referent = request.user
    else:
        referent = person.referent
    with api_fields(referent="referent_id"):
        pathway = services.pathway_create(
            person=person,
            actor=request.user,
            scheme=payload.scheme,
            scheme_detail=payload.scheme_detail,
            referent=referent,
            started_on=payload.started_on or timezone.localdate(),
            review_every_months=payload.review_every_months,
        )
    _journal(request, JournalAction.CREATE, pathway, person, pathway)
    return Status(201, pathway_out(_planned(pathway.pk)))


@router.get(
    PATHWAY_PATH,
    response={200: PathwayOut, **ERRORS},
    summary="Consulter un parcours",
    description="Le parcours avec ses objectifs, ses étapes, l'état du contrat et la sortie.",
)
def pathway_detail(request: HttpRequest, organisation_id: OrganisationId, pathway_id: Id):
    _membership, person, pathway = pathway_for(request, organisation_id, pathway_id)
    _journal(request, JournalAction.VIEW, pathway, person, pathway)
    return pathway_out(_planned(pathway.pk))


@router.patch(
    PATHWAY_PATH,
    response={200: PathwayOut, **WRITE_ERRORS},
    summary="Modifier un parcours",
    description=(
        "Seuls les champs envoyés changent ; `version` obligatoire (409 si le parcours a été "
        "modifié entre-temps). Changer le début ou le rythme recalcule le prochain bilan."
    ),
)
def pathway_update(
    request: HttpRequest, organisation_id: OrganisationId, pathway_id: Id, payload: PathwayPatchIn
):
    _membership, person, pathway = pathway_for(request, organisation_id, pathway_id)
    sent = payload.model_dump(exclude_unset=True)
    referent = find_user(sent["referent_id"]) if "referent_id" in sent else pathway.referent
    with api_fields(referent="referent_id"):
        services.pathway_update(
            pathway=pathway,
            actor=request.user,
            expected_version=payload.version,
            scheme=sent.get("scheme", pathway.scheme),
            scheme_detail=sent.get("scheme_detail", pathway.scheme_detail),
            referent=referent,
            started_on=sent.get("started_on", pathway.started_on),
            review_every_months=sent.get("review_every_months", pathway.review_every_months),
        )
    _journal(request, JournalAction.UPDATE, pathway, person, pathway)
    return pathway_out(_planned(pathway.pk))


@router.post(
    f"{PATHWAY_PATH}/exit",
    response={200: PathwayOut, **WRITE_ERRORS},
    summary="Enregistrer la sortie (clore le parcours)",
    description=(
        "Clôt le parcours : ses étapes non réalisées sont annulées (celles en cours seulement "
        "avec `confirm_in_progress: true`), ses orientations en cours aussi (le partenaire est "
        "prévenu) ; chaque objectif en cours est déclaré atteint ou abandonné "
        "(`goal_outcomes`) ; il devient consultable seulement."
    ),
)
def pathway_exit(
    request: HttpRequest, organisation_id: OrganisationId, pathway_id: Id, payload: ExitIn
):
    _membership, person, pathway = pathway_for(request, organisation_id, pathway_id)
    outcome = services.pathway_exit(
        pathway=pathway,
        actor=request.user,
        expected_version=payload.version,
        exited_on=payload.exited_on,
        category=payload.category,
        comment=payload.comment,
        confirm_in_progress=payload.confirm_in_progress,
        goal_outcomes=payload.goal_outcomes,
    )
    _journal(
        request,
        JournalAction.UPDATE,
        pathway,
        person,
        pathway,
        f"API : sortie : {outcome.exit.get_category_display()}",
    )
    return pathway_out(_planned(pathway.pk))


# --- Goals ---------------------------------------------------------------------------------


@router.get(
    f"{PATHWAY_PATH}/goals",
    response={200: list[GoalOut], **ERRORS},
    summary="Objectifs d'un parcours",
)
def goal_list(request: HttpRequest, organisation_id: OrganisationId, pathway_id: Id):
    _membership, person, pathway = pathway_for(request, organisation_id, pathway_id)
    goals = list(Goal.objects.filter(pathway=pathway).order_by("pk"))
    _journal_list(request, "pathways.goal", "objectifs", goals, person, pathway)
    return [goal_out(g) for g in goals]


@router.post(
    f"{PATHWAY_PATH}/goals",
    response={201: GoalOut, **WRITE_ERRORS},
    summary="Ajouter un objectif",
    description=(
        "Un objectif sans indicateur, cible ou échéance est accepté et signalé dans `smart_gaps`."
    ),
)
@idempotent
def goal_create(
    request: HttpRequest, organisation_id: OrganisationId, pathway_id: Id, payload: GoalIn
):
    _membership, person, pathway = pathway_for(request, organisation_id, pathway_id)
    goal = goal_services.goal_create(pathway=pathway, actor=request.user, **payload.model_dump())
    _journal(request, JournalAction.CREATE, goal, person, pathway)
    return Status(201, goal_out(goal))


@router.patch(
    f"{PATHWAY_PATH}/goals/{{goal_id}}",
    response={200: GoalOut, **WRITE_ERRORS},
    summary="Modifier un objectif",
    description="Seuls les champs envoyés changent ; `version` obligatoire (409 si périmée).",
)
def goal_update(
    request: HttpRequest,
    organisation_id: OrganisationId,
    pathway_id: Id,
    goal_id: Id,
    payload: GoalPatchIn,
):
    _membership, person, pathway = pathway_for(request, organisation_id, pathway_id)
    goal = _goal_for(request, pathway, goal_id)
    sent = payload.model_dump(exclude_unset=True, exclude={"version"})
    fields = ("text", "domain", "indicator", "target", "deadline", "status")
    updated = goal_services.goal_update(
        goal=goal,
        actor=request.user,
        expected_version=payload.version,
        **{name: sent.get(name, getattr(goal, name)) for name in fields},
    )
    _journal(request, JournalAction.UPDATE, updated, person, pathway)
    return goal_out(updated)


# --- Steps ---------------------------------------------------------------------------------


@router.get(
    f"{PATHWAY_PATH}/steps",
    response={200: list[StepOut], **ERRORS},
    summary="Étapes d'un parcours",
    description="Par date prévue, les étapes sans date en dernier.",
)
def step_list(request: HttpRequest, organisation_id: OrganisationId, pathway_id: Id):
    _membership, person, pathway = pathway_for(request, organisation_id, pathway_id)
    steps = list(_planned(pathway.pk).steps.all())
    _journal_list(request, "pathways.step", "étapes", steps, person, pathway)
    today = timezone.localdate()
    return [step_out(s, today) for s in steps]


@router.post(
    f"{PATHWAY_PATH}/steps",
    response={201: StepOut, **WRITE_ERRORS},
    summary="Ajouter une étape",
)
@idempotent
def step_create(
    request: HttpRequest, organisation_id: OrganisationId, pathway_id: Id, payload: StepIn
):
    _membership, person, pathway = pathway_for(request, organisation_id, pathway_id)
    values = payload.model_dump(exclude={"goal_id"})
    with api_fields(goal="goal_id"):
        step = step_services.step_create(
            pathway=pathway,
            actor=request.user,
            goal=_linked_goal(pathway, payload.goal_id),
            **values,
        )
    _journal(request, JournalAction.CREATE, step, person, pathway)
    return Status(201, step_out(step))


STEP_FIELDS = ("kind", "title", "owner", "owner_name", "planned_on", "outcome")


@router.patch(
    f"{PATHWAY_PATH}/steps/{{step_id}}",
    response={200: StepOut, **WRITE_ERRORS},
    summary="Modifier une étape ou changer son statut",
    description=(
        "Seuls les champs envoyés changent ; `version` obligatoire (409 si périmée). Un "
        "`status` différent du statut actuel fait avancer l'étape dans son circuit "
        "(voir `allowed_statuses`) ; « done » exige `done_on`. Tout ou rien : si le "
        "changement de statut est refusé, les autres modifications ne sont pas enregistrées."
    ),
)
def step_update(
    request: HttpRequest,
    organisation_id: OrganisationId,
    pathway_id: Id,
    step_id: Id,
    payload: StepPatchIn,
):
    _membership, person, pathway = pathway_for(request, organisation_id, pathway_id)
    step = _step_for(request, pathway, step_id)
    sent = payload.model_dump(exclude_unset=True, exclude={"version"})
    previous_status = step.status
    new_status = sent.get("status", step.status)
    changes_status = new_status != step.status
    edits = any(name in sent for name in (*STEP_FIELDS, "goal_id")) or (
        "done_on" in sent and not changes_status
    )
    summary = "API"
    with transaction.atomic(), api_fields(goal="goal_id"):
        version = payload.version
        if edits or not changes_status:
            goal = _linked_goal(pathway, sent["goal_id"]) if "goal_id" in sent else step.goal
            step = step_services.step_update(
                step=step,
                actor=request.user,
                expected_version=version,
                goal=goal,
                done_on=sent.get("done_on", step.done_on),
                **{name: sent.get(name, getattr(step, name)) for name in STEP_FIELDS},
            )
            version = step.version
        if changes_status:
            step = step_services.step_change_status(
                step=step,
                actor=request.user,
                expected_version=version,
                status=new_status,
                done_on=sent.get("done_on", step.done_on),
            )
            summary = f"API : statut {previous_status} → {new_status}"
    _journal(request, JournalAction.UPDATE, step, person, pathway, summary)
    return step_out(step)


# --- Reviews -------------------------------------------------------------------------------


@router.get(
    f"{PATHWAY_PATH}/reviews",
    response={200: list[ReviewOut], **ERRORS},
    summary="Bilans d'un parcours",
    description="Du plus récent au plus ancien, avec le résultat de chaque objectif.",
)
def review_list(request: HttpRequest, organisation_id: OrganisationId, pathway_id: Id):
    _membership, person, pathway = pathway_for(request, organisation_id, pathway_id)
    reviews = list(_reviews().filter(pathway=pathway).order_by("-held_on", "-pk"))
    _journal_list(request, "pathways.review", "bilans", reviews, person, pathway)
    return [review_out(r) for r in reviews]


def _results(payload: ReviewIn) -> dict[int, review_services.GoalOutcome]:
    results: dict[int, Any] = {}
    for item in payload.results:
        if item.goal_id in results:
            raise DomainError(
                f"L'objectif n° {item.goal_id} figure deux fois dans les résultats.",
                field="results",
            )
        results[item.goal_id] = review_services.GoalOutcome(item.result, item.gap)
    return results


@router.post(
    f"{PATHWAY_PATH}/reviews",
    response={201: ReviewOut, **WRITE_ERRORS},
    summary="Enregistrer un bilan",
    description=(
        "Un résultat pour chaque objectif en cours (`results`). Les objectifs atteints ou "
        "abandonnés prennent ce statut ; le prochain bilan du parcours est fixé."
    ),
)
@idempotent
def review_create(
    request: HttpRequest, organisation_id: OrganisationId, pathway_id: Id, payload: ReviewIn
):
    _membership, person, pathway = pathway_for(request, organisation_id, pathway_id)
    diagnostic = None
    if payload.diagnostic_id is not None:
        diagnostic = Diagnostic.objects.filter(person=person, pk=payload.diagnostic_id).first()
        if diagnostic is None:
            raise DomainError(
                "Ce diagnostic ne concerne pas cette personne.", field="diagnostic_id"
            )
    try:
        review = review_services.review_record(
            pathway=pathway,
            actor=request.user,
            held_on=payload.held_on,
            results=_results(payload),
            adjustments=payload.adjustments,
            risks=payload.risks,
            success_factors=payload.success_factors,
            person_view=payload.person_view,
            next_review_on=payload.next_review_on,
            diagnostic=diagnostic,
        )
    except DomainError as error:
        if error.field and error.field.startswith(("result_", "gap_")):
            error.field = "results"
        elif error.field == "diagnostic":
            error.field = "diagnostic_id"
        raise
    _journal(request, JournalAction.CREATE, review, person, pathway)
    return Status(201, review_out(_reviews().get(pk=review.pk)))
