"""Engagement contract: snapshot, hash, versions, signature, immutability, renewal, PDF."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from relais.core.errors import DomainError
from relais.pathways import contract as contract_terms
from relais.pathways import goals, selectors, steps
from relais.pathways.contract import contract_generate, contract_sign, default_commitments
from relais.pathways.models import Contract
from relais.pathways.selectors import ContractState
from tests.factories import GoalFactory, PersonFactory, StepFactory
from tests.pathways.pathway_helpers import days, make_pathway, today
from tests.pdfs import pdf_title

pytestmark = pytest.mark.django_db


def generate(pathway, actor, **kwargs):
    values = {"commitments_person": "Venir.", "commitments_organisation": "Accompagner."}
    values.update(kwargs)
    return contract_generate(pathway=pathway, actor=actor, **values)


def sign(contract, actor, **kwargs):
    values = {"signed_on": today(), "signature_mode": "handwritten", **kwargs}
    return contract_sign(contract=contract, actor=actor, **values)


def fresh(pathway):
    return selectors.pathway_of(pathway.person, pathway.pk)


@pytest.fixture
def pathway(referent):
    pathway = make_pathway(referent)
    goal = GoalFactory(pathway=pathway, text="Obtenir le permis B")
    StepFactory(pathway=pathway, goal=goal, title="Code de la route", owner="person")
    StepFactory(pathway=pathway, title="Rendez-vous CAF", owner="partner", owner_name="CAF")
    return pathway


class TestGenerate:
    def test_snapshot_and_hash(self, pathway, referent):
        contract = generate(pathway, referent)
        assert contract.number == 1
        assert [g["text"] for g in contract.content["goals"]] == ["Obtenir le permis B"]
        assert [s["title"] for s in contract.content["steps"]] == [
            "Code de la route",
            "Rendez-vous CAF",
        ]
        terms = {"goals": contract.content["goals"], "steps": contract.content["steps"]}
        canonical = json.dumps(terms, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert contract.content_hash == hashlib.sha256(canonical.encode()).hexdigest()
        parties = contract.content["parties"]
        assert parties["person_name"] == pathway.person.display_name
        assert parties["referent_name"] == str(referent)
        assert contract.generated_by == referent
        assert contract.signed_on is None

    def test_numbers_follow(self, pathway, referent):
        assert [generate(pathway, referent).number for _ in range(3)] == [1, 2, 3]

    def test_dropped_goals_and_steps_are_left_out(self, pathway, referent):
        GoalFactory(pathway=pathway, text="Abandonné", status="abandoned")
        StepFactory(pathway=pathway, title="Annulée", status="cancelled")
        StepFactory(pathway=pathway, title="Faite", status="done", done_on=today())
        contract = generate(pathway, referent)
        assert "Abandonné" not in [g["text"] for g in contract.content["goals"]]
        titles = [s["title"] for s in contract.content["steps"]]
        assert "Annulée" not in titles
        assert "Faite" in titles

    def test_needs_a_goal_and_commitments(self, referent):
        empty = make_pathway(referent)
        with pytest.raises(DomainError, match="au moins un objectif"):
            generate(empty, referent)
        goal_only = make_pathway(referent)
        GoalFactory(pathway=goal_only)
        with pytest.raises(DomainError) as error:
            generate(goal_only, referent, commitments_person="  ")
        assert error.value.field == "commitments_person"
        with pytest.raises(DomainError) as error:
            generate(goal_only, referent, commitments_organisation="x" * 3001)
        assert error.value.field == "commitments_organisation"

    def test_default_commitments(self, pathway, referent):
        person_text, organisation_text = default_commitments(pathway)
        assert "rendez-vous" in person_text
        assert "référent de parcours unique" in organisation_text
        generate(pathway, referent, commitments_person="Mes engagements à moi.")
        assert default_commitments(pathway)[0] == "Mes engagements à moi."


class TestSign:
    def test_sign_latest_version(self, pathway, referent):
        contract = sign(generate(pathway, referent), referent, signature_mode="electronic")
        assert contract.signed_on == today()
        assert contract.signature_mode == "electronic"

    def test_signed_version_is_never_changed(self, pathway, referent):
        contract = sign(generate(pathway, referent), referent)
        content, digest = contract.content, contract.content_hash
        with pytest.raises(DomainError, match="déjà signée"):
            sign(contract, referent, signed_on=days(-1))
        # Changing goals then drawing up a new version keeps the signed one as it was.
        GoalFactory(pathway=pathway, text="Nouvel objectif")
        v2 = generate(pathway, referent)
        contract.refresh_from_db()
        assert (contract.content, contract.content_hash) == (content, digest)
        assert contract.signed_on == today()
        assert v2.number == 2
        assert Contract.objects.filter(pathway=pathway).count() == 2

    def test_only_the_latest_version_can_be_signed(self, pathway, referent):
        v1 = generate(pathway, referent)
        generate(pathway, referent)
        with pytest.raises(DomainError, match="dernière version"):
            sign(v1, referent)

    def test_refused_when_goals_changed_since_drawn_up(self, pathway, referent):
        contract = generate(pathway, referent)
        GoalFactory(pathway=pathway, text="Ajouté après")
        with pytest.raises(DomainError, match="établissez une nouvelle version"):
            sign(contract, referent)

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"signature_mode": ""}, "signature_mode"),
            ({"signature_mode": "telepathy"}, "signature_mode"),
            ({"signed_on": None}, "signed_on"),
            ({"signed_on": dt.date.today() + dt.timedelta(days=2)}, "signed_on"),
            ({"signed_on": dt.date.today() - dt.timedelta(days=30)}, "signed_on"),
        ],
    )
    def test_bad_input(self, pathway, referent, kwargs, field):
        contract = generate(pathway, referent)
        with pytest.raises(DomainError) as error:
            sign(contract, referent, **kwargs)
        assert error.value.field == field
        contract.refresh_from_db()
        assert contract.signed_on is None


class TestRenewal:
    def test_states(self, pathway, referent):
        assert selectors.contract_state(fresh(pathway)) == ContractState.NONE
        contract = generate(pathway, referent)
        assert selectors.contract_state(fresh(pathway)) == ContractState.DRAFT
        assert not selectors.contract_needs_renewal(fresh(pathway))
        sign(contract, referent)
        assert selectors.contract_state(fresh(pathway)) == ContractState.SIGNED
        assert not selectors.contract_needs_renewal(fresh(pathway))

    @pytest.mark.parametrize(
        "change",
        [
            "goal_text",
            "goal_deadline",
            "goal_abandoned",
            "new_goal",
            "step_planned_on",
            "step_cancelled",
            "new_step",
        ],
    )
    def test_changing_the_terms_needs_renewal(self, pathway, referent, change):
        sign(generate(pathway, referent), referent)
        goal = pathway.goals.get()
        step = pathway.steps.first()
        if change == "goal_text":
            goals.goal_update(
                goal=goal,
                actor=referent,
                expected_version=goal.version,
                text="Obtenir le permis C",
                indicator=goal.indicator,
                target=goal.target,
                deadline=goal.deadline,
            )
        elif change == "goal_deadline":
            goal.deadline = days(400)
            goal.save()
        elif change == "goal_abandoned":
            goal.status = "abandoned"
            goal.save()
        elif change == "new_goal":
            GoalFactory(pathway=pathway)
        elif change == "step_planned_on":
            step.planned_on = days(99)
            step.save()
        elif change == "step_cancelled":
            steps.step_change_status(
                step=step, actor=referent, expected_version=step.version, status="cancelled"
            )
        else:
            StepFactory(pathway=pathway)
        assert selectors.contract_needs_renewal(fresh(pathway))
        assert selectors.contract_state(fresh(pathway)) == ContractState.TO_RENEW

    def test_progress_does_not_need_renewal(self, pathway, referent):
        sign(generate(pathway, referent), referent)
        step = pathway.steps.first()
        steps.step_change_status(
            step=step, actor=referent, expected_version=step.version, status="in_progress"
        )
        step.refresh_from_db()
        steps.step_change_status(
            step=step,
            actor=referent,
            expected_version=step.version,
            status="done",
            done_on=today(),
            outcome="Code obtenu",
        )
        goal = pathway.goals.get()
        goal.status = "achieved"
        goal.save()
        assert not selectors.contract_needs_renewal(fresh(pathway))

    def test_a_new_signed_version_clears_renewal(self, pathway, referent):
        sign(generate(pathway, referent), referent)
        GoalFactory(pathway=pathway)
        assert selectors.contract_needs_renewal(fresh(pathway))
        sign(generate(pathway, referent), referent)
        assert not selectors.contract_needs_renewal(fresh(pathway))

    def test_closed_pathway_never_needs_renewal(self, pathway, referent):
        sign(generate(pathway, referent), referent)
        GoalFactory(pathway=pathway)
        pathway.status = "closed"
        pathway.save()
        assert not selectors.contract_needs_renewal(fresh(pathway))

    def test_works_without_prefetch(self, pathway, referent):
        sign(generate(pathway, referent), referent)
        StepFactory(pathway=pathway)
        pathway.refresh_from_db()
        assert selectors.contract_needs_renewal(pathway)


class TestPdf:
    def test_pdf_with_everything(self, referent, organisation):
        person = PersonFactory(
            organisation=organisation,
            birth_name="Durand",
            first_names="Élodie",
            birth_date=dt.date(1990, 5, 17),
        )
        pathway = make_pathway(referent, person=person, scheme="plie")
        goal = GoalFactory(
            pathway=pathway,
            text="Décrocher un CDI <b>en cuisine</b>",
            indicator="Contrat signé",
            target="1 CDI",
        )
        StepFactory(pathway=pathway, goal=goal, title="Immersion au restaurant", kind="immersion")
        contract = sign(generate(pathway, referent), referent)
        html = contract_terms.render_html(contract)
        assert "DURAND Élodie" in html
        assert "17/05/1990" in html
        assert "&lt;b&gt;en cuisine&lt;/b&gt;" in html
        assert "Immersion au restaurant" in html
        assert "Contrat signé" in html
        assert "Version 1" in html
        assert "Signature de la personne" in html
        assert "Signature du référent" in html
        pdf = contract_terms.render_pdf(contract)
        assert pdf.startswith(b"%PDF")
        assert pdf_title(pdf) == "Contrat d'engagement v1 — DURAND Élodie"

    def test_old_versions_print_as_they_were(self, pathway, referent):
        v1 = generate(pathway, referent)
        pathway.person.birth_name = "Nouveaunom"
        pathway.person.save()
        assert "NOUVEAUNOM" not in contract_terms.render_html(v1)
