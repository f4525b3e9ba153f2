"""What the employment pages share: finding an employer or a position of the user's
organisation (another organisation's is a 404), journaling the professionals' contacts
shown, pagination."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from relais.core import journal
from relais.core.models import JournalAction
from relais.employment import policies
from relais.employment.models import Employer, Position

PAGE_SIZE = 50


def employer_of(request: HttpRequest, employer_pk: int) -> Employer:
    if not policies.can_read_employers(request.membership):
        raise Http404
    return get_object_or_404(
        Employer, pk=employer_pk, organisation_id=request.membership.organisation_id
    )


def position_of(request: HttpRequest, position_pk: int) -> Position:
    if not policies.can_read_employers(request.membership):
        raise Http404
    return get_object_or_404(
        Position.objects.select_related("employer"),
        pk=position_pk,
        organisation_id=request.membership.organisation_id,
    )


def journal_contacts(request: HttpRequest, employer: Employer, contacts, action=JournalAction.VIEW):
    """The employer's contacts are professionals' personal data: the page that shows them
    journals them (one entry naming the employer, covering each contact)."""
    journal.record_request(
        request,
        action,
        target_type="employment.employer",
        target_id=employer.pk,
        organisation=employer.organisation_id,
        summary="contacts de l'employeur",
        also_covers=list(contacts),
    )


def paginate(request: HttpRequest, rows) -> Page:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def querystring(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
