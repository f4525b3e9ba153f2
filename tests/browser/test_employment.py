"""The employment module in a real browser: a référent creates an employer and a position,
runs a workstation analysis and downloads its PDF, sees a person ranked for the position
with the explanation, records a placement with a named tutor, its checkpoint and a
mediation, and closes the pathway with the employment exit the outcome proposes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from relais.employment.models import Employer, Placement, Position
from relais.pathways.models import Pathway
from tests.factories import MembershipFactory, PathwayFactory, PersonFactory, valid_siret
from tests.factories.employment import AbilityFactory, EmploymentProjectFactory


def choose(scope, label: str) -> None:
    scope.locator("label.fr-label").filter(has_text=re.compile(f"^{re.escape(label)}$")).click()


def test_employer_position_analysis_matching(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(
        organisation=organisation, birth_name="Martin", first_names="Sofia", referent=referent
    )
    EmploymentProjectFactory(person=person, rome_code="K2204", max_weekly_hours=30)
    AbilityFactory(person=person, code="hygiene")
    login_as(referent, organisation)

    # An employer, with a wrong SIRET first: the error, the input kept.
    page.goto("/emploi/employeurs/")
    page.get_by_role("link", name="Nouvel employeur").click()
    page.get_by_label(re.compile(r"^Raison sociale")).fill("Propreté du Rhône")
    page.get_by_label(re.compile(r"^SIRET")).fill("12345678901234")
    page.get_by_label(re.compile(r"^Code d'activité")).fill("81.21Z")
    page.get_by_label(re.compile(r"^Commune")).fill("69123")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("clé de contrôle")
    expect(page.get_by_label(re.compile(r"^Raison sociale"))).to_have_value("Propreté du Rhône")
    page.get_by_label(re.compile(r"^SIRET")).fill(valid_siret(88_000_001))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Employeur « Propreté du Rhône » enregistré.")).to_be_visible()
    expect(page.get_by_test_id("employer-facts")).to_contain_text("Nettoyage courant des bâtiments")
    employer = Employer.objects.get()

    # A position at this employer.
    page.get_by_role("link", name="Nouveau poste").click()
    # The job is found by a word of its appellation, accents aside: the code and the
    # appellation are filled. The search runs once the page's scripts have loaded: under
    # load, text typed before then would send no request.
    page.wait_for_url(re.compile(r"/postes/nouveau/$"), wait_until="load")
    page.get_by_label(re.compile(r"^Rechercher le métier")).fill("proprete hygiene")
    page.get_by_test_id("rome-results").get_by_role(
        "button", name=re.compile(r"Agente de propreté et d'hygiène \(K2204")
    ).click()
    expect(page.get_by_label(re.compile(r"^Métier \(code ROME\)"))).to_have_value("K2204")
    expect(page.get_by_label(re.compile(r"^Appellation"))).to_have_value(
        "Agent / Agente de propreté et d'hygiène"
    )
    page.get_by_label(re.compile(r"^Contrat")).select_option("cdi")
    page.get_by_label(re.compile(r"^Heures par semaine")).fill("24")
    page.get_by_label(re.compile(r"^Horaires")).select_option("day")
    choose(page, "Respecter les règles d'hygiène")
    choose(page, "Tenir une cadence")
    page.get_by_role("button", name="Enregistrer le poste").click()
    expect(page.get_by_text("Poste enregistré.")).to_be_visible()
    position = Position.objects.get(employer=employer)
    assert position.required_abilities == ["hygiene", "pace"]

    # The workstation analysis, then its PDF for the employer.
    page.get_by_role("link", name="Nouvelle analyse du poste").click()
    page.get_by_label(re.compile(r"^Tuteur ou tutrice")).fill("Mme Durand")
    first = page.get_by_test_id("task").first
    first.get_by_label(re.compile(r"^Tâche prescrite")).fill("Nettoyer les bureaux")
    first.get_by_label(re.compile(r"^Tâche réellement effectuée")).fill("Bureaux et sanitaires")
    first.get_by_label(re.compile(r"^Écart constaté")).fill("Sanitaires absents de la fiche")
    page.get_by_label(re.compile(r"^Rôle du tuteur")).fill("Accueil et montrer les circuits.")
    page.get_by_role("button", name="Enregistrer l'analyse").click()
    expect(page.get_by_text("Analyse du poste enregistrée.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_test_id("analysis-pdf").click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")

    # The persons ranked for the position, each rank explained.
    page.goto(f"/emploi/postes/{position.pk}/")
    page.get_by_role("link", name="Personnes à rapprocher").click()
    match = page.get_by_test_id("match").first
    expect(match).to_contain_text("MARTIN Sofia")
    explanation = match.get_by_test_id("match-explanation")
    expect(explanation).to_contain_text("correspond au projet professionnel")
    expect(explanation).to_contain_text("Manquantes : Tenir une cadence")
    expect(explanation).to_contain_text("km à vol d'oiseau")


def test_placement_follow_up_and_employment_exit(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(
        organisation=organisation, birth_name="Diallo", first_names="Awa", referent=referent
    )
    pathway = PathwayFactory(person=person, referent=referent)
    Employer.objects.create(
        organisation=organisation,
        siret=valid_siret(88_000_002),
        name="Hôtel du Parc",
        name_key="hotel du parc",
        naf_code="55.10Z",
        commune_code="69123",
    )
    login_as(referent, organisation)

    page.goto(f"/emploi/personnes/{person.pk}/")
    page.get_by_role("link", name="Nouvelle mise en emploi").click()
    page.get_by_label(re.compile(r"^Employeur")).select_option(label="Hôtel du Parc")
    page.get_by_label(re.compile(r"^Type")).select_option("contract")
    page.get_by_label(re.compile(r"^Contrat")).select_option("cdi")
    page.get_by_label(re.compile(r"^Poste occupé")).fill("Employée d'étage")
    start = timezone.localdate() - dt.timedelta(days=10)
    page.get_by_label(re.compile(r"^Début")).fill(start.isoformat())
    page.get_by_label(re.compile(r"^Fin")).fill((start - dt.timedelta(days=3)).isoformat())
    page.get_by_label(re.compile(r"^Heures par semaine")).fill("28")
    page.get_by_label(re.compile(r"^Tuteur ou tutrice")).fill("M. Bernard")
    page.get_by_role("button", name="Enregistrer la mise en emploi").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("ne peut pas précéder le début")
    page.get_by_label(re.compile(r"^Fin")).fill("")
    page.get_by_role("button", name="Enregistrer la mise en emploi").click()
    expect(page.get_by_text("Mise en emploi enregistrée")).to_be_visible()
    expect(page.get_by_test_id("tutor")).to_contain_text("M. Bernard")
    placement = Placement.objects.get()

    # The one-week checkpoint, then a mediation.
    checkpoint = page.get_by_test_id("checkpoint").first
    checkpoint.locator("summary").click()
    checkpoint.get_by_label(re.compile(r"^Ce qui a été dit")).fill("Intégration réussie.")
    checkpoint.get_by_role("button", name=re.compile("Enregistrer le point")).click()
    expect(page.get_by_text("Point de suivi « 1 semaine » enregistré.")).to_be_visible()
    page.get_by_role("link", name="Noter une médiation").click()
    page.get_by_label(re.compile(r"^Difficulté")).fill("Retards le lundi matin")
    page.get_by_label(re.compile(r"^Ce qu'a dit la personne")).fill(
        "Le bus du lundi ne passe plus."
    )
    page.get_by_label(re.compile(r"^Accord trouvé")).fill("Prise de poste à 9 h le lundi.")
    page.get_by_role("button", name="Enregistrer la médiation").click()
    expect(page.get_by_test_id("mediation")).to_contain_text("Prise de poste à 9 h le lundi.")

    # The outcome proposes the exit; the référent closes the pathway with it.
    page.get_by_label(re.compile(r"^Issue")).select_option("sustainable")
    page.get_by_role("button", name="Enregistrer l'issue").click()
    proposal = page.get_by_test_id("exit-proposal")
    expect(proposal).to_contain_text("Sortie dynamique — emploi durable")
    proposal.get_by_role("link", name="Clore le parcours avec cette sortie").click()
    expect(page.get_by_label("Sortie dynamique — emploi durable")).to_be_checked()
    page.get_by_role("button", name="Enregistrer la sortie").click()
    expect(page.get_by_text("Sortie enregistrée : le parcours est terminé.")).to_be_visible()
    pathway.refresh_from_db()
    assert pathway.status == "closed" and pathway.exit.category == "sustainable_employment"
    assert placement.checkpoints.filter(done_on__isnull=False).count() == 1
    assert Pathway.objects.count() == 1
