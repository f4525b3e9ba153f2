"""Pages of workshops and training sequences: the list, the design, sessions, enrolling
persons from caseloads, the attendance sheet (PDF to sign, then recorded) and evaluations.

Participants are personal data: the pages that name them are for the roles that accompany
(`policies.can_see_participants`) and are journaled (a `list` entry covering the rows, an
`export` for the printed sheet)."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.core.submissions import new_token, submit_once
from relais.employment.vocabulary import ability_label
from relais.pathways.models import Pathway
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.projects import policies
from relais.projects import workshop_changes as changes
from relais.projects import workshops as services
from relais.projects.models import Attendance, AttendanceStatus, Enrolment, Session, Workshop
from relais.projects.selectors import group_needs, workshops_of
from relais.web.forms_helpers import apply_domain_error, save_form
from relais.web.organisations.views import organisation_required
from relais.web.projects import forms
from relais.web.projects.common import get_workshop
from relais.web.projects.forms_changes import WithdrawForm, WorkshopEditForm
from relais.web.submissions import once_per_submission

PAGE_SIZE = 30
CANDIDATES = 200


def journal_participants(
    request: HttpRequest,
    workshop: Workshop,
    enrolments: list,
    summary: str,
    extra: list | None = None,
) -> None:
    if not enrolments and not extra:
        return
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="projects.enrolment",
        organisation=workshop.organisation_id,
        summary=summary,
        also_covers=[*enrolments, *(e.person for e in enrolments), *(extra or [])],
    )


def required_abilities(workshop: Workshop) -> list[str]:
    return [ability_label(code) for code in workshop.required_abilities]


@organisation_required
def workshop_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(workshops_of(request.organisation.pk), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "projects/workshop_list.html",
        {"page": page, "can_write": policies.can_write(request.membership)},
    )


@organisation_required
@once_per_submission
def workshop_create(request: HttpRequest) -> HttpResponse:
    if not policies.can_write(request.membership):
        raise PermissionDenied
    initial = {"submission": new_token()}
    wanted = request.GET.get("projet", "")
    if wanted.isdigit():
        initial["project"] = int(wanted)
    form = forms.WorkshopForm(
        request.POST or None, organisation_id=request.organisation.pk, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        token = values.pop("submission")
        saved = save_form(
            form,
            lambda: submit_once(
                token=token,
                actor=request.user,
                model=Workshop,
                create=lambda: services.workshop_create(
                    organisation=request.organisation, actor=request.user, **values
                ),
            )[0],
        )
        if saved.ok:
            messages.success(request, "Atelier conçu. Programmez maintenant ses séances.")
            return redirect("projects:workshop_detail", workshop_id=saved.result.pk)
    return render(
        request, "projects/workshop_form.html", {"form": form, "workshop": None, "stale": None}
    )


@organisation_required
def workshop_detail(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = get_workshop(request, workshop_id)
    sessions = list(
        Session.objects.filter(workshop=workshop)
        .select_related("facilitator")
        .order_by("starts_at", "id")
    )
    sees = policies.can_see_participants(request.membership, workshop)
    enrolments, rows, needs, withdrawn = [], [], None, []
    if sees:
        everyone = list(
            Enrolment.objects.filter(workshop=workshop)
            .select_related("person", "withdrawn_by")
            .order_by("person__birth_name", "person__first_names", "id")
        )
        enrolments = [e for e in everyone if not e.is_withdrawn]
        withdrawn = [e for e in everyone if e.is_withdrawn]
        enrolled = len(enrolments)
        marks = {}
        for a in Attendance.objects.filter(session__workshop=workshop).values(
            "enrolment_id", "session_id", "status"
        ):
            marks[(a["enrolment_id"], a["session_id"])] = a["status"]
        labels = dict(AttendanceStatus.choices)
        for e in enrolments:
            cells = [labels.get(marks.get((e.pk, s.pk)), "—") for s in sessions]
            rows.append((e, cells))
        needs = group_needs(workshop)
        journal_participants(
            request,
            workshop,
            everyone,
            f"atelier n° {workshop.pk} : {len(enrolments)} participants"
            + (f", {len(withdrawn)} désinscrits" if withdrawn else ""),
        )
    else:
        enrolled = services.enrolled_count(workshop)
    now = timezone.now()
    return render(
        request,
        "projects/workshop_detail.html",
        {
            "workshop": workshop,
            "sessions": sessions,
            "upcoming": [s for s in sessions if s.starts_at >= now and not s.is_cancelled],
            "started": {s.pk for s in sessions if s.starts_at <= now},
            "sees": sees,
            "can_write": policies.can_write(request.membership, workshop),
            "rows": rows,
            "withdrawn": withdrawn,
            "enrolled": enrolled,
            "needs": needs,
            "required": required_abilities(workshop),
            "evaluation_form": forms.FacilitatorEvaluationForm(
                initial={
                    "facilitator_evaluation": workshop.facilitator_evaluation,
                    "version": workshop.version,
                }
            ),
        },
    )


@organisation_required
def workshop_requirements(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The abilities the sequence requires: shown on the workshop page, changed here (the
    form comes back with its input and the error, or the other person's change)."""
    workshop = get_workshop(request, workshop_id, write=True)
    form = forms.RequirementsForm(
        request.POST or None,
        initial={
            "required_abilities": workshop.required_abilities,
            "required_level": workshop.required_level,
            "version": workshop.version,
        },
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        saved = save_form(
            form,
            lambda: services.workshop_require(
                workshop=workshop, actor=request.user, expected_version=version, **values
            ),
            reload=lambda: Workshop.objects.select_related("updated_by").get(pk=workshop.pk),
        )
        stale = saved.stale
        if saved.ok:
            messages.success(request, "Habiletés requises enregistrées.")
            return redirect(
                reverse("projects:workshop_detail", args=[workshop.pk]) + "#besoins-groupe"
            )
    return render(
        request,
        "projects/workshop_requirements.html",
        {"workshop": workshop, "form": form, "stale": stale},
    )


class EnrolForm(django_forms.Form):
    persons = django_forms.ModelMultipleChoiceField(
        label="Personnes à inscrire",
        queryset=Person.objects.none(),
        widget=django_forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choisissez au moins une personne.",
            "invalid_choice": "Une personne choisie n'est plus dans la liste.",
        },
    )
    consent_confirmed = django_forms.BooleanField(
        label="Chaque personne choisie a donné son accord pour participer à cet atelier (l'atelier devient une étape de son parcours).",
        required=False,
    )


def _candidates(request: HttpRequest, workshop: Workshop, search: str, mine: bool):
    persons = (
        Person.objects.visible_to(request.membership)
        .filter(organisation_id=workshop.organisation_id, pathways__in=Pathway.objects.active())
        .exclude(workshop_enrolments__in=Enrolment.objects.active().filter(workshop=workshop))
        .distinct()
    )
    if mine:
        persons = persons.filter(referent=request.user)
    for term in search.split()[:4]:
        persons = persons.filter(
            Q(birth_name__icontains=term)
            | Q(usage_name__icontains=term)
            | Q(first_names__icontains=term)
        )
    return persons.order_by("birth_name", "first_names", "id")


@organisation_required
def enrol(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = get_workshop(request, workshop_id, write=True)
    search = (request.GET.get("q") or "").strip()[:100]
    mine = request.GET.get("perimetre", "mine") != "all"
    candidates = _candidates(request, workshop, search, mine)
    form = EnrolForm(request.POST or None)
    form.fields["persons"].queryset = (
        _candidates(request, workshop, "", False) if request.method == "POST" else candidates
    )
    preview = request.method == "POST" and "apercu" in request.POST
    if request.method == "POST" and form.is_valid() and not preview:
        chosen = list(form.cleaned_data["persons"])
        if not form.cleaned_data["consent_confirmed"]:
            form.add_error(
                "consent_confirmed",
                "Confirmez que chaque personne a donné son accord pour participer à l'atelier.",
            )
        else:
            try:
                enrolments = services.enrol(
                    workshop=workshop, actor=request.user, persons=chosen, consent_confirmed=True
                )
                for e in enrolments:
                    journal.record_request(
                        request,
                        JournalAction.CREATE,
                        e,
                        summary=f"inscription à l'atelier n° {workshop.pk}",
                        also_covers=[e.person],
                    )
                messages.success(
                    request,
                    f"{len(enrolments)} personne{'s' if len(enrolments) > 1 else ''} inscrite{'s' if len(enrolments) > 1 else ''} ; une étape « Atelier » a été ajoutée à leur parcours.",
                )
                return redirect("projects:workshop_detail", workshop_id=workshop.pk)
            except DomainError as error:
                apply_domain_error(form, error)
    shown = list(candidates[:CANDIDATES])
    posted = (
        list(form.cleaned_data.get("persons", []))
        if form.is_bound and hasattr(form, "cleaned_data")
        else []
    )
    if shown or posted:
        journal.record_request(
            request,
            JournalAction.LIST,
            target_type="people.person",
            organisation=workshop.organisation_id,
            summary=f"personnes à inscrire à l'atelier n° {workshop.pk} ({len(shown)})",
            also_covers=[*shown, *posted],
        )
    chosen_ids = {
        str(v) for v in (request.POST.getlist("persons") if request.method == "POST" else [])
    }
    # The group's needs before enrolling: the persons enrolled, with those chosen (valid
    # choices only: the form's own list of candidates).
    needs = group_needs(workshop, adding=[p.pk for p in posted])
    return render(
        request,
        "projects/enrol.html",
        {
            "workshop": workshop,
            "needs": needs,
            "with_chosen": bool(posted),
            "required": required_abilities(workshop),
            "form": form,
            "candidates": shown,
            "more": len(shown) == CANDIDATES,
            "search": search,
            "mine": mine,
            "chosen": chosen_ids,
        },
    )


@organisation_required
def enrolment_evaluation(request: HttpRequest, workshop_id: int, enrolment_id: int) -> HttpResponse:
    workshop = get_workshop(request, workshop_id, write=True)
    enrolment = (
        Enrolment.objects.filter(workshop=workshop, pk=enrolment_id)
        .select_related("person")
        .first()
    )
    if enrolment is None:
        raise Http404
    enrolment.workshop = workshop
    form = forms.EvaluationForm(
        request.POST or None,
        initial={"rating": enrolment.rating, "evaluation": enrolment.evaluation},
    )
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services.enrolment_evaluate(
                enrolment=enrolment, actor=request.user, **form.cleaned_data
            ),
        )
        if saved.ok:
            journal.record_request(
                request,
                JournalAction.UPDATE,
                enrolment,
                summary="évaluation de l'atelier par le participant",
                also_covers=[enrolment.person],
            )
            messages.success(request, "Évaluation enregistrée.")
            return redirect(
                reverse("projects:workshop_detail", args=[workshop.pk]) + "#participants"
            )
    journal.record_request(request, JournalAction.VIEW, enrolment, also_covers=[enrolment.person])
    return render(
        request,
        "projects/evaluation_form.html",
        {"workshop": workshop, "enrolment": enrolment, "form": form},
    )


@require_POST
@organisation_required
def facilitator_evaluation(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = get_workshop(request, workshop_id, write=True)
    form = forms.FacilitatorEvaluationForm(request.POST)
    if form.is_valid():
        try:
            services.workshop_evaluate(
                workshop=workshop,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                facilitator_evaluation=form.cleaned_data["facilitator_evaluation"],
            )
            messages.success(request, "Évaluation de l'animation enregistrée.")
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, "Écrivez l'évaluation de l'animation.")
    return redirect(reverse("projects:workshop_detail", args=[workshop.pk]) + "#evaluation")


DESIGN_FIELDS = (
    "title",
    "project",
    "objectives",
    "content",
    "duration_hours",
    "methods",
    "materials",
    "evaluation",
)


@organisation_required
def workshop_update(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The design of the sequence, edited against its version: a colleague's save in
    between is shown, the user's input kept."""
    workshop = get_workshop(request, workshop_id, write=True)
    form = WorkshopEditForm(
        request.POST or None,
        organisation_id=workshop.organisation_id,
        initial={
            **{f: getattr(workshop, f) for f in DESIGN_FIELDS if f != "project"},
            "project": workshop.project_id,
            "version": workshop.version,
        },
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        saved = save_form(
            form,
            lambda: changes.workshop_update(
                workshop=workshop, actor=request.user, expected_version=version, **values
            ),
            reload=lambda: Workshop.objects.select_related("updated_by").get(pk=workshop.pk),
        )
        stale = saved.stale
        if saved.ok:
            messages.success(request, "Conception de l'atelier enregistrée.")
            return redirect("projects:workshop_detail", workshop_id=workshop.pk)
    return render(
        request,
        "projects/workshop_form.html",
        {"form": form, "workshop": workshop, "stale": stale},
    )


@organisation_required
def enrolment_withdraw(request: HttpRequest, workshop_id: int, enrolment_id: int) -> HttpResponse:
    """A person leaves the sequence: a page asking for the reason, then the withdrawal (kept
    in the workshop's history, the seat freed, the step of their pathway abandoned)."""
    workshop = get_workshop(request, workshop_id, write=True)
    enrolment = (
        Enrolment.objects.filter(workshop=workshop, pk=enrolment_id)
        .select_related("person")
        .first()
    )
    if enrolment is None:
        raise Http404
    if not can(request.membership, Capability.ACCOMPANIMENT, enrolment.person):
        raise PermissionDenied
    back = reverse("projects:workshop_detail", args=[workshop.pk]) + "#participants"
    if enrolment.is_withdrawn:  # e.g. the form sent twice
        journal.record_request(
            request, JournalAction.VIEW, enrolment, also_covers=[enrolment.person]
        )
        messages.info(request, "Cette personne est déjà désinscrite de l'atelier.")
        return redirect(back)
    enrolment.workshop = workshop
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: changes.enrolment_withdraw(
                enrolment=enrolment, actor=request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if saved.ok:
            journal.record_request(
                request,
                JournalAction.UPDATE,
                enrolment,
                summary=f"désinscription de l'atelier n° {workshop.pk}",
                also_covers=[enrolment.person],
            )
            messages.success(
                request,
                f"{enrolment.person.display_name} est désinscrit·e de l'atelier ; sa place est "
                "libérée et l'étape « Atelier » de son parcours est abandonnée.",
            )
            return redirect(back)
    journal.record_request(request, JournalAction.VIEW, enrolment, also_covers=[enrolment.person])
    return render(
        request,
        "projects/enrolment_withdraw.html",
        {"workshop": workshop, "enrolment": enrolment, "form": form},
    )
