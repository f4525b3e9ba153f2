"""Pages of a pathway's goals: adding one, changing one (its status included)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from relais.core.models import JournalAction
from relais.pathways import goals as services
from relais.pathways.models import Goal, Pathway, PathwayStatus
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


@organisation_required
@once_per_submission
def goal_create(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person, pathway = person_and_pathway(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return closed_redirect(request, person, pathway)
    form = forms.GoalForm(request.POST or None, pathway=pathway)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services.goal_create(pathway=pathway, actor=request.user, **form.cleaned_data),
        )
        if saved.ok:
            goal = saved.result
            journal_with_person(request, JournalAction.CREATE, goal, person)
            message = "Objectif ajouté."
            if goal.smart_gaps:
                message += f" Il reste à préciser : {', '.join(goal.smart_gaps)}."
            messages.success(request, message)
            return redirect(detail_url(pathway, f"objectif-{goal.pk}"))
    journal_with_person(request, JournalAction.VIEW, pathway, person)
    return render(
        request, "pathways/goal_form.html", {**base_context(person, pathway), "form": form}
    )


def _goal(request: HttpRequest, person: Person, pathway: Pathway, goal_id: int) -> Goal:
    goal = Goal.objects.filter(pathway=pathway, pk=goal_id).first()
    if goal is None:
        raise not_found(request, person, "pathways.goal", goal_id)
    goal.pathway = pathway
    return goal


@organisation_required
def goal_update(request: HttpRequest, pk: int, pathway_id: int, goal_id: int) -> HttpResponse:
    person, pathway = person_and_pathway(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return closed_redirect(request, person, pathway)
    goal = _goal(request, person, pathway, goal_id)
    form = forms.GoalEditForm(
        request.POST or None,
        pathway=pathway,
        initial={
            "text": goal.text,
            "domain": goal.domain,
            "indicator": goal.indicator,
            "target": goal.target,
            "deadline": goal.deadline,
            "status": goal.status,
            "version": goal.version,
        },
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        saved = save_form(
            form,
            lambda: services.goal_update(
                goal=goal, actor=request.user, expected_version=version, **values
            ),
            reload=lambda: _goal(request, person, pathway, goal_id),
        )
        stale = saved.stale
        if saved.ok:
            journal_with_person(request, JournalAction.UPDATE, goal, person)
            messages.success(request, "Objectif enregistré.")
            return redirect(detail_url(pathway, f"objectif-{goal.pk}"))
    journal_with_person(request, JournalAction.VIEW, goal, person)
    return render(
        request,
        "pathways/goal_form.html",
        {**base_context(person, pathway), "form": form, "goal": goal, "stale": stale},
    )
