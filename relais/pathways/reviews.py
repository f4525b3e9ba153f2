"""Writes on a pathway's reviews (bilans).

Rule decided here (the issue left it open): recording a review sets the goals it marks
achieved or abandoned, and the pathway's next review date (default: review date + rhythm).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import User
from relais.core.errors import DomainError
from relais.core.text import clean_text
from relais.core.versioning import update_versioned
from relais.diagnostics.models import Diagnostic
from relais.pathways.checks import (
    add_months,
    check_date,
    check_not_future,
    format_date,
    locked_pathway,
    validate,
)
from relais.pathways.models import Goal, GoalResult, GoalReview, GoalStatus, Pathway, Review


@dataclass(frozen=True)
class GoalOutcome:
    result: str
    gap: str = ""


# The rules of a review's dates: the service applies them, the review form calls them too so
# that the user sees every problem at once.


def check_review_date(held_on: dt.date, pathway: Pathway) -> None:
    check_not_future(held_on, "held_on", "La date du bilan")
    if held_on < pathway.started_on:
        raise DomainError(
            f"Le bilan ne peut pas précéder le début du parcours ({format_date(pathway.started_on)}).",
            field="held_on",
        )


def check_next_review(next_review_on: dt.date, held_on: dt.date) -> None:
    if next_review_on <= held_on:
        raise DomainError(
            "Le prochain bilan doit avoir lieu après celui-ci.", field="next_review_on"
        )
    check_date(next_review_on, "next_review_on", "La date du prochain bilan")


@transaction.atomic
def review_record(
    *,
    pathway: Pathway,
    actor: User,
    held_on: dt.date,
    results: Mapping[int, GoalOutcome],
    adjustments: str = "",
    risks: str = "",
    success_factors: str = "",
    person_view: str = "",
    next_review_on: dt.date | None = None,
    diagnostic: Diagnostic | None = None,
) -> Review:
    """`results` maps each goal in progress (by id) to its result. Goals marked achieved
    or abandoned take that status; the pathway's next review is set."""
    current = locked_pathway(pathway, actor)
    if held_on is None:
        raise DomainError("Indiquez la date du bilan.", field="held_on")
    check_review_date(held_on, current)
    review = Review(
        pathway=current,
        held_on=held_on,
        author=actor,
        adjustments=clean_text(adjustments),
        risks=clean_text(risks),
        success_factors=clean_text(success_factors),
        person_view=clean_text(person_view),
        diagnostic=diagnostic,
        next_review_on=next_review_on or add_months(held_on, current.review_every_months),
    )
    validate(review, ["adjustments", "risks", "success_factors", "person_view"])
    check_next_review(review.next_review_on, held_on)
    if diagnostic is not None and diagnostic.person_id != current.person_id:
        raise DomainError("Ce diagnostic ne concerne pas cette personne.", field="diagnostic")

    goals = list(
        Goal.objects.select_for_update()
        .filter(pathway=current, status=GoalStatus.IN_PROGRESS)
        .order_by("pk")
    )
    known = {g.pk for g in goals}
    unknown = set(results) - known
    if unknown:
        raise DomainError(
            "Un résultat porte sur un objectif qui n'est pas en cours dans ce parcours."
        )
    goal_reviews = []
    for goal in goals:
        outcome = results.get(goal.pk)
        if outcome is None or outcome.result not in GoalResult.values:
            raise DomainError(
                f"Indiquez le résultat de l'objectif « {goal.text} ».", field=f"result_{goal.pk}"
            )
        gap = clean_text(outcome.gap)
        item = GoalReview(goal=goal, result=outcome.result, gap=gap)
        try:
            validate(item, ["gap"])
        except DomainError as error:
            raise DomainError(error.message, field=f"gap_{goal.pk}") from error
        goal_reviews.append(item)

    review.save()
    for item in goal_reviews:
        item.review = review
    GoalReview.objects.bulk_create(goal_reviews)
    new_status = {
        GoalResult.ACHIEVED: GoalStatus.ACHIEVED,
        GoalResult.ABANDONED: GoalStatus.ABANDONED,
    }
    for goal, item in zip(goals, goal_reviews, strict=True):
        if item.result in new_status:
            update_versioned(
                goal,
                expected_version=goal.version,
                actor=actor,
                changes={"status": new_status[item.result]},
            )
    Pathway.objects.filter(pk=current.pk).update(
        next_review_on=review.next_review_on, updated_at=timezone.now()
    )
    return review


# --- The printable review ----------------------------------------------------------------------


def printable(review: Review) -> dict:
    """What the review's PDF shows (to give to the person or sign with them): the results of
    the goals, the analysis and the person's view, the next review. `review` comes with its
    pathway (person, organisation, referent), author and goal reviews."""
    from relais.diagnostics.printing import born_word

    pathway = review.pathway
    person = pathway.person
    author = review.author
    referent = pathway.referent
    return {
        "review": review,
        "pathway": pathway,
        "person_name": person.display_name,
        "born": born_word(person.sex),
        "birth_date": person.birth_date,
        "organisation": pathway.organisation.name,
        "scheme": pathway.get_scheme_display(),
        "author_name": author.get_full_name() or author.email,
        "referent_name": referent.get_full_name() or referent.email,
        "goal_reviews": [
            {"goal": gr.goal.text, "result": gr.get_result_display(), "gap": gr.gap}
            for gr in review.goal_reviews.all()
        ],
        "printed_on": timezone.localdate(),
        "title": f"Bilan du {review.held_on:%d/%m/%Y} — {person.display_name}",
    }


def render_pdf(review: Review) -> bytes:
    from relais.core import pdf

    return pdf.render_pdf("pathways/review_pdf.html", printable(review))
