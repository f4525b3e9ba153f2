"""The professional side of a person's space, on the person's page: who has access and
when it was last used, invite (e-mail, SMS, or a code on paper) and revoke, document
requests, messages, the person's signatures and their recent actions."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import AccessLogEntry
from relais.people.models import Person
from relais.people.policies import Capability
from relais.person_space import services
from relais.person_space.models import (
    Cosignature,
    DocumentRequest,
    Message,
    SpaceAccess,
)
from relais.person_space.policies import can_manage_space
from relais.person_space.tokens import format_paper_code
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.person_space.forms import (
    DocumentRequestForm,
    InviteForm,
    ProfessionalMessageForm,
)
from relais.web.submissions import once_per_submission

RECENT = 20


def _person(request: HttpRequest, pk: int) -> Person:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    if not can_manage_space(request.membership, person):
        raise Http404
    return person


def overview(person: Person) -> dict:
    """The space at a glance, in a fixed number of queries."""
    accesses = list(
        SpaceAccess.objects.filter(person=person).select_related("invited_by", "revoked_by")[:5]
    )
    active = next((a for a in accesses if a.revoked_at is None), None)
    return {
        "active": active,
        "accesses": accesses,
        "requests": list(
            DocumentRequest.objects.filter(person=person)
            .select_related("requested_by", "document")
            .order_by("-created_at")[:RECENT]
        ),
        "messages": list(
            Message.objects.filter(person=person).select_related("author_user")[:RECENT]
        ),
        "signatures": list(
            Cosignature.objects.filter(contract__pathway__person=person)
            .select_related("contract")
            .order_by("-signed_at")[:RECENT]
        ),
        "actions": list(
            AccessLogEntry.objects.filter(
                person_id=person.pk, actor__isnull=True, actor_email__startswith="personne ("
            )
            .exclude(action="view")
            .order_by("-created_at")[:RECENT]
        ),
    }


def _page(request: HttpRequest, person: Person, *, status: int = 200, **forms) -> HttpResponse:
    space = overview(person)
    context = {
        "person": person,
        "space": space,
        "invite_form": forms.get("invite_form") or InviteForm(),
        "request_form": forms.get("request_form") or DocumentRequestForm(),
        "message_form": forms.get("message_form") or ProfessionalMessageForm(),
        "paper_code": forms.get("paper_code", ""),
    }
    services.messages_mark_read(person_id=person.pk, by_person=False)
    journal.record_request(
        request,
        "view",
        person,
        summary="espace personnel (gestion)",
        also_covers=[s.contract for s in space["signatures"]],
    )
    return render(request, "person_space/manage.html", context, status=status)


@organisation_required
@require_GET
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _person(request, pk))


@organisation_required
@require_POST
@once_per_submission
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            _access, paper_code = services.access_invite(
                person=person,
                actor=request.user,
                membership=request.membership,
                channel=form.cleaned_data["channel"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            if paper_code:
                # Shown once, to print and hand over: only its digest is kept.
                return _page(request, person, paper_code=format_paper_code(paper_code))
            flash.success(request, "Invitation envoyée : le lien est valable 72 heures.")
            return redirect("space_admin:manage", pk=person.pk)
    return _page(request, person, invite_form=form, status=400)


@organisation_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    access = SpaceAccess.objects.active().filter(person=person).first()
    if access is None:
        flash.error(request, "Aucun accès en cours.")
    else:
        try:
            services.access_revoke(access=access, actor=request.user, membership=request.membership)
        except DomainError as error:
            flash.error(request, error.message)
        else:
            flash.success(request, "L'accès est fermé : la personne est déconnectée partout.")
    journal.record_request(request, "update", person, summary="espace personnel fermé")
    return redirect("space_admin:manage", pk=person.pk)


@organisation_required
@require_POST
@once_per_submission
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = DocumentRequestForm(request.POST)
    if form.is_valid():
        try:
            services.document_request_create(
                person=person,
                actor=request.user,
                membership=request.membership,
                **form.cleaned_data,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash.success(request, "Demande envoyée : elle apparaît dans l'espace de la personne.")
            return redirect("space_admin:manage", pk=person.pk)
    return _page(request, person, request_form=form, status=400)


@organisation_required
@require_POST
def request_cancel(request: HttpRequest, pk: int, request_id: int) -> HttpResponse:
    person = _person(request, pk)
    found = DocumentRequest.objects.filter(pk=request_id, person=person).first()
    if found is None:
        raise Http404
    try:
        services.document_request_cancel(
            request=found, actor=request.user, membership=request.membership
        )
    except DomainError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, "Demande annulée.")
    journal.record_request(request, "update", found, also_covers=[person])
    return redirect("space_admin:manage", pk=person.pk)


@organisation_required
@require_http_methods(["POST"])
@once_per_submission
def message(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = ProfessionalMessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_from_professional(
                person=person,
                actor=request.user,
                membership=request.membership,
                body=form.cleaned_data["body"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash.success(request, "Message envoyé.")
            return redirect("space_admin:manage", pk=person.pk)
    return _page(request, person, message_form=form, status=400)
