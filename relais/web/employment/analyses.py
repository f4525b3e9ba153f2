"""Workstation analysis pages (APST): writing one for a position, editing it (versioned:
two people saving at once are told, and the second keeps their input), its PDF report
for the employer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from relais.core.errors import DomainError, StaleObjectError
from relais.employment import analysis as apst
from relais.employment import policies
from relais.employment.models import WorkstationAnalysis
from relais.web.employment import forms
from relais.web.employment.common import position_of
from relais.web.forms_helpers import apply_domain_error, keep_input_with_version
from relais.web.organisations.views import organisation_required
from relais.web.submissions import once_per_submission

BLANK_ROWS = 3


def _analysis_of(request: HttpRequest, position, analysis_pk: int) -> WorkstationAnalysis:
    found = position.analyses.filter(pk=analysis_pk).select_related("observer").first()
    if found is None:
        raise Http404
    found.position = position
    return found


def _formset(request: HttpRequest, tasks):
    initial = [*tasks, *({} for _ in range(BLANK_ROWS))]
    if request.method == "POST":
        return forms.TaskFormSet(request.POST, prefix="task")
    return forms.TaskFormSet(initial=initial, prefix="task")


def _tasks(formset) -> list[dict]:
    return [form.cleaned_data for form in formset.forms if getattr(form, "cleaned_data", None)]


def _texts(data: dict) -> dict:
    return {name: data.get(name, "") for name in apst.TEXT_FIELDS}


def _error(form, formset, error: DomainError) -> None:
    field = error.field or ""
    if field.startswith("task-"):
        _, index, _name = field.split("-", 2)
        if index.isdigit() and int(index) < len(formset.forms):
            formset.forms[int(index)].add_error(None, error.message)
            form.add_error(None, error.message)
            return
    apply_domain_error(form, error)


def _page(request, position, form, formset, analysis, stale=None):
    return render(
        request,
        "employment/analysis_form.html",
        {
            "position": position,
            "employer": position.employer,
            "form": form,
            "formset": formset,
            "analysis": analysis,
            "stale": stale,
        },
    )


@organisation_required
@once_per_submission
def analysis_create(request: HttpRequest, position_pk: int) -> HttpResponse:
    position = position_of(request, position_pk)
    if not policies.can_edit_employers(request.membership):
        raise PermissionDenied
    form = forms.AnalysisForm(request.POST or None, initial={"observed_on": timezone.localdate()})
    formset = _formset(request, [])
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            created = apst.analysis_create(
                membership=request.membership,
                actor=request.user,
                position=position,
                observed_on=data["observed_on"],
                tutor_name=data.get("tutor_name", ""),
                tasks=_tasks(formset),
                **_texts(data),
            )
        except DomainError as error:
            _error(form, formset, error)
        else:
            messages.success(request, "Analyse du poste enregistrée.")
            return redirect(
                "employment:analysis_update", position_pk=position.pk, analysis_pk=created.pk
            )
    return _page(request, position, form, formset, None)


@organisation_required
def analysis_update(request: HttpRequest, position_pk: int, analysis_pk: int) -> HttpResponse:
    position = position_of(request, position_pk)
    analysis = _analysis_of(request, position, analysis_pk)
    can_edit = policies.can_edit_employers(request.membership)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    initial = {
        "observed_on": analysis.observed_on,
        "tutor_name": analysis.tutor_name,
        "version": analysis.version,
        **{name: getattr(analysis, name) for name in apst.TEXT_FIELDS},
    }
    form = forms.AnalysisForm(request.POST or None, initial=initial)
    formset = _formset(request, analysis.tasks)
    stale = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            apst.analysis_update(
                membership=request.membership,
                actor=request.user,
                analysis=analysis,
                expected_version=data.get("version") or analysis.version,
                observed_on=data["observed_on"],
                tutor_name=data.get("tutor_name", ""),
                tasks=_tasks(formset),
                **_texts(data),
            )
        except StaleObjectError as error:
            stale = WorkstationAnalysis.objects.select_related("updated_by").get(pk=analysis.pk)
            keep_input_with_version(form, stale.version)
            form.add_error(None, error.message)
        except DomainError as error:
            _error(form, formset, error)
        else:
            messages.success(request, "Analyse du poste mise à jour.")
            return redirect(
                "employment:analysis_update", position_pk=position.pk, analysis_pk=analysis.pk
            )
    return _page(request, position, form, formset, analysis, stale)


@organisation_required
@require_GET
def analysis_pdf(request: HttpRequest, position_pk: int, analysis_pk: int) -> HttpResponse:
    position = position_of(request, position_pk)
    analysis = _analysis_of(request, position, analysis_pk)
    response = HttpResponse(apst.report_pdf(analysis), content_type="application/pdf")
    filename = f"analyse-de-poste-{position.pk}-{analysis.observed_on:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
