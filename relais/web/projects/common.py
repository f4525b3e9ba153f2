"""What every projects page does first: find the record in the user's organisation (another
organisation's is a 404, its existence hidden) and check the policy."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from relais.projects import policies
from relais.projects.models import Project, Session, Workshop


def get_project(request: HttpRequest, project_id: int, *, write: bool = False) -> Project:
    project = (
        Project.objects.filter(organisation_id=request.organisation.pk, pk=project_id)
        .select_related("organisation")
        .first()
    )
    if project is None or not policies.can_read(request.membership, project):
        raise Http404
    if write and not policies.can_write(request.membership, project):
        raise PermissionDenied
    return project


def get_workshop(request: HttpRequest, workshop_id: int, *, write: bool = False) -> Workshop:
    workshop = (
        Workshop.objects.filter(organisation_id=request.organisation.pk, pk=workshop_id)
        .select_related("project", "organisation")
        .first()
    )
    if workshop is None or not policies.can_read(request.membership, workshop):
        raise Http404
    if write and not policies.can_write(request.membership, workshop):
        raise PermissionDenied
    return workshop


def get_session(request: HttpRequest, workshop: Workshop, session_id: int) -> Session:
    session = (
        Session.objects.filter(workshop=workshop, pk=session_id)
        .select_related("facilitator")
        .first()
    )
    if session is None:
        raise Http404
    session.workshop = workshop
    return session


def project_context(request: HttpRequest, project: Project, tab: str) -> dict:
    return {
        "project": project,
        "tab": tab,
        "can_write": policies.can_write(request.membership, project),
    }
