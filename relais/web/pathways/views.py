"""Pathway pages: the pathway itself (its page, opening it, changing it) and its exit, which
closes it. What hangs from a pathway has its own module: goals, steps, contract, reviews;
what they share (finding the pathway, journaling, the closed-pathway redirect) is in
`common`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from relais.core import journal
from relais.core.models import JournalAction
from relais.network.referrals.models import Referral
from relais.network.referrals.policies import can_send as can_refer
from relais.pathways import closing, selectors, services
from relais.pathways.models import (
    Goal,
    GoalStatus,
    PathwayStatus,
    Step,
    StepKind,
    StepOwner,
    StepStatus,
)
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
from relais.web.pathways.cosignatures import attach_online_signatures
from relais.web.people.access import get_person
from relais.web.submissions import once_per_submission


@organisation_required
def pathway_detail(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    pathway = selectors.pathway_of(person, pathway_id)
    if pathway is None:
        raise not_found(request, person, "pathways.pathway", pathway_id)
    journal_with_person(request, JournalAction.VIEW, pathway, person)
    plan = selectors.plan_of(pathway)
    contracts = list(pathway.contracts.all())
    attach_online_signatures(contracts)
    reviews = list(pathway.reviews.all())
    # Planned steps carried out by a partner may be sent as a referral from here: that step
    # is used rather than a second one added (steps already carrying a referral are not).
    referable = []
    if pathway.status == PathwayStatus.ACTIVE and can_refer(request.membership, person):
        carried = set(
            Referral.objects.filter(pathway=pathway)
            .exclude(step=None)
            .values_list("step_id", flat=True)
        )
        referable = [
            row.step.pk
            for block in plan.blocks
            for row in block.steps
            if row.step.status in (StepStatus.PLANNED, StepStatus.ON_HOLD)
            and (row.step.kind == StepKind.REFERRAL or row.step.owner == StepOwner.PARTNER)
            and row.step.pk not in carried
        ]
    return render(
        request,
        "pathways/detail.html",
        {
            **base_context(person, pathway),
            "plan": plan,
            "contracts": contracts,
            "reviews": reviews,
            "referable_steps": referable,
            "referral_create_url": reverse("referrals:create"),
        },
    )


@organisation_required
@once_per_submission
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
    open_referrals = closing.open_referrals(pathway)
    open_goals = list(
        Goal.objects.filter(pathway=pathway, status=GoalStatus.IN_PROGRESS).order_by(
            "deadline", "pk"
        )
    )
    form = forms.ExitForm(
        request.POST or None,
        steps_in_progress=len(in_progress),
        goals=open_goals,
        pathway=pathway,
        initial={
            "version": pathway.version,
            # A category proposed by another page (a placement's outcome), still to confirm.
            "category": request.GET.get("categorie", "")[:25],
        },
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
                goal_outcomes=form.goal_outcomes(),
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
            if outcome.cancelled_referrals:
                message += (
                    f" {len(outcome.cancelled_referrals)} orientation(s) annulée(s) : "
                    "les partenaires en ont été prévenus."
                )
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
            "open_referrals": open_referrals,
        },
    )
