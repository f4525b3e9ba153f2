"""Employer pages: the searchable list (and those to recontact), the record with its
contacts, prospecting log and positions, creating and editing an employer, adding a contact
or a prospecting contact. Every member reads; référents and managers write
(relais.employment.policies)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from relais.core.errors import DomainError, StaleObjectError
from relais.core.models import JournalAction
from relais.employment import imports, policies, references, selectors, services
from relais.employment.models import Employer, SizeBand
from relais.employment.services import EMPLOYER_FIELDS, EmployerErrors
from relais.web.employment import forms
from relais.web.employment.common import (
    employer_of,
    journal_contacts,
    paginate,
    querystring,
)
from relais.web.forms_helpers import apply_domain_error, keep_input_with_version
from relais.web.organisations.views import organisation_required
from relais.web.submissions import once_per_submission


def apply_errors(form, error: DomainError) -> None:
    """Every field error of the service next to its field."""
    for each in error.errors if isinstance(error, EmployerErrors) else [error]:
        apply_domain_error(form, each)


def _require_writer(request: HttpRequest) -> None:
    if not policies.can_edit_employers(request.membership):
        raise PermissionDenied


@organisation_required
@require_GET
def employer_list(request: HttpRequest) -> HttpResponse:
    if not policies.can_read_employers(request.membership):
        raise PermissionDenied
    text = request.GET.get("q", "").strip()[:100]
    naf = request.GET.get("naf", "").strip()[:6]
    commune = request.GET.get("commune", "").strip()[:5]
    recontact = request.GET.get("recontacter") == "1"
    rows = selectors.search_employers(
        request.membership.organisation_id,
        text=text,
        naf=naf,
        commune=commune,
        recontact_by=timezone.localdate() if recontact else None,
    )
    page = paginate(request, rows)
    return render(
        request,
        "employment/employer_list.html",
        {
            "page": page,
            "rows": [{"employer": e, "naf_label": references.naf_label(e.naf_code)} for e in page],
            "q": text,
            "naf": naf,
            "commune": commune,
            "recontact": recontact,
            "query": querystring(request),
            "today": timezone.localdate(),
            "can_edit": policies.can_edit_employers(request.membership),
            "can_import": policies.can_import_employers(request.membership),
        },
    )


def _employer_values(data: dict) -> dict:
    return {name: data.get(name) for name in EMPLOYER_FIELDS}


@organisation_required
@once_per_submission
def employer_create(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    form = forms.EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.employer_create(
                membership=request.membership,
                actor=request.user,
                **_employer_values(form.cleaned_data),
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Employeur « {employer.name} » enregistré.")
            return redirect("employment:employer_detail", employer_pk=employer.pk)
    return render(request, "employment/employer_form.html", {"form": form, "employer": None})


@organisation_required
def employer_update(request: HttpRequest, employer_pk: int) -> HttpResponse:
    employer = employer_of(request, employer_pk)
    _require_writer(request)
    initial = {name: getattr(employer, name) for name in EMPLOYER_FIELDS}
    form = forms.EmployerForm(
        request.POST or None, initial={**initial, "version": employer.version}
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_update(
                membership=request.membership,
                actor=request.user,
                employer=employer,
                expected_version=form.cleaned_data.get("version") or employer.version,
                **_employer_values(form.cleaned_data),
            )
        except StaleObjectError as error:
            stale = Employer.objects.get(pk=employer.pk)
            keep_input_with_version(form, stale.version)
            apply_domain_error(form, error)
        except DomainError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Employeur mis à jour.")
            return redirect("employment:employer_detail", employer_pk=employer.pk)
    return render(
        request,
        "employment/employer_form.html",
        {"form": form, "employer": employer, "stale": stale},
    )


@organisation_required
@require_GET
def employer_detail(request: HttpRequest, employer_pk: int) -> HttpResponse:
    employer = employer_of(request, employer_pk)
    contacts = list(employer.contacts.all())
    prospecting = list(employer.prospecting.select_related("author")[:50])
    positions = list(employer.positions.order_by("status", "-created_at")[:50])
    journal_contacts(request, employer, contacts)
    return render(
        request,
        "employment/employer_detail.html",
        {
            "employer": employer,
            "naf_label": references.naf_label(employer.naf_code),
            "size_label": SizeBand(employer.size_band).label if employer.size_band else "",
            "contacts": contacts,
            "prospecting": prospecting,
            "positions": [
                {"position": p, "rome_label": references.rome_label(p.rome_code)} for p in positions
            ],
            "can_edit": policies.can_edit_employers(request.membership),
            "contact_form": forms.ContactForm(),
            "prospecting_form": forms.ProspectingForm(
                initial={"happened_on": timezone.localdate()}
            ),
        },
    )


@organisation_required
@once_per_submission
def contact_add(request: HttpRequest, employer_pk: int) -> HttpResponse:
    employer = employer_of(request, employer_pk)
    _require_writer(request)
    form = forms.ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.employer_contact_add(
                membership=request.membership, employer=employer, **form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            journal_contacts(request, employer, [contact], action=JournalAction.CREATE)
            messages.success(request, "Contact ajouté.")
            return redirect("employment:employer_detail", employer_pk=employer.pk)
    return render(
        request,
        "employment/simple_form.html",
        {
            "form": form,
            "employer": employer,
            "title": "Nouveau contact",
            "button": "Ajouter le contact",
        },
    )


@organisation_required
@once_per_submission
def prospecting_add(request: HttpRequest, employer_pk: int) -> HttpResponse:
    employer = employer_of(request, employer_pk)
    _require_writer(request)
    form = forms.ProspectingForm(
        request.POST or None, initial={"happened_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.prospecting_add(
                membership=request.membership,
                actor=request.user,
                employer=employer,
                **form.cleaned_data,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Contact de prospection enregistré.")
            return redirect("employment:employer_detail", employer_pk=employer.pk)
    return render(
        request,
        "employment/simple_form.html",
        {
            "form": form,
            "employer": employer,
            "title": "Contact de prospection",
            "button": "Enregistrer le contact",
        },
    )


@organisation_required
@once_per_submission
def employer_import(request: HttpRequest) -> HttpResponse:
    """Managers import a list of employers: all or nothing, every bad row reported."""
    if not policies.can_import_employers(request.membership):
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = imports.employer_import(
            membership=request.membership,
            actor=request.user,
            content=upload.read(imports.MAX_BYTES + 1),
            filename=upload.name,
        )
        if result.ok:
            messages.success(request, f"{result.created} employeur(s) importé(s).")
            return redirect("employment:employers")
    return render(request, "employment/employer_import.html", {"form": form, "result": result})
