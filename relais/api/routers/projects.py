"""Collective projects (API): projects and their action plan's tasks. Projects are the
organisation's: every member reads them, référents and managers write them. Sessions,
enrolments and attendance are in `relais.api.routers.workshops`."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from relais.accounts.models import Membership, User
from relais.api.access import acting_membership
from relais.api.idempotency import idempotent
from relais.api.routers.people import ERRORS, WRITE_ERRORS, Id, OrganisationId, api_fields
from relais.api.schemas import ErrorOut
from relais.api.schemas_projects import (
    DependencyIn,
    ProjectIn,
    ProjectOut,
    ProjectPatchIn,
    ShiftIn,
    TaskIn,
    TaskOut,
    TaskPatchIn,
)
from relais.core.errors import DomainError, PermissionDenied
from relais.core.submissions import submit_once
from relais.projects import plan as plan_services
from relais.projects import policies, services
from relais.projects.budget import budget_summary
from relais.projects.models import (
    Project,
    ProjectStatus,
    Task,
)
from relais.projects.selectors import projects_of

router = Router(tags=["Projets collectifs et ateliers"])
PROJECT_PATH = "/organisations/{organisation_id}/projects/{project_id}"


def ensure_writer(membership: Membership) -> None:
    if not policies.can_write(membership):
        raise PermissionDenied("Réservé aux référents et aux responsables de la structure.")


def _project(
    request: HttpRequest, organisation_id: int, project_id: int, *, write: bool = False
) -> tuple[Membership, Project]:
    membership = acting_membership(request, organisation_id)
    project = Project.objects.filter(organisation_id=organisation_id, pk=project_id).first()
    if project is None:
        raise Http404
    if write:
        ensure_writer(membership)
    return membership, project


def project_out(project: Project, *, detail: bool = False) -> dict:
    out = {
        **{
            f: getattr(project, f)
            for f in (
                "id",
                "title",
                "purpose",
                "public",
                "public_detail",
                "commune_code",
                "thematiques",
                "starts_on",
                "ends_on",
                "status",
                "version",
            )
        },
        "status_label": ProjectStatus(project.status).label,
    }
    if detail:
        out["objectives"] = [
            {
                **{
                    f: getattr(o, f)
                    for f in ("id", "text", "indicator", "baseline", "target", "deadline")
                },
                "smart_gaps": o.smart_gaps,
            }
            for o in project.objectives.all()
        ]
        summary = budget_summary(project)
        out["budget"] = {
            "total_expenses": summary.total_expenses,
            "total_resources": summary.total_resources,
            "total_secured": summary.total_secured,
            "balanced": summary.balanced,
            "gap": summary.gap,
        }
    return out


@router.get(
    "/organisations/{organisation_id}/projects",
    response={200: list[ProjectOut], **ERRORS},
    summary="Projets collectifs de la structure",
)
def project_list(
    request: HttpRequest,
    organisation_id: OrganisationId,
    status: str = "",
    offset: int = Query(0, ge=0, le=1_000_000),
    limit: int = Query(50, ge=1, le=200),
):
    acting_membership(request, organisation_id)
    projects = projects_of(organisation_id, status=status if status in ProjectStatus.values else "")
    return [project_out(p) for p in projects[offset : offset + limit]]


@router.post(
    "/organisations/{organisation_id}/projects",
    response={201: ProjectOut, **ERRORS},
    summary="Créer un projet collectif",
    description="Un en-tête `Idempotency-Key` fait qu'une demande renvoyée rend le même projet.",
)
def project_create(request: HttpRequest, organisation_id: OrganisationId, payload: ProjectIn):
    membership = acting_membership(request, organisation_id)
    ensure_writer(membership)
    project, _created = submit_once(
        token=request.headers.get("Idempotency-Key", ""),
        actor=request.user,
        model=Project,
        create=lambda: services.project_create(
            organisation=membership.organisation, actor=request.user, **payload.model_dump()
        ),
    )
    return Status(201, project_out(project, detail=True))


@router.get(
    PROJECT_PATH,
    response={200: ProjectOut, **ERRORS},
    summary="Consulter un projet",
    description="Avec ses objectifs (et ce qu'il leur manque) et l'équilibre de son budget.",
)
def project_detail(request: HttpRequest, organisation_id: OrganisationId, project_id: Id):
    _membership, project = _project(request, organisation_id, project_id)
    return project_out(project, detail=True)


@router.patch(
    PROJECT_PATH,
    response={200: ProjectOut, **WRITE_ERRORS},
    summary="Modifier un projet",
    description="Seuls les champs envoyés changent ; `version` obligatoire (409 si modifié entre-temps). `status` suit les transitions permises.",
)
def project_update(
    request: HttpRequest, organisation_id: OrganisationId, project_id: Id, payload: ProjectPatchIn
):
    _membership, project = _project(request, organisation_id, project_id, write=True)
    sent = payload.model_dump(exclude_unset=True)
    version = sent.pop("version")
    status = sent.pop("status", None)
    if sent:
        fields = {
            f: sent.get(f, getattr(project, f))
            for f in (
                "title",
                "purpose",
                "public",
                "public_detail",
                "commune_code",
                "thematiques",
                "starts_on",
                "ends_on",
            )
        }
        project = services.project_update(
            project=project, actor=request.user, expected_version=version, **fields
        )
        version = project.version
    if status is not None:
        project = services.project_change_status(
            project=project, actor=request.user, expected_version=version, status=status
        )
    return project_out(project, detail=True)


def _task_out(planned) -> dict:
    t = planned.task
    return {
        "id": t.pk,
        "title": t.title,
        "starts_on": t.starts_on,
        "ends_on": t.ends_on,
        "duration_days": t.duration_days,
        "owner_id": t.owner_id,
        "owner_name": t.owner_name,
        "status": t.status,
        "version": t.version,
        "predecessor_ids": sorted(planned.predecessors),
        "critical": planned.critical,
        "late": planned.late,
        "conflict": planned.conflict,
        "slack_days": planned.slack_days,
    }


def _tasks(project: Project) -> list[dict]:
    return [_task_out(p) for p in plan_services.plan_of(project).tasks]


def _member(organisation_id: int, user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(
        pk=user_id, memberships__organisation_id=organisation_id, memberships__is_active=True
    ).first()
    if user is None:
        raise DomainError("Ce professionnel n'est pas membre de la structure.", field=field)
    return user


@router.get(
    f"{PROJECT_PATH}/tasks",
    response={200: list[TaskOut], **ERRORS},
    summary="Plan d'action d'un projet",
    description="Tâches avec leurs dépendances, le chemin critique et les retards.",
)
def task_list(request: HttpRequest, organisation_id: OrganisationId, project_id: Id):
    _membership, project = _project(request, organisation_id, project_id)
    return _tasks(project)


@router.post(
    f"{PROJECT_PATH}/tasks",
    response={409: ErrorOut, 201: list[TaskOut], **ERRORS},
    summary="Ajouter une tâche",
    description="Répond le plan entier, recalculé.",
)
@idempotent
def task_create(
    request: HttpRequest, organisation_id: OrganisationId, project_id: Id, payload: TaskIn
):
    _membership, project = _project(request, organisation_id, project_id, write=True)
    after = list(Task.objects.filter(project=project, pk__in=payload.after_ids))
    if len(after) != len(set(payload.after_ids)):
        raise DomainError("Une tâche de `after_ids` n'est pas dans ce projet.", field="after_ids")
    with api_fields(owner="owner_id", predecessor="after_ids"):
        plan_services.task_create(
            project=project,
            actor=request.user,
            title=payload.title,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            owner=_member(organisation_id, payload.owner_id, "owner_id"),
            owner_name=payload.owner_name,
            after=after,
        )
    return Status(201, _tasks(project))


def _task(project: Project, task_id: int) -> Task:
    task = Task.objects.filter(project=project, pk=task_id).first()
    if task is None:
        raise Http404
    task.project = project
    return task


@router.patch(
    f"{PROJECT_PATH}/tasks/{{task_id}}",
    response={200: list[TaskOut], **WRITE_ERRORS},
    summary="Modifier une tâche",
    description="`version` obligatoire (409 si modifiée entre-temps).",
)
def task_update(
    request: HttpRequest,
    organisation_id: OrganisationId,
    project_id: Id,
    task_id: Id,
    payload: TaskPatchIn,
):
    _membership, project = _project(request, organisation_id, project_id, write=True)
    task = _task(project, task_id)
    sent = payload.model_dump(exclude_unset=True)
    version = sent.pop("version")
    status = sent.pop("status", None)
    if sent:
        owner = (
            _member(organisation_id, sent["owner_id"], "owner_id")
            if "owner_id" in sent
            else task.owner
        )
        with api_fields(owner="owner_id"):
            task = plan_services.task_update(
                task=task,
                actor=request.user,
                expected_version=version,
                title=sent.get("title", task.title),
                starts_on=sent.get("starts_on", task.starts_on),
                ends_on=sent.get("ends_on", task.ends_on),
                owner=owner,
                owner_name=sent.get("owner_name", task.owner_name),
            )
        version = task.version
    if status is not None:
        plan_services.task_change_status(
            task=task, actor=request.user, expected_version=version, status=status
        )
    return _tasks(project)


@router.post(
    f"{PROJECT_PATH}/tasks/{{task_id}}/shift",
    response={200: list[TaskOut], **ERRORS},
    summary="Décaler une tâche et celles qui en dépendent",
)
def task_shift(
    request: HttpRequest,
    organisation_id: OrganisationId,
    project_id: Id,
    task_id: Id,
    payload: ShiftIn,
):
    _membership, project = _project(request, organisation_id, project_id, write=True)
    plan_services.task_shift(task=_task(project, task_id), actor=request.user, days=payload.days)
    return _tasks(project)


@router.post(
    f"{PROJECT_PATH}/dependencies",
    response={409: ErrorOut, 201: list[TaskOut], **ERRORS},
    summary="Ajouter une dépendance",
    description="Refusée (400) si elle crée une boucle ; le message nomme la boucle.",
)
@idempotent
def dependency_add(
    request: HttpRequest, organisation_id: OrganisationId, project_id: Id, payload: DependencyIn
):
    _membership, project = _project(request, organisation_id, project_id, write=True)
    with api_fields(predecessor="predecessor_id"):
        plan_services.dependency_add(
            project=project,
            actor=request.user,
            predecessor=_task(project, payload.predecessor_id),
            successor=_task(project, payload.successor_id),
        )
    return Status(201, _tasks(project))
