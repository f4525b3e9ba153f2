"""Workshop designs — training sequences (API): objectives, content, duration, methods,
materials, evaluation and the abilities they require, with their sessions (a workshop's
list of sessions alone is in `relais.api.routers.workshops`, beside the POST on its path:
one path belongs to one router). A design names
no participant: every member of the organisation reads it; référents and managers create
and change it (`relais.projects.policies`), as on the web pages. Sessions, enrolments and
attendance are in `relais.api.routers.workshops`."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from relais.api.access import acting_membership
from relais.api.idempotency import IDEMPOTENCY_DOC, idempotent
from relais.api.routers.people import ERRORS, WRITE_ERRORS, Id, OrganisationId, api_fields
from relais.api.routers.projects import ensure_writer
from relais.api.routers.workshops import session_out
from relais.api.schemas import ErrorOut
from relais.api.schemas_projects import WorkshopIn, WorkshopOut, WorkshopPatchIn
from relais.core.errors import DomainError
from relais.projects import workshop_changes
from relais.projects import workshops as workshop_services
from relais.projects.models import Project, Session, Workshop
from relais.projects.selectors import workshops_of

router = Router(tags=["Projets collectifs et ateliers"])
WORKSHOPS = "/organisations/{organisation_id}/workshops"
DESIGN = (
    "title",
    "objectives",
    "content",
    "duration_hours",
    "methods",
    "materials",
    "evaluation",
)


def _counted(organisation_id: int, workshop_id: int) -> Workshop:
    workshop = workshops_of(organisation_id).filter(pk=workshop_id).first()
    if workshop is None:
        raise Http404
    return workshop


def workshop_out(workshop: Workshop, *, sessions: list[Session] | None = None) -> dict:
    """`workshop` annotated by `workshops_of` (session_count, enrolled)."""
    out = {
        **{f: getattr(workshop, f) for f in DESIGN},
        "id": workshop.pk,
        "project_id": workshop.project_id,
        "required_abilities": workshop.required_abilities,
        "required_level": workshop.required_level,
        "version": workshop.version,
        "session_count": workshop.session_count,
        "enrolled": workshop.enrolled,
    }
    if sessions is not None:
        out["sessions"] = [session_out(s, workshop.enrolled) for s in sessions]
    return out


def _sessions(workshop: Workshop) -> list[Session]:
    sessions = list(Session.objects.filter(workshop=workshop).order_by("starts_at", "id"))
    for session in sessions:
        session.workshop = workshop
    return sessions


def _project(organisation_id: int, project_id: int | None) -> Project | None:
    if project_id is None:
        return None
    project = Project.objects.filter(organisation_id=organisation_id, pk=project_id).first()
    if project is None:
        raise DomainError("Ce projet n'existe pas dans votre structure.", field="project_id")
    return project


@router.get(
    WORKSHOPS,
    response={200: list[WorkshopOut], **ERRORS},
    summary="Ateliers et séquences de formation de la structure",
    description="Par ordre alphabétique ; sans participant nommé.",
)
def workshop_list(
    request: HttpRequest,
    organisation_id: OrganisationId,
    offset: int = Query(0, ge=0, le=1_000_000),
    limit: int = Query(50, ge=1, le=200),
):
    acting_membership(request, organisation_id)
    return [workshop_out(w) for w in workshops_of(organisation_id)[offset : offset + limit]]


@router.post(
    WORKSHOPS,
    response={409: ErrorOut, 201: WorkshopOut, **ERRORS},
    summary="Concevoir un atelier ou une séquence de formation",
    description="Objectifs, contenu, durée, méthodes, supports, évaluation ; les séances se "
    "programment ensuite." + IDEMPOTENCY_DOC,
)
@idempotent
def workshop_create(request: HttpRequest, organisation_id: OrganisationId, payload: WorkshopIn):
    membership = acting_membership(request, organisation_id)
    ensure_writer(membership)
    values = payload.model_dump(exclude={"project_id"})
    with api_fields(project="project_id"):
        workshop = workshop_services.workshop_create(
            organisation=membership.organisation,
            actor=request.user,
            project=_project(organisation_id, payload.project_id),
            **values,
        )
    return Status(201, workshop_out(_counted(organisation_id, workshop.pk), sessions=[]))


@router.get(
    f"{WORKSHOPS}/{{workshop_id}}",
    response={200: WorkshopOut, **ERRORS},
    summary="Consulter un atelier",
    description="Sa conception et ses séances (annulées comprises, marquées comme telles).",
)
def workshop_detail(request: HttpRequest, organisation_id: OrganisationId, workshop_id: Id):
    acting_membership(request, organisation_id)
    workshop = _counted(organisation_id, workshop_id)
    return workshop_out(workshop, sessions=_sessions(workshop))


@router.patch(
    f"{WORKSHOPS}/{{workshop_id}}",
    response={200: WorkshopOut, **WRITE_ERRORS},
    summary="Modifier la conception d'un atelier",
    description="Seuls les champs envoyés changent ; `version` obligatoire (409 si modifié "
    "entre-temps). Renommer l'atelier renomme l'étape « Atelier » des parcours des inscrits.",
)
def workshop_update(
    request: HttpRequest, organisation_id: OrganisationId, workshop_id: Id, payload: WorkshopPatchIn
):
    membership = acting_membership(request, organisation_id)
    workshop = Workshop.objects.filter(organisation_id=organisation_id, pk=workshop_id).first()
    if workshop is None:
        raise Http404
    ensure_writer(membership)
    sent = payload.model_dump(exclude_unset=True)
    version = sent.pop("version")
    abilities = {k: sent.pop(k) for k in ("required_abilities", "required_level") if k in sent}
    with transaction.atomic():  # the design and the abilities together, or neither
        workshop = _patch(request, workshop, version, sent, abilities)
    workshop = _counted(organisation_id, workshop_id)
    return workshop_out(workshop, sessions=_sessions(workshop))


def _patch(
    request: HttpRequest, workshop: Workshop, version: int, sent: dict, abilities: dict
) -> Workshop:
    organisation_id = workshop.organisation_id
    if sent:
        project = (
            _project(organisation_id, sent.pop("project_id"))
            if "project_id" in sent
            else workshop.project
        )
        with api_fields(project="project_id"):
            workshop = workshop_changes.workshop_update(
                workshop=workshop,
                actor=request.user,
                expected_version=version,
                project=project,
                **{f: sent.get(f, getattr(workshop, f)) for f in DESIGN},
            )
        version = workshop.version
    if abilities:
        workshop = workshop_services.workshop_require(
            workshop=workshop,
            actor=request.user,
            expected_version=version,
            required_abilities=abilities.get("required_abilities", workshop.required_abilities),
            required_level=abilities.get("required_level", workshop.required_level),
        )
    return workshop
