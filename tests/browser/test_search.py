"""Service search in a real browser: by need and distance (order and reasons), the commune
suggestions, and from a barrier of a person's diagnostic to « Orienter la personne »."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import (
    DiagnosticFactory,
    DomainAssessmentFactory,
    IndexedServiceFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.helpers import open_person_section

PERMIS = "mobilite--preparer-un-permis"
SHELTER = "logement-hebergement--rechercher-une-solution-dhebergement-temporaire"


def at_commune(code: str, lat: float, lon: float) -> dict:
    return {"commune_code": code, "latitude": lat, "longitude": lon}


def test_search_by_need_and_distance(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    garage = OrganisationFactory(name="Garage solidaire du Rhône", commune_code="69266")
    IndexedServiceFactory(
        organisation=garage,
        name="Auto-école sociale de Villeurbanne",
        thematiques=[PERMIS],
        phone="04 78 00 00 01",
        **at_commune("69266", 45.77077, 4.88846),  # ≈ 4.2 km from Lyon's centre
    )
    IndexedServiceFactory(
        organisation=garage,
        name="Permis solidaire de Vénissieux",
        thematiques=[PERMIS],
        **at_commune("69259", 45.70377, 4.88138),  # ≈ 7.6 km
    )
    IndexedServiceFactory(
        organisation=garage,
        name="Auto-école de Villefranche",
        thematiques=[PERMIS],
        **at_commune("69264", 45.98746, 4.73174),  # ≈ 26 km: out of a 20 km radius
    )
    IndexedServiceFactory(
        organisation=garage,
        name="Atelier CV",
        thematiques=["preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"],
        **at_commune("69123", 45.76, 4.835),
    )
    login_as(referent, organisation)

    page.goto("/")
    page.get_by_role("link", name="Trouver un service").first.click()
    expect(page.get_by_role("heading", name="Trouver un service pour ce besoin")).to_be_visible()

    page.locator("summary", has_text="Mobilité").click()
    page.locator("label", has_text="Préparer un permis").click()
    expect(page.get_by_label("Préparer un permis")).to_be_checked()

    commune = page.get_by_label(re.compile(r"^Commune"))
    commune.press_sequentially("Villeurb", delay=40)
    # The suggestions come from the server as the user types (htmx fills the datalist).
    expect(
        page.locator("#communes-suggestions option[value='Villeurbanne (69266)']")
    ).to_have_count(1)
    commune.fill("Lyon (69123)")
    page.get_by_label(re.compile(r"^Rayon")).fill("20")
    page.get_by_role("button", name="Rechercher").click()

    expect(page.get_by_test_id("results-count")).to_have_text(
        "2 services trouvés à 20 km autour de Lyon"
    )
    results = page.get_by_test_id("result")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text("Auto-école sociale de Villeurbanne")
    expect(results.nth(1)).to_contain_text("Permis solidaire de Vénissieux")
    reasons = results.nth(0).get_by_test_id("reasons")
    expect(reasons).to_contain_text("thématique « Mobilité : Préparer un permis »")
    expect(reasons).to_contain_text("à 4,2 km de Lyon")
    expect(results.nth(0)).to_contain_text("04 78 00 00 01")
    expect(results.nth(0)).to_contain_text("Garage solidaire du Rhône")
    expect(results.nth(1).get_by_test_id("reasons")).to_contain_text("à 7,6 km de Lyon")
    expect(page.get_by_text("Auto-école de Villefranche")).to_have_count(0)
    expect(page.get_by_role("link", name="Orienter la personne")).to_have_count(0)

    # A wider radius brings Villefranche, last.
    page.get_by_label(re.compile(r"^Rayon")).fill("30")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_test_id("result")).to_have_count(3)
    expect(page.get_by_test_id("result").nth(2)).to_contain_text("Auto-école de Villefranche")

    # Bad input is explained next to the field, the typed value kept.
    page.get_by_label(re.compile(r"^Rayon")).fill("500")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#id_rayon-error")).to_contain_text(
        "Indiquez un rayon en kilomètres, nombre entier de 1 à 200."
    )
    expect(page.get_by_label(re.compile(r"^Rayon"))).to_have_value("500")

    # The service's page in the directory.
    page.get_by_label(re.compile(r"^Rayon")).fill("20")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name="Auto-école sociale de Villeurbanne").click()
    expect(
        page.get_by_role("heading", name=re.compile("Auto-école sociale de Villeurbanne"))
    ).to_be_visible()


def test_from_a_barrier_of_the_diagnostic_to_a_referral(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(
        organisation=organisation,
        referent=referent,
        birth_name="Moreau",
        first_names="Inès",
        commune_code="69123",
        resources=["rsa"],
    )
    diagnostic = DiagnosticFactory(person=person, author=referent)
    DomainAssessmentFactory(
        diagnostic=diagnostic, domain="housing", difficulty=3, barriers=["FT24"]
    )
    chrs = OrganisationFactory(name="CHRS Le Relais", kind="chrs", commune_code="69266")
    shelter = IndexedServiceFactory(
        organisation=chrs,
        name="Hébergement d'urgence",
        thematiques=[SHELTER],
        **at_commune("69266", 45.7665, 4.8795),
    )
    IndexedServiceFactory(
        name="Ligne d'écoute logement",
        thematiques=[SHELTER],
        commune_code="",
        latitude=None,
        longitude=None,
        zone_eligibilite=["69"],
        modes_accueil=["a-distance"],
    )
    login_as(referent, organisation)

    page.goto(f"/personnes/{person.pk}/")
    schemes = open_person_section(page, "dispositifs")
    expect(schemes.get_by_test_id("scheme-iae").get_by_test_id("scheme-status")).to_have_text(
        "Probablement éligible"
    )
    expect(schemes.get_by_test_id("scheme-iae")).to_contain_text("Attestation RSA")
    schemes.get_by_role(
        "link", name="Trouver un service pour « Sans hébergement / rupture effective de logement »"
    ).click()

    expect(page.get_by_test_id("search-person")).to_contain_text("MOREAU Inès")
    expect(page.get_by_test_id("search-person")).to_contain_text(
        "besoin : « Sans hébergement / rupture effective de logement »"
    )
    results = page.get_by_test_id("result")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text("Hébergement d'urgence")
    expect(results.nth(0).get_by_test_id("reasons")).to_contain_text("à 3,4 km de Lyon")
    expect(results.nth(1)).to_contain_text("Ligne d'écoute logement")
    expect(results.nth(1).get_by_test_id("reasons")).to_contain_text(
        "intervient dans tout le département (69)"
    )
    expect(results.nth(1).get_by_test_id("reasons")).to_contain_text("accueil à distance")
    orient = results.nth(0).get_by_role("link", name=re.compile("Orienter la personne"))
    expect(orient).to_have_attribute(
        "href", re.compile(rf"/orientations/nouvelle/\?service={shelter.pk}&personne={person.pk}$")
    )
