"""A référent builds a collective project: a need observed on the territory, SMART
objectives (one flagged), a partner, a budget that does not balance (warned) then does, an action plan with dependencies shown as
a Gantt chart (a loop refused), and the progress report PDF."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from relais.projects.models import Project, Task
from tests.factories import MembershipFactory, OrganisationFactory
from tests.factories.diagnostics import DiagnosticFactory, DomainAssessmentFactory
from tests.factories.people import PersonFactory
from tests.factories.territory import VILLEURBANNE, PoolingAgreementFactory, TerritoryFactory


def iso(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def label(page, text: str):
    return page.get_by_label(re.compile(f"^{re.escape(text)}"))


def test_project_sheet_budget_plan_and_report(page, login_as, organisation):
    referent = MembershipFactory(
        organisation=organisation,
        role="referent",
        user__first_name="Nadia",
        user__last_name="Haddad",
    ).user
    OrganisationFactory(name="Mairie de Villeurbanne")
    # The organisation's territory, where six persons have a housing difficulty.
    territory = TerritoryFactory(organisation=organisation, name="Métropole Est")
    PoolingAgreementFactory(organisation=organisation)
    for _ in range(6):
        person = PersonFactory(organisation=organisation, commune_code=VILLEURBANNE)
        DomainAssessmentFactory(
            diagnostic=DiagnosticFactory(person=person, assessed_on=timezone.localdate()),
            domain="housing",
            difficulty=2,
        )
    login_as(referent, organisation)

    page.goto("/projets/")
    page.get_by_test_id("project-create").click()
    label(page, "Intitulé du projet").fill("Jardin solidaire")
    label(page, "Finalité").fill("Rompre l'isolement des personnes accompagnées par le jardinage.")
    label(page, "Début prévu").fill(iso(0))
    label(page, "Fin prévue").fill(iso(300))
    page.get_by_role("button", name="Créer le projet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jardin solidaire")
    project = Project.objects.get()

    # The need it answers: one observed on the territory.
    page.get_by_role("link", name="Ajouter un besoin").click()
    observed = label(page, "Besoin observé sur le territoire")
    expect(observed).to_contain_text("Métropole Est — Logement et hébergement : 6 personnes")
    observed.select_option(value=f"{territory.pk}:housing")
    page.get_by_role("button", name="Ajouter").click()
    expect(
        page.get_by_text(
            "Métropole Est — Logement et hébergement (difficulté importante ou bloquante)"
        )
    ).to_be_visible()

    # Two SMART objectives: one complete, one to make precise.
    page.get_by_test_id("add-objective").click()
    label(page, "Objectif").fill("Accueillir 30 personnes isolées")
    label(page, "Indicateur").fill("Participants réguliers")
    label(page, "Valeur de départ").fill("0")
    label(page, "Cible").fill("30")
    label(page, "Échéance").fill(iso(200))
    page.get_by_role("button", name="Ajouter").click()
    page.get_by_test_id("add-objective").click()
    label(page, "Objectif").fill("Créer du lien entre voisins")
    page.get_by_role("button", name="Ajouter").click()
    expect(
        page.get_by_text("Il reste à préciser : indicateur, valeur de départ, cible, échéance.")
    ).to_be_visible()
    expect(page.get_by_test_id("smart-flag")).to_have_count(1)

    # A partner of the directory, bringing premises.
    page.get_by_test_id("add-partner").click()
    label(page, "Structure de l'annuaire").select_option(label="Mairie de Villeurbanne")
    page.locator("label.fr-label", has_text="Locaux").click()
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_test_id("partners")).to_contain_text(
        "Mairie de Villeurbanne — apporte : Locaux"
    )

    # The budget: an expense alone is warned, a negative amount refused, then it balances.
    page.get_by_test_id("tab-budget").click()
    page.locator("label.fr-label", has_text=re.compile("^Charge$")).click()
    label(page, "Libellé").fill("Animation")
    label(page, "Montant").fill("4000")
    label(page, "Catégorie").select_option(label="Frais de personnel")
    page.get_by_test_id("budget-submit").click()
    expect(page.get_by_test_id("budget-unbalanced")).to_contain_text("il manque 4")
    page.locator("label.fr-label", has_text=re.compile("^Produit$")).click()
    label(page, "Libellé").fill("Subvention")
    label(page, "Montant").fill("-4000")
    page.get_by_test_id("budget-submit").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Indiquez le financeur")
    expect(page.get_by_text("ne peut pas être négatif").first).to_be_visible()
    label(page, "Montant").fill("4000")
    label(page, "Financeur").fill("Département")
    label(page, "Financement").select_option(label="Acquis")
    page.get_by_test_id("budget-submit").click()
    expect(page.get_by_test_id("budget-balanced")).to_be_visible()
    expect(page.get_by_test_id("cofunding")).to_contain_text("100,0 %")

    # The action plan: three tasks in a chain, then a loop is refused.
    page.get_by_test_id("tab-plan").click()
    for title, start, end in (
        ("Trouver le terrain", 0, 9),
        ("Recruter les jardiniers", 10, 19),
        ("Premières plantations", 20, 29),
    ):
        label(page, "Tâche").fill(title)
        label(page, "Début").fill(iso(start))
        label(page, "Fin").fill(iso(end))
        previous = Task.objects.filter(project=project).order_by("-id").first()
        if previous:
            page.get_by_label("Commence après la fin de").select_option(label=previous.title)
        page.get_by_test_id("task-submit").click()
        expect(page.get_by_text(f"Tâche « {title} » ajoutée au plan.")).to_be_visible()
    expect(page.get_by_test_id("gantt").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("plan-table").get_by_test_id("critical")).to_have_count(3)
    page.get_by_label("La tâche", exact=True).select_option(label="Premières plantations")
    page.get_by_label("doit être terminée avant").select_option(label="Trouver le terrain")
    page.get_by_test_id("dependency-submit").click()
    expect(
        page.get_by_text(re.compile("Dépendance refusée : elle créerait une boucle"))
    ).to_be_visible()

    # The progress report for the funders.
    page.get_by_test_id("tab-evaluation").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("report-pdf").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert download_info.value.suggested_filename.startswith("rapport-etape-projet-")
