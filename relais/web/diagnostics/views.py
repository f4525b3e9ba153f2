"""Shared diagnostic pages: new (pre-filled from the latest), detail, edit, validation with
the person, and the live urgency suggestion of the form.

Every page needs Capability.ACCOMPANIMENT on the person (staff: 403; another organisation's
person: 404; both journaled as denied by `get_person`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.core import journal
from relais.core.errors import DomainError, StaleObjectError
from relais.core.models import JournalAction
from relais.diagnostics import printing, services
from relais.diagnostics.models import Diagnostic, Urgency
from relais.diagnostics.selectors import latest_diagnostic
from relais.diagnostics.urgency import RULE_HELP
from relais.people.policies import Capability, can
from relais.web.diagnostics.forms import DiagnosticEntry, ValidateWithPersonForm
from relais.web.diagnostics.presenters import domain_views, facts_view, urgency_view
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.submissions import once_per_submission


def _diagnostic_of(person, pk: int) -> Diagnostic:
    diagnostic = (
        Diagnostic.objects.filter(person=person, pk=pk)
        .select_related("author", "updated_by")
        .prefetch_related("assessments")
        .first()
    )
    if diagnostic is None:
        raise Http404
    diagnostic.person = person  # already fetched, permission-checked and journaled with it
    return diagnostic


def _rules_help() -> list[dict]:
    return [{"level": Urgency(level).label, "text": text} for level, text in RULE_HELP]


def _form_context(request, person, entry: DiagnosticEntry, **extra) -> dict:
    return {
        "person": person,
        "entry": entry,
        "form": entry.main,
        "suggestion": entry.suggestion(),
        "rules_help": _rules_help(),
        "conflict": entry.conflict,
        **extra,
    }


@organisation_required
@once_per_submission
def diagnostic_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    previous = None
    if request.method == "POST":
        entry = DiagnosticEntry(request.POST)
        if entry.is_valid():
            try:
                diagnostic = services.diagnostic_create(
                    person=person, author=request.user, data=entry.to_input()
                )
            except DomainError as error:
                entry.add_error(error)
            else:
                journal.record_request(
                    request, JournalAction.CREATE, diagnostic, also_covers=[person]
                )
                messages.success(request, "Le diagnostic est enregistré.")
                return redirect("diagnostics:detail", pk=person.pk, diagnostic_pk=diagnostic.pk)
    else:
        previous = latest_diagnostic(person)
        entry = DiagnosticEntry(source=previous, for_new=True)
    journal.record_request(
        request, JournalAction.VIEW, person, summary="formulaire de nouveau diagnostic"
    )
    return render(
        request,
        "diagnostics/diagnostic_form.html",
        _form_context(request, person, entry, diagnostic=None, previous=previous),
    )


@organisation_required
def diagnostic_edit(request: HttpRequest, pk: int, diagnostic_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    diagnostic = _diagnostic_of(person, diagnostic_pk)
    if request.method == "POST":
        entry = DiagnosticEntry(request.POST, source=diagnostic, for_new=False)
        if entry.is_valid():
            try:
                diagnostic = services.diagnostic_update(
                    diagnostic=diagnostic,
                    actor=request.user,
                    expected_version=entry.version,
                    data=entry.to_input(),
                )
            except StaleObjectError as error:
                current = _diagnostic_of(person, diagnostic_pk)
                entry.record_conflict(error.message, current)
                diagnostic = current
            except DomainError as error:
                entry.add_error(error)
            else:
                journal.record_request(
                    request, JournalAction.UPDATE, diagnostic, also_covers=[person]
                )
                messages.success(request, "Le diagnostic est mis à jour.")
                return redirect("diagnostics:detail", pk=person.pk, diagnostic_pk=diagnostic.pk)
    else:
        entry = DiagnosticEntry(source=diagnostic, for_new=False)
    journal.record_request(request, JournalAction.VIEW, diagnostic, also_covers=[person])
    return render(
        request,
        "diagnostics/diagnostic_form.html",
        _form_context(request, person, entry, diagnostic=diagnostic, previous=None),
    )


def _detail_context(person, diagnostic: Diagnostic, validate_form) -> dict:
    domains = domain_views(diagnostic)
    return {
        "person": person,
        "diagnostic": diagnostic,
        "domains": domains,
        "not_addressed": [d.label for d in domains if d.assessment is None],
        "urgency": urgency_view(diagnostic),
        "facts": facts_view(diagnostic),
        "rules_help": _rules_help(),
        "validate_form": validate_form,
    }


def _validate_form(diagnostic: Diagnostic, data=None) -> ValidateWithPersonForm:
    return ValidateWithPersonForm(
        data, initial={"version": diagnostic.version, "validated_on": timezone.localdate()}
    )


@organisation_required
def diagnostic_detail(request: HttpRequest, pk: int, diagnostic_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    diagnostic = _diagnostic_of(person, diagnostic_pk)
    journal.record_request(request, JournalAction.VIEW, diagnostic, also_covers=[person])
    return render(
        request,
        "diagnostics/diagnostic_detail.html",
        _detail_context(person, diagnostic, _validate_form(diagnostic)),
    )


@organisation_required
def diagnostic_pdf(request: HttpRequest, pk: int, diagnostic_pk: int) -> HttpResponse:
    """The printable diagnostic, to give to the person or to sign with them."""
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    diagnostic = _diagnostic_of(person, diagnostic_pk)
    document = printing.render_pdf(diagnostic)
    journal.record_request(
        request,
        JournalAction.EXPORT,
        diagnostic,
        also_covers=[person],
        summary=f"PDF du diagnostic du {diagnostic.assessed_on:%d/%m/%Y}",
    )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="diagnostic-{person.pk}-{diagnostic.assessed_on:%Y-%m-%d}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


@organisation_required
@require_POST
def diagnostic_validate(request: HttpRequest, pk: int, diagnostic_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    diagnostic = _diagnostic_of(person, diagnostic_pk)
    form = _validate_form(diagnostic, request.POST)
    if form.is_valid():
        try:
            diagnostic = services.diagnostic_validate_with_person(
                diagnostic=diagnostic,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                validated_on=form.cleaned_data["validated_on"],
            )
        except StaleObjectError as error:
            messages.error(request, error.message)
            journal.record_request(request, JournalAction.VIEW, diagnostic, also_covers=[person])
            return redirect("diagnostics:detail", pk=person.pk, diagnostic_pk=diagnostic.pk)
        except DomainError as error:
            form.add_error("validated_on", error.message)
        else:
            journal.record_request(
                request,
                JournalAction.UPDATE,
                diagnostic,
                also_covers=[person],
                summary="validé avec la personne",
            )
            messages.success(
                request,
                f"Diagnostic marqué comme validé avec la personne le "
                f"{diagnostic.validated_with_person_on:%d/%m/%Y}.",
            )
            return redirect("diagnostics:detail", pk=person.pk, diagnostic_pk=diagnostic.pk)
    journal.record_request(request, JournalAction.VIEW, diagnostic, also_covers=[person])
    return render(
        request,
        "diagnostics/diagnostic_detail.html",
        _detail_context(person, diagnostic, form),
    )


@organisation_required
@require_POST
def urgency_preview(request: HttpRequest) -> HttpResponse:
    """The urgency suggested for the facts being typed (htmx). A pure function of the posted
    form: no record is read, so nothing to journal."""
    if not can(request.membership, Capability.ACCOMPANIMENT):
        raise PermissionDenied
    entry = DiagnosticEntry(request.POST)
    return render(
        request,
        "diagnostics/includes/urgency_suggestion.html",
        {"suggestion": entry.suggestion()},
    )
