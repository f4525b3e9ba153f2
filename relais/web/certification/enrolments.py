"""Pages on one enrolment: positioning test, accompaniment hours, equivalences (with the
training certificate), the criteria grid of an evaluation, awarding the certification, and
the certificate or block attestation as PDF."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from relais.certification import awards, candidates, evaluations, groups, plan, policies, rules
from relais.certification.models import Certificate, Enrolment, Modality
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.web.certification import forms
from relais.web.certification.common import (
    get_enrolment,
    journal_candidate,
    module_required,
    require,
)
from relais.web.forms_helpers import save_form
from relais.web.submissions import once_per_submission


def _back(enrolment) -> HttpResponse:
    return redirect(
        reverse("certification:candidate", args=[enrolment.candidate_id])
        + f"#inscription-{enrolment.pk}"
    )


def _page(request, template, enrolment, form, **extra):
    return render(
        request,
        f"certification/{template}",
        {"form": form, "enrolment": enrolment, "candidate": enrolment.candidate, **extra},
    )


@module_required
def positioning(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    require(policies.can_score, request)
    enrolment = get_enrolment(request, enrolment_pk)
    form = forms.PositioningForm(request.POST or None, initial={"taken_on": request_today()})
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: groups.positioning_record(
                membership=request.membership, enrolment=enrolment, **form.cleaned_data
            ),
        )
        if saved.ok:
            messages.success(
                request, groups.positioning_outcome(form.cleaned_data["score_percent"])
            )
            return _back(enrolment)
    return _page(request, "positioning_form.html", enrolment, form)


@module_required
def placement(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    """The practical placement hours: the RS requires 140 before the oral of a candidate
    without experience of accompanying vulnerable persons."""
    require(policies.can_score, request)
    enrolment = get_enrolment(request, enrolment_pk)
    form = forms.PlacementForm(
        request.POST or None,
        initial={"placement_hours": enrolment.placement_hours, "version": enrolment.version},
    )
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: candidates.placement_record(
                membership=request.membership,
                enrolment=enrolment,
                hours=form.cleaned_data["placement_hours"],
                expected_version=form.cleaned_data["version"],
            ),
            reload=lambda: Enrolment.objects.get(pk=enrolment.pk),
        )
        if saved.ok:
            messages.success(request, "Heures de stage enregistrées.")
            return _back(enrolment)
    return _page(
        request,
        "placement_form.html",
        enrolment,
        form,
        required=rules.placement_required(enrolment),
    )


@module_required
def accompaniment(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    require(policies.can_score, request)
    enrolment = get_enrolment(request, enrolment_pk)
    form = forms.AccompanimentForm(request.POST or None, initial={"held_on": request_today()})
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: groups.accompaniment_record(
                membership=request.membership, enrolment=enrolment, **form.cleaned_data
            ),
        )
        if saved.ok:
            messages.success(request, "Séance d'accompagnement enregistrée.")
            return _back(enrolment)
    return _page(
        request,
        "accompaniment_form.html",
        enrolment,
        form,
        done=groups.accompaniment_hours(enrolment),
    )


@module_required
def equivalence(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    require(policies.can_score, request)
    enrolment = get_enrolment(request, enrolment_pk)
    form = forms.EquivalenceForm(
        request.POST or None, request.FILES or None, certification=enrolment.certification
    )
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: plan.equivalence_grant(
                membership=request.membership,
                enrolment=enrolment,
                block=form.cleaned_data["block"],
                training_title=form.cleaned_data["training_title"],
                completed_on=form.cleaned_data["completed_on"],
                certificate=form.cleaned_data["certificate"],
                capitalisable=form.cleaned_data["capitalisable"],
            ),
        )
        if saved.ok:
            messages.success(request, "Équivalence accordée : le bloc est acquis.")
            return _back(enrolment)
    return _page(
        request,
        "equivalence_form.html",
        enrolment,
        form,
        oldest=plan.oldest_equivalence_date(request_today()),
    )


def request_today():
    from django.utils import timezone

    return timezone.localdate()


@module_required
@once_per_submission
def document(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    enrolment = get_enrolment(request, enrolment_pk)
    form = forms.DocumentForm(
        request.POST or None, request.FILES or None, certification=enrolment.certification
    )
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: evaluations.document_deposit(
                membership=request.membership,
                enrolment=enrolment,
                title=form.cleaned_data["title"],
                uploaded=form.cleaned_data["file"],
                block=form.cleaned_data["block"],
            ),
        )
        if saved.ok:
            messages.success(request, "Document déposé.")
            return _back(enrolment)
    return _page(request, "document_form.html", enrolment, form)


@module_required
@once_per_submission
def plan_session(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    require(policies.can_score, request)
    enrolment = get_enrolment(request, enrolment_pk)
    form = forms.PlanForm(request.POST or None, certification=enrolment.certification)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: plan.session_plan(
                membership=request.membership, enrolment=enrolment, **form.cleaned_data
            ),
        )
        if saved.ok:
            messages.success(request, "Ajouté au plan de formation.")
            return _back(enrolment)
    return _page(
        request, "plan_form.html", enrolment, form, path_ends_on=plan.path_ends_on(enrolment)
    )


@module_required
def score(request: HttpRequest, enrolment_pk: int, modality_pk: int) -> HttpResponse:
    require(policies.can_score, request)
    enrolment = get_enrolment(request, enrolment_pk)
    modality = (
        Modality.objects.filter(pk=modality_pk, block__certification=enrolment.certification)
        .select_related("block")
        .first()
    )
    if modality is None:
        raise Http404
    criteria = list(modality.criteria.select_related("competence"))
    evaluation = enrolment.evaluations.filter(modality=modality).first()
    initial = {}
    if evaluation is not None:
        initial["version"] = evaluation.version
        for s in evaluation.scores.all():
            initial[f"level_{s.criterion_id}"] = s.level
            initial[f"evidence_{s.criterion_id}"] = s.evidence
            initial[f"comment_{s.criterion_id}"] = s.comment
        initial["overall_level"] = evaluation.overall_level
        initial["overall_evidence"] = evaluation.overall_evidence
        initial["overall_comment"] = evaluation.overall_comment
    form = forms.ScoreForm(request.POST or None, initial=initial, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save():
            current = evaluations.evaluation_schedule(
                membership=request.membership, enrolment=enrolment, modality=modality
            )
            return evaluations.evaluation_score(
                membership=request.membership,
                evaluation=current,
                scores={
                    c.pk: evaluations.ScoreInput(
                        level=data[f"level_{c.pk}"],
                        evidence=data[f"evidence_{c.pk}"],
                        comment=data[f"comment_{c.pk}"],
                    )
                    for c in criteria
                },
                overall=None
                if criteria
                else evaluations.ScoreInput(
                    level=data["overall_level"],
                    evidence=data["overall_evidence"],
                    comment=data["overall_comment"],
                ),
                expected_version=data.get("version") if evaluation is not None else None,
            )

        saved = save_form(form, save)
        if saved.ok:
            levels = [data[f"level_{c.pk}"] for c in criteria] or [data["overall_level"]]
            messages.success(
                request,
                f"Grille enregistrée ({modality.block.code}). Proposition au jury : "
                f"{evaluations.evaluation_result(levels)}.",
            )
            return _back(enrolment)
    return _page(request, "score_form.html", enrolment, form, modality=modality)


@module_required
@require_POST
def award(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    require(policies.can_manage, request)
    enrolment = get_enrolment(request, enrolment_pk)
    try:
        certificate = awards.certification_award(membership=request.membership, enrolment=enrolment)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Certification délivrée : certificat n° {certificate.number}.")
    journal_candidate(request, JournalAction.UPDATE, enrolment.candidate, "certification")
    return _back(enrolment)


@module_required
@require_POST
def attestation(request: HttpRequest, enrolment_pk: int, block_pk: int) -> HttpResponse:
    require(policies.can_manage, request)
    enrolment = get_enrolment(request, enrolment_pk)
    block = enrolment.certification.blocks.filter(pk=block_pk).first()
    if block is None:
        raise Http404
    try:
        awards.attestation_issue(membership=request.membership, enrolment=enrolment, block=block)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Attestation du bloc {block.code} délivrée.")
    journal_candidate(request, JournalAction.UPDATE, enrolment.candidate, "attestation")
    return _back(enrolment)


@module_required
@require_GET
def certificate_pdf(request: HttpRequest, enrolment_pk: int, certificate_pk: int) -> HttpResponse:
    enrolment = get_enrolment(request, enrolment_pk)
    certificate = (
        Certificate.objects.filter(pk=certificate_pk, enrolment=enrolment)
        .select_related("enrolment__certification", "block")
        .first()
    )
    if certificate is None:
        raise Http404
    verify_url = settings.RELAIS_BASE_URL.rstrip("/") + reverse("certification:verify")
    content = awards.certificate_pdf(certificate, verify_url=verify_url)
    journal_candidate(request, JournalAction.EXPORT, enrolment.candidate, "certificat (PDF)")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificat-{certificate.number}.pdf"'
    return response
