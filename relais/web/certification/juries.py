"""Jury pages: sessions, members (composition checked against the certification's rules),
candidates presented, the composition check, deliberation per block, and the minutes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from relais.certification import juries as services
from relais.certification import policies, selectors
from relais.certification.models import Enrolment, EnrolmentStatus, JurySession
from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.web.certification import forms
from relais.web.certification.common import get_jury, module_required, paginate, require
from relais.web.forms_helpers import save_form
from relais.web.submissions import once_per_submission


@module_required
@once_per_submission
def jury_list(request: HttpRequest) -> HttpResponse:
    require(policies.can_manage, request)
    if request.method == "POST":
        form = forms.JuryForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            saved = save_form(
                form, lambda: services.session_create(membership=request.membership, **data)
            )
            if saved.ok:
                messages.success(request, "Jury créé : désignez ses membres.")
                return redirect("certification:jury", saved.result.pk)
    else:
        form = forms.JuryForm()
    page = paginate(
        request,
        JurySession.objects.filter(organisation=request.organisation).select_related(
            "certification"
        ),
    )
    return render(request, "certification/jury_list.html", {"form": form, "page": page})


def _eligible(session: JurySession):
    """Open enrolments not yet presented, by name. Filtering the candidates' organisation
    too lets the database walk the candidates' (organisation, name) index and stop after
    the first 200, instead of sorting every open enrolment of the certification."""
    return (
        Enrolment.objects.filter(
            organisation=session.organisation,
            candidate__organisation=session.organisation,
            certification=session.certification,
        )
        .exclude(status__in=[EnrolmentStatus.CERTIFIED, EnrolmentStatus.WITHDRAWN])
        .exclude(jury_sessions=session)
        .select_related("candidate")
        .order_by("candidate__last_name")
    )


def _viewable_jury(request: HttpRequest, jury_pk: int) -> JurySession:
    """The jury, for its organisation's managers and for its president (who reads it to sign
    the minutes, whatever their role); 403 for anyone else of the organisation."""
    session = get_jury(request, jury_pk)
    if not policies.can_view_jury(request.membership, session):
        raise PermissionDenied
    return session


@module_required
def jury_detail(request: HttpRequest, jury_pk: int) -> HttpResponse:
    session = _viewable_jury(request, jury_pk)
    can_manage = policies.can_manage(request.membership)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    member_form = forms.MemberForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and member_form.is_valid():
        saved = save_form(
            member_form,
            lambda: services.member_add(
                membership=request.membership, session=session, **member_form.cleaned_data
            ),
        )
        # The conflict check read the presented candidates, whether the member was added or not.
        presented = list(session.enrolments.select_related("candidate"))
        journal.record_request(
            request,
            JournalAction.VIEW,
            target_type="certification.jurysession",
            target_id=session.pk,
            summary="contrôle des conflits d'intérêts",
            also_covers=[*presented, *(e.candidate for e in presented)],
        )
        if saved.ok:
            messages.success(request, "Membre ajouté.")
            return redirect("certification:jury", session.pk)
    rows = selectors.jury_rows(session)
    # The president reads the presented candidates only, not the ones that could be added.
    eligible = list(_eligible(session)[:200]) if can_manage else []
    enrolments = [r["enrolment"] for r in rows] + eligible
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="certification.jurysession",
        target_id=session.pk,
        summary="candidats présentés au jury",
        also_covers=[*enrolments, *(e.candidate for e in enrolments)],
    )
    return render(
        request,
        "certification/jury_detail.html",
        {
            "session": session,
            "members": list(session.members.all()),
            "rows": rows,
            "blocks": list(session.certification.blocks.all()),
            "eligible": eligible,
            "member_form": member_form,
            "composition_rule": services.composition_rule_text(session),
            "can_manage": can_manage,
            "can_sign": policies.can_sign_minutes(request.membership, session),
        },
    )


@module_required
@require_POST
def jury_candidates(request: HttpRequest, jury_pk: int) -> HttpResponse:
    require(policies.can_manage, request)
    session = get_jury(request, jury_pk)
    ids = [int(v) for v in request.POST.getlist("enrolments") if v.isdigit()]
    chosen = list(_eligible(session).filter(pk__in=ids))
    try:
        services.candidates_add(membership=request.membership, session=session, enrolments=chosen)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{len(chosen)} candidat(s) présenté(s) au jury.")
    journal.record_request(
        request,
        JournalAction.UPDATE,
        target_type="certification.jurysession",
        target_id=session.pk,
        summary="candidats présentés",
        also_covers=[*chosen, *(e.candidate for e in chosen)],
    )
    return redirect("certification:jury", session.pk)


@module_required
@require_POST
def jury_constitute(request: HttpRequest, jury_pk: int) -> HttpResponse:
    require(policies.can_manage, request)
    session = get_jury(request, jury_pk)
    try:
        services.session_constitute(membership=request.membership, session=session)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Composition du jury validée.")
    presented = list(session.enrolments.select_related("candidate"))
    journal.record_request(
        request,
        JournalAction.VIEW,
        target_type="certification.jurysession",
        target_id=session.pk,
        summary="contrôle de la composition et des conflits d'intérêts",
        also_covers=[*presented, *(e.candidate for e in presented)],
    )
    return redirect("certification:jury", session.pk)


@module_required
def jury_deliberate(request: HttpRequest, jury_pk: int, enrolment_pk: int) -> HttpResponse:
    require(policies.can_manage, request)
    session = get_jury(request, jury_pk)
    enrolment = session.enrolments.filter(pk=enrolment_pk).select_related("candidate").first()
    if enrolment is None:
        raise Http404
    journal.record_request(request, JournalAction.VIEW, enrolment.candidate, summary="délibération")
    blocks = list(session.certification.blocks.all())
    initial = {}
    for decision in enrolment.decisions.filter(session=session):
        initial[f"decision_{decision.block_id}"] = "yes" if decision.validated else "no"
        initial[f"reasons_{decision.block_id}"] = decision.reasons
    form = forms.DecisionForm(request.POST or None, initial=initial, blocks=blocks)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services.deliberate(
                membership=request.membership,
                session=session,
                enrolment=enrolment,
                decisions=form.cleaned_data["decisions"],
            ),
        )
        if saved.ok:
            messages.success(request, f"Délibération enregistrée pour {enrolment.candidate}.")
            return redirect("certification:jury", session.pk)
    return render(
        request,
        "certification/deliberation_form.html",
        {"session": session, "enrolment": enrolment, "form": form},
    )


@module_required
@require_POST
def jury_sign(request: HttpRequest, jury_pk: int) -> HttpResponse:
    session = _viewable_jury(request, jury_pk)
    try:
        services.minutes_sign(membership=request.membership, session=session)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Procès-verbal signé par le président.")
    return redirect("certification:jury", session.pk)


@module_required
@require_GET
def jury_minutes(request: HttpRequest, jury_pk: int) -> HttpResponse:
    session = _viewable_jury(request, jury_pk)
    rows = selectors.jury_rows(session)
    content = services.minutes_pdf(session, rows=rows)
    enrolments = [r["enrolment"] for r in rows]
    journal.record_request(
        request,
        JournalAction.EXPORT,
        target_type="certification.jurysession",
        target_id=session.pk,
        summary="procès-verbal (PDF)",
        also_covers=[*enrolments, *(e.candidate for e in enrolments)],
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="proces-verbal-jury-{session.held_on:%Y-%m-%d}.pdf"'
    )
    return response
