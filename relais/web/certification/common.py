"""What every certification page shares: the module's gate (an organisation taking part in
the certification process), fetching a candidate, an enrolment or a jury of the user's
organisation (404 otherwise, journaled as denied), and pagination."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from relais.certification import policies
from relais.certification.models import CollectiveGroup, Enrolment, JurySession
from relais.core import journal
from relais.core.models import JournalAction
from relais.web.organisations.views import organisation_required

PAGE_SIZE = 50


def module_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @organisation_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not policies.can_use(request.membership):
            return render(request, "certification/not_a_body.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def require(allowed: Callable, request: HttpRequest) -> None:
    if not allowed(request.membership):
        raise PermissionDenied


def _denied(request: HttpRequest, target_type: str, pk: int) -> Http404:
    journal.record_request(
        request,
        JournalAction.DENIED,
        target_type=target_type,
        target_id=pk,
        summary="dossier hors de portée",
    )
    return Http404()


def get_candidate(request: HttpRequest, pk: int):
    candidate = policies.visible_candidates(request.membership).filter(pk=pk).first()
    if candidate is None:
        raise _denied(request, "certification.candidate", pk)
    return candidate


def get_enrolment(request: HttpRequest, pk: int, summary: str = "") -> Enrolment:
    """The enrolment, its access journaled (as a read of the candidate's file)."""
    enrolment = (
        Enrolment.objects.filter(
            pk=pk, candidate__in=policies.visible_candidates(request.membership)
        )
        .select_related("candidate", "certification", "group")
        .first()
    )
    if enrolment is None:
        raise _denied(request, "certification.enrolment", pk)
    journal.record_request(request, JournalAction.VIEW, enrolment.candidate, summary=summary)
    return enrolment


def get_jury(request: HttpRequest, pk: int) -> JurySession:
    session = (
        JurySession.objects.filter(pk=pk, organisation=request.organisation)
        .select_related("certification", "minutes_signed_by")
        .first()
    )
    if session is None:
        raise Http404
    return session


def get_group(request: HttpRequest, pk: int) -> CollectiveGroup:
    group = (
        CollectiveGroup.objects.filter(pk=pk, organisation=request.organisation)
        .select_related("certification")
        .first()
    )
    if group is None:
        raise Http404
    return group


def journal_candidate(request: HttpRequest, action: str, candidate, summary: str = "", covers=()):
    journal.record_request(request, action, candidate, summary=summary, also_covers=covers)


def paginate(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
