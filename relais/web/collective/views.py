"""Pages of the information collective: sessions, registrations with the duplicate check,
the attendance sheet (PDF) and the attendance, « créer la fiche », the no-shows."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.core import journal
from relais.core.errors import DomainError, StaleObjectError
from relais.core.models import JournalAction
from relais.pathways import collective
from relais.pathways.collective_models import Attendance, InfoSession, Registration
from relais.people.duplicates import find_duplicates
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.people.services import DuplicatesFound
from relais.web.collective import forms
from relais.web.forms_helpers import Saved, apply_domain_error, keep_input_with_version
from relais.web.organisations.views import organisation_required
from relais.web.submissions import once_per_submission

PAGE_SIZE = 30


def _session(request: HttpRequest, session_id: int, *, run: bool = False) -> InfoSession:
    """The session if this user's organisation runs it (or, `run=False`, may register to
    it); a 404 otherwise, whatever the reason (another organisation's sessions stay hidden)."""
    session = (
        collective.visible_sessions(request.membership)
        .select_related("organisation")
        .filter(pk=session_id)
        .first()
    )
    allowed = session is not None and (
        collective.runs(request.membership, session)
        if run
        else collective.may_register(request.membership, session)
    )
    if not allowed:
        raise Http404
    return session


def _journal_list(request, session: InfoSession, rows, summary: str, extra=()) -> None:
    journal.record_request(
        request,
        JournalAction.LIST,
        target=session,
        organisation=session.organisation_id,
        summary=summary,
        also_covers=[*rows, *extra],
    )


@organisation_required
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = collective.with_counts(
        collective.visible_sessions(request.membership).select_related("organisation")
    ).order_by("-starts_at", "-id")
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "collective/list.html",
        {
            "page": page,
            "sessions": list(page.object_list),
            "may_create": can(request.membership, Capability.IDENTITY),
            "now": timezone.now(),
        },
    )


def _session_form(request, session: InfoSession | None):
    initial = {"capacity": 12, "time": "09:30"}
    if session is not None:
        local = timezone.localtime(session.starts_at)
        initial = {
            "title": session.title,
            "scheme": session.scheme,
            "day": local.date(),
            "time": local.time(),
            "place": session.place,
            "capacity": session.capacity,
            "open_to_partners": session.open_to_partners,
            "version": session.version,
        }
    return forms.SessionForm(request.POST or None, initial=initial)


@organisation_required
@once_per_submission
def session_create(request: HttpRequest) -> HttpResponse:
    form = _session_form(request, None)
    if request.method == "POST" and form.is_valid():
        saved = _save_session(request, form, None)
        if saved.ok:
            messages.success(request, "Session programmée.")
            return redirect("collective:detail", session_id=saved.result.pk)
    return render(request, "collective/session_form.html", {"form": form, "session": None})


def _save_session(request, form, session):
    try:
        if session is None:
            result = collective.info_session_create(
                organisation=request.organisation, actor=request.user, **form.values()
            )
        else:
            result = collective.info_session_update(
                session=session,
                actor=request.user,
                expected_version=form.cleaned_data.get("version") or session.version,
                **form.values(),
            )
    except StaleObjectError as error:
        keep_input_with_version(form, InfoSession.objects.get(pk=session.pk).version)
        apply_domain_error(form, error)
        return Saved(False, None)
    except DomainError as error:
        apply_domain_error(form, error, aliases={"starts_at": "day"})
        return Saved(False, None)
    return Saved(True, result)


@organisation_required
def session_update(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id, run=True)
    form = _session_form(request, session)
    if request.method == "POST" and form.is_valid():
        saved = _save_session(request, form, session)
        if saved.ok:
            messages.success(request, "Session enregistrée.")
            return redirect("collective:detail", session_id=session.pk)
    return render(request, "collective/session_form.html", {"form": form, "session": session})


@organisation_required
@once_per_submission
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    """The session, its registrations (the partner's own only, for a partner) and the
    registration form, with the duplicate check for the organisation running it."""
    session = _session(request, session_id)
    runs = collective.runs(request.membership, session)
    form = forms.RegistrationForm(request.POST or None)
    candidates: list = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        same_as = data.get("same_as") or ""
        person = None
        if runs and same_as.isdigit():
            person = Person.objects.own_of(request.membership).filter(pk=int(same_as)).first()
        if runs and not same_as:
            candidates = find_duplicates(
                organisation_id=session.organisation_id,
                birth_name=data["birth_name"],
                first_names=data["first_names"],
                birth_date=data["birth_date"],
                phone=data.get("phone") or "",
                email=data.get("email") or "",
            )
        if not candidates:
            try:
                registration = collective.registration_add(
                    session=session,
                    actor=request.user,
                    membership=request.membership,
                    data=data,
                    comment=data.get("comment", ""),
                    person=person,
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                journal.record_request(
                    request,
                    JournalAction.CREATE,
                    registration,
                    organisation=session.organisation_id,
                    also_covers=[person] if person else [],
                    summary="inscription à une information collective",
                )
                messages.success(request, f"{registration} est inscrit·e.")
                return redirect("collective:detail", session_id=session.pk)
    registrations = list(
        collective.registrations_seen_by(request.membership, session).select_related(
            "registered_by_organisation"
        )
    )
    _journal_list(
        request,
        session,
        registrations,
        f"information collective : {len(registrations)} inscription(s)",
        extra=[c.person for c in candidates],
    )
    taken = sum(1 for r in registrations if r.attendance != Attendance.EXCUSED)
    return render(
        request,
        "collective/detail.html",
        {
            "session": session,
            "runs": runs,
            "registrations": registrations,
            "form": form,
            "candidates": candidates,
            "taken": taken,
            "full": runs and taken >= session.capacity,
            "started": session.starts_at <= timezone.now(),
        },
    )


@organisation_required
def attendance_sheet(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id, run=True)
    registrations = list(session.registrations.exclude(attendance=Attendance.EXCUSED))
    pdf = collective.attendance_sheet_pdf(session, registrations)
    journal.record_request(
        request,
        JournalAction.EXPORT,
        target=session,
        organisation=session.organisation_id,
        summary="feuille d'émargement (PDF)",
        also_covers=registrations,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="emargement-{session.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@organisation_required
def attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id, run=True)
    registrations = list(session.registrations.all())
    form = forms.AttendanceForm(request.POST or None, registrations=registrations)
    if request.method == "POST" and form.is_valid():
        try:
            collective.attendance_record(
                session=session, actor=request.user, attendance=form.attendance()
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            _journal_list(request, session, registrations, "présences relevées")
            messages.success(request, "Présences enregistrées.")
            return redirect("collective:detail", session_id=session.pk)
    _journal_list(request, session, registrations, "relevé des présences")
    return render(request, "collective/attendance.html", {"session": session, "form": form})


@organisation_required
@require_POST
@once_per_submission
def create_person(request: HttpRequest, session_id: int, registration_id: int) -> HttpResponse:
    """« Créer la fiche »: the intake service's own duplicate check answers first; the
    user then links the attendee to a record shown, or confirms it is someone else."""
    session = _session(request, session_id, run=True)
    registration = Registration.objects.filter(session=session, pk=registration_id).first()
    if registration is None:
        raise Http404
    existing = None
    if request.POST.get("existing", "").isdigit():
        existing = (
            Person.objects.own_of(request.membership)
            .filter(pk=int(request.POST["existing"]))
            .first()
        )
    set_aside = [int(v) for v in request.POST.getlist("set_aside") if v.isdigit()]
    try:
        person = collective.registration_create_person(
            registration=registration, actor=request.user, set_aside=set_aside, existing=existing
        )
    except DuplicatesFound as found:
        _journal_list(
            request,
            session,
            [registration],
            "créer la fiche : doublons possibles",
            extra=[c.person for c in found.candidates],
        )
        return render(
            request,
            "collective/create_person.html",
            {"session": session, "registration": registration, "candidates": found.candidates},
        )
    except DomainError as error:
        _journal_list(request, session, [registration], "créer la fiche : refus")
        messages.error(request, error.message)
        return redirect("collective:detail", session_id=session.pk)
    journal.record_request(
        request,
        JournalAction.CREATE if existing is None else JournalAction.UPDATE,
        person,
        also_covers=[registration],
        summary="accueil : fiche créée depuis une information collective"
        if existing is None
        else "information collective rattachée au dossier",
    )
    messages.success(request, f"Le dossier de {registration} est prêt.")
    return redirect(reverse("people:detail", args=[person.pk]))


@organisation_required
def no_shows(request: HttpRequest) -> HttpResponse:
    page = Paginator(collective.no_shows(request.organisation), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="pathways.registration",
        organisation=request.organisation,
        summary=f"absents aux informations collectives ({len(rows)})",
        also_covers=rows,
    )
    return render(request, "collective/no_shows.html", {"page": page, "rows": rows})
