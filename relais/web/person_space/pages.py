"""The pages of the person's space. Each reads through `relais.person_space.selectors`
(the person's own record only: every query is filtered on the signed-in person), journals
one entry as the person, and renders in plain words. A write is journaled once, by the
service that makes it (the person's timeline shows one item per action); the page that
follows is journaled as a view."""

from __future__ import annotations

import json

from django.contrib import messages as flash
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from relais.core.errors import DomainError
from relais.pathways import agenda
from relais.pathways import contract as contracts
from relais.pathways.models import Appointment
from relais.people.models import Document
from relais.person_space import cosign, selectors, services
from relais.person_space.models import MessageTopic
from relais.records import export
from relais.web.forms_helpers import apply_domain_error
from relais.web.person_space.auth import journal_view, space_login_required
from relais.web.person_space.forms import (
    CorrectionForm,
    CosignForm,
    MessageForm,
    ReviewCommentForm,
    UploadForm,
)


def _render(request: HttpRequest, template: str, context: dict, *, status: int = 200):
    context = {
        "person": request.space_person,
        "access": request.space_access,
        **context,
    }
    return render(request, template, context, status=status)


@space_login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    data = selectors.home(request.space_access)
    covers = [data.latest_note] if data.latest_note else []
    journal_view(request, summary="espace personnel : accueil", also_covers=covers)
    return _render(request, "person_space/home.html", {"home": data})


@space_login_required
@require_GET
def notes(request: HttpRequest) -> HttpResponse:
    """The notes written for the person (visibility « la personne »), and no other."""
    rows = selectors.notes_for_person(request.space_access.person_id)
    journal_view(request, summary="espace personnel : écrits pour moi", also_covers=rows)
    return _render(request, "person_space/notes.html", {"notes": rows})


@space_login_required
@require_GET
def pathway(request: HttpRequest) -> HttpResponse:
    found, goals, steps = selectors.pathway_detail(request.space_access.person_id)
    team = selectors.team(request.space_access.person_id)
    journal_view(request, summary="espace personnel : mon parcours", also_covers=team)
    steps_by_goal: dict[int | None, list] = {}
    for step in steps:
        steps_by_goal.setdefault(step.goal_id, []).append(step)
    goal_rows = [(goal, steps_by_goal.get(goal.pk, [])) for goal in goals]
    return _render(
        request,
        "person_space/pathway.html",
        {
            "pathway": found,
            "goal_rows": goal_rows,
            "other_steps": steps_by_goal.get(None, []),
            "team": team,
        },
    )


@space_login_required
@require_GET
def appointments(request: HttpRequest) -> HttpResponse:
    rows = selectors.appointments(request.space_access.person_id)
    journal_view(request, summary="espace personnel : mes rendez-vous")
    return _render(request, "person_space/appointments.html", {"appointments": rows})


@space_login_required
@require_GET
def appointment_ics(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = (
        Appointment.objects.filter(pk=appointment_id, person_id=request.space_access.person_id)
        .select_related("with_user", "person")
        .first()
    )
    if appointment is None:
        raise Http404
    journal_view(request, target=appointment, summary="espace personnel : rendez-vous (ICS)")
    response = HttpResponse(agenda.appointment_ics(appointment), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="rendez-vous-{appointment.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Contract --------------------------------------------------------------------------------


@space_login_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.contracts(request.space_access.person_id)
    journal_view(request, summary="espace personnel : mes contrats")
    return _render(request, "person_space/contracts.html", {"contracts": rows})


def _contract_page(request: HttpRequest, contract_id: int, form: CosignForm | None, *, status=200):
    view = selectors.contract_view(request.space_access.person_id, contract_id)
    if view is None:
        raise Http404
    if form is None:
        form = CosignForm(initial={"seen_hash": view.contract.content_hash})
    journal_view(request, target=view.contract, summary="espace personnel : contrat")
    return _render(
        request,
        "person_space/contract.html",
        {"view": view, "form": form, "code_sent": request.GET.get("code") == "envoye"},
        status=status,
    )


@space_login_required
@require_GET
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _contract_page(request, contract_id, None)


@space_login_required
@require_POST
def contract_code(request: HttpRequest, contract_id: int) -> HttpResponse:
    found = cosign.contract_for(request.space_access, contract_id)
    if found is None:
        raise Http404
    journal_view(request, target=found, summary="espace personnel : code de signature demandé")
    try:
        cosign.cosign_request_code(access=request.space_access, contract=found)
    except DomainError as error:
        flash.error(request, error.message)
        return redirect("space:contract", contract_id=found.pk)
    return redirect(f"{request.path.rsplit('code/', 1)[0]}?code=envoye#signer")


@space_login_required
@require_POST
def contract_sign(request: HttpRequest, contract_id: int) -> HttpResponse:
    found = cosign.contract_for(request.space_access, contract_id)
    if found is None:
        raise Http404
    form = CosignForm(request.POST)
    if form.is_valid():
        try:
            cosign.contract_cosign(
                access=request.space_access,
                contract=found,
                code=form.cleaned_data["code"],
                seen_hash=form.cleaned_data["seen_hash"],
                accepted=form.cleaned_data["accepted"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash.success(request, "C'est signé. Votre référent·e voit votre signature.")
            return redirect("space:contract", contract_id=found.pk)
    return _contract_page(request, contract_id, form)


@space_login_required
@require_GET
def contract_pdf(request: HttpRequest, contract_id: int) -> HttpResponse:
    found = cosign.contract_for(request.space_access, contract_id)
    if found is None:
        raise Http404
    journal_view(request, target=found, action="export", summary="espace personnel : contrat PDF")
    response = HttpResponse(
        contracts.render_pdf(
            found, online_signature=selectors.online_signature_for_print(found.pk)
        ),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="contrat-v{found.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Consents --------------------------------------------------------------------------------


@space_login_required
@require_http_methods(["GET", "POST"])
def consents(request: HttpRequest) -> HttpResponse:
    access = request.space_access
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            consent_id = int(request.POST.get("consent") or 0) or None
            if action == "withdraw" and consent_id:
                services.space_consent_withdraw(access=access, consent_id=consent_id)
                flash.success(
                    request, "Votre consentement est retiré. C'est pris en compte tout de suite."
                )
            elif action == "give":
                services.space_consent_give(
                    access=access, purpose=request.POST.get("purpose", ""), consent_id=consent_id
                )
                flash.success(request, "Votre accord est enregistré.")
            else:
                raise DomainError("Choisissez ce que vous voulez faire.")
        except (DomainError, ValueError) as error:
            # Nothing changed: the attempt is journaled as a view, not as a change (the
            # service journals the change itself when there is one).
            flash.error(request, getattr(error, "message", "Demande non valable."))
            journal_view(request, summary="espace personnel : consentements (rien de changé)")
        return redirect("space:consents")
    rows = selectors.consents(access.person_id)
    journal_view(request, summary="espace personnel : mes consentements")
    in_force = [c for c in rows if not c.superseded]
    contact_given = {c.purpose for c in in_force if c.status == "given"}
    return _render(
        request,
        "person_space/consents.html",
        {
            "in_force": in_force,
            "history": rows,
            "can_give_sms": "contact_sms" not in contact_given,
            "can_give_email": "contact_email" not in contact_given,
        },
    )


# --- Documents -------------------------------------------------------------------------------


@space_login_required
@require_GET
def documents(request: HttpRequest) -> HttpResponse:
    docs, requests = selectors.documents(request.space_access.person_id)
    journal_view(request, summary="espace personnel : mes documents")
    return _render(
        request,
        "person_space/documents.html",
        {"documents": docs, "requests": requests, "form": UploadForm()},
    )


@space_login_required
@require_POST
def document_upload(request: HttpRequest, request_id: int) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_request_fulfil(
                access=request.space_access,
                request_id=request_id,
                uploaded_file=form.cleaned_data["file"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash.success(request, "Merci, votre document est envoyé à votre référent·e.")
            return redirect("space:documents")
    docs, requests = selectors.documents(request.space_access.person_id)
    journal_view(request, summary="espace personnel : mes documents")
    return _render(
        request,
        "person_space/documents.html",
        {"documents": docs, "requests": requests, "form": form, "form_request_id": request_id},
        status=400,
    )


@space_login_required
@require_GET
def document_download(request: HttpRequest, document_id: int) -> HttpResponse:
    document = Document.objects.filter(
        pk=document_id, person_id=request.space_access.person_id
    ).first()
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    journal_view(request, target=document, summary="espace personnel : téléchargement")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Diagnostic ------------------------------------------------------------------------------


@space_login_required
@require_http_methods(["GET", "POST"])
def diagnostic(request: HttpRequest) -> HttpResponse:
    form = ReviewCommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_from_person(
                access=request.space_access,
                body=form.cleaned_data["body"],
                topic=MessageTopic.REVIEW,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash.success(request, "Merci, votre avis est transmis à votre référent·e.")
            return redirect("space:diagnostic")
    found, assessments = selectors.diagnostics(request.space_access.person_id)
    pathway = selectors.current_pathway(request.space_access.person_id)
    reviews = selectors.reviews(request.space_access.person_id)
    journal_view(request, summary="espace personnel : mon diagnostic", also_covers=reviews)
    return _render(
        request,
        "person_space/diagnostic.html",
        {
            "diagnostic": found,
            "assessments": assessments,
            "pathway": pathway,
            "reviews": reviews,
            "form": form,
        },
    )


# --- Messages --------------------------------------------------------------------------------


@space_login_required
@require_http_methods(["GET", "POST"])
def messages_page(request: HttpRequest) -> HttpResponse:
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_from_person(
                access=request.space_access, body=form.cleaned_data["body"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash.success(request, "Votre message est envoyé.")
            return redirect("space:messages")
    services.messages_mark_read(person_id=request.space_access.person_id, by_person=True)
    rows = selectors.messages(request.space_access.person_id)
    journal_view(request, summary="espace personnel : messages")
    return _render(request, "person_space/messages.html", {"rows": rows, "form": form})


# --- Rights ----------------------------------------------------------------------------------


@space_login_required
@require_http_methods(["GET", "POST"])
def rights(request: HttpRequest) -> HttpResponse:
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _message, sent = services.correction_request_send(
                access=request.space_access, body=form.cleaned_data["body"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash.success(
                request,
                "Votre demande de correction est envoyée à votre référent·e. La structure "
                f"doit vous répondre avant le {sent.due_on:%d/%m/%Y}.",
            )
            return redirect("space:rights")
    journal_view(request, summary="espace personnel : mes droits")
    return _render(request, "person_space/rights.html", {"form": form})


def _own_copy(request: HttpRequest):
    """The right-of-access copy, whose notes are those written for the person, as in the
    space (decision 0065); the organisation gives the full copy on request."""
    return export.person_export(request.space_person, actor=None, from_the_space=True)


@space_login_required
@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    data = _own_copy(request)
    journal_view(request, action="export", summary="droit d'accès depuis l'espace personnel : JSON")
    body = json.dumps(export.as_json(data), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"mon-dossier-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@space_login_required
@require_GET
def export_pdf(request: HttpRequest) -> HttpResponse:
    data = _own_copy(request)
    pdf = export.render_pdf(data)
    journal_view(request, action="export", summary="droit d'accès depuis l'espace personnel : PDF")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"mon-dossier-{timezone.localdate():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
