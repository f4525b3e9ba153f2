"""The directory in a real browser: a manager describes a service and finds it in the
directory, a member adds a partner "hors plateforme", a stale service is confirmed, and a
CSV import with an error is refused line by line, then accepted once fixed."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from relais.accounts.models import Organisation
from relais.network.directory.models import Service
from tests.factories import MembershipFactory, OrganisationFactory, ServiceFactory, valid_siret


def test_manager_adds_a_service_and_finds_it_in_the_directory(page, login_as, organisation):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    login_as(manager, organisation)
    page.goto("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Annuaire"
    ).click()
    expect(page.get_by_role("heading", name="Annuaire des partenaires")).to_be_visible()
    page.get_by_role("link", name=organisation.name).click()
    page.get_by_role("link", name="Ajouter un service").click()
    expect(page.get_by_role("heading", name="Nouveau service")).to_be_visible()

    page.get_by_label("Nom du service").fill("Auto-école sociale")
    page.get_by_label("Description").fill("Préparation au permis B, avec un accompagnement adapté.")
    page.get_by_label("Type de service").select_option(label="Formation")
    page.locator("summary").filter(has_text=re.compile(r"^Mobilité")).click()  # opens the category
    page.get_by_role("checkbox", name="Préparer un permis").check(force=True)
    page.get_by_label("Jeunes", exact=True).check(force=True)
    page.get_by_label("Demandeurs d’emploi").check(force=True)
    page.get_by_role("checkbox", name="En présentiel").check(force=True)
    page.get_by_role("checkbox", name="Professionnels").check(force=True)
    page.get_by_label("Zone d'éligibilité").fill("69 lyon")  # bad input first
    page.get_by_role("textbox", name=re.compile(r"^Commune")).fill("")
    page.get_by_role("button", name="Ajouter le service").click()
    expect(page.locator("#id_zone_eligibilite-error")).to_contain_text(
        "« LYON » n'est pas un code reconnu"
    )
    # The error summary at the top links to the field.
    page.get_by_test_id("error-summary").get_by_role("link", name="Zone d'éligibilité").click()
    expect(page.locator("#id_zone_eligibilite")).to_be_focused()
    expect(page.locator("#id_commune-error")).to_contain_text(
        "Indiquez la commune où le service accueille le public"
    )
    expect(page.get_by_label("Nom du service")).to_have_value("Auto-école sociale")
    expect(page.get_by_role("checkbox", name="Préparer un permis")).to_be_checked()

    page.get_by_label("Zone d'éligibilité").fill("69 200046977")
    page.get_by_role("textbox", name=re.compile(r"^Commune")).fill("Villeurbanne")
    page.get_by_role("textbox", name=re.compile(r"^Téléphone")).fill("0478123456")
    page.get_by_role("textbox", name=re.compile(r"^E-mail")).fill("permis@exemple.fr")
    page.get_by_role("button", name="Ajouter le service").click()
    expect(page.get_by_text("Service « Auto-école sociale » ajouté et publié.")).to_be_visible()
    facts = page.get_by_test_id("service-facts")
    expect(facts).to_contain_text("Mobilité : Préparer un permis")
    expect(facts).to_contain_text("Demandeurs d’emploi, Jeunes")
    expect(facts).to_contain_text("Département 69, EPCI 200046977")
    expect(page.get_by_test_id("service-phone")).to_have_text("04 78 12 34 56")
    expect(page.get_by_test_id("service-email")).to_have_text("permis@exemple.fr")
    service = Service.objects.get(name="Auto-école sociale")
    assert service.commune_code == "69266" and service.latitude is not None

    page.get_by_role("link", name="Annuaire", exact=True).first.click()
    page.get_by_label("Nom, SIRET ou mot-clé").fill("auto-école")
    page.get_by_role("button", name="Filtrer").click()
    entries = page.get_by_test_id("directory-entry")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text(organisation.name)
    expect(entries.first).to_contain_text("1 service")


def test_manager_confirms_a_stale_service(page, login_as, organisation):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    ServiceFactory(
        organisation=organisation,
        name="Atelier CV",
        thematiques=["preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"],
        confirmed_on=dt.date(2020, 1, 1),
    )
    login_as(manager, organisation)
    page.goto("/annuaire/")
    expect(page.get_by_test_id("stale-badge")).to_have_text("1 service à confirmer")
    page.get_by_role("link", name=organisation.name).click()
    expect(page.get_by_test_id("stale-warning")).to_be_visible()
    page.get_by_role("link", name="Atelier CV").click()
    page.get_by_role("button", name="Confirmer que ce service est à jour").click()
    expect(page.get_by_text("est confirmé à jour aujourd'hui")).to_be_visible()
    expect(page.get_by_test_id("confirmed-on")).to_have_text(dt.date.today().strftime("%d/%m/%Y"))
    expect(page.get_by_test_id("stale-warning")).to_have_count(0)
    page.get_by_role("button", name="Dépublier").click()
    expect(page.get_by_test_id("unpublished-badge")).to_be_visible()


def test_member_adds_an_external_partner(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    login_as(referent, organisation)
    page.goto("/annuaire/")
    page.get_by_role("link", name="Ajouter un partenaire hors plateforme").click()
    page.get_by_label("Nom de la structure").fill("Garage solidaire de Vénissieux")
    page.get_by_label("Type de structure").select_option(label="Association")
    page.get_by_label("SIRET").fill("123 456 789 00010")  # wrong key
    page.get_by_role("textbox", name=re.compile(r"^Commune")).fill("Vénissieux")
    page.get_by_label("Téléphone").fill("04 78 00 00 00")
    page.get_by_role("button", name="Ajouter le partenaire").click()
    expect(page.locator(".fr-error-text")).to_contain_text("clé de contrôle est incorrecte")
    expect(page.get_by_label("Nom de la structure")).to_have_value("Garage solidaire de Vénissieux")

    page.get_by_label("SIRET").fill(valid_siret(8_000_001))
    page.get_by_role("button", name="Ajouter le partenaire").click()
    expect(
        page.get_by_text("est ajouté à l'annuaire comme partenaire hors plateforme")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Garage solidaire de Vénissieux")).to_be_visible()
    expect(page.get_by_text("Hors plateforme").first).to_be_visible()
    partner = Organisation.objects.get(name="Garage solidaire de Vénissieux")
    assert partner.is_external and partner.created_by == referent

    page.get_by_role("link", name="Annuaire", exact=True).first.click()
    page.get_by_label("Présence").select_option(label="Hors plateforme")
    page.get_by_role("button", name="Filtrer").click()
    entries = page.get_by_test_id("directory-entry")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("Garage solidaire de Vénissieux")
    expect(entries.first).to_contain_text("Hors plateforme")
    expect(entries.first).to_contain_text("Vénissieux".upper().title())


def test_import_a_csv_with_an_error_then_fixed(page, login_as, organisation, tmp_path):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    OrganisationFactory(name="Autre structure")
    header = "source;structure_id;id;nom;description;date_maj;thematiques;publics;code_insee\n"
    good = (
        f"tableur;relais--{organisation.pk};tableur--1;Atelier CV;Un atelier pour écrire son CV.;"
        "10/01/2025;preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation;jeunes;69123\n"
    )
    bad = (
        f"tableur;relais--{organisation.pk};tableur--2;Permanence;Accès aux droits.;2025-01-10;;"
        "martiens;69123\n"
    )
    path = tmp_path / "services.csv"
    path.write_bytes((header + good + bad).encode("cp1252"))
    login_as(manager, organisation)
    page.goto("/annuaire/")
    page.get_by_role("link", name="Importer / exporter").click()
    page.get_by_label("Fichier CSV des services").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier et importer").click()
    expect(page.get_by_test_id("import-errors-summary")).to_contain_text(
        "Rien n'a été importé : 1 erreur à corriger"
    )
    row = page.get_by_test_id("import-error")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(re.compile(r"services\.csv\s*3\s*publics"))
    expect(row).to_contain_text("Valeur inconnue « martiens »")
    expect(page.get_by_text("lu en Windows-1252")).to_be_visible()
    assert not Service.objects.exists()

    path.write_bytes((header + good + bad.replace("martiens", "tous-publics")).encode("cp1252"))
    page.get_by_label("Fichier CSV des services").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier et importer").click()
    expect(page.get_by_text("Import réussi : 0 structure")).to_be_visible()
    expect(page.get_by_text("2 services (2 créés")).to_be_visible()
    assert set(Service.objects.values_list("name", flat=True)) == {"Atelier CV", "Permanence"}
    assert Service.objects.get(name="Atelier CV").description == "Un atelier pour écrire son CV."

    page.goto(f"/annuaire/structures/{organisation.pk}/")
    expect(page.get_by_test_id("service-entry")).to_have_count(2)
