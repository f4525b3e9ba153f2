"""Position pages: the list of the organisation's positions, one position with its
workstation analyses and status, creating and editing one, and the persons of the
organisation ranked for it — each rank explained, nothing decided (« Proposer » creates a
step in the person's pathway once the person has agreed)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from relais.core import journal
from relais.core.errors import DomainError, StaleObjectError
from relais.core.models import JournalAction
from relais.employment import matching, policies, references, selectors, services
from relais.employment.models import Position, PositionStatus
from relais.employment.vocabulary import ability_label
from relais.people.models import Person
from relais.web.employment import forms
from relais.web.employment.common import employer_of, paginate, position_of, querystring
from relais.web.employment.employers import apply_errors
from relais.web.forms_helpers import apply_domain_error, keep_input_with_version
from relais.web.organisations.views import organisation_required
from relais.web.submissions import once_per_submission

POSITION_FIELDS = (
    "rome_code",
    "appellation",
    "contract_type",
    "weekly_hours",
    "schedule",
    "commune_code",
    "starts_on",
    "required_abilities",
    "driving_licence_required",
    "other_licences",
    "mobility_requirement",
    "languages",
    "requirements",
)


def _require_writer(request: HttpRequest) -> None:
    if not policies.can_edit_employers(request.membership):
        raise PermissionDenied


def _appellations(form) -> list[str]:
    """The appellations of the code the form holds: the full ROME has ~12,000, too many to
    send with every form (the list follows the code through `rome_appellations`)."""
    code = form["rome_code"].value() or ""
    job = references.rome_jobs().get(str(code).strip().upper())
    return list(job.appellations) if job else []


@organisation_required
@require_GET
def rome_appellations(request: HttpRequest) -> HttpResponse:
    """The options of the appellation list for the ROME code chosen (reference data)."""
    if not policies.can_read_employers(request.membership):
        raise PermissionDenied
    job = references.rome_jobs().get(request.GET.get("rome_code", "").strip().upper()[:5])
    return render(
        request,
        "employment/_appellation_options.html",
        {"appellations": list(job.appellations) if job else []},
    )


@organisation_required
@require_GET
def rome_search(request: HttpRequest) -> HttpResponse:
    """The position form's search of a job by appellation or ROME code (reference data,
    no personal data): a fragment of choices that fill the code and the appellation."""
    if not policies.can_read_employers(request.membership):
        raise PermissionDenied
    text = request.GET.get("q", "")[:100]
    return render(
        request,
        "employment/_rome_results.html",
        {"hits": references.search_appellations(text), "searched": bool(text.strip())},
    )


@organisation_required
@require_GET
def position_list(request: HttpRequest) -> HttpResponse:
    if not policies.can_read_employers(request.membership):
        raise PermissionDenied
    rows = Position.objects.filter(organisation_id=request.membership.organisation_id)
    status = request.GET.get("statut", PositionStatus.OPEN)
    rome = request.GET.get("rome", "").strip().upper()[:5]
    if status in PositionStatus.values:
        rows = rows.filter(status=status)
    if rome:
        rows = rows.filter(rome_code__startswith=rome)
    page = paginate(request, rows.select_related("employer").order_by("-created_at", "-pk"))
    return render(
        request,
        "employment/position_list.html",
        {
            "page": page,
            "rows": [
                {"position": p, "rome_label": references.rome_label(p.rome_code)} for p in page
            ],
            "status": status,
            "rome": rome,
            "statuses": PositionStatus.choices,
            "query": querystring(request),
        },
    )


@organisation_required
@once_per_submission
def position_create(request: HttpRequest, employer_pk: int) -> HttpResponse:
    employer = employer_of(request, employer_pk)
    _require_writer(request)
    form = forms.PositionForm(request.POST or None, initial={"commune_code": employer.commune_code})
    if request.method == "POST" and form.is_valid():
        try:
            position = services.position_create(
                membership=request.membership,
                actor=request.user,
                employer=employer,
                **{name: form.cleaned_data.get(name) for name in POSITION_FIELDS},
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Poste enregistré.")
            return redirect("employment:position_detail", position_pk=position.pk)
    return render(
        request,
        "employment/position_form.html",
        {
            "form": form,
            "employer": employer,
            "position": None,
            "appellations": _appellations(form),
        },
    )


@organisation_required
def position_update(request: HttpRequest, position_pk: int) -> HttpResponse:
    position = position_of(request, position_pk)
    _require_writer(request)
    initial = {name: getattr(position, name) for name in POSITION_FIELDS}
    form = forms.PositionForm(
        request.POST or None, initial={**initial, "version": position.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.position_update(
                membership=request.membership,
                actor=request.user,
                position=position,
                expected_version=form.cleaned_data.get("version") or position.version,
                **{name: form.cleaned_data.get(name) for name in POSITION_FIELDS},
            )
        except StaleObjectError as error:
            keep_input_with_version(form, Position.objects.get(pk=position.pk).version)
            apply_domain_error(form, error)
        except DomainError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Poste mis à jour.")
            return redirect("employment:position_detail", position_pk=position.pk)
    return render(
        request,
        "employment/position_form.html",
        {
            "form": form,
            "employer": position.employer,
            "position": position,
            "appellations": _appellations(form),
        },
    )


@organisation_required
@require_GET
def position_detail(request: HttpRequest, position_pk: int) -> HttpResponse:
    position = position_of(request, position_pk)
    analyses = list(position.analyses.select_related("observer"))
    return render(
        request,
        "employment/position_detail.html",
        {
            "position": position,
            "employer": position.employer,
            "rome_label": references.rome_label(position.rome_code),
            "abilities": [ability_label(c) for c in position.required_abilities],
            "analyses": analyses,
            "targets": [
                (s, PositionStatus(s).label)
                for s in services.POSITION_TRANSITIONS.get(position.status, ())
            ],
            "can_edit": policies.can_edit_employers(request.membership),
        },
    )


@organisation_required
@require_POST
def position_status(request: HttpRequest, position_pk: int) -> HttpResponse:
    position = position_of(request, position_pk)
    _require_writer(request)
    form = forms.StatusForm(request.POST)
    if form.is_valid():
        try:
            services.position_set_status(
                membership=request.membership,
                actor=request.user,
                position=position,
                status=form.cleaned_data["status"],
                expected_version=form.cleaned_data.get("version") or position.version,
                reason=form.cleaned_data.get("reason", ""),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Statut du poste mis à jour.")
    return redirect("employment:position_detail", position_pk=position.pk)


@organisation_required
@require_GET
def position_matches(request: HttpRequest, position_pk: int) -> HttpResponse:
    """The organisation's persons with an employment project, ranked for the position, and
    the persons the user co-follows whose pathway is shared with them (on what they
    shared only); the list is journaled."""
    position = position_of(request, position_pk)
    if not policies.can_edit_employers(request.membership):
        raise PermissionDenied
    persons = Person.objects.own_of(request.membership).filter(archived_at__isnull=True)
    sharing = selectors.cofollowed_sharing(request.membership)
    ranked = matching.persons_for_position(position, persons, sharing=sharing)
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="employment.position",
        target_id=position.pk,
        organisation=request.membership.organisation_id,
        summary=f"rapprochement : {len(ranked)} personne(s) classée(s)",
        also_covers=[m.person for m in ranked],
    )
    return render(
        request,
        "employment/position_matches.html",
        {
            "position": position,
            "employer": position.employer,
            "rome_label": references.rome_label(position.rome_code),
            "matches": ranked,
        },
    )
