"""Practice analysis pages: case presentations (anonymise, read again, share), peer
sessions, the private reflective journal."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from relais.accounts.models import Membership, User
from relais.core import journal
from relais.core.errors import DomainError, StaleObjectError
from relais.core.models import JournalAction
from relais.pathways import practice
from relais.pathways.anonymise import anonymise, identity_of, remaining_names
from relais.pathways.practice_models import CasePresentation, PeerSession, PresentationStatus
from relais.people.access import record_person_denied
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.web.forms_helpers import apply_domain_error, keep_input_with_version
from relais.web.organisations.views import organisation_required
from relais.web.practice import forms
from relais.web.submissions import once_per_submission

PAGE_SIZE = 30


def _practitioner(request: HttpRequest) -> None:
    if not practice.takes_part(request.membership):
        raise Http404


@organisation_required
def home(request: HttpRequest) -> HttpResponse:
    _practitioner(request)
    presentations = practice.visible_presentations(request.membership).select_related("author")
    page = Paginator(presentations, PAGE_SIZE).get_page(request.GET.get("page"))
    sessions = list(
        PeerSession.objects.filter(organisation=request.organisation).order_by("-held_on", "-id")[
            :20
        ]
    )
    return render(
        request,
        "practice/home.html",
        {"page": page, "presentations": list(page.object_list), "sessions": sessions},
    )


@organisation_required
@once_per_submission
def presentation_create(request: HttpRequest) -> HttpResponse:
    """Step 1: the raw situation is anonymised (never stored); step 2: the author reads
    the result, corrects it and saves a draft."""
    _practitioner(request)
    result = None
    if request.method == "POST" and "anonymise" in request.POST:
        form = forms.AnonymiseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            identity = None
            if data.get("person_number"):
                person = (
                    Person.objects.visible_to(request.membership)
                    .filter(pk=data["person_number"])
                    .first()
                )
                if person is None or not can(request.membership, Capability.ACCOMPANIMENT, person):
                    record_person_denied(request, data["person_number"], "analyse de pratique")
                    form.add_error(
                        "person_number", "Aucun dossier de votre structure ne porte ce numéro."
                    )
                else:
                    identity = identity_of(person)
                    journal.record_request(
                        request,
                        JournalAction.VIEW,
                        person,
                        summary="analyse de pratique : anonymisation",
                    )
            if not form.errors:
                result = anonymise(data["raw"], identity)
                edit = forms.PresentationForm(
                    initial={
                        "title": data["title"],
                        "question": data["question"],
                        "text": result.text,
                    }
                )
                return render(
                    request, "practice/presentation_review.html", {"form": edit, "result": result}
                )
        return render(request, "practice/presentation_create.html", {"form": form})
    if request.method == "POST":
        edit = forms.PresentationForm(request.POST)
        if edit.is_valid():
            data = edit.cleaned_data
            try:
                presentation = practice.presentation_create(
                    organisation=request.organisation,
                    actor=request.user,
                    title=data["title"],
                    text=data["text"],
                    question=data["question"],
                )
            except DomainError as error:
                apply_domain_error(edit, error)
            else:
                messages.success(request, "Brouillon enregistré : relisez-le, puis partagez-le.")
                return redirect("practice:presentation", presentation_id=presentation.pk)
        return render(request, "practice/presentation_review.html", {"form": edit, "result": None})
    return render(request, "practice/presentation_create.html", {"form": forms.AnonymiseForm()})


def _presentation(request: HttpRequest, presentation_id: int) -> CasePresentation:
    found = (
        practice.visible_presentations(request.membership)
        .select_related("author", "organisation")
        .filter(pk=presentation_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


@organisation_required
def presentation_detail(request: HttpRequest, presentation_id: int) -> HttpResponse:
    _practitioner(request)
    presentation = _presentation(request, presentation_id)
    is_draft = presentation.status == PresentationStatus.DRAFT
    mine = presentation.author_id == request.user.pk
    form = None
    names = None
    if is_draft and mine:
        form = forms.PresentationForm(
            request.POST if request.POST.get("action") == "save" else None,
            initial={
                "title": presentation.title,
                "question": presentation.question,
                "text": presentation.text,
                "version": presentation.version,
            },
        )
        if request.method == "POST" and request.POST.get("action") == "save" and form.is_valid():
            data = form.cleaned_data
            try:
                practice.presentation_update(
                    presentation=presentation,
                    actor=request.user,
                    expected_version=data.get("version") or presentation.version,
                    title=data["title"],
                    text=data["text"],
                    question=data["question"],
                )
            except StaleObjectError as error:
                keep_input_with_version(
                    form, CasePresentation.objects.get(pk=presentation.pk).version
                )
                apply_domain_error(form, error)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, "Brouillon enregistré.")
                return redirect("practice:presentation", presentation_id=presentation.pk)
        if request.method == "POST" and request.POST.get("action") == "share":
            try:
                practice.presentation_share(
                    presentation=presentation,
                    actor=request.user,
                    confirmed=request.POST.get("confirmed", ""),
                )
            except practice.NamesRemain as remain:
                names = remain
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "Présentation partagée avec l'équipe.")
                return redirect("practice:presentation", presentation_id=presentation.pk)
    return render(
        request,
        "practice/presentation_detail.html",
        {
            "presentation": presentation,
            "form": form,
            "names": names,
            "words_left": remaining_names(presentation.text)
            if is_draft and mine and names is None
            else [],
        },
    )


def _session_form(request, session: PeerSession | None):
    attendees = User.objects.filter(
        pk__in=Membership.objects.active()
        .filter(organisation=request.organisation)
        .values("user_id")
    ).order_by("last_name", "first_name")
    presentations = CasePresentation.objects.filter(
        organisation=request.organisation, status=PresentationStatus.SHARED
    ).order_by("-shared_at")
    initial = {"held_on": timezone.localdate(), "attendees": [request.user.pk]}
    if session is not None:
        initial = {
            "held_on": session.held_on,
            "facilitator": session.facilitator,
            "attendees": [u.pk for u in session.attendees.all()],
            "presentations": [p.pk for p in session.presentations.all()],
            "minutes": session.minutes,
            "lessons": session.lessons,
            "version": session.version,
        }
    return forms.PeerSessionForm(
        request.POST or None, attendees=attendees, presentations=presentations, initial=initial
    )


def _session_values(form) -> dict:
    names = ("held_on", "facilitator", "attendees", "presentations", "minutes", "lessons")
    return {n: form.cleaned_data[n] for n in names}


@organisation_required
@once_per_submission
def session_create(request: HttpRequest) -> HttpResponse:
    _practitioner(request)
    form = _session_form(request, None)
    if request.method == "POST" and form.is_valid():
        try:
            session = practice.peer_session_create(
                organisation=request.organisation, actor=request.user, **_session_values(form)
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Séance enregistrée.")
            return redirect("practice:session", peer_session_id=session.pk)
    return render(request, "practice/session_form.html", {"form": form, "session": None})


@organisation_required
def session_detail(request: HttpRequest, peer_session_id: int) -> HttpResponse:
    _practitioner(request)
    session = PeerSession.objects.filter(
        organisation=request.organisation, pk=peer_session_id
    ).first()
    if session is None:
        raise Http404
    form = _session_form(request, session)
    if request.method == "POST" and form.is_valid():
        try:
            practice.peer_session_update(
                session=session,
                actor=request.user,
                expected_version=form.cleaned_data.get("version") or session.version,
                **_session_values(form),
            )
        except StaleObjectError as error:
            keep_input_with_version(form, PeerSession.objects.get(pk=session.pk).version)
            apply_domain_error(form, error)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Séance enregistrée.")
            return redirect("practice:session", peer_session_id=session.pk)
    return render(
        request,
        "practice/session_form.html",
        {"form": form, "session": session, "shown": list(session.presentations.all())},
    )


@organisation_required
@once_per_submission
def reflective_journal(request: HttpRequest) -> HttpResponse:
    """Every member's own journal, read by its author alone."""
    form = forms.EntryForm(request.POST or None, initial={"written_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            practice.reflective_entry_add(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Entrée ajoutée à votre journal.")
            return redirect("practice:journal")
    page = Paginator(practice.journal_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "practice/journal.html",
        {"form": form, "page": page, "entries": list(page.object_list)},
    )
