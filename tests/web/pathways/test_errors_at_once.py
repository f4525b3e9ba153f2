"""Every error of a form in one round (the rules of the services included), listed and
linked at the top of the form (DSFR error summary)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from relais.pathways.models import Pathway, Review
from tests.factories import GoalFactory, PersonFactory
from tests.helpers import page_text
from tests.pathways.pathway_helpers import days, make_pathway, today

pytestmark = pytest.mark.django_db


def url(name, pathway):
    return reverse(f"pathways:{name}", kwargs={"pk": pathway.person_id, "pathway_id": pathway.pk})


def summary_links(text: str) -> dict[str, str]:
    """The error summary's links: {anchor: label}."""
    block = re.search(r'data-testid="error-summary".*?</div>', text, re.S).group(0)
    return dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', block))


def test_pathway_with_months_zero_and_other_scheme_reports_both(
    referent_client, referent, organisation
):
    """Defect: « Précisez le dispositif » came only once the rhythm was corrected."""
    person = PersonFactory(organisation=organisation)
    create = reverse("pathways:create", kwargs={"pk": person.pk})
    response = referent_client.post(
        create,
        {
            "scheme": "other",
            "scheme_detail": "",
            "referent": referent.pk,
            "started_on": today().isoformat(),
            "review_every_months": "0",
        },
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Précisez le dispositif." in text
    assert "supérieure ou égale à 1" in text
    links = summary_links(text)
    assert links == {
        "id_scheme_detail": "Précision sur le dispositif",
        "id_review_every_months": "Rythme des bilans (en mois)",
    }
    for anchor in links:  # each link leads to its field
        assert f'id="{anchor}"' in text
    assert not Pathway.objects.filter(person=person).exists()


def test_pathway_starting_before_birth_and_other_scheme_reports_both(
    referent_client, referent, organisation
):
    person = PersonFactory(organisation=organisation)
    create = reverse("pathways:create", kwargs={"pk": person.pk})
    response = referent_client.post(
        create,
        {
            "scheme": "other",
            "referent": referent.pk,
            "started_on": person.birth_date.replace(year=person.birth_date.year - 1).isoformat(),
            "review_every_months": "3",
        },
    )
    text = page_text(response)
    assert "Précisez le dispositif." in text
    assert set(summary_links(text)) == {"id_scheme_detail", "id_started_on"}


def test_review_before_the_start_and_missing_result_reported_at_once(referent_client, referent):
    """Defect: the date before the pathway's start came only after the goals were filled."""
    pathway = make_pathway(referent, started_on=days(-30))
    goal = GoalFactory(pathway=pathway)
    response = referent_client.post(
        url("review_create", pathway),
        {"held_on": days(-40).isoformat(), f"gap_{goal.pk}": ""},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Le bilan ne peut pas précéder le début du parcours" in text
    assert f"Résultat pour « {goal.text} »" in text
    links = summary_links(text)
    assert "id_held_on" in links
    assert f"id_result_{goal.pk}_0" in links  # a radio group: its first choice
    assert not Review.objects.exists()


def test_next_review_before_this_one_reported_with_the_other_errors(referent_client, referent):
    pathway = make_pathway(referent, started_on=days(-30))
    goal = GoalFactory(pathway=pathway)
    response = referent_client.post(
        url("review_create", pathway),
        {"held_on": today().isoformat(), "next_review_on": days(-1).isoformat()},
    )
    text = page_text(response)
    assert "Le prochain bilan doit avoir lieu après celui-ci." in text
    assert f"id_result_{goal.pk}_0" in summary_links(text)


def test_exit_before_the_start_reported_with_the_missing_category(referent_client, referent):
    pathway = make_pathway(referent, started_on=days(-30))
    response = referent_client.post(
        url("exit", pathway), {"exited_on": days(-40).isoformat(), "version": pathway.version}
    )
    text = page_text(response)
    assert "La sortie ne peut pas précéder le début du parcours" in text
    assert set(summary_links(text)) == {"id_exited_on", "id_category_0"}


def test_goal_deadline_before_the_start_reported_with_the_missing_text(referent_client, referent):
    pathway = make_pathway(referent, started_on=days(-30))
    response = referent_client.post(
        url("goal_create", pathway), {"text": "", "deadline": days(-40).isoformat()}
    )
    text = page_text(response)
    assert "L'échéance ne peut pas précéder le début du parcours" in text
    assert set(summary_links(text)) == {"id_text", "id_deadline"}


def test_partner_step_without_name_reported_with_the_missing_title(referent_client, referent):
    pathway = make_pathway(referent)
    response = referent_client.post(
        url("step_create", pathway),
        {"title": "", "kind": "other", "owner": "partner", "status": "done"},
    )
    text = page_text(response)
    assert set(summary_links(text)) == {"id_title", "id_owner_name", "id_done_on"}
