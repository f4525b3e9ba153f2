"""Incidents and safety flags of a person (for the accompaniment), and the managers' list of
incidents whose follow-up is open. The flags themselves are shown to everyone who receives
the person on the person page's summary (`relais.web.people.summary`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.core import journal
from relais.core.models import JournalAction
from relais.pathways import safety
from relais.pathways.safety_models import Incident, SafetyFlag
from relais.people.models import Person
from relais.people.policies import Capability
from relais.web import writing
from relais.web.forms_helpers import save_form
from relais.web.organisations.views import manager_required, organisation_required
from relais.web.pathways.common import journal_with_person, not_found
from relais.web.people.access import get_person
from relais.web.safety import forms
from relais.web.submissions import once_per_submission

PAGE_SIZE = 50


def _page_url(person: Person) -> str:
    return reverse("safety:person", args=[person.pk])


@organisation_required
def person_incidents(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    incidents = list(Incident.objects.filter(person=person).select_related("author", "closed_by"))
    flags = list(SafetyFlag.objects.filter(person=person).select_related("raised_by", "lifted_by"))
    journal.record_request(
        request, JournalAction.VIEW, person, summary="incidents et consignes de sécurité"
    )
    return render(
        request,
        "safety/person.html",
        {
            "person": person,
            "incidents": incidents,
            "active": [f for f in flags if f.is_active],
            "lifted": [f for f in flags if not f.is_active],
            "close_form": forms.CloseForm(),
        },
    )


@organisation_required
@once_per_submission
def incident_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    form = forms.IncidentForm(
        request.POST or None,
        initial={"occurred_on": timezone.localdate()},
    )
    review = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        review = writing.review(
            {"Ce qui s'est passé": data["description"], "Suite décidée": data["follow_up"]},
            request.POST,
        )
        if review.accepted:
            saved = save_form(
                form,
                lambda: safety.incident_record(
                    person=person, actor=request.user, writing_flags=review.stored(), **data
                ),
            )
            if saved.ok:
                incident = saved.result
                journal_with_person(request, JournalAction.CREATE, incident, person)
                messages.success(request, "Incident enregistré.")
                return redirect(_page_url(person))
    journal_with_person(request, JournalAction.VIEW, person, person, "nouvel incident")
    return render(
        request,
        "safety/incident_form.html",
        {"person": person, "form": form, "writing": review},
    )


@organisation_required
@require_POST
def incident_close(request: HttpRequest, pk: int, incident_id: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    incident = Incident.objects.filter(person=person, pk=incident_id).first()
    if incident is None:
        raise not_found(request, person, "pathways.incident", incident_id)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        saved = save_form(
            form,
            lambda: safety.incident_close(
                incident=incident, actor=request.user, **form.cleaned_data
            ),
        )
        if saved.ok:
            journal_with_person(
                request, JournalAction.UPDATE, incident, person, "suivi d'incident terminé"
            )
            messages.success(request, "Suivi de l'incident terminé.")
            return redirect(_page_url(person))
    journal_with_person(request, JournalAction.VIEW, incident, person)
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(_page_url(person))


@organisation_required
@once_per_submission
def flag_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    form = forms.FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: safety.flag_raise(person=person, actor=request.user, **form.cleaned_data),
        )
        if saved.ok:
            journal_with_person(request, JournalAction.CREATE, saved.result, person)
            messages.success(request, "Consigne de sécurité posée.")
            return redirect(_page_url(person))
    journal_with_person(request, JournalAction.VIEW, person, person, "nouvelle consigne")
    return render(request, "safety/flag_form.html", {"person": person, "form": form})


@organisation_required
def flag_lift(request: HttpRequest, pk: int, flag_id: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    flag = SafetyFlag.objects.filter(person=person, pk=flag_id).first()
    if flag is None:
        raise not_found(request, person, "pathways.safetyflag", flag_id)
    form = forms.LiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form, lambda: safety.flag_lift(flag=flag, actor=request.user, **form.cleaned_data)
        )
        if saved.ok:
            journal_with_person(request, JournalAction.UPDATE, flag, person, "consigne levée")
            messages.success(request, "Consigne levée.")
            return redirect(_page_url(person))
    journal_with_person(request, JournalAction.VIEW, flag, person)
    return render(request, "safety/lift_form.html", {"person": person, "flag": flag, "form": form})


@manager_required
def open_incidents(request: HttpRequest) -> HttpResponse:
    """Managers follow incidents until their follow-up is closed."""
    page = Paginator(safety.open_incidents(request.organisation), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="pathways.incident",
        organisation=request.organisation,
        summary=f"incidents au suivi ouvert ({len(rows)})",
        also_covers=[*rows, *(r.person for r in rows)],
    )
    return render(request, "safety/open_incidents.html", {"page": page, "rows": rows})
