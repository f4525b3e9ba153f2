"""Candidate pages: the list, registering a candidate, the candidate's file (enrolments,
blocks, plan, evaluations, certificates, alerts), enrolling for a certification, and the
candidate's right-of-access export."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from relais.certification import candidates as services
from relais.certification import policies, selectors
from relais.certification.exports import candidate_export
from relais.certification.models import Certification
from relais.core import journal
from relais.core.models import JournalAction
from relais.web.certification import forms
from relais.web.certification.common import (
    get_candidate,
    journal_candidate,
    module_required,
    paginate,
)
from relais.web.forms_helpers import save_form
from relais.web.submissions import once_per_submission


@module_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "certification/home.html",
        {
            "certifications": selectors.certifications(),
            "can_manage": policies.can_manage(request.membership),
            "can_score": policies.can_score(request.membership),
            "can_run_groups": policies.can_run_groups(request.membership),
            "body": policies.body_of(request.membership),
            "presided": selectors.presided_juries(request.membership),
        },
    )


@module_required
@require_GET
def referential(request: HttpRequest, code: str) -> HttpResponse:
    certification = selectors.referential(code)
    if certification is None:
        from django.http import Http404

        raise Http404
    return render(request, "certification/referential.html", {"certification": certification})


@module_required
@require_GET
def candidate_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    code = request.GET.get("certification", "")[:40]
    page = paginate(
        request,
        selectors.candidate_list(
            policies.visible_candidates(request.membership), query=query, certification=code
        ),
    )
    rows = list(page.object_list)
    selectors.with_enrolments(rows)
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="certification.candidate",
        summary="liste des candidats",
        also_covers=[e for c in rows for e in c.enrolment_list] + rows,
    )
    return render(
        request,
        "certification/candidate_list.html",
        {
            "page": page,
            "rows": rows,
            "q": query,
            "certification_code": code,
            "certifications": Certification.objects.order_by("code"),
            "query": urlencode({k: v for k, v in (("q", query), ("certification", code)) if v}),
        },
    )


@module_required
@once_per_submission
def candidate_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = forms.CandidateForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            saved = save_form(
                form,
                lambda: services.candidate_create(membership=request.membership, **data),
            )
            if saved.ok:
                messages.success(request, "Candidat enregistré.")
                return redirect("certification:candidate", saved.result.pk)
    else:
        form = forms.CandidateForm()
    return render(request, "certification/candidate_form.html", {"form": form})


@module_required
@require_GET
def candidate_detail(request: HttpRequest, candidate_pk: int) -> HttpResponse:
    candidate = get_candidate(request, candidate_pk)
    files = selectors.candidate_file(candidate)
    journal_candidate(request, JournalAction.VIEW, candidate)
    return render(
        request,
        "certification/candidate_detail.html",
        {
            "candidate": candidate,
            "files": files,
            "can_score": policies.can_score(request.membership),
            "can_manage": policies.can_manage(request.membership),
        },
    )


@module_required
@once_per_submission
def enrolment_create(request: HttpRequest, candidate_pk: int) -> HttpResponse:
    candidate = get_candidate(request, candidate_pk)
    journal_candidate(request, JournalAction.VIEW, candidate, "inscription")
    explanation = None
    if request.method == "POST":
        form = forms.EnrolmentForm(request.POST, organisation=request.organisation)
        if form.is_valid():
            data = dict(form.cleaned_data)
            check = services.check_prerequisites(
                candidate, data["certification"], data["access_route"]
            )
            explanation = check
            saved = save_form(
                form,
                lambda: services.enrolment_create(
                    membership=request.membership,
                    candidate=candidate,
                    certification=data["certification"],
                    access_route=data["access_route"],
                    enrolled_on=data["enrolled_on"],
                    vap_requested=data["vap_requested"],
                    funding=data["funding"],
                    trainer=data["trainer"] or request.user,
                ),
            )
            if saved.ok:
                messages.success(request, f"Inscription enregistrée. {check.explanation}")
                return redirect("certification:candidate", candidate.pk)
    else:
        form = forms.EnrolmentForm(organisation=request.organisation)
    return render(
        request,
        "certification/enrolment_form.html",
        {"form": form, "candidate": candidate, "explanation": explanation},
    )


@module_required
@require_GET
def candidate_export_view(request: HttpRequest, candidate_pk: int) -> HttpResponse:
    candidate = get_candidate(request, candidate_pk)
    data = candidate_export(candidate)
    journal_candidate(request, JournalAction.EXPORT, candidate, "droit d'accès (JSON)")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="candidat-{candidate.pk}.json"'
    return response
