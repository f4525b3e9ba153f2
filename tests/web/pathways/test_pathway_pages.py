"""Pathway pages: display, forms, bad input, optimistic locking, journal, permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relais.core.models import AccessLogEntry
from relais.pathways.models import Goal, Pathway, Step
from tests.factories import (
    ContractFactory,
    GoalFactory,
    MembershipFactory,
    PersonFactory,
    StepFactory,
)
from tests.helpers import login_verified, page_text
from tests.pathways.pathway_helpers import days, make_pathway, today

pytestmark = pytest.mark.django_db


def url(name, pathway, **kwargs):
    return reverse(
        f"pathways:{name}", kwargs={"pk": pathway.person_id, "pathway_id": pathway.pk, **kwargs}
    )


def entries(action, target_type="pathways.pathway"):
    return AccessLogEntry.objects.filter(action=action, target_type=target_type)


class TestDetail:
    def test_goals_steps_flags_and_journal(self, referent_client, referent):
        pathway = make_pathway(referent, scheme="plie")
        smart = GoalFactory(pathway=pathway, text="Trouver un CDI")
        vague = GoalFactory(
            pathway=pathway, text="Aller mieux", indicator="", target="Oui", deadline=None
        )
        StepFactory(pathway=pathway, goal=smart, title="Atelier CV", planned_on=days(-3))
        StepFactory(pathway=pathway, goal=vague, title="Rendez-vous CMP", planned_on=days(5))
        StepFactory(pathway=pathway, title="Dossier CAF", status="on_hold", planned_on=days(-9))
        response = referent_client.get(url("detail", pathway))
        assert response.status_code == 200
        text = page_text(response)
        assert "Parcours PLIE" in text
        assert "Trouver un CDI" in text
        assert "À préciser : indicateur, échéance" in text
        assert text.count('data-testid="step-overdue"') == 1  # on hold is not overdue
        assert "Étapes sans objectif lié" in text
        assert "Pas encore de contrat" in text
        entry = entries("view").get()
        assert entry.target_id == str(pathway.pk)
        assert entry.person_id == pathway.person_id

    def test_user_text_is_escaped(self, referent_client, referent):
        pathway = make_pathway(referent)
        GoalFactory(pathway=pathway, text="<script>alert('x')</script>")
        response = referent_client.get(url("detail", pathway))
        assert b"<script>alert" not in response.content
        assert b"&lt;script&gt;alert" in response.content

    def test_closed_pathway_shows_exit_and_no_edit_links(self, referent_client, referent):
        pathway = make_pathway(referent, status="closed")
        from tests.factories import ExitFactory

        ExitFactory(pathway=pathway, comment="CDI chez Keolis", recorded_by=referent)
        GoalFactory(pathway=pathway)
        text = page_text(referent_client.get(url("detail", pathway)))
        assert "CDI chez Keolis" in text
        assert "Sortie dynamique — emploi durable" in text
        assert "ne peut plus être modifié" in text
        assert "Ajouter un objectif" not in text
        assert "Modifier l'objectif" not in text


class TestPermissions:
    @pytest.mark.parametrize(
        "name",
        ["detail", "update", "goal_create", "step_create", "contract", "review_create", "exit"],
    )
    def test_staff_is_refused_and_journaled(self, client, organisation, referent, name):
        pathway = make_pathway(referent)
        staff = MembershipFactory(organisation=organisation, role="staff").user
        login_verified(client, staff)
        response = client.get(url(name, pathway))
        assert response.status_code == 403
        denied = AccessLogEntry.objects.get(action="denied")
        assert denied.person_id == pathway.person_id
        assert "accompagnement" in denied.summary

    @pytest.mark.parametrize("name", ["detail", "goal_create", "contract", "exit"])
    def test_other_organisation_gets_404_journaled(self, client, referent, name):
        pathway = make_pathway(referent)
        outsider = MembershipFactory().user
        login_verified(client, outsider)
        assert client.get(url(name, pathway)).status_code == 404
        assert AccessLogEntry.objects.filter(action="denied", person_id=pathway.person_id).exists()

    def test_pathway_of_another_person_is_404(self, referent_client, referent, organisation):
        pathway = make_pathway(referent)
        other_person = PersonFactory(organisation=organisation)
        wrong = reverse("pathways:detail", kwargs={"pk": other_person.pk, "pathway_id": pathway.pk})
        assert referent_client.get(wrong).status_code == 404
        assert entries("denied").filter(target_id=str(pathway.pk)).exists()

    def test_pdf_of_another_organisation(self, client, referent):
        contract = ContractFactory(pathway=make_pathway(referent), signed=True)
        login_verified(client, MembershipFactory().user)
        response = client.get(url("contract_pdf", contract.pathway, number=contract.number))
        assert response.status_code == 404

    def test_anonymous_is_sent_to_login(self, client, referent):
        response = client.get(url("detail", make_pathway(referent)))
        assert response.status_code == 302
        assert "/connexion/" in response["Location"] or "login" in response["Location"]


class TestPathwayForms:
    def test_create(self, referent_client, referent, organisation):
        person = PersonFactory(organisation=organisation)
        create = reverse("pathways:create", kwargs={"pk": person.pk})
        form = page_text(referent_client.get(create))
        assert "Nouveau parcours" in form
        response = referent_client.post(
            create,
            {
                "scheme": "cej",
                "referent": referent.pk,
                "started_on": "2026-01-15",
                "review_every_months": "2",
            },
        )
        pathway = Pathway.objects.get(person=person)
        assert response["Location"] == url("detail", pathway)
        assert pathway.next_review_on.isoformat() == "2026-03-15"
        assert entries("create").get().target_id == str(pathway.pk)

    def test_bad_input_keeps_what_was_typed(self, referent_client, referent, organisation):
        person = PersonFactory(organisation=organisation)
        response = referent_client.post(
            reverse("pathways:create", kwargs={"pk": person.pk}),
            {
                "scheme": "other",
                "scheme_detail": "",
                "referent": referent.pk,
                "started_on": "2026-02-30",
                "review_every_months": "40",
            },
        )
        assert response.status_code == 200
        text = page_text(response)
        assert "Cette date n'existe pas ou n'est pas lisible" in text
        assert "inférieure ou égale à 24" in text
        assert 'value="2026-02-30"' in text
        assert not Pathway.objects.exists()

    def test_other_scheme_detail_error_is_next_to_the_field(
        self, referent_client, referent, organisation
    ):
        person = PersonFactory(organisation=organisation)
        response = referent_client.post(
            reverse("pathways:create", kwargs={"pk": person.pk}),
            {
                "scheme": "other",
                "referent": referent.pk,
                "started_on": today().isoformat(),
                "review_every_months": "3",
            },
        )
        text = page_text(response)
        assert 'id="id_scheme_detail-error"' in text
        assert "Précisez le dispositif." in text

    def test_stale_edit_is_refused_and_input_kept(self, client, referent, organisation):
        colleague = MembershipFactory(
            organisation=organisation, user__first_name="Karim", user__last_name="Benali"
        ).user
        pathway = make_pathway(referent)
        data = {
            "scheme": "plie",
            "referent": referent.pk,
            "started_on": pathway.started_on.isoformat(),
            "review_every_months": "3",
            "version": str(pathway.version),
        }
        login_verified(client, colleague)
        assert client.post(url("update", pathway), data).status_code == 302
        login_verified(client, referent)
        response = client.post(url("update", pathway), {**data, "scheme": "iae"})
        assert response.status_code == 200
        text = page_text(response)
        assert "Modifié entre-temps par Karim Benali" in text
        assert 'value="iae" selected' in text
        assert f'name="version" value="{pathway.version + 1}"' in text
        assert 'data-testid="stale-current"' in text
        pathway.refresh_from_db()
        assert pathway.scheme == "plie"
        # Saving again, knowingly, goes through.
        again = client.post(
            url("update", pathway), {**data, "scheme": "iae", "version": pathway.version}
        )
        assert again.status_code == 302
        pathway.refresh_from_db()
        assert pathway.scheme == "iae"


class TestGoalForms:
    def test_create_flagged_goal(self, referent_client, referent):
        pathway = make_pathway(referent)
        response = referent_client.post(
            url("goal_create", pathway),
            {"text": "Reprendre confiance", "target": "Oui"},
            follow=True,
        )
        text = page_text(response)
        assert "Il reste à préciser : indicateur, échéance." in text
        assert "À préciser : indicateur, échéance" in text
        assert entries("create", "pathways.goal").exists()

    def test_too_long_text_is_refused_and_kept(self, referent_client, referent):
        pathway = make_pathway(referent)
        long_text = "Objectif " * 1200
        response = referent_client.post(url("goal_create", pathway), {"text": long_text})
        assert response.status_code == 200
        text = page_text(response)
        assert "au plus 300 caractères" in text
        assert long_text.strip()[:200] in text
        assert not Goal.objects.exists()

    def test_deadline_before_start(self, referent_client, referent):
        pathway = make_pathway(referent, started_on=days(-10))
        response = referent_client.post(
            url("goal_create", pathway), {"text": "Objectif", "deadline": days(-30).isoformat()}
        )
        assert "ne peut pas précéder le début du parcours" in page_text(response)

    def test_stale_goal(self, client, referent, organisation):
        colleague = MembershipFactory(organisation=organisation).user
        goal = GoalFactory(pathway=make_pathway(referent))
        edit = url("goal_update", goal.pathway, goal_id=goal.pk)
        data = {"text": "Version A", "status": "in_progress", "version": goal.version}
        login_verified(client, colleague)
        assert client.post(edit, data).status_code == 302
        login_verified(client, referent)
        response = client.post(edit, {**data, "text": "Version B"})
        text = page_text(response)
        assert "Modifié entre-temps par" in text
        assert 'value="Version B"' in text
        goal.refresh_from_db()
        assert goal.text == "Version A"

    def test_goal_of_another_pathway_is_404(self, referent_client, referent):
        goal = GoalFactory(pathway=make_pathway(referent))
        other = make_pathway(referent)
        assert referent_client.get(url("goal_update", other, goal_id=goal.pk)).status_code == 404


class TestStepForms:
    def test_create_linked_to_goal(self, referent_client, referent):
        pathway = make_pathway(referent)
        goal = GoalFactory(pathway=pathway)
        page = page_text(referent_client.get(url("step_create", pathway) + f"?objectif={goal.pk}"))
        assert f'<option value="{goal.pk}" selected>' in page
        response = referent_client.post(
            url("step_create", pathway),
            {
                "title": "Immersion en EHPAD",
                "kind": "immersion",
                "goal": goal.pk,
                "owner": "partner",
                "owner_name": "Mission locale",
                "planned_on": days(7).isoformat(),
                "status": "planned",
            },
        )
        step = Step.objects.get()
        assert response["Location"] == url("detail", pathway) + f"#etape-{step.pk}"
        assert step.goal == goal

    def test_partner_without_name(self, referent_client, referent):
        pathway = make_pathway(referent)
        response = referent_client.post(
            url("step_create", pathway),
            {"title": "Orientation", "kind": "referral", "owner": "partner", "status": "planned"},
        )
        assert "Indiquez le professionnel ou la structure" in page_text(response)

    def test_status_change_offers_only_allowed_statuses(self, referent_client, referent):
        step = StepFactory(pathway=make_pathway(referent), status="cancelled")
        page = page_text(referent_client.get(url("step_status", step.pathway, step_id=step.pk)))
        assert 'value="planned"' in page
        assert 'value="done"' not in page
        response = referent_client.post(
            url("step_status", step.pathway, step_id=step.pk),
            {"status": "done", "done_on": today().isoformat(), "version": step.version},
        )
        assert response.status_code == 200
        assert "Sélectionnez un choix valide" in page_text(response)
        step.refresh_from_db()
        assert step.status == "cancelled"

    def test_done_with_date_and_journal_summary(self, referent_client, referent):
        step = StepFactory(pathway=make_pathway(referent), status="in_progress")
        response = referent_client.post(
            url("step_status", step.pathway, step_id=step.pk),
            {
                "status": "done",
                "done_on": today().isoformat(),
                "outcome": "Attestation obtenue",
                "version": step.version,
            },
        )
        assert response.status_code == 302
        step.refresh_from_db()
        assert (step.status, step.done_on, step.outcome) == ("done", today(), "Attestation obtenue")
        entry = entries("update", "pathways.step").get()
        assert entry.summary == "statut : en cours → réalisée"

    def test_done_without_date(self, referent_client, referent):
        step = StepFactory(pathway=make_pathway(referent))
        response = referent_client.post(
            url("step_status", step.pathway, step_id=step.pk),
            {"status": "done", "done_on": "", "version": step.version},
        )
        assert "Indiquez la date de réalisation" in page_text(response)


class TestClosedPathway:
    @pytest.mark.parametrize(
        "name", ["update", "goal_create", "step_create", "review_create", "exit"]
    )
    def test_forms_redirect_with_a_message(self, referent_client, referent, name):
        pathway = make_pathway(referent, status="closed")
        response = referent_client.get(url(name, pathway), follow=True)
        assert response.redirect_chain[-1][0] == url("detail", pathway)
        assert "ne peut plus être modifié" in page_text(response)

    def test_post_is_refused_too(self, referent_client, referent):
        pathway = make_pathway(referent, status="closed")
        referent_client.post(url("goal_create", pathway), {"text": "Nouveau"})
        assert not Goal.objects.exists()
