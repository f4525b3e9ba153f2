"""What a co-following professional sees of a person's record and adds to it: the shared
person page (called by people:detail), the shared views of the diagnostic, notes and
documents, and the forms to add a step, a note shared with the team or an appointment.

Each view asks `get_person` for the capability the shared categories give (a category
not shared is a 404, journaled as denied) and journals what it shows or writes in the
organisation holding the record (`common.journal_person`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.network.coordination import contributions
from relais.network.coordination.models import SharedCategory
from relais.pathways import writing_check
from relais.pathways.models import Note, Pathway, PathwayStatus
from relais.people.models import Document, Person
from relais.people.policies import Capability, access
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.submissions import once_per_submission
from relais.web.teams import forms
from relais.web.teams.common import base_context, denied, journal_person, person_url
from relais.web.teams.sections import SECTIONS, allowed_domain_labels, shared_diagnostics

SHARED_NOTES_ON_PAGE = 100


def shared_person_page(request: HttpRequest, person: Person) -> HttpResponse:
    """The person page for a co-following professional (called by people:detail): only
    the sections of what is shared with them."""
    person_access = access(request.membership, person)
    journal.record_request(
        request,
        JournalAction.VIEW,
        person,
        summary="dossier partagé (équipe de coordination) : "
        + ", ".join(sorted(person_access.categories)),
    )
    sections = []
    for section in SECTIONS:
        context = section.context(request, person)
        if context is not None:
            sections.append(
                {
                    "key": section.key,
                    "title": section.title,
                    "template": section.template,
                    "context": context,
                }
            )
    members = person_access.members
    return render(
        request,
        "network/teams/shared_person.html",
        {
            **base_context(request, person),
            "sections": sections,
            "organisation": person.organisation,
            "roles": [m.role for m in members],
            "since": min((m.started_on for m in members), default=None),
            "shared": [
                SharedCategory(c).label for c in SharedCategory.values if person_access.shows(c)
            ],
        },
    )


@organisation_required
@require_GET
def shared_diagnostic(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.READ_DIAGNOSTIC)
    context = base_context(request, person)
    person_access = context["access"]
    diagnostics = shared_diagnostics(person, person_access)
    journal_person(
        request,
        JournalAction.VIEW,
        person,
        summary="diagnostic partagé : " + ", ".join(allowed_domain_labels(person_access)),
    )
    return render(
        request,
        "network/teams/shared_diagnostic.html",
        {
            **context,
            "diagnostics": diagnostics,
            "domain_labels": allowed_domain_labels(person_access),
        },
    )


@organisation_required
@require_GET
def shared_notes(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.READ_NOTES)
    context = base_context(request, person)
    notes = list(
        Note.objects.filter(person=person)
        .filter(context["access"].notes_q())
        .select_related("author")
        .order_by("-occurred_on", "-id")[: SHARED_NOTES_ON_PAGE + 1]
    )
    journal_person(request, JournalAction.VIEW, person, summary=f"écrits partagés ({len(notes)})")
    return render(
        request,
        "network/teams/shared_notes.html",
        {
            **context,
            "notes": notes[:SHARED_NOTES_ON_PAGE],
            "more": len(notes) > SHARED_NOTES_ON_PAGE,
        },
    )


@organisation_required
@require_GET
def shared_document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.READ_DOCUMENTS)
    if not access(request.membership, person).sees_document(document_pk):
        raise denied(request, person, "people.document", document_pk, "document non partagé")
    document = Document.objects.filter(pk=document_pk, person=person).first()
    if document is None:
        raise denied(request, person, "people.document", document_pk, "hors de ce dossier")
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    journal_person(
        request, JournalAction.VIEW, person, document, summary="téléchargement (document partagé)"
    )
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


# --- What a co-following professional adds -------------------------------------------------


def _open_pathways(person: Person):
    return Pathway.objects.filter(person=person, status=PathwayStatus.ACTIVE).order_by(
        "-started_on", "-pk"
    )


@organisation_required
@once_per_submission
def shared_step_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ADD_STEP)
    pathways = _open_pathways(person)
    form = forms.TeamStepForm(request.POST or None, pathways=pathways)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            step = contributions.team_step_add(
                membership=request.membership,
                actor=request.user,
                person=person,
                pathway=data["pathway"],
                kind=data["kind"],
                title=data["title"],
                planned_on=data["planned_on"],
                owner=data["owner"],
                owner_name=data["owner_name"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            journal_person(request, JournalAction.CREATE, person, step, summary="étape (équipe)")
            messages.success(request, "Étape ajoutée au parcours.")
            from relais.network.referrals.redundancy import warn_step_added  # redundancy warnings

            warning = warn_step_added(step, organisation=request.organisation)
            if warning:
                messages.warning(request, warning)
            return redirect(person_url(person, "parcours"))
    journal_person(request, JournalAction.VIEW, person, summary="nouvelle étape (équipe)")
    return render(
        request,
        "network/teams/step_form.html",
        {**base_context(request, person), "form": form, "has_pathway": pathways.exists()},
    )


@organisation_required
@once_per_submission
def shared_note_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ADD_NOTE)
    form = forms.TeamNoteForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    flags: list = []
    if request.method == "POST" and form.is_valid():
        flags = writing_check.check_text(form.cleaned_data["body"])
        fingerprint = writing_check.flags_fingerprint(flags)
        accepted = not flags or (
            request.POST.get("save_anyway") == "1"
            and form.cleaned_data.get("flags_seen") == fingerprint
        )
        if accepted:
            try:
                note = contributions.team_note_add(
                    membership=request.membership,
                    actor=request.user,
                    person=person,
                    kind=form.cleaned_data["kind"],
                    occurred_on=form.cleaned_data["occurred_on"],
                    body=form.cleaned_data["body"],
                    writing_flags=[f.as_stored() for f in writing_check.grouped(flags)],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                journal_person(
                    request, JournalAction.CREATE, person, note, summary="écrit (équipe)"
                )
                messages.success(request, "Écrit enregistré et partagé avec l'équipe.")
                return redirect(person_url(person, "ecrits"))
        else:
            data = form.data.copy()
            data["flags_seen"] = fingerprint
            form = forms.TeamNoteForm(data)
            form.is_valid()
    journal_person(request, JournalAction.VIEW, person, summary="nouvel écrit (équipe)")
    body = form["body"].value() or ""
    return render(
        request,
        "network/teams/note_form.html",
        {
            **base_context(request, person),
            "form": form,
            "flags": writing_check.grouped(flags),
            "segments": writing_check.highlight(body, flags) if flags else [],
        },
    )


@organisation_required
@once_per_submission
def shared_appointment_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ADD_APPOINTMENT)
    form = forms.TeamAppointmentForm(request.POST or None, initial={"duration_minutes": 45})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = contributions.team_appointment_add(
                membership=request.membership,
                actor=request.user,
                person=person,
                starts_at=form.starts_at(),
                purpose=data["purpose"],
                duration_minutes=data["duration_minutes"],
                location=data["location"],
            )
        except DomainError as error:
            apply_domain_error(form, error, {"starts_at": "day"})
        else:
            journal_person(
                request, JournalAction.CREATE, person, appointment, summary="rendez-vous (équipe)"
            )
            messages.success(request, "Rendez-vous enregistré.")
            return redirect(person_url(person, "rendez-vous"))
    journal_person(request, JournalAction.VIEW, person, summary="nouveau rendez-vous (équipe)")
    return render(
        request,
        "network/teams/appointment_form.html",
        {**base_context(request, person), "form": form},
    )
