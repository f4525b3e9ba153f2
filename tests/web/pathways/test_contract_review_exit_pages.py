"""Contract, review and exit pages; the person-page section; query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relais.core.models import AccessLogEntry
from relais.pathways.models import Contract, GoalStatus, Review
from tests.factories import (
    ContractFactory,
    DiagnosticFactory,
    GoalFactory,
    PersonFactory,
    StepFactory,
)
from tests.helpers import count_queries, page_text
from tests.pathways.pathway_helpers import days, make_pathway, make_plan, today
from tests.pdfs import pdf_title

pytestmark = pytest.mark.django_db


def url(name, pathway, **kwargs):
    return reverse(
        f"pathways:{name}", kwargs={"pk": pathway.person_id, "pathway_id": pathway.pk, **kwargs}
    )


def person_page(pathway_or_person):
    """The pathways section of the person page (loaded on demand)."""
    pk = getattr(pathway_or_person, "person_id", None) or pathway_or_person.pk
    return reverse("people:section", kwargs={"pk": pk, "key": "parcours"})


@pytest.fixture
def pathway(referent, organisation):
    person = PersonFactory(organisation=organisation, birth_name="Martin", first_names="Lea")
    pathway = make_pathway(referent, person=person)
    goal = GoalFactory(pathway=pathway, text="Obtenir le permis B")
    StepFactory(pathway=pathway, goal=goal, title="Code de la route")
    return pathway


class TestContract:
    def test_page_prefills_default_commitments(self, referent_client, pathway):
        text = page_text(referent_client.get(url("contract", pathway)))
        assert "Participer aux rendez-vous convenus" in text
        assert "Obtenir le permis B" in text
        assert "Établir la version 1" in text

    def test_generate_sign_download(self, referent_client, pathway):
        response = referent_client.post(
            url("contract", pathway),
            {"commitments_person": "Venir aux rendez-vous.", "commitments_organisation": "Aider."},
        )
        assert response.status_code == 302
        contract = Contract.objects.get()
        assert contract.number == 1
        page = page_text(referent_client.get(url("contract", pathway)))
        assert "Enregistrer la signature de la version 1" in page

        pdf = referent_client.get(url("contract_pdf", pathway, number=1))
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        assert "MARTIN Lea" in pdf_title(pdf.content)
        export = AccessLogEntry.objects.get(action="export")
        assert export.target_type == "pathways.contract"
        assert export.person_id == pathway.person_id

        signed = referent_client.post(
            url("contract_sign", pathway, number=1),
            {"signed_on": today().isoformat(), "signature_mode": "electronic"},
        )
        assert signed.status_code == 302
        contract.refresh_from_db()
        assert contract.signature_mode == "electronic"
        writes = AccessLogEntry.objects.filter(target_type="pathways.contract")
        assert set(writes.values_list("action", flat=True)) == {"create", "export", "update"}
        assert writes.get(action="update").summary == "signature (signature électronique)"
        detail = page_text(referent_client.get(url("detail", pathway)))
        assert "Contrat signé (v1" in detail
        assert "Contrat à renouveler" not in detail

    def test_renewal_shown_on_pathway_and_person_pages(self, referent_client, pathway):
        ContractFactory(pathway=pathway, signed=True)
        GoalFactory(pathway=pathway, text="Nouvel objectif")
        assert "Contrat à renouveler" in page_text(referent_client.get(url("detail", pathway)))
        assert "Contrat à renouveler" in page_text(referent_client.get(person_page(pathway)))

    def test_signing_twice_is_refused(self, referent_client, pathway):
        contract = ContractFactory(pathway=pathway, number=1, signed=True)
        response = referent_client.post(
            url("contract_sign", pathway, number=1),
            {"signed_on": today().isoformat(), "signature_mode": "electronic"},
        )
        assert response.status_code == 200
        contract.refresh_from_db()
        assert contract.signature_mode == "handwritten"

    def test_sign_bad_input(self, referent_client, pathway):
        ContractFactory(pathway=pathway, number=1)
        response = referent_client.post(
            url("contract_sign", pathway, number=1),
            {"signed_on": days(3).isoformat(), "signature_mode": ""},
        )
        text = page_text(response)
        assert "Ce champ est obligatoire" in text
        assert f'value="{days(3).isoformat()}"' in text

    def test_no_goal_no_contract(self, referent_client, referent):
        empty = make_pathway(referent)
        response = referent_client.post(
            url("contract", empty), {"commitments_person": "a", "commitments_organisation": "b"}
        )
        assert "Ajoutez au moins un objectif" in page_text(response)
        assert not Contract.objects.exists()

    def test_unknown_version_is_404(self, referent_client, pathway):
        assert referent_client.get(url("contract_pdf", pathway, number=9)).status_code == 404

    def test_closed_pathway_still_downloads(self, referent_client, pathway):
        ContractFactory(pathway=pathway, number=1, signed=True)
        pathway.status = "closed"
        pathway.save()
        assert referent_client.get(url("contract_pdf", pathway, number=1)).status_code == 200
        page = page_text(referent_client.get(url("contract", pathway)))
        assert "Établir la version" not in page


class TestReview:
    def test_record_review(self, referent_client, pathway):
        goal = pathway.goals.get()
        other = GoalFactory(pathway=pathway, text="Logement")
        diagnostic = DiagnosticFactory(person=pathway.person)
        form = page_text(referent_client.get(url("review_create", pathway)))
        assert "Obtenir le permis B" in form
        assert f"Diagnostic du {diagnostic.assessed_on:%d/%m/%Y}" in form
        response = referent_client.post(
            url("review_create", pathway),
            {
                "held_on": today().isoformat(),
                f"result_{goal.pk}": "achieved",
                f"gap_{goal.pk}": "",
                f"result_{other.pk}": "not_achieved",
                f"gap_{other.pk}": "Pas de logement disponible.",
                "risks": "Isolement",
                "person_view": "Fière du permis.",
                "diagnostic": diagnostic.pk,
            },
        )
        assert response.status_code == 302
        assert response["Location"].endswith("#objectifs")
        goal.refresh_from_db()
        assert goal.status == GoalStatus.ACHIEVED
        review = Review.objects.get()
        assert review.diagnostic == diagnostic
        assert AccessLogEntry.objects.filter(
            action="create", target_type="pathways.review", target_id=str(review.pk)
        ).exists()
        detail = page_text(referent_client.get(url("detail", pathway)))
        assert "Logement : non atteint" in detail
        review_page = page_text(
            referent_client.get(
                reverse(
                    "pathways:review_detail",
                    kwargs={"pk": pathway.person_id, "review_id": review.pk},
                )
            )
        )
        assert "Pas de logement disponible." in review_page
        assert "Fière du permis." in review_page

    def test_missing_result_keeps_input(self, referent_client, pathway):
        response = referent_client.post(
            url("review_create", pathway),
            {"held_on": today().isoformat(), "risks": "Risque noté"},
        )
        assert response.status_code == 200
        text = page_text(response)
        assert "Ce champ est obligatoire" in text
        assert "Risque noté" in text
        assert not Review.objects.exists()

    def test_review_of_another_persons_page_is_404(self, referent_client, referent, pathway):
        review = Review.objects.create(pathway=pathway, held_on=today(), author=referent)
        other = PersonFactory(organisation=pathway.organisation)
        response = referent_client.get(
            reverse("pathways:review_detail", kwargs={"pk": other.pk, "review_id": review.pk})
        )
        assert response.status_code == 404


class TestExit:
    def test_exit_needs_confirmation_for_steps_in_progress(self, referent_client, pathway):
        StepFactory(pathway=pathway, status="in_progress", title="Formation CACES")
        data = {
            "exited_on": today().isoformat(),
            "category": "transition_employment",
            "comment": "CDD de 6 mois",
            "version": pathway.version,
        }
        page = page_text(referent_client.get(url("exit", pathway)))
        assert "Formation CACES" in page
        assert "seront annulées" in page
        response = referent_client.post(url("exit", pathway), data)
        assert response.status_code == 200
        assert "encore en cours" in page_text(response)
        goal = pathway.goals.get()
        response = referent_client.post(
            url("exit", pathway),
            {**data, "confirm_in_progress": "on", f"goal_{goal.pk}": "achieved"},
        )
        assert response.status_code == 302
        pathway.refresh_from_db()
        assert pathway.status == "closed"
        assert not pathway.steps.exclude(status="cancelled").exists()
        entry = AccessLogEntry.objects.get(action="update", target_type="pathways.pathway")
        assert entry.summary == "sortie : Sortie dynamique — emploi de transition"
        detail = page_text(referent_client.get(url("detail", pathway)))
        assert "(sortie dynamique)" in detail
        goal.refresh_from_db()
        assert goal.status == "achieved"

    def test_exit_form_asks_for_each_open_goal_and_reports_every_error_at_once(
        self, referent_client, pathway
    ):
        goal = pathway.goals.get()
        GoalFactory(pathway=pathway, text="Déjà atteint", status="achieved")
        page = page_text(referent_client.get(url("exit", pathway)))
        assert "Objectif « Obtenir le permis B »" in page
        assert "Objectif « Déjà atteint »" not in page
        response = referent_client.post(
            url("exit", pathway),
            {
                "exited_on": today().isoformat(),
                "comment": "Parti à Lille",
                "version": pathway.version,
            },
        )
        assert response.status_code == 200
        text = page_text(response)
        assert "Indiquez si l'objectif « Obtenir le permis B » est atteint ou abandonné." in text
        assert "Type de sortie" in text and "Ce champ est obligatoire" in text
        assert "Parti à Lille" in text
        pathway.refresh_from_db()
        assert pathway.status == "active"
        response = referent_client.post(
            url("exit", pathway),
            {
                "exited_on": today().isoformat(),
                "category": "moved",
                "version": pathway.version,
                f"goal_{goal.pk}": "abandoned",
            },
        )
        assert response.status_code == 302
        goal.refresh_from_db()
        assert goal.status == "abandoned"


class TestQueryCounts:
    def test_pathway_page_is_constant(self, referent_client, referent):
        small = make_pathway(referent)
        make_plan(small, goals=1, steps_per_goal=1)
        ContractFactory(pathway=small, signed=True)
        big = make_pathway(referent)
        make_plan(big, goals=5, steps_per_goal=10)
        for _ in range(3):
            ContractFactory(pathway=big, signed=True)
        for _ in range(3):
            Review.objects.create(pathway=big, held_on=today(), author=referent)
        Review.objects.create(pathway=small, held_on=today(), author=referent)
        referent_client.get(url("detail", small))  # warm caches (session, content types)
        few = count_queries(lambda: referent_client.get(url("detail", small)))
        many = count_queries(lambda: referent_client.get(url("detail", big)))
        assert many == few

    def test_person_section_is_constant(self, referent_client, referent, organisation):
        one = PersonFactory(organisation=organisation)
        pathway = make_pathway(referent, person=one)
        make_plan(pathway, goals=1, steps_per_goal=1)
        five = PersonFactory(organisation=organisation)
        for _ in range(5):
            p = make_pathway(referent, person=five)
            make_plan(p, goals=5, steps_per_goal=10)
            ContractFactory(pathway=p, signed=True)
        ContractFactory(pathway=pathway, signed=True)
        referent_client.get(person_page(one))
        few = count_queries(lambda: referent_client.get(person_page(one)))
        many = count_queries(lambda: referent_client.get(person_page(five)))
        assert many == few
        text = page_text(referent_client.get(person_page(five)))
        assert text.count('data-testid="pathway-summary"') == 5
        assert "Étape 4.9" in text

    def test_section_hidden_from_staff(self, client, organisation, referent):
        from tests.factories import MembershipFactory
        from tests.helpers import login_verified

        pathway = make_pathway(referent)
        login_verified(client, MembershipFactory(organisation=organisation, role="staff").user)
        text = page_text(client.get(reverse("people:detail", args=[pathway.person_id])))
        assert "Parcours, objectifs et étapes" not in text
        assert client.get(person_page(pathway)).status_code == 404
