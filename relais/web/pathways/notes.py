"""Pages for professional writing: notes (écrits), with the writing check before saving and
the draft kept while typing (on the server for note-draft.js, and in the browser), and the
person page's section that lists them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.functions import Substr
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from relais.core import journal
from relais.core.errors import DomainError, StaleObjectError
from relais.core.models import JournalAction
from relais.core.submissions import new_token, submit_once
from relais.pathways import notes as services
from relais.pathways import writing_check
from relais.pathways.models import Note, NoteDraft, NoteVisibility
from relais.people.models import Person
from relais.people.policies import Capability, can, can_read_note
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.pathways.common import person_url
from relais.web.pathways.notes_forms import NoteForm
from relais.web.people.access import get_person

# Set when a note is saved: the person page then tells note-draft.js to drop the local copy.
DRAFT_CLEAR_SESSION_KEY = "relais_note_draft_clear"
# How often note-draft.js sends the draft to the server (milliseconds).
DRAFT_INTERVAL_MS = 10_000
NOTES_ON_PAGE = 30


def draft_storage_key(request: HttpRequest, person: Person) -> str:
    """The browser-side (localStorage) key of the user's draft for this person; one slot per
    user and person, like NoteDraft on the server."""
    return f"relais-note-draft:{request.user.pk}:{person.pk}"


def _draft_for(request: HttpRequest, person: Person) -> NoteDraft | None:
    return NoteDraft.objects.filter(person=person, author=request.user).first()


def _draft_initial(draft: NoteDraft) -> dict:
    data = draft.data or {}
    return {k: data.get(k, "") for k in ("kind", "occurred_on", "body", "visibility", "pathway")}


def _note_page(
    request: HttpRequest,
    *,
    person: Person,
    form: NoteForm,
    note: Note | None,
    flags: list[writing_check.WritingFlag] | None = None,
    restored: NoteDraft | None = None,
    other_draft: NoteDraft | None = None,
    status: int = 200,
) -> HttpResponse:
    flags = flags or []
    body = form["body"].value() or ""
    return render(
        request,
        "pathways/notes/note_form.html",
        {
            "person": person,
            "form": form,
            "note": note,
            "flags": writing_check.grouped(flags),
            "flag_count": len(flags),
            "segments": writing_check.highlight(body, flags) if flags else [],
            "restored": restored,
            "other_draft": other_draft,
            "draft_key": draft_storage_key(request, person),
            "draft_note": str(note.pk) if note else "",
            "draft_url": reverse("pathways:note_draft", args=[person.pk]),
            "draft_interval": DRAFT_INTERVAL_MS,
            "discard_url": reverse("pathways:note_draft_discard", args=[person.pk]),
        },
        status=status,
    )


def _checked_flags(form: NoteForm) -> tuple[list[writing_check.WritingFlag], bool]:
    """The writing-check flags of the submitted text, and whether the author has accepted
    exactly these ("Enregistrer quand même" after seeing them)."""
    flags = writing_check.check_text(form.cleaned_data["body"])
    fingerprint = writing_check.flags_fingerprint(flags)
    accepted = not flags or (
        form.data.get("save_anyway") == "1" and form.cleaned_data.get("flags_seen") == fingerprint
    )
    return flags, accepted


def _show_flags(form: NoteForm, flags: list[writing_check.WritingFlag]) -> NoteForm:
    """Re-bind the form with the fingerprint of the flags now shown."""
    data = form.data.copy()
    data["flags_seen"] = writing_check.flags_fingerprint(flags)
    data.pop("save_anyway", None)
    shown = NoteForm(data, person=form.person)
    shown.is_valid()
    return shown


def _note_fields(form: NoteForm, flags: list[writing_check.WritingFlag]) -> dict:
    """What the note services take from the form, with the writing flags accepted."""
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "occurred_on": data["occurred_on"],
        "body": data["body"],
        "visibility": data["visibility"],
        "pathway": data["pathway"],
        "writing_flags": [f.as_stored() for f in writing_check.grouped(flags)],
    }


@organisation_required
def note_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = get_person(request, person_pk, Capability.ACCOMPANIMENT)
    if request.method == "POST":
        form = NoteForm(request.POST, person=person)
        if form.is_valid():
            flags, accepted = _checked_flags(form)
            if accepted:

                def create() -> Note:
                    note = services.note_create(
                        person=person, author=request.user, **_note_fields(form, flags)
                    )
                    journal.record_request(
                        request, JournalAction.CREATE, note, also_covers=[person]
                    )
                    return note

                try:
                    # A double click or a resent form saves one note, not two.
                    note, created = submit_once(
                        token=form.cleaned_data["submission"],
                        actor=request.user,
                        create=create,
                        model=Note,
                    )
                except DomainError as error:
                    apply_domain_error(form, error)
                else:
                    if not created:
                        journal.record_request(
                            request,
                            JournalAction.VIEW,
                            note,
                            also_covers=[person],
                            summary="écrit déjà enregistré (formulaire envoyé deux fois)",
                        )
                    request.session[DRAFT_CLEAR_SESSION_KEY] = person.pk
                    messages.success(request, "Écrit enregistré.")
                    return redirect(person_url(person, "#ecrits"))
            else:
                journal.record_request(request, JournalAction.VIEW, person, summary="écrit")
                return _note_page(
                    request, person=person, form=_show_flags(form, flags), note=None, flags=flags
                )
        journal.record_request(request, JournalAction.VIEW, person, summary="écrit")
        return _note_page(request, person=person, form=form, note=None)

    draft = _draft_for(request, person)
    restored = other_draft = None
    initial = {"occurred_on": timezone.localdate()}
    if draft is not None and not (draft.data or {}).get("note"):
        restored = draft
        initial.update({k: v for k, v in _draft_initial(draft).items() if v})
    elif draft is not None:
        other_draft = draft
    form = NoteForm(initial={**initial, "submission": new_token()}, person=person)
    journal.record_request(request, JournalAction.VIEW, person, summary="nouvel écrit")
    return _note_page(
        request, person=person, form=form, note=None, restored=restored, other_draft=other_draft
    )


def _readable_note(request: HttpRequest, person: Person, pk: int) -> Note:
    note = get_object_or_404(Note.objects.select_related("author", "pathway"), pk=pk, person=person)
    note.person = person  # already checked: no second query
    if not can_read_note(request.membership, note):
        # An author-only note does not exist for anybody else: same answer as a wrong id.
        journal.record_request(
            request,
            JournalAction.DENIED,
            target_type="pathways.note",
            target_id=note.pk,
            person_id=person.pk,
            organisation=person.organisation_id,
            summary="écrit réservé à son auteur",
        )
        raise Http404
    return note


@organisation_required
@require_GET
def note_detail(request: HttpRequest, person_pk: int, pk: int) -> HttpResponse:
    person = get_person(request, person_pk, Capability.ACCOMPANIMENT)
    note = _readable_note(request, person, pk)
    journal.record_request(request, JournalAction.VIEW, note, also_covers=[person])
    return render(
        request,
        "pathways/notes/note_detail.html",
        {
            "person": person,
            "note": note,
            "can_edit": note.author_id == request.user.pk,
            "flags": note.writing_flags or [],
        },
    )


@organisation_required
def note_update(request: HttpRequest, person_pk: int, pk: int) -> HttpResponse:
    person = get_person(request, person_pk, Capability.ACCOMPANIMENT)
    note = _readable_note(request, person, pk)
    if note.author_id != request.user.pk:
        journal.record_request(
            request,
            JournalAction.DENIED,
            target_type="pathways.note",
            target_id=note.pk,
            person_id=person.pk,
            organisation=person.organisation_id,
            summary="modification d'un écrit d'un autre auteur",
        )
        raise PermissionDenied
    if request.method == "POST":
        form = NoteForm(request.POST, person=person)
        if form.is_valid():
            flags, accepted = _checked_flags(form)
            if accepted:
                try:
                    note = services.note_update(
                        note=note,
                        actor=request.user,
                        expected_version=form.cleaned_data["version"] or 0,
                        **_note_fields(form, flags),
                    )
                except StaleObjectError as error:
                    # The input is kept; the form now carries the current version, so that
                    # saving again (after checking) applies it on top of the colleague's.
                    data = form.data.copy()
                    data["version"] = Note.objects.values_list("version", flat=True).get(pk=note.pk)
                    form = NoteForm(data, person=person)
                    form.is_valid()
                    form.add_error(None, error.message)
                except DomainError as error:
                    apply_domain_error(form, error)
                else:
                    journal.record_request(
                        request, JournalAction.UPDATE, note, also_covers=[person]
                    )
                    request.session[DRAFT_CLEAR_SESSION_KEY] = person.pk
                    messages.success(request, "Écrit modifié.")
                    return redirect(person_url(person, "#ecrits"))
            else:
                journal.record_request(request, JournalAction.VIEW, note, also_covers=[person])
                return _note_page(
                    request, person=person, form=_show_flags(form, flags), note=note, flags=flags
                )
        journal.record_request(request, JournalAction.VIEW, note, also_covers=[person])
        return _note_page(request, person=person, form=form, note=note)

    initial = {
        "kind": note.kind,
        "occurred_on": note.occurred_on,
        "pathway": note.pathway_id,
        "visibility": note.visibility,
        "body": note.body,
        "version": note.version,
    }
    draft = _draft_for(request, person)
    restored = other_draft = None
    if draft is not None and (draft.data or {}).get("note") == str(note.pk):
        restored = draft
        initial.update({k: v for k, v in _draft_initial(draft).items() if v})
    elif draft is not None:
        other_draft = draft
    form = NoteForm(initial=initial, person=person)
    journal.record_request(request, JournalAction.VIEW, note, also_covers=[person])
    return _note_page(
        request, person=person, form=form, note=note, restored=restored, other_draft=other_draft
    )


# --- Drafts (sent by note-draft.js while the author types) ---------------------------------


def _json_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": code, "message": message}, status=status)


SESSION_EXPIRED = (
    "Votre session a expiré : le brouillon est gardé sur cet appareil. Reconnectez-vous "
    "(dans un autre onglet si besoin), puis revenez sur ce formulaire."
)


def _draft_person(request: HttpRequest, person_pk: int) -> Person | JsonResponse:
    """The person for a draft request, or the JSON error the script can act on (the draft
    endpoints never redirect to the login page: a script cannot follow that)."""
    if not request.user.is_authenticated:
        return _json_error(401, "session_expired", SESSION_EXPIRED)
    if request.organisation is None:
        return _json_error(403, "no_organisation", "Vous n'êtes rattaché à aucune structure.")
    try:
        return get_person(request, person_pk, Capability.ACCOMPANIMENT)
    except Http404:
        return _json_error(404, "not_found", "Dossier introuvable.")
    except PermissionDenied:
        return _json_error(403, "forbidden", "Vous n'avez pas accès aux écrits de ce dossier.")


@require_POST
def note_draft(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Save the draft being typed (called by note-draft.js every few seconds)."""
    person = _draft_person(request, person_pk)
    if isinstance(person, JsonResponse):
        return person
    data = {key: request.POST.get(key, "") for key in services.DRAFT_FIELDS}
    try:
        draft = services.note_draft_save(person=person, author=request.user, data=data)
    except DomainError as error:
        return _json_error(400, "invalid", error.message)
    if draft is None:
        journal.record_request(
            request, JournalAction.VIEW, person, summary="brouillon d'écrit déjà enregistré"
        )
        return JsonResponse({"ok": True, "saved_at": "", "message": "Écrit déjà enregistré."})
    journal.record_request(
        request, JournalAction.UPDATE, draft, summary="brouillon d'écrit", also_covers=[person]
    )
    saved_at = timezone.localtime(draft.updated_at)
    return JsonResponse(
        {
            "ok": True,
            "saved_at": saved_at.isoformat(),
            "message": f"Brouillon enregistré à {saved_at:%H:%M}.",
        }
    )


@require_POST
def note_draft_discard(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Delete the draft. From the script: JSON; from the button without script: back to
    the empty form."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    person = _draft_person(request, person_pk)
    if isinstance(person, JsonResponse):
        if wants_json:
            return person
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    services.note_draft_discard(person=person, author=request.user)
    journal.record_request(
        request,
        JournalAction.DELETE,
        target_type="pathways.notedraft",
        person_id=person.pk,
        organisation=person.organisation_id,
        summary="brouillon d'écrit supprimé",
        also_covers=[person],
    )
    if wants_json:
        return JsonResponse({"ok": True, "message": "Brouillon supprimé."})
    messages.info(request, "Brouillon supprimé.")
    back = request.POST.get("note", "")
    if back.isdigit() and Note.objects.filter(pk=int(back), person=person).exists():
        return redirect("pathways:note_update", person.pk, int(back))
    return redirect("pathways:note_create", person.pk)


# --- Section of the person page ------------------------------------------------------------


def notes_section(request: HttpRequest, person: Person) -> dict | None:
    """Écrits: the notes this user may read, newest first (texts cut in the database)."""
    if not can(request.membership, Capability.ACCOMPANIMENT, person):
        return None
    # Notes shared with the coordination team are read by the organisation too.
    readable = ~Q(visibility=NoteVisibility.AUTHOR) | Q(author_id=request.user.pk)
    notes = list(
        Note.objects.filter(person=person)
        .filter(readable)
        .select_related("author")
        .defer("body")
        .annotate(excerpt=Substr("body", 1, 401))
        .order_by("-occurred_on", "-id")[: NOTES_ON_PAGE + 1]
    )
    draft = (
        NoteDraft.objects.filter(person=person, author=request.user).only(
            "id", "person_id", "author_id", "data", "updated_at"
        )
    ).first()
    draft_note = (draft.data or {}).get("note", "") if draft else ""
    clear_local_draft = request.session.pop(DRAFT_CLEAR_SESSION_KEY, None) == person.pk
    return {
        "person": person,
        "notes": notes[:NOTES_ON_PAGE],
        "more": len(notes) > NOTES_ON_PAGE,
        "draft": draft,
        "draft_url": (
            reverse("pathways:note_update", args=[person.pk, int(draft_note)])
            if draft_note.isdigit()
            else reverse("pathways:note_create", args=[person.pk])
        ),
        "clear_draft_key": draft_storage_key(request, person) if clear_local_draft else "",
        "user_id": request.user.pk,
        "timeline_url": reverse("pathways:timeline", args=[person.pk]) + "?type=note",
    }
