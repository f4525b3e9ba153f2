"""Collective VAE group pages: the federation's groups, forming one, adding candidates
registered by the experience route, and opening it (refused under 7 candidates)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.certification import groups as services
from relais.certification import policies
from relais.certification.models import AccessRoute, CollectiveGroup, Enrolment, EnrolmentStatus
from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.web.certification import forms
from relais.web.certification.common import get_group, module_required, require
from relais.web.forms_helpers import save_form
from relais.web.submissions import once_per_submission


@module_required
@once_per_submission
def group_list(request: HttpRequest) -> HttpResponse:
    require(policies.can_run_groups, request)
    if request.method == "POST":
        form = forms.GroupForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            saved = save_form(
                form, lambda: services.group_create(membership=request.membership, **data)
            )
            if saved.ok:
                messages.success(request, "Groupe créé : ajoutez-y les candidats.")
                return redirect("certification:group", saved.result.pk)
    else:
        form = forms.GroupForm(initial={"funded_hours": 24})
    rows = CollectiveGroup.objects.filter(organisation=request.organisation).select_related(
        "certification"
    )
    return render(request, "certification/group_list.html", {"form": form, "groups": rows})


def _candidates_for(group: CollectiveGroup):
    return (
        Enrolment.objects.filter(
            organisation=group.organisation,
            certification=group.certification,
            access_route=AccessRoute.VAE,
            group__isnull=True,
        )
        .exclude(status__in=[EnrolmentStatus.WITHDRAWN, EnrolmentStatus.CERTIFIED])
        .select_related("candidate")
        .order_by("candidate__last_name")
    )


@module_required
def group_detail(request: HttpRequest, group_pk: int) -> HttpResponse:
    require(policies.can_run_groups, request)
    group = get_group(request, group_pk)
    members = list(group.enrolments.select_related("candidate").order_by("candidate__last_name"))
    available = list(_candidates_for(group)[:200])
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="certification.collectivegroup",
        target_id=group.pk,
        summary="candidats du groupe",
        also_covers=[*members, *available, *(e.candidate for e in [*members, *available])],
    )
    open_form = forms.GroupOpenForm(
        request.POST or None,
        initial={"opened_on": timezone.localdate(), "version": group.version},
    )
    if request.method == "POST" and open_form.is_valid():
        saved = save_form(
            open_form,
            lambda: services.group_open(
                membership=request.membership,
                group=group,
                opened_on=open_form.cleaned_data["opened_on"],
                expected_version=open_form.cleaned_data["version"],
            ),
        )
        if saved.ok:
            messages.success(request, "Groupe ouvert : la démarche VAE commence.")
            return redirect("certification:group", group.pk)
    return render(
        request,
        "certification/group_detail.html",
        {"group": group, "members": members, "available": available, "open_form": open_form},
    )


@module_required
@require_POST
@once_per_submission
def group_add(request: HttpRequest, group_pk: int) -> HttpResponse:
    require(policies.can_run_groups, request)
    group = get_group(request, group_pk)
    ids = [int(v) for v in request.POST.getlist("enrolments") if v.isdigit()]
    chosen = list(_candidates_for(group).filter(pk__in=ids))
    errors = []
    for enrolment in chosen:
        try:
            services.group_add(membership=request.membership, group=group, enrolment=enrolment)
        except DomainError as error:
            errors.append(error.message)
    journal.record_request(
        request,
        JournalAction.UPDATE,
        target_type="certification.collectivegroup",
        target_id=group.pk,
        summary="ajout de candidats",
        also_covers=[*chosen, *(e.candidate for e in chosen)],
    )
    for message in errors:
        messages.error(request, message)
    added = len(chosen) - len(errors)
    if added:
        messages.success(
            request, f"{added} candidat{'s' if added > 1 else ''} ajouté{'s' if added > 1 else ''}."
        )
    return redirect("certification:group", group.pk)
