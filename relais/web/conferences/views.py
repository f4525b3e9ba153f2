"""Case conference pages (réunions de synthèse): writing one with its decisions (each
becomes a step of the person's pathway), completing it afterwards, reading it, and its
minutes as PDF. For the référents and managers of the person's organisation and the
active team members (Capability.TEAM). URLs in `relais.web.teams.urls` ("teams:conference_…")."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from relais.core.errors import DomainError, StaleObjectError
from relais.core.models import JournalAction
from relais.network.coordination import conferences as conference_services
from relais.network.coordination.models import CaseConference, ConferenceDecision
from relais.network.coordination.sharing import person_label
from relais.people.models import Person
from relais.people.policies import Capability, access
from relais.web import writing
from relais.web.conferences import forms
from relais.web.forms_helpers import apply_domain_error, keep_input_with_version
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.submissions import once_per_submission
from relais.web.teams.common import base_context, denied, journal_person


def _conference_of(request: HttpRequest, person: Person, conference_pk: int) -> CaseConference:
    conference = (
        CaseConference.objects.filter(pk=conference_pk, person=person)
        .select_related("author")
        .prefetch_related(
            "participants",
            # The step's pathway comes along: the journal sees the step hang from the person.
            Prefetch(
                "decisions", queryset=ConferenceDecision.objects.select_related("step__pathway")
            ),
        )
        .first()
    )
    if conference is None:
        raise denied(request, person, "network.caseconference", conference_pk, "hors de ce dossier")
    conference.person = person
    return conference


def _decision_inputs(formset) -> list[conference_services.DecisionInput]:
    inputs = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        text = (data.get("text") or "").strip()
        if text:
            inputs.append(
                conference_services.DecisionInput(
                    text=text,
                    owner=data["owner"],
                    owner_name=data.get("owner_name") or "",
                    due_on=data.get("due_on"),
                    kind=data["kind"],
                )
            )
    return inputs


def _conference_error(form, formset, error: DomainError) -> None:
    """Show a service error next to its field: the conference's, or a decision's
    ("decision-<n>-<field>", the step's "title" being the decision's "text")."""
    field = error.field or ""
    if field.startswith("decision-"):
        _, index, name = field.split("-", 2)
        name = {"title": "text"}.get(name, name)
        numbered = [f for f in formset.forms if (f.cleaned_data or {}).get("text")]
        if index.isdigit() and int(index) < len(numbered):
            target = numbered[int(index)]
            target.add_error(name if name in target.fields else None, error.message)
            return
    apply_domain_error(form, error)


def _writing(form, request) -> writing.WritingReview:
    """The writing check on the agenda and minutes (they go to the team's members, and to
    the person who asks for them)."""
    data = form.cleaned_data
    return writing.review(
        {"Ordre du jour": data.get("agenda", ""), "Compte rendu": data.get("minutes", "")},
        request.POST,
    )


def _conference_page(request, person, *, form, formset, conference, status=200, review=None):
    return render(
        request,
        "network/conferences/conference_form.html",
        {
            **base_context(request, person),
            "form": form,
            "formset": formset,
            "conference": conference,
            "has_pathway": "pathway" in form.fields,
            "writing": review,
        },
        status=status,
    )


@organisation_required
@once_per_submission
def conference_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.TEAM)
    choices = conference_services.participant_choices(person)
    pathways = conference_services.open_pathways(person)
    form = forms.ConferenceForm(
        request.POST or None,
        choices=choices,
        pathways=pathways,
        initial={"held_on": timezone.localdate(), "participants": [request.user.pk]},
    )
    formset = forms.DecisionFormSet(request.POST or None, prefix="decision")
    review = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        review = _writing(form, request)
    if review is not None and review.accepted:
        try:
            conference = conference_services.case_conference_create(
                membership=request.membership,
                actor=request.user,
                person=person,
                **_conference_fields(data),
                decisions=_decision_inputs(formset),
            )
        except DomainError as error:
            _conference_error(form, formset, error)
        else:
            count = conference.decisions.count()
            journal_person(
                request,
                JournalAction.CREATE,
                person,
                conference,
                summary=f"réunion de synthèse : {count} décision(s)",
            )
            messages.success(
                request,
                "Réunion de synthèse enregistrée"
                + (
                    f" : {count} décision{'s' if count > 1 else ''} ajoutée{'s' if count > 1 else ''} au parcours."
                    if count
                    else "."
                ),
            )
            return redirect("teams:conference_detail", pk=person.pk, conference_pk=conference.pk)
    journal_person(request, JournalAction.VIEW, person, summary="nouvelle réunion de synthèse")
    return _conference_page(
        request, person, form=form, formset=formset, conference=None, review=review
    )


def _conference_fields(data: dict) -> dict:
    """What the conference form gives the services, on creation as on update."""
    names = ("held_on", "participants", "person_present", "other_participants", "agenda", "minutes")
    return {**{name: data[name] for name in names}, "pathway": data.get("pathway")}


@organisation_required
def conference_update(request: HttpRequest, pk: int, conference_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.TEAM)
    conference = _conference_of(request, person, conference_pk)
    choices = conference_services.participant_choices(person)
    pathways = conference_services.open_pathways(person)
    form = forms.ConferenceForm(
        request.POST or None,
        choices=choices,
        pathways=pathways,
        initial={
            "held_on": conference.held_on,
            "participants": [u.pk for u in conference.participants.all()],
            "person_present": conference.person_present,
            "other_participants": conference.other_participants,
            "agenda": conference.agenda,
            "minutes": conference.minutes,
            "version": conference.version,
        },
    )
    formset = forms.DecisionFormSet(request.POST or None, prefix="decision")
    review = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        review = _writing(form, request)
    if review is not None and review.accepted:
        try:
            conference_services.case_conference_update(
                membership=request.membership,
                actor=request.user,
                conference=conference,
                expected_version=data.get("version") or conference.version,
                **_conference_fields(data),
                new_decisions=_decision_inputs(formset),
            )
        except StaleObjectError as error:
            # The input is kept, with the current version: saving again applies it.
            keep_input_with_version(
                form, CaseConference.objects.values_list("version", flat=True).get(pk=conference.pk)
            )
            _conference_error(form, formset, error)
        except DomainError as error:
            _conference_error(form, formset, error)
        else:
            journal_person(
                request, JournalAction.UPDATE, person, conference, summary="réunion de synthèse"
            )
            messages.success(request, "Réunion de synthèse mise à jour.")
            return redirect("teams:conference_detail", pk=person.pk, conference_pk=conference.pk)
    journal_person(request, JournalAction.VIEW, person, conference)
    return _conference_page(
        request, person, form=form, formset=formset, conference=conference, review=review
    )


@organisation_required
@require_GET
def conference_detail(request: HttpRequest, pk: int, conference_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.TEAM)
    conference = _conference_of(request, person, conference_pk)
    journal_person(request, JournalAction.VIEW, person, conference, summary="réunion de synthèse")
    return render(
        request,
        "network/conferences/conference_detail.html",
        {
            **base_context(request, person),
            "conference": conference,
            "participants": [u.get_full_name() or u.email for u in conference.participants.all()],
            "decisions": list(conference.decisions.all()),
        },
    )


@organisation_required
@require_GET
def conference_pdf(request: HttpRequest, pk: int, conference_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.TEAM)
    conference = _conference_of(request, person, conference_pk)
    label = person_label(person, access(request.membership, person))
    pdf = conference_services.minutes_pdf(conference, person_label=label)
    journal_person(
        request,
        JournalAction.EXPORT,
        person,
        conference,
        summary="compte rendu de réunion de synthèse (PDF)",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"reunion-de-synthese-{person.pk}-{conference.held_on:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
