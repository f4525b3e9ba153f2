"""Pathways and SMART goals: creation, edition, rules, bad input, optimistic locking."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.pathways import goals, services
from relais.pathways.checks import add_months
from relais.pathways.models import GoalStatus, Pathway
from tests.factories import (
    GoalFactory,
    MembershipFactory,
    PersonFactory,
    ReviewFactory,
)
from tests.pathways.pathway_helpers import days, make_pathway, today

pytestmark = pytest.mark.django_db


class TestAddMonths:
    @pytest.mark.parametrize(
        ("start", "months", "expected"),
        [
            (dt.date(2025, 1, 15), 3, dt.date(2025, 4, 15)),
            (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
            (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
            (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)),
            (dt.date(2025, 12, 1), 12, dt.date(2026, 12, 1)),
        ],
    )
    def test_calendar_months(self, start, months, expected):
        assert add_months(start, months) == expected


class TestPathwayCreate:
    def test_next_review_is_start_plus_rhythm(self, referent, organisation):
        person = PersonFactory(organisation=organisation)
        pathway = services.pathway_create(
            person=person,
            actor=referent,
            scheme="plie",
            referent=referent,
            started_on=dt.date(2025, 1, 31),
        )
        assert pathway.review_every_months == 3
        assert pathway.next_review_on == dt.date(2025, 4, 30)
        assert pathway.organisation == organisation
        assert pathway.status == "active"
        assert pathway.updated_by == referent

    def test_several_pathways_per_person(self, referent, organisation):
        person = PersonFactory(organisation=organisation)
        for scheme in ("rsa", "iae"):
            services.pathway_create(
                person=person, actor=referent, scheme=scheme, referent=referent, started_on=today()
            )
        assert Pathway.objects.filter(person=person).count() == 2

    def test_other_scheme_needs_a_detail(self, referent, organisation):
        person = PersonFactory(organisation=organisation)
        with pytest.raises(DomainError) as error:
            services.pathway_create(
                person=person, actor=referent, scheme="other", referent=referent, started_on=today()
            )
        assert error.value.field == "scheme_detail"
        pathway = services.pathway_create(
            person=person,
            actor=referent,
            scheme="other",
            scheme_detail="  Garantie jeunes  ",
            referent=referent,
            started_on=today(),
        )
        assert pathway.scheme_detail == "Garantie jeunes"

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"scheme": "nope"}, "scheme"),
            ({"scheme_detail": "x" * 151}, "scheme_detail"),
            ({"review_every_months": 0}, "review_every_months"),
            ({"review_every_months": 25}, "review_every_months"),
            ({"started_on": days(400)}, "started_on"),
            ({"started_on": dt.date(202, 1, 1)}, "started_on"),
        ],
    )
    def test_bad_input(self, referent, organisation, kwargs, field):
        person = PersonFactory(organisation=organisation)
        values = {"scheme": "rsa", "referent": referent, "started_on": today(), **kwargs}
        with pytest.raises(DomainError) as error:
            services.pathway_create(person=person, actor=referent, **values)
        assert error.value.field == field
        assert not Pathway.objects.exists()

    def test_referent_must_be_an_active_member(self, referent, organisation):
        person = PersonFactory(organisation=organisation)
        outsider = MembershipFactory().user
        staff = MembershipFactory(organisation=organisation, role="staff").user
        gone = MembershipFactory(organisation=organisation, inactive=True).user
        for candidate in (outsider, staff, gone):
            with pytest.raises(DomainError) as error:
                services.pathway_create(
                    person=person,
                    actor=referent,
                    scheme="rsa",
                    referent=candidate,
                    started_on=today(),
                )
            assert error.value.field == "referent"

    def test_actor_needs_the_accompaniment_capability(self, referent, organisation):
        person = PersonFactory(organisation=organisation)
        staff = MembershipFactory(organisation=organisation, role="staff").user
        other = MembershipFactory().user
        for actor in (staff, other):
            with pytest.raises(PermissionDenied):
                services.pathway_create(
                    person=person, actor=actor, scheme="rsa", referent=referent, started_on=today()
                )


class TestPathwayUpdate:
    def test_update_and_recompute_next_review(self, referent):
        pathway = make_pathway(referent, started_on=dt.date(2025, 1, 10))
        updated = services.pathway_update(
            pathway=pathway,
            actor=referent,
            expected_version=pathway.version,
            scheme="cej",
            referent=referent,
            started_on=dt.date(2025, 1, 10),
            review_every_months=6,
        )
        assert updated.scheme == "cej"
        assert updated.version == pathway.version + 1
        assert updated.next_review_on == dt.date(2025, 7, 10)

    def test_rhythm_counts_from_the_last_review(self, referent):
        pathway = make_pathway(referent, started_on=dt.date(2025, 1, 10))
        ReviewFactory(pathway=pathway, held_on=dt.date(2025, 4, 2), author=referent)
        updated = services.pathway_update(
            pathway=pathway,
            actor=referent,
            expected_version=pathway.version,
            scheme="rsa",
            referent=referent,
            started_on=pathway.started_on,
            review_every_months=2,
        )
        assert updated.next_review_on == dt.date(2025, 6, 2)

    def test_unchanged_rhythm_keeps_next_review(self, referent):
        pathway = make_pathway(referent, next_review_on=days(5))
        updated = services.pathway_update(
            pathway=pathway,
            actor=referent,
            expected_version=pathway.version,
            scheme="plie",
            referent=referent,
            started_on=pathway.started_on,
            review_every_months=pathway.review_every_months,
        )
        assert updated.next_review_on == days(5)

    def test_stale_version_is_refused_naming_who(self, referent, organisation):
        colleague = MembershipFactory(
            organisation=organisation, user__first_name="Awa", user__last_name="Diallo"
        ).user
        pathway = make_pathway(referent)
        seen = pathway.version
        services.pathway_update(
            pathway=pathway,
            actor=colleague,
            expected_version=seen,
            scheme="plie",
            referent=referent,
            started_on=pathway.started_on,
        )
        with pytest.raises(StaleObjectError) as error:
            services.pathway_update(
                pathway=pathway,
                actor=referent,
                expected_version=seen,
                scheme="cej",
                referent=referent,
                started_on=pathway.started_on,
            )
        assert "Modifié entre-temps par Awa Diallo" in error.value.message
        pathway.refresh_from_db()
        assert pathway.scheme == "plie"


class TestGoals:
    def test_smart_goal(self, referent):
        pathway = make_pathway(referent)
        goal = goals.goal_create(
            pathway=pathway,
            actor=referent,
            text="Trouver un logement autonome",
            domain="housing",
            indicator="Bail signé",
            target="1 logement",
            deadline=days(120),
        )
        assert goal.smart_gaps == []
        assert goal.status == GoalStatus.IN_PROGRESS

    def test_goal_without_indicator_or_deadline_is_flagged_not_refused(self, referent):
        pathway = make_pathway(referent)
        goal = goals.goal_create(
            pathway=pathway, actor=referent, text="Reprendre confiance", target="Oui"
        )
        assert goal.smart_gaps == ["indicateur", "échéance"]

    def test_past_deadline_is_accepted_but_not_before_start(self, referent):
        pathway = make_pathway(referent, started_on=days(-100))
        goal = goals.goal_create(
            pathway=pathway, actor=referent, text="Ouvrir ses droits CSS", deadline=days(-10)
        )
        assert goal.deadline == days(-10)
        with pytest.raises(DomainError) as error:
            goals.goal_create(
                pathway=pathway, actor=referent, text="Ouvrir ses droits", deadline=days(-200)
            )
        assert error.value.field == "deadline"
        assert "début du parcours" in error.value.message

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"text": ""}, "text"),
            ({"text": "   "}, "text"),
            ({"text": "x" * 301}, "text"),
            ({"indicator": "x" * 201}, "indicator"),
            ({"target": "x" * 201}, "target"),
            ({"domain": "astrology"}, "domain"),
            ({"deadline": dt.date(3025, 1, 1)}, "deadline"),
        ],
    )
    def test_bad_input(self, referent, kwargs, field):
        pathway = make_pathway(referent)
        values = {"text": "Objectif", **kwargs}
        with pytest.raises(DomainError) as error:
            goals.goal_create(pathway=pathway, actor=referent, **values)
        assert error.value.field == field

    def test_too_long_text_message_is_french(self, referent):
        pathway = make_pathway(referent)
        with pytest.raises(DomainError) as error:
            goals.goal_create(pathway=pathway, actor=referent, text="x" * 10_000)
        assert "au plus 300 caractères" in error.value.message

    def test_update_status_and_fields(self, referent):
        goal = GoalFactory(pathway=make_pathway(referent))
        updated = goals.goal_update(
            goal=goal,
            actor=referent,
            expected_version=goal.version,
            text="Obtenir le code de la route",
            indicator="Examen du code",
            target="Réussi",
            deadline=goal.deadline,
            status=GoalStatus.ACHIEVED,
        )
        assert updated.status == GoalStatus.ACHIEVED
        assert updated.version == goal.version + 1
        assert updated.text == "Obtenir le code de la route"

    def test_goal_stale_version_keeps_the_first_save(self, referent, organisation):
        colleague = MembershipFactory(organisation=organisation).user
        goal = GoalFactory(pathway=make_pathway(referent))
        seen = goal.version
        goals.goal_update(goal=goal, actor=colleague, expected_version=seen, text="Première")
        with pytest.raises(StaleObjectError) as error:
            goals.goal_update(goal=goal, actor=referent, expected_version=seen, text="Seconde")
        assert "Modifié entre-temps par" in error.value.message
        goal.refresh_from_db()
        assert goal.text == "Première"

    def test_closed_pathway_is_read_only(self, referent):
        pathway = make_pathway(referent, status="closed")
        goal = GoalFactory(pathway=pathway)
        with pytest.raises(DomainError, match="terminé"):
            goals.goal_create(pathway=pathway, actor=referent, text="Nouveau")
        with pytest.raises(DomainError, match="terminé"):
            goals.goal_update(
                goal=goal, actor=referent, expected_version=goal.version, text="Changé"
            )
        with pytest.raises(DomainError, match="terminé"):
            services.pathway_update(
                pathway=pathway,
                actor=referent,
                expected_version=pathway.version,
                scheme="rsa",
                referent=referent,
                started_on=pathway.started_on,
            )
