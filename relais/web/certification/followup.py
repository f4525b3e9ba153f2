"""Pages on one enrolment beyond the evaluation grid: the funding of the candidate's path
(with the accompaniment hours paid for), the scheduled written files and orals (and their
calendar), and the follow-up surveys of a certified candidate that feed the statistics."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from relais.certification import awards, calendar, evaluations, groups, policies, surveys
from relais.certification.models import Evaluation
from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.web.certification import forms
from relais.web.certification.common import (
    get_enrolment,
    module_required,
    require,
)
from relais.web.certification.enrolments import _back, _page
from relais.web.forms_helpers import save_form
from relais.web.submissions import once_per_submission


@module_required
def funding(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    require(policies.can_score, request)
    enrolment = get_enrolment(request, enrolment_pk, "financement")
    form = forms.FundingForm(
        request.POST or None,
        initial={
            "funding": enrolment.funding,
            "funding_amount": enrolment.funding_amount,
            "funded_hours": enrolment.funded_hours,
            "version": enrolment.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save_form(
            form,
            lambda: groups.funding_set(
                membership=request.membership,
                enrolment=enrolment,
                funding=data["funding"],
                funding_amount=data["funding_amount"],
                funded_hours=data["funded_hours"],
                expected_version=data["version"],
            ),
            reload=lambda: type(enrolment).objects.get(pk=enrolment.pk),
        )
        if saved.ok:
            messages.success(request, "Financement enregistré.")
            return _back(enrolment)
    return _page(
        request,
        "funding_form.html",
        enrolment,
        form,
        done=groups.accompaniment_hours(enrolment),
        funded=groups.funded_hours_of(enrolment),
    )


@module_required
@once_per_submission
def schedule(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    require(policies.can_score, request)
    enrolment = get_enrolment(request, enrolment_pk, "épreuves")
    form = forms.ScheduleForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save_form(
            form,
            lambda: evaluations.evaluation_schedule(
                membership=request.membership,
                enrolment=enrolment,
                modality=data["modality"],
                scheduled_on=data["scheduled_on"],
            ),
        )
        if saved.ok:
            messages.success(
                request,
                f"Épreuve prévue le {data['scheduled_on']:%d/%m/%Y} : "
                f"{calendar.summary(saved.result)}.",
            )
            return _back(enrolment)
    planned = list(calendar.scheduled(Evaluation.objects.filter(enrolment=enrolment)))
    return _page(request, "schedule_form.html", enrolment, form, planned=planned)


@module_required
@require_POST
def carry_over(request: HttpRequest, enrolment_pk: int, former_pk: int) -> HttpResponse:
    """Blocks acquired in a former version in correspondence (RNCP37504 → RNCP41885)."""
    require(policies.can_score, request)
    enrolment = get_enrolment(request, enrolment_pk, "correspondance")
    former = get_enrolment(request, former_pk, "correspondance")
    try:
        made = awards.correspondence_carry_over(
            membership=request.membership, former=former, enrolment=enrolment
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if made:
            codes = ", ".join(a.block.code for a in made)
            messages.success(
                request,
                f"Blocs repris de {former.certification.code} par correspondance : {codes}.",
            )
        else:
            messages.info(request, "Aucun nouveau bloc à reprendre.")
    return _back(enrolment)


@module_required
@require_GET
def enrolment_ics(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    enrolment = get_enrolment(request, enrolment_pk, "épreuves (ICS)")
    rows = calendar.scheduled(Evaluation.objects.filter(enrolment=enrolment))
    content = calendar.as_ics(
        rows, name=f"Épreuves — {enrolment.candidate.display_name} — {enrolment.certification.code}"
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="epreuves-{enrolment.pk}.ics"'
    return response


@module_required
@require_GET
def organisation_ics(request: HttpRequest) -> HttpResponse:
    """Every scheduled written file and oral of the organisation's candidates."""
    require(policies.can_score, request)
    rows = list(calendar.of_organisation(request.organisation.pk, today=timezone.localdate()))
    journal.record_request(
        request,
        JournalAction.EXPORT,
        target_type="certification.candidate",
        summary="calendrier des épreuves (ICS)",
        also_covers=[e.enrolment.candidate for e in rows],
    )
    content = calendar.as_ics(rows, name="Relais — épreuves de certification")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="epreuves-certification.ics"'
    return response


@module_required
@once_per_submission
def survey(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    require(policies.can_score, request)
    enrolment = get_enrolment(request, enrolment_pk, "enquêtes de suivi")
    if enrolment.certified_on is None:
        messages.error(
            request,
            "Les enquêtes de suivi concernent les candidats certifiés : ce candidat ne l'est "
            "pas encore.",
        )
        return _back(enrolment)
    form = forms.SurveyForm(
        request.POST or None,
        certified_on=enrolment.certified_on,
        initial={"answered_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        employed, in_trade = surveys.Situation.flags(data["situation"])
        saved = save_form(
            form,
            lambda: surveys.survey_record(
                membership=request.membership,
                enrolment=enrolment,
                months_after=data["months_after"],
                employed=employed,
                in_trade=in_trade,
                answered_on=data["answered_on"],
            ),
        )
        if saved.ok:
            messages.success(
                request,
                f"Enquête à {surveys.DELAYS[data['months_after']]} enregistrée : elle compte "
                f"dans les statistiques de {enrolment.certification.code}.",
            )
            return _back(enrolment)
    recorded = list(enrolment.surveys.all())
    for item in recorded:
        item.situation_label = surveys.Situation.label(item)
    return _page(request, "survey_form.html", enrolment, form, recorded=recorded)


def _file_response(field, filename: str) -> FileResponse:
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@module_required
@require_GET
def document_download(request: HttpRequest, enrolment_pk: int, document_pk: int) -> HttpResponse:
    """A document the candidate deposited (professional file, mémoire…)."""
    enrolment = get_enrolment(request, enrolment_pk, "téléchargement d'un document")
    document = enrolment.documents.filter(pk=document_pk).first()
    if document is None:
        raise Http404
    return _file_response(document.file, document.original_name)


@module_required
@require_GET
def equivalence_download(
    request: HttpRequest, enrolment_pk: int, equivalence_pk: int
) -> HttpResponse:
    """The training certificate attached to an equivalence."""
    enrolment = get_enrolment(request, enrolment_pk, "téléchargement d'une attestation")
    equivalence = enrolment.equivalences.filter(pk=equivalence_pk).first()
    if equivalence is None:
        raise Http404
    return _file_response(equivalence.certificate, equivalence.certificate_name)
