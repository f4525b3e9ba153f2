"""Pages of a pathway's reviews (bilans): recording one, reading one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from relais.core.models import JournalAction
from relais.diagnostics.models import Diagnostic
from relais.pathways import reviews as services
from relais.pathways.models import Goal, GoalStatus, PathwayStatus, Review
from relais.people.policies import Capability
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
from relais.web.people.access import get_person
from relais.web.submissions import once_per_submission


@organisation_required
@once_per_submission
def review_create(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person, pathway = person_and_pathway(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return closed_redirect(request, person, pathway)
    goals = list(
        Goal.objects.filter(pathway=pathway, status=GoalStatus.IN_PROGRESS).order_by(
            "deadline", "pk"
        )
    )
    diagnostics = Diagnostic.objects.filter(person=person).order_by("-assessed_on", "-pk")
    form = forms.ReviewForm(
        request.POST or None,
        goals=goals,
        pathway=pathway,
        diagnostics=diagnostics,
        rhythm=pathway.review_every_months,
        initial={"diagnostic": diagnostics.first()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        results = {
            g.pk: services.GoalOutcome(data[f"result_{g.pk}"], data[f"gap_{g.pk}"]) for g in goals
        }
        saved = save_form(
            form,
            lambda: services.review_record(
                pathway=pathway,
                actor=request.user,
                held_on=data["held_on"],
                results=results,
                adjustments=data["adjustments"],
                risks=data["risks"],
                success_factors=data["success_factors"],
                person_view=data["person_view"],
                next_review_on=data["next_review_on"],
                diagnostic=data["diagnostic"],
            ),
        )
        if saved.ok:
            review = saved.result
            journal_with_person(request, JournalAction.CREATE, review, person)
            messages.success(
                request,
                f"Bilan du {review.held_on:%d/%m/%Y} enregistré. Prochain bilan le "
                f"{review.next_review_on:%d/%m/%Y}. Ajustez maintenant les objectifs et les "
                "étapes si besoin, puis renouvelez le contrat d'engagement.",
            )
            return redirect(detail_url(pathway, "objectifs"))
    journal_with_person(request, JournalAction.VIEW, pathway, person)
    # Diagnostics are listed in the form: they hang from the person, journaled above.
    return render(
        request,
        "pathways/review_form.html",
        {
            **base_context(person, pathway),
            "form": form,
            "goal_rows": form.goal_rows(),
        },
    )


@organisation_required
def review_detail(request: HttpRequest, pk: int, review_id: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    review = (
        Review.objects.filter(pathway__person=person, pk=review_id)
        .select_related("pathway__referent", "author", "diagnostic")
        .prefetch_related("goal_reviews__goal")
        .first()
    )
    if review is None:
        raise not_found(request, person, "pathways.review", review_id)
    journal_with_person(request, JournalAction.VIEW, review, person)
    return render(
        request,
        "pathways/review_detail.html",
        {
            **base_context(person, review.pathway),
            "review": review,
            "goal_reviews": list(review.goal_reviews.all()),
        },
    )


@organisation_required
def review_pdf(request: HttpRequest, pk: int, review_id: int) -> HttpResponse:
    """The printable review, to give to the person or to sign with them."""
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    review = (
        Review.objects.filter(pathway__person=person, pk=review_id)
        .select_related("pathway__referent", "pathway__organisation", "author")
        .prefetch_related("goal_reviews__goal")
        .first()
    )
    if review is None:
        raise not_found(request, person, "pathways.review", review_id)
    review.pathway.person = person
    document = services.render_pdf(review)
    journal_with_person(
        request, JournalAction.EXPORT, review, person, f"PDF du bilan du {review.held_on:%d/%m/%Y}"
    )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="bilan-{person.pk}-{review.held_on:%Y-%m-%d}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response
