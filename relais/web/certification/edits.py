"""Pages that correct a candidate's file: their details, an enrolment (access route, VAP
request, referent trainer), and the withdrawal of an enrolment (« abandon », with its date
and reason, kept in the history). Forms keep what was typed and report every error at once;
a stale version is refused with the input kept."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from relais.certification import edits as services
from relais.certification import policies
from relais.certification.models import Candidate, Enrolment
from relais.core.models import JournalAction
from relais.web.certification import edit_forms
from relais.web.certification.common import (
    get_candidate,
    get_enrolment,
    journal_candidate,
    module_required,
    require,
)
from relais.web.forms_helpers import save_form

CANDIDATE_FIELDS = [
    "last_name",
    "first_name",
    "birth_date",
    "email",
    "phone",
    "employer_name",
    "employer_siret",
    "job_title",
    "diploma_level",
    "foreign_diploma",
    "experience_years",
    "vulnerable_experience",
]


def _back(enrolment: Enrolment) -> HttpResponse:
    return redirect(
        reverse("certification:candidate", args=[enrolment.candidate_id])
        + f"#inscription-{enrolment.pk}"
    )


@module_required
def candidate_edit(request: HttpRequest, candidate_pk: int) -> HttpResponse:
    candidate = get_candidate(request, candidate_pk)
    journal_candidate(request, JournalAction.VIEW, candidate, "modification du candidat")
    initial = {name: getattr(candidate, name) for name in CANDIDATE_FIELDS}
    initial["version"] = candidate.version
    form = edit_forms.CandidateEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        saved = save_form(
            form,
            lambda: services.candidate_update(
                membership=request.membership,
                candidate=candidate,
                expected_version=version,
                **data,
            ),
            reload=lambda: Candidate.objects.get(pk=candidate.pk),
        )
        if saved.ok:
            messages.success(request, "Candidat modifié.")
            return redirect("certification:candidate", candidate.pk)
    return render(
        request, "certification/candidate_edit.html", {"form": form, "candidate": candidate}
    )


@module_required
def enrolment_edit(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    require(policies.can_score, request)
    enrolment = get_enrolment(request, enrolment_pk, summary="modification de l'inscription")
    form = edit_forms.EnrolmentEditForm(
        request.POST or None,
        organisation=request.organisation,
        initial={
            "access_route": enrolment.access_route,
            "vap_requested": enrolment.vap_requested,
            "trainer": enrolment.trainer_id,
            "version": enrolment.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save_form(
            form,
            lambda: services.enrolment_update(
                membership=request.membership,
                enrolment=enrolment,
                expected_version=data["version"],
                access_route=data["access_route"],
                vap_requested=data["vap_requested"],
                trainer=data["trainer"],
            ),
            reload=lambda: Enrolment.objects.get(pk=enrolment.pk),
        )
        if saved.ok:
            messages.success(request, f"Inscription modifiée. {saved.result.prerequisites_note}")
            return _back(enrolment)
    return render(
        request,
        "certification/enrolment_edit.html",
        {"form": form, "enrolment": enrolment, "candidate": enrolment.candidate},
    )


@module_required
def enrolment_withdraw(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    require(policies.can_score, request)
    enrolment = get_enrolment(request, enrolment_pk, summary="abandon du parcours")
    form = edit_forms.WithdrawForm(
        request.POST or None,
        initial={"withdrawn_on": timezone.localdate(), "version": enrolment.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save_form(
            form,
            lambda: services.enrolment_withdraw(
                membership=request.membership,
                enrolment=enrolment,
                expected_version=data["version"],
                withdrawn_on=data["withdrawn_on"],
                reason=data["reason"],
            ),
            reload=lambda: Enrolment.objects.get(pk=enrolment.pk),
        )
        if saved.ok:
            messages.success(
                request,
                f"Abandon enregistré le {data['withdrawn_on']:%d/%m/%Y} : l'inscription reste "
                "dans l'historique du candidat.",
            )
            return _back(enrolment)
    return render(
        request,
        "certification/enrolment_withdraw.html",
        {"form": form, "enrolment": enrolment, "candidate": enrolment.candidate},
    )
