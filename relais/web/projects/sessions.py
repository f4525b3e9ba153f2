"""Pages of a workshop's sessions: scheduling one, changing it (date, place, facilitator,
capacity), cancelling it, the attendance sheet to sign (PDF) and recording attendance.

The attendance pages name the participants: they are for the roles that accompany and are
journaled (a `list` entry covering the rows, an `export` for the printed sheet)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.core import journal
from relais.core.errors import DomainError, StaleObjectError
from relais.core.models import JournalAction
from relais.core.submissions import new_token, submit_once
from relais.projects import workshop_changes as changes
from relais.projects import workshops as services
from relais.projects.models import Attendance, AttendanceStatus, Enrolment, Session, Workshop
from relais.projects.printing import attendance_sheet_pdf
from relais.web.forms_helpers import save_form
from relais.web.organisations.views import organisation_required
from relais.web.projects import forms
from relais.web.projects.common import get_session, get_workshop
from relais.web.projects.forms_changes import SessionCancelForm, SessionEditForm
from relais.web.projects.workshops import journal_participants
from relais.web.submissions import once_per_submission

SESSION_FIELDS = ("place", "facilitator", "capacity", "starts_at", "ends_at")


def _session_values(form) -> dict:
    """The service's arguments from a valid session form (its clean() made the datetimes)."""
    return {f: form.cleaned_data[f] for f in SESSION_FIELDS}


def _back(workshop: Workshop, anchor: str = "#seances") -> str:
    return reverse("projects:workshop_detail", args=[workshop.pk]) + anchor


def _told(request: HttpRequest, session: Session, what: str) -> None:
    """The message after a session was cancelled or reinstated."""
    local = timezone.localtime(session.starts_at)
    messages.success(
        request,
        f"Séance du {local:%d/%m/%Y à %H:%M} {what}. L'animateur et les référents des "
        "personnes inscrites sont prévenus ; les étapes de leurs parcours suivent.",
    )


def _refuse_cancelled(workshop: Workshop, request: HttpRequest) -> HttpResponse:
    messages.error(request, "Cette séance est annulée : ni feuille d'émargement ni présences.")
    return redirect(_back(workshop))


@organisation_required
@once_per_submission
def session_create(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = get_workshop(request, workshop_id, write=True)
    form = forms.SessionForm(
        request.POST or None,
        organisation_id=workshop.organisation_id,
        initial={"submission": new_token(), "facilitator": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        values = _session_values(form)
        token = form.cleaned_data["submission"]
        saved = save_form(
            form,
            lambda: submit_once(
                token=token,
                actor=request.user,
                model=Session,
                create=lambda: services.session_create(
                    workshop=workshop, actor=request.user, **values
                ),
            )[0],
        )
        if saved.ok:
            messages.success(request, f"Séance du {form.cleaned_data['day']:%d/%m/%Y} programmée.")
            return redirect("projects:workshop_detail", workshop_id=workshop.pk)
    return render(
        request,
        "projects/session_form.html",
        {"form": form, "workshop": workshop, "session": None, "stale": None},
    )


def _reload(session: Session) -> Session:
    return Session.objects.select_related("updated_by", "facilitator").get(pk=session.pk)


@organisation_required
def session_update(request: HttpRequest, workshop_id: int, session_id: int) -> HttpResponse:
    workshop = get_workshop(request, workshop_id, write=True)
    session = get_session(request, workshop, session_id)
    if session.is_cancelled:
        messages.error(request, "Cette séance est annulée : elle ne se modifie plus.")
        return redirect(_back(workshop))
    local_start = timezone.localtime(session.starts_at)
    form = SessionEditForm(
        request.POST or None,
        organisation_id=workshop.organisation_id,
        enrolled=services.enrolled_count(workshop),
        initial={
            "day": local_start.date(),
            "starts": local_start.time(),
            "ends": timezone.localtime(session.ends_at).time(),
            "place": session.place,
            "facilitator": session.facilitator_id,
            "capacity": session.capacity,
            "version": session.version,
        },
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: changes.session_update(
                session=session,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **_session_values(form),
            ),
            reload=lambda: _reload(session),
        )
        stale = saved.stale
        if saved.ok:
            messages.success(request, f"Séance du {form.cleaned_data['day']:%d/%m/%Y} enregistrée.")
            return redirect(_back(workshop))
    return render(
        request,
        "projects/session_form.html",
        {"form": form, "workshop": workshop, "session": session, "stale": stale},
    )


@organisation_required
@require_POST
def session_reinstate(request: HttpRequest, workshop_id: int, session_id: int) -> HttpResponse:
    """« Rétablir la séance » on the workshop page: a cancellation undone (a form of one
    button, the version it was shown with)."""
    workshop = get_workshop(request, workshop_id, write=True)
    session = get_session(request, workshop, session_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        changes.session_reinstate(session=session, actor=request.user, expected_version=version)
    except StaleObjectError:
        messages.error(
            request,
            "Cette séance a été modifiée depuis l'affichage de la page : vérifiez-la avant de la "
            "rétablir.",
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        _told(request, session, "rétablie")
    return redirect(_back(workshop))


@organisation_required
def session_cancel(request: HttpRequest, workshop_id: int, session_id: int) -> HttpResponse:
    """A page that asks for the reason, then cancels (the participants' steps follow, the
    facilitator and the référents are told)."""
    workshop = get_workshop(request, workshop_id, write=True)
    session = get_session(request, workshop, session_id)
    if session.is_cancelled:
        messages.error(request, "Cette séance est déjà annulée.")
        return redirect(_back(workshop))
    form = SessionCancelForm(request.POST or None, initial={"version": session.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: changes.session_cancel(
                session=session,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            ),
            reload=lambda: _reload(session),
        )
        stale = saved.stale
        if saved.ok:
            _told(request, session, "annulée")
            return redirect(_back(workshop))
    return render(
        request,
        "projects/session_cancel.html",
        {
            "form": form,
            "workshop": workshop,
            "session": session,
            "stale": stale,
            "enrolled": services.enrolled_count(workshop),
        },
    )


@organisation_required
def attendance(request: HttpRequest, workshop_id: int, session_id: int) -> HttpResponse:
    workshop = get_workshop(request, workshop_id, write=True)
    session = get_session(request, workshop, session_id)
    if session.is_cancelled:
        return _refuse_cancelled(workshop, request)
    enrolments = list(
        Enrolment.objects.active()
        .filter(workshop=workshop)
        .select_related("person")
        .order_by("person__birth_name", "person__first_names", "id")
    )
    current = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "status"))
    error, stale = "", None
    values = {e.pk: current.get(e.pk, "") for e in enrolments}
    version = session.version
    if request.method == "POST":
        values = {e.pk: request.POST.get(f"presence-{e.pk}", "") for e in enrolments}
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = session.version
        missing = [e for e in enrolments if not values[e.pk]]
        if missing:
            error = f"Indiquez la présence de chaque participant ({len(missing)} sans réponse)."
        else:
            try:
                services.attendance_record(
                    session=session, actor=request.user, expected_version=version, statuses=values
                )
                journal.record_request(
                    request,
                    JournalAction.UPDATE,
                    session,
                    target_type="projects.attendance",
                    summary=f"émargement de la séance n° {session.pk}",
                    also_covers=[*enrolments, *(e.person for e in enrolments)],
                )
                messages.success(request, "Émargement enregistré.")
                return redirect("projects:workshop_detail", workshop_id=workshop.pk)
            except StaleObjectError as failure:
                error = failure.message
                stale = Session.objects.select_related("updated_by").get(pk=session.pk)
                version = stale.version
                current = dict(
                    Attendance.objects.filter(session=session).values_list("enrolment_id", "status")
                )
            except DomainError as failure:
                error = failure.message
    journal_participants(request, workshop, enrolments, f"émargement de la séance n° {session.pk}")
    labels = dict(AttendanceStatus.choices)
    rows = [(e, values[e.pk], labels.get(current.get(e.pk), "")) for e in enrolments]
    return render(
        request,
        "projects/attendance.html",
        {
            "workshop": workshop,
            "session": session,
            "rows": rows,
            "choices": AttendanceStatus.choices,
            "error": error,
            "stale": stale,
            "version": version,
            "not_started": session.starts_at > timezone.now(),
        },
    )


@organisation_required
def attendance_sheet(request: HttpRequest, workshop_id: int, session_id: int) -> HttpResponse:
    workshop = get_workshop(request, workshop_id, write=True)
    session = get_session(request, workshop, session_id)
    if session.is_cancelled:
        return _refuse_cancelled(workshop, request)
    pdf, enrolments = attendance_sheet_pdf(session)
    journal.record_request(
        request,
        JournalAction.EXPORT,
        target_type="projects.session",
        target_id=session.pk,
        organisation=workshop.organisation_id,
        summary=f"feuille d'émargement imprimée ({len(enrolments)} participants)",
        also_covers=[*enrolments, *(e.person for e in enrolments)],
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    local = timezone.localtime(session.starts_at)
    response["Content-Disposition"] = (
        f'attachment; filename="emargement-{local:%Y-%m-%d-%Hh%M}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response
