"""Pathway pages: the pathway itself (its page, opening it, changing it) and its exit, which
closes it. What hangs from a pathway has its own module: goals, steps, contract, reviews;
what they share (finding the pathway, journaling, the closed-pathway redirect) is in
`common`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from relais.core import journal
from relais.core.models import JournalAction
from relais.pathways import selectors, services
from relais.pathways.models import PathwayStatus, Step, StepStatus
from relais.people.policies import Capability
from relais.web.forms_helpers import save_form
from relais.web.organisations.views import organisation_required
from relais.web.pathways import forms
from relais.web.pathways.common import (
    base_context,
    closed_redirect,
    detail_url,
    find_pathway,
    journal_with_person,
    not_found,
    person_and_pathway,
)
from relais.web.people.access import get_person


@organisation_required
def pathway_detail(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    pathway = selectors.pathway_of(person, pathway_id)
    if pathway is None:
        raise not_found(request, person, "pathways.pathway", pathway_id)
    journal_with_person(request, JournalAction.VIEW, pathway, person)
    plan = selectors.plan_of(pathway)
    reviews = list(pathway.reviews.all())
    return render(
        request,
        "pathways/detail.html",
        {
            **base_context(person, pathway),
            "plan": plan,
            "contracts": list(pathway.contracts.all()),
            "reviews": reviews,
        },
    )


@organisation_required
def pathway_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    referents = selectors.eligible_referents(person.organisation_id)
    default_referent = (
        request.user if referents.filter(pk=request.user.pk).exists() else person.referent
    )
    form = forms.PathwayForm(
        request.POST or None,
        referents=referents,
        person=person,
        initial={"referent": default_referent, "started_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services.pathway_create(person=person, actor=request.user, **form.cleaned_data),
        )
        if saved.ok:
            pathway = saved.result
            journal_with_person(request, JournalAction.CREATE, pathway, person)
            messages.success(
                request,
                f"Parcours créé. Premier bilan prévu le {pathway.next_review_on:%d/%m/%Y}. "
                "Ajoutez maintenant les objectifs convenus avec la personne.",
            )
            return redirect(detail_url(pathway))
    journal.record_request(request, JournalAction.VIEW, person, summary="nouveau parcours")
    return render(request, "pathways/pathway_form.html", {**base_context(person), "form": form})


@organisation_required
def pathway_update(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person, pathway = person_and_pathway(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return closed_redirect(request, person, pathway)
    referents = selectors.eligible_referents(person.organisation_id)
    form = forms.PathwayEditForm(
        request.POST or None,
        referents=referents,
        person=person,
        initial={
            "scheme": pathway.scheme,
            "scheme_detail": pathway.scheme_detail,
            "referent": pathway.referent,
            "started_on": pathway.started_on,
            "review_every_months": pathway.review_every_months,
            "version": pathway.version,
        },
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        saved = save_form(
            form,
            lambda: services.pathway_update(
                pathway=pathway, actor=request.user, expected_version=version, **values
            ),
            reload=lambda: find_pathway(request, person, pathway_id),
        )
        stale = saved.stale
        if saved.ok:
            journal_with_person(request, JournalAction.UPDATE, pathway, person)
            messages.success(request, "Parcours enregistré.")
            return redirect(detail_url(pathway))
    journal_with_person(request, JournalAction.VIEW, pathway, person)
    return render(
        request,
        "pathways/pathway_form.html",
        {**base_context(person, pathway), "form": form, "stale": stale},
    )


# --- Exit ----------------------------------------------------------------------------------


@organisation_required
def pathway_exit(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person, pathway = person_and_pathway(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return closed_redirect(request, person, pathway)
    open_steps = list(
        Step.objects.filter(
            pathway=pathway,
            status__in=(StepStatus.PLANNED, StepStatus.IN_PROGRESS, StepStatus.ON_HOLD),
        ).order_by("planned_on", "pk")
    )
    in_progress = [s for s in open_steps if s.status == StepStatus.IN_PROGRESS]
    form = forms.ExitForm(
        request.POST or None,
        steps_in_progress=len(in_progress),
        pathway=pathway,
        initial={"version": pathway.version},
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        saved = save_form(
            form,
            lambda: services.pathway_exit(
                pathway=pathway,
                actor=request.user,
                expected_version=values["version"],
                exited_on=values["exited_on"],
                category=values["category"],
                comment=values["comment"],
                confirm_in_progress=values.get("confirm_in_progress", False),
            ),
            reload=lambda: find_pathway(request, person, pathway_id),
        )
        if saved.ok:
            outcome = saved.result
            journal_with_person(
                request,
                JournalAction.UPDATE,
                pathway,
                person,
                f"sortie : {outcome.exit.get_category_display()}",
            )
            message = "Sortie enregistrée : le parcours est terminé."
            if outcome.cancelled_steps:
                message += f" {len(outcome.cancelled_steps)} étape(s) non réalisée(s) annulée(s)."
            messages.success(request, message)
            return redirect(detail_url(pathway))
    journal_with_person(request, JournalAction.VIEW, pathway, person)
    return render(
        request,
        "pathways/exit_form.html",
        {
            **base_context(person, pathway),
            "form": form,
            "open_steps": open_steps,
            "in_progress": in_progress,
        },
    )
