"""Pages of a pathway's steps: adding one (with the redundancy warning of the network),
changing one, moving it along its workflow (`relais.pathways.steps.STEP_TRANSITIONS`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from relais.core.models import JournalAction
from relais.pathways import steps as services
from relais.pathways.models import Goal, GoalStatus, Pathway, PathwayStatus, Step, StepStatus
from relais.people.models import Person
from relais.web.forms_helpers import save_form
from relais.web.organisations.views import organisation_required
from relais.web.pathways import forms
from relais.web.pathways.common import (
    base_context,
    closed_redirect,
    detail_url,
    journal_with_person,
    not_found,
    person_and_pathway,
)
from relais.web.submissions import once_per_submission


def _step(request: HttpRequest, person: Person, pathway: Pathway, step_id: int) -> Step:
    step = Step.objects.filter(pathway=pathway, pk=step_id).select_related("goal").first()
    if step is None:
        raise not_found(request, person, "pathways.step", step_id)
    step.pathway = pathway
    return step


def _goals_for_steps(pathway: Pathway):
    return Goal.objects.filter(pathway=pathway).exclude(status=GoalStatus.ABANDONED)


@organisation_required
@once_per_submission
def step_create(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person, pathway = person_and_pathway(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return closed_redirect(request, person, pathway)
    goals = _goals_for_steps(pathway)
    wanted_goal = request.GET.get("objectif", "")
    initial = {"goal": wanted_goal} if wanted_goal.isdigit() else {}
    form = forms.StepForm(request.POST or None, goals=goals, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services.step_create(pathway=pathway, actor=request.user, **form.cleaned_data),
        )
        if saved.ok:
            step = saved.result
            journal_with_person(request, JournalAction.CREATE, step, person)
            messages.success(request, f"Étape « {step.title} » ajoutée.")
            from relais.network.referrals.redundancy import warn_step_added  # redundancy warnings

            warning = warn_step_added(step, organisation=request.organisation)
            if warning:
                messages.warning(request, warning)
            return redirect(detail_url(pathway, f"etape-{step.pk}"))
    journal_with_person(request, JournalAction.VIEW, pathway, person)
    return render(
        request, "pathways/step_form.html", {**base_context(person, pathway), "form": form}
    )


@organisation_required
def step_update(request: HttpRequest, pk: int, pathway_id: int, step_id: int) -> HttpResponse:
    person, pathway = person_and_pathway(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return closed_redirect(request, person, pathway)
    step = _step(request, person, pathway, step_id)
    goals = _goals_for_steps(pathway) | Goal.objects.filter(pk=step.goal_id)
    form = forms.StepEditForm(
        request.POST or None,
        goals=goals.distinct(),
        step=step,
        initial={
            "title": step.title,
            "kind": step.kind,
            "goal": step.goal_id,
            "owner": step.owner,
            "owner_name": step.owner_name,
            "planned_on": step.planned_on,
            "done_on": step.done_on,
            "outcome": step.outcome,
            "version": step.version,
        },
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        saved = save_form(
            form,
            lambda: services.step_update(
                step=step, actor=request.user, expected_version=version, **values
            ),
            reload=lambda: _step(request, person, pathway, step_id),
        )
        stale = saved.stale
        if saved.ok:
            journal_with_person(request, JournalAction.UPDATE, step, person)
            messages.success(request, f"Étape « {values['title'].strip()} » enregistrée.")
            return redirect(detail_url(pathway, f"etape-{step.pk}"))
    journal_with_person(request, JournalAction.VIEW, step, person)
    return render(
        request,
        "pathways/step_form.html",
        {**base_context(person, pathway), "form": form, "step": step, "stale": stale},
    )


@organisation_required
def step_status(request: HttpRequest, pk: int, pathway_id: int, step_id: int) -> HttpResponse:
    person, pathway = person_and_pathway(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return closed_redirect(request, person, pathway)
    step = _step(request, person, pathway, step_id)
    allowed = services.allowed_step_transitions(step.status)
    wanted = request.GET.get("statut", "")
    form = forms.StepStatusForm(
        request.POST or None,
        allowed=allowed,
        initial={
            "status": wanted if wanted in allowed else None,
            "done_on": step.done_on or timezone.localdate(),
            "outcome": step.outcome,
            "version": step.version,
        },
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        previous = StepStatus(step.status).label.lower()
        saved = save_form(
            form,
            lambda: services.step_change_status(
                step=step,
                actor=request.user,
                expected_version=values["version"],
                status=values["status"],
                done_on=values["done_on"],
                outcome=values["outcome"],
            ),
            reload=lambda: _step(request, person, pathway, step_id),
        )
        stale = saved.stale
        if stale is not None:
            form.fields["status"].choices = [
                (s, StepStatus(s).label) for s in services.allowed_step_transitions(stale.status)
            ]
        if saved.ok:
            changed = saved.result
            label = StepStatus(changed.status).label.lower()
            journal_with_person(
                request, JournalAction.UPDATE, changed, person, f"statut : {previous} → {label}"
            )
            messages.success(request, f"Étape « {changed.title} » : {label}.")
            return redirect(detail_url(pathway, f"etape-{step.pk}"))
    journal_with_person(request, JournalAction.VIEW, step, person)
    return render(
        request,
        "pathways/step_status.html",
        {**base_context(person, pathway), "form": form, "step": stale or step, "stale": stale},
    )
