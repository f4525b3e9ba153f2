"""Pages for a person's appointments: making one, changing one, recording whether the
person came; and the person page's section that lists them (upcoming and past)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.core import journal
from relais.core.errors import DomainError, StaleObjectError
from relais.core.models import JournalAction
from relais.pathways import notes as services
from relais.pathways.models import Appointment, Participation
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.web.forms_helpers import apply_domain_error, keep_input_with_version
from relais.web.organisations.views import organisation_required
from relais.web.pathways.common import person_url
from relais.web.pathways.notes_forms import AppointmentForm, ParticipationForm
from relais.web.people.access import get_person
from relais.web.submissions import once_per_submission

PAST_APPOINTMENTS_ON_PAGE = 20
UPCOMING_APPOINTMENTS_ON_PAGE = 50


def _overlaps(request: HttpRequest, form: AppointmentForm, appointment=None) -> list:
    """The double booking to confirm (see AppointmentForm.overlap_to_confirm); the other
    appointments read are journaled (they may be another person's)."""
    if not form.is_valid():
        return []
    overlaps = form.overlap_to_confirm(appointment)
    for other in form.overlapping:
        journal.record_request(
            request,
            JournalAction.VIEW,
            other,
            also_covers=[other.person],
            summary="rendez-vous du professionnel au même moment",
        )
    return overlaps


def _appointment_page(
    request, *, person, form, appointment, status=200, overlaps=()
) -> HttpResponse:
    return render(
        request,
        "pathways/notes/appointment_form.html",
        {
            "person": person,
            "form": form,
            "appointment": appointment,
            "show_pathway": "pathway" in form.fields,
            "overlaps": [
                {
                    "starts_at": other.starts_at,
                    "ends_at": other.starts_at + dt.timedelta(minutes=other.duration_minutes),
                    "purpose": other.purpose,
                    # Only the persons of this record's organisation are named.
                    "person": other.person.display_name
                    if other.person.organisation_id == person.organisation_id
                    else "une personne suivie par une autre structure",
                    "same_person": other.person_id == person.pk,
                }
                for other in overlaps
            ],
            "professional": form.cleaned_data.get("with_user") if overlaps else None,
        },
        status=status,
    )


def _appointment_form(request: HttpRequest, person: Person, *args, **kwargs) -> AppointmentForm:
    with_pathway = can(request.membership, Capability.ACCOMPANIMENT, person)
    return AppointmentForm(*args, person=person, with_pathway=with_pathway, **kwargs)


def _appointment_fields(form: AppointmentForm, *, pathway) -> dict:
    """What the appointment services take from the form. `pathway` is kept when the form
    has no pathway field (roles that do not accompany)."""
    data = form.cleaned_data
    return {
        "starts_at": form.starts_at(),
        "duration_minutes": data["duration_minutes"],
        "location": data["location"],
        "purpose": data["purpose"],
        "with_user": data["with_user"],
        "pathway": data.get("pathway", pathway),
    }


@organisation_required
@once_per_submission
def appointment_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = get_person(request, person_pk, Capability.APPOINTMENTS)
    if request.method == "POST":
        form = _appointment_form(request, person, request.POST)
        overlaps = _overlaps(request, form)
        if form.is_valid() and not overlaps:
            try:
                appointment = services.appointment_create(
                    person=person,
                    actor=request.user,
                    **_appointment_fields(form, pathway=None),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                journal.record_request(
                    request, JournalAction.CREATE, appointment, also_covers=[person]
                )
                messages.success(request, "Rendez-vous enregistré.")
                return redirect(person_url(person, "#rendez-vous"))
    else:
        overlaps = []
        form = _appointment_form(
            request, person, initial={"with_user": request.user.pk, "duration_minutes": 45}
        )
    journal.record_request(request, JournalAction.VIEW, person, summary="nouveau rendez-vous")
    return _appointment_page(request, person=person, form=form, appointment=None, overlaps=overlaps)


def _appointment_of(person: Person, pk: int) -> Appointment:
    return get_object_or_404(Appointment.objects.select_related("with_user"), pk=pk, person=person)


@organisation_required
def appointment_update(request: HttpRequest, person_pk: int, pk: int) -> HttpResponse:
    person = get_person(request, person_pk, Capability.APPOINTMENTS)
    appointment = _appointment_of(person, pk)
    if request.method == "POST":
        form = _appointment_form(request, person, request.POST)
        overlaps = _overlaps(request, form, appointment)
        if form.is_valid() and not overlaps:
            try:
                services.appointment_update(
                    appointment=appointment,
                    actor=request.user,
                    expected_version=form.cleaned_data.get("version") or appointment.version,
                    **_appointment_fields(form, pathway=appointment.pathway),
                )
            except StaleObjectError as error:
                # The input is kept, with the current version: saving again applies it.
                keep_input_with_version(
                    form, Appointment.objects.values_list("version", flat=True).get(pk=pk)
                )
                apply_domain_error(form, error)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                journal.record_request(
                    request, JournalAction.UPDATE, appointment, also_covers=[person]
                )
                messages.success(request, "Rendez-vous modifié.")
                return redirect(person_url(person, "#rendez-vous"))
    else:
        overlaps = []
        form = _appointment_form(request, person, initial=AppointmentForm.initial_for(appointment))
    journal.record_request(request, JournalAction.VIEW, appointment, also_covers=[person])
    return _appointment_page(
        request, person=person, form=form, appointment=appointment, overlaps=overlaps
    )


@organisation_required
@require_POST
def appointment_participation(request: HttpRequest, person_pk: int, pk: int) -> HttpResponse:
    person = get_person(request, person_pk, Capability.APPOINTMENTS)
    appointment = _appointment_of(person, pk)
    form = ParticipationForm(request.POST)
    if not form.is_valid():
        journal.record_request(request, JournalAction.VIEW, appointment, also_covers=[person])
        messages.error(request, "Choisissez une participation.")
        return redirect(person_url(person, "#rendez-vous"))
    try:
        services.appointment_set_participation(
            appointment=appointment,
            actor=request.user,
            participation=form.cleaned_data["participation"],
        )
    except DomainError as error:
        journal.record_request(request, JournalAction.VIEW, appointment, also_covers=[person])
        messages.error(request, error.message)
    else:
        journal.record_request(
            request,
            JournalAction.UPDATE,
            appointment,
            summary=f"participation : {appointment.get_participation_display()}",
            also_covers=[person],
        )
        messages.success(
            request,
            f"Participation au rendez-vous du {timezone.localtime(appointment.starts_at):%d/%m/%Y} "
            f"notée : {appointment.get_participation_display().lower()}.",
        )
    return redirect(person_url(person, "#rendez-vous"))


# --- Section of the person page ------------------------------------------------------------


def appointments_section(request: HttpRequest, person: Person) -> dict | None:
    """Rendez-vous: upcoming ones (soonest first) and past ones, whose participation can be
    recorded from here."""
    if not can(request.membership, Capability.APPOINTMENTS, person):
        return None
    now = timezone.now()
    base = Appointment.objects.filter(person=person).select_related("with_user")
    upcoming = list(
        base.filter(starts_at__gte=now).order_by("starts_at")[:UPCOMING_APPOINTMENTS_ON_PAGE]
    )
    past = list(
        base.filter(starts_at__lt=now).order_by("-starts_at")[: PAST_APPOINTMENTS_ON_PAGE + 1]
    )
    return {
        "person": person,
        "upcoming": upcoming,
        "past": past[:PAST_APPOINTMENTS_ON_PAGE],
        "more_past": len(past) > PAST_APPOINTMENTS_ON_PAGE,
        "participations": Participation.choices,
        "planned": Participation.PLANNED,
        "now": now,
        "timeline_url": reverse("pathways:timeline", args=[person.pk]) + "?type=appointment",
    }
