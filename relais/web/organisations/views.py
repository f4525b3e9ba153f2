"""The current organisation: switching, members (managers only) and the access journal."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from relais.accounts import services
from relais.accounts.middleware import SESSION_ORGANISATION_KEY
from relais.accounts.models import Invitation, Membership, Role
from relais.accounts.policies import can_manage_members, can_read_journal
from relais.core import journal as access_journal
from relais.core.errors import DomainError
from relais.core.journal import client_ip
from relais.core.models import AccessLogEntry
from relais.people.models import Person
from relais.people.policies import Capability, capability_label
from relais.web.organisations.forms import InvitationForm, JournalFilterForm, RoleForm

JOURNAL_PAGE_SIZE = 50


def organisation_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.organisation is None:
            return render(request, "web/no_organisation.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @organisation_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_manage_members(request.user, request.organisation):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("organisation", "")
    membership = (
        Membership.objects.active()
        .filter(user=request.user, organisation_id=wanted if wanted.isdigit() else None)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        messages.error(request, "Vous n'êtes pas membre actif de cette structure.")
        return redirect("web:home")
    request.session[SESSION_ORGANISATION_KEY] = membership.organisation_id
    messages.success(request, f"Vous travaillez maintenant pour {membership.organisation.name}.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@manager_required
def members(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_send(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                ip=client_ip(request),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, f"Invitation envoyée à {invitation.email}. Le lien est valable 7 jours."
            )
            return redirect("organisations:members")
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_active", "user__last_name")
    )
    invitations = (
        Invitation.objects.pending().filter(organisation=organisation).select_related("invited_by")
    )
    return render(
        request,
        "organisations/members.html",
        {
            "form": form,
            "memberships": memberships,
            "invitations": invitations,
            "role_form": RoleForm(),
        },
    )


@manager_required
@require_POST
def member_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    # Only memberships of the current organisation: another organisation's member is a 404.
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organisation=request.organisation
    )
    try:
        if action == "role":
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise DomainError("Choisissez un rôle dans la liste.")
            services.membership_change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                actor=request.user,
                ip=client_ip(request),
            )
            messages.success(
                request,
                f"{membership.user} : rôle changé en « {Role(form.cleaned_data['role']).label} ».",
            )
        elif action == "deactivate":
            services.membership_deactivate(
                membership=membership, actor=request.user, ip=client_ip(request)
            )
            messages.success(request, f"L'accès de {membership.user} est désactivé.")
        elif action == "reactivate":
            services.membership_reactivate(
                membership=membership, actor=request.user, ip=client_ip(request)
            )
            messages.success(request, f"L'accès de {membership.user} est réactivé.")
        else:
            raise PermissionDenied
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("organisations:members")


_CAPABILITY_CODE = re.compile(r"(droit manquant|catégorie non partagée) : ([a-z_]+)")


def readable_summary(summary: str) -> str:
    """Entries written before capabilities were named in French keep their code: named here."""

    def label(match: re.Match) -> str:
        code = match.group(2)
        if code not in Capability.__members__.values():
            return match.group(0)
        return f"{match.group(1)} : {capability_label(code)}"

    return _CAPABILITY_CODE.sub(label, summary)


@organisation_required
def journal(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    if not can_read_journal(request.user, organisation):
        raise PermissionDenied
    actors = [
        (str(m.user_id), f"{m.user} ({m.user.email})")
        for m in Membership.objects.filter(organisation=organisation).select_related("user")
    ]
    form = JournalFilterForm(request.GET or None, actors=actors)
    entries = AccessLogEntry.objects.for_organisation(organisation).select_related(
        "actor_organisation", "organisation"
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            # A record merged into this one is the same person: its entries (which keep
            # its number, the journal being append-only) are shown with this record's.
            merged = Person.objects.filter(
                merged_into_id=data["person"], organisation=organisation
            ).values_list("pk", flat=True)
            entries = entries.filter(person_id__in=[data["person"], *merged])
        if data["actor"]:
            entries = entries.filter(actor_id=data["actor"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            entries = entries.filter(
                created_at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz)
            )
        if data["date_to"]:
            entries = entries.filter(
                created_at__lte=datetime.combine(data["date_to"], time.max, tzinfo=tz)
            )
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries, JOURNAL_PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:  # named in French: « Parcours n° 12 », not « pathways.pathway n° 12 »
        entry.target_label = access_journal.target_label(entry.target_type, entry.target_id)
        entry.summary_label = readable_summary(entry.summary)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/journal.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
