"""Reviews (bilans) and exit: effects on goals, steps and the pathway; bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.core.errors import DomainError, StaleObjectError
from relais.pathways import goals, reviews, services
from relais.pathways.checks import add_months
from relais.pathways.contract import contract_generate
from relais.pathways.models import Exit, GoalReview, GoalStatus, Review
from relais.pathways.reviews import GoalOutcome
from tests.factories import DiagnosticFactory, GoalFactory, PersonFactory, StepFactory
from tests.pathways.pathway_helpers import days, make_pathway, today

pytestmark = pytest.mark.django_db


class TestReview:
    @pytest.fixture
    def pathway(self, referent):
        return make_pathway(referent, started_on=days(-120), review_every_months=3)

    def test_results_set_goal_statuses_and_next_review(self, pathway, referent):
        achieved = GoalFactory(pathway=pathway, text="Permis")
        partly = GoalFactory(pathway=pathway, text="Logement")
        dropped = GoalFactory(pathway=pathway, text="Formation")
        already = GoalFactory(pathway=pathway, text="Ancien", status="achieved")
        diagnostic = DiagnosticFactory(person=pathway.person)
        review = reviews.review_record(
            pathway=pathway,
            actor=referent,
            held_on=today(),
            results={
                achieved.pk: GoalOutcome("achieved"),
                partly.pk: GoalOutcome("partly", "  Dossier DALO en attente.  "),
                dropped.pk: GoalOutcome("abandoned", "Priorité au logement."),
            },
            adjustments="Nouvel objectif santé.",
            risks="Isolement",
            success_factors="Soutien familial",
            person_view="Contente du permis.",
            diagnostic=diagnostic,
        )
        assert review.next_review_on == add_months(today(), 3)
        assert review.diagnostic == diagnostic
        pathway.refresh_from_db()
        assert pathway.next_review_on == add_months(today(), 3)
        statuses = {g.pk: g.status for g in pathway.goals.all()}
        assert statuses == {
            achieved.pk: GoalStatus.ACHIEVED,
            partly.pk: GoalStatus.IN_PROGRESS,
            dropped.pk: GoalStatus.ABANDONED,
            already.pk: GoalStatus.ACHIEVED,
        }
        gaps = dict(GoalReview.objects.filter(review=review).values_list("goal_id", "gap"))
        assert gaps == {
            achieved.pk: "",
            partly.pk: "Dossier DALO en attente.",
            dropped.pk: "Priorité au logement.",
        }
        achieved.refresh_from_db()
        assert achieved.version == 2
        assert achieved.updated_by == referent

    def test_explicit_next_review(self, pathway, referent):
        review = reviews.review_record(
            pathway=pathway, actor=referent, held_on=today(), results={}, next_review_on=days(30)
        )
        assert review.next_review_on == days(30)

    def test_every_goal_in_progress_needs_a_result(self, pathway, referent):
        first = GoalFactory(pathway=pathway, text="Premier")
        second = GoalFactory(pathway=pathway, text="Second")
        with pytest.raises(DomainError) as error:
            reviews.review_record(
                pathway=pathway,
                actor=referent,
                held_on=today(),
                results={first.pk: GoalOutcome("partly")},
            )
        assert error.value.field == f"result_{second.pk}"
        assert "Second" in error.value.message
        assert not Review.objects.exists()

    def test_result_on_a_goal_not_in_progress(self, pathway, referent):
        other = GoalFactory(pathway=make_pathway(referent))
        with pytest.raises(DomainError, match="pas en cours"):
            reviews.review_record(
                pathway=pathway,
                actor=referent,
                held_on=today(),
                results={other.pk: GoalOutcome("achieved")},
            )

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"held_on": None}, "held_on"),
            ({"held_on": days(2)}, "held_on"),
            ({"held_on": days(-200)}, "held_on"),
            ({"next_review_on": days(-1)}, "next_review_on"),
            ({"next_review_on": dt.date(2300, 1, 1)}, "next_review_on"),
            ({"risks": "x" * 3001}, "risks"),
            ({"adjustments": "x" * 5001}, "adjustments"),
        ],
    )
    def test_bad_input(self, pathway, referent, kwargs, field):
        values = {"held_on": today(), "results": {}, **kwargs}
        with pytest.raises(DomainError) as error:
            reviews.review_record(pathway=pathway, actor=referent, **values)
        assert error.value.field == field

    def test_bad_result_and_long_gap(self, pathway, referent):
        goal = GoalFactory(pathway=pathway)
        for outcome, field in [
            (GoalOutcome("maybe"), f"result_{goal.pk}"),
            (GoalOutcome("partly", "x" * 2001), f"gap_{goal.pk}"),
        ]:
            with pytest.raises(DomainError) as error:
                reviews.review_record(
                    pathway=pathway, actor=referent, held_on=today(), results={goal.pk: outcome}
                )
            assert error.value.field == field

    def test_diagnostic_of_another_person(self, pathway, referent, organisation):
        other = DiagnosticFactory(person=PersonFactory(organisation=organisation))
        with pytest.raises(DomainError) as error:
            reviews.review_record(
                pathway=pathway, actor=referent, held_on=today(), results={}, diagnostic=other
            )
        assert error.value.field == "diagnostic"

    def test_goal_edited_during_the_review_is_not_lost(self, pathway, referent):
        """The review bumps the goal's version: a form opened before it is then stale."""
        goal = GoalFactory(pathway=pathway)
        seen = goal.version
        reviews.review_record(
            pathway=pathway,
            actor=referent,
            held_on=today(),
            results={goal.pk: GoalOutcome("achieved")},
        )
        with pytest.raises(StaleObjectError):
            goals.goal_update(goal=goal, actor=referent, expected_version=seen, text="Autre")


class TestExit:
    @pytest.fixture
    def pathway(self, referent):
        return make_pathway(referent, started_on=days(-200))

    def exit(self, pathway, referent, **kwargs):
        values = {
            "expected_version": pathway.version,
            "exited_on": today(),
            "category": "sustainable_employment",
            **kwargs,
        }
        return services.pathway_exit(pathway=pathway, actor=referent, **values)

    def test_exit_closes_and_cancels_open_steps(self, pathway, referent):
        planned = StepFactory(pathway=pathway, status="planned", outcome="À relancer.")
        on_hold = StepFactory(pathway=pathway, status="on_hold")
        done = StepFactory(pathway=pathway, status="done", done_on=today())
        outcome = self.exit(pathway, referent, comment="CDI chez Transdev.")
        assert outcome.exit.category == "sustainable_employment"
        assert outcome.exit.is_dynamic
        assert {s.pk for s in outcome.cancelled_steps} == {planned.pk, on_hold.pk}
        pathway.refresh_from_db()
        assert pathway.status == "closed"
        assert pathway.next_review_on is None
        planned.refresh_from_db()
        assert planned.status == "cancelled"
        assert planned.outcome.startswith("À relancer.\nAnnulée à la sortie du parcours le")
        done.refresh_from_db()
        assert done.status == "done"

    def test_steps_in_progress_need_confirmation(self, pathway, referent):
        StepFactory(pathway=pathway, status="in_progress", title="Formation CACES")
        with pytest.raises(DomainError) as error:
            self.exit(pathway, referent)
        assert error.value.field == "confirm_in_progress"
        assert "« Formation CACES »" in error.value.message
        assert not Exit.objects.exists()
        self.exit(pathway, referent, confirm_in_progress=True)
        assert pathway.steps.get().status == "cancelled"

    def test_closed_pathway_is_read_only_and_cannot_exit_twice(self, pathway, referent):
        self.exit(pathway, referent)
        pathway.refresh_from_db()
        with pytest.raises(DomainError, match="terminé"):
            self.exit(pathway, referent, expected_version=pathway.version)
        with pytest.raises(DomainError, match="terminé"):
            reviews.review_record(pathway=pathway, actor=referent, held_on=today(), results={})
        with pytest.raises(DomainError, match="terminé"):
            contract_generate(
                pathway=pathway,
                actor=referent,
                commitments_person="a",
                commitments_organisation="b",
            )

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"exited_on": None}, "exited_on"),
            ({"exited_on": days(1)}, "exited_on"),
            ({"exited_on": days(-300)}, "exited_on"),
            ({"category": "vanished"}, "category"),
            ({"comment": "x" * 3001}, "comment"),
        ],
    )
    def test_bad_input(self, pathway, referent, kwargs, field):
        with pytest.raises(DomainError) as error:
            self.exit(pathway, referent, **kwargs)
        assert error.value.field == field
        pathway.refresh_from_db()
        assert pathway.status == "active"

    def test_stale_pathway(self, pathway, referent):
        seen = pathway.version
        services.pathway_update(
            pathway=pathway,
            actor=referent,
            expected_version=seen,
            scheme="iae",
            referent=referent,
            started_on=pathway.started_on,
        )
        with pytest.raises(StaleObjectError):
            self.exit(pathway, referent, expected_version=seen)
