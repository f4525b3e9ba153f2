"""A manager defines the territory, imports an indicator file (one good, one broken), reads
the portrait with its chart and table, sees the gap analysis and produces the ABS PDF."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import MembershipFactory, PersonFactory
from tests.factories.diagnostics import DiagnosticFactory, DomainAssessmentFactory
from tests.factories.network.directory import ServiceFactory
from tests.factories.territory import (
    IndicatorFactory,
    IndicatorValueFactory,
    PoolingAgreementFactory,
    TerritoryFactory,
)


def test_territory_import_and_portrait(page, login_as, organisation):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    login_as(manager, organisation)
    page.goto("/")
    page.get_by_test_id("nav-territory").first.click()
    page.get_by_role("link", name="Définir un territoire").click()
    page.get_by_label(re.compile(r"^Nom du territoire")).fill("Est lyonnais")
    page.get_by_label(re.compile(r"^Territoire d'intervention")).fill(
        "Villeurbanne\nVaulx-en-Velin"
    )
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le territoire « Est lyonnais » est défini.")).to_be_visible()
    expect(page.get_by_test_id("territory-summary")).to_contain_text("Rhône (69), France")

    # A new indicator, then its file.
    page.goto("/territoire/indicateurs/")
    page.get_by_role("link", name="Nouvel indicateur").click()
    page.get_by_label(re.compile(r"^Nom")).fill("Foyers allocataires du RSA")
    page.get_by_label(re.compile(r"^Thème")).select_option(label="Revenus et pauvreté")
    page.get_by_label(re.compile(r"^Source")).fill("CAF, 2023")
    page.get_by_role("button", name="Créer l'indicateur").click()
    expect(page.get_by_text("importez ses valeurs")).to_be_visible()
    good = "Code géo;2021;2022\n69266;3 512;3 640\n69256;2 104,0;s\n".encode("cp1252")
    page.get_by_label(re.compile(r"^Fichier")).set_input_files(
        files=[{"name": "rsa.csv", "mimeType": "text/csv", "buffer": good}]
    )
    page.get_by_role("button", name="Déposer et voir les premières lignes").click()
    expect(page.get_by_test_id("preview")).to_contain_text("3 512")
    page.locator("label.fr-label").filter(has_text="Une colonne par année").click()
    expect(page.get_by_test_id("import-format")).to_have_text(
        "Encodage : Windows-1252 · séparateur : point-virgule"
    )
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_test_id("import-status")).to_contain_text("Import terminé : 4 valeurs")
    expect(page.get_by_test_id("import-format")).to_contain_text("Windows-1252")

    # A broken file: nothing imported, every line reported.
    page.goto("/territoire/imports/nouveau/")
    page.get_by_label(re.compile(r"^Indicateur")).select_option(label="Foyers allocataires du RSA")
    broken = (
        b"code;annee;valeur\n69266;2023;12\n99999;2023;4\n69256;2023;beaucoup\n69123;2023;12 34,5\n"
    )
    page.get_by_label(re.compile(r"^Fichier")).set_input_files(
        files=[{"name": "casse.csv", "mimeType": "text/csv", "buffer": broken}]
    )
    page.get_by_role("button", name="Déposer et voir les premières lignes").click()
    page.get_by_role("button", name="Importer").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("Ligne 3 : code géographique « 99999 » inconnu")
    expect(errors).to_contain_text("Ligne 4 : « beaucoup » n'est pas un nombre")
    expect(errors).to_contain_text("Ligne 5 : « 12 34,5 » : chiffres mal groupés")

    # The portrait: a chart and the same figures in a table.
    page.goto("/territoire/")
    page.get_by_role("link", name="Portrait").first.click()
    block = page.locator("section").filter(has_text="Foyers allocataires du RSA")
    expect(block.locator("svg[role=img]")).to_be_visible()
    row = block.get_by_role("row").filter(has_text="Est lyonnais")
    expect(row).to_contain_text("5\u202f616")  # 3 512 + 2 104 in 2021
    expect(row).to_contain_text("3\u202f640 *")  # 2022: Vaulx-en-Velin under secret
    expect(row).to_contain_text("3\u202f640 *")
    # The broken file imported nothing: no 2023 column.
    expect(block.get_by_role("columnheader", name="2023")).to_have_count(0)
    france = block.get_by_role("row").filter(has_text="France")
    expect(france).to_contain_text("5\u202f616 *")  # two communes of France: incomplete


def test_a_stalled_import_is_relaunched(page, login_as, organisation):
    """The worker died mid-import: the page says « Interrompu »; the manager relaunches it."""
    import datetime as dt

    from django.core.files.base import ContentFile

    from relais.territory.models import IndicatorImport

    manager = MembershipFactory(organisation=organisation, role="manager").user
    indicator = IndicatorFactory(organisation=organisation, name="Allocataires")
    job = IndicatorImport(
        organisation=organisation,
        created_by=manager,
        indicator=indicator,
        original_name="allocataires.csv",
        size=40,
        encoding="cp1252",
        delimiter=";",
        status="running",
        processed_bytes=12,
        mapping={"code": 0, "layout": "long", "value": 2, "year": 1},
    )
    job.file.save(
        "allocataires.csv", ContentFile("code;annee;valeur\n69266;2021;1 204,5\n".encode("cp1252"))
    )
    IndicatorImport.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=25)
    )
    login_as(manager, organisation)
    page.goto(f"/territoire/imports/{job.pk}/")
    expect(page.get_by_test_id("import-stalled")).to_contain_text("Interrompu")
    expect(page.get_by_test_id("import-format")).to_have_text(
        "Encodage : Windows-1252 · séparateur : point-virgule"
    )
    page.get_by_role("button", name="Relancer l'import").click()
    expect(page.get_by_text("Import relancé")).to_be_visible()
    expect(page.get_by_test_id("import-status")).to_contain_text("Import terminé : 1 valeur")
    expect(page.get_by_test_id("import-format")).to_contain_text("tentative 2")


def test_gap_analysis_and_abs_pdf(page, login_as, organisation):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    territory = TerritoryFactory(
        organisation=organisation, name="Villeurbanne", areas=["commune:69266", "commune:69256"]
    )
    PoolingAgreementFactory(organisation=organisation, agreed_by=manager)
    # Housing: 6 in Villeurbanne, 2 in Vaulx-en-Velin (whose 3 others have only employment).
    for commune, housing in [("69266", True)] * 6 + [("69256", True)] * 2 + [("69256", False)] * 3:
        person = PersonFactory(organisation=organisation, commune_code=commune)
        diagnostic = DiagnosticFactory(person=person, assessed_on=timezone.localdate())
        if housing:
            DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", difficulty=3)
        DomainAssessmentFactory(diagnostic=diagnostic, domain="employment", difficulty=2)
    ServiceFactory(commune_code="69266", latitude=45.7719, longitude=4.8902)  # employment
    login_as(manager, organisation)

    page.goto(f"/territoire/{territory.pk}/besoins/")
    expect(page.get_by_test_id("needs-summary")).to_contain_text("11 personnes diagnostiquées")
    gaps = page.get_by_test_id("gaps-table")
    housing = gaps.get_by_role("row").filter(has_text="Logement et hébergement")
    # 8 in all: the 6 is hidden too (« s »), or 8 - 6 would give Vaulx-en-Velin's 2.
    expect(housing).to_contain_text("Villeurbanne (s)")
    expect(housing).to_contain_text("Vaulx-en-Velin (< 5)")
    expect(page.get_by_test_id("needs-legend")).to_contain_text("masqué pour protéger")
    employment = gaps.get_by_role("row").filter(has_text="Projet professionnel et emploi")
    expect(employment).to_contain_text("aucune")
    expect(page.get_by_test_id("gap-map").locator("svg")).to_be_visible()

    page.goto("/territoire/abs/")
    page.get_by_label(re.compile(r"^Territoire")).select_option(label="Villeurbanne")
    page.get_by_label(re.compile(r"^Année")).fill(str(timezone.localdate().year))
    page.get_by_role("button", name="Créer").click()
    expect(page.get_by_text("Analyse créée")).to_be_visible()
    section = page.locator("section#problem")
    section.get_by_label("Texte de la section").fill("L'accès au logement est le premier besoin.")
    section.get_by_role("button", name="Enregistrer la section").click()
    expect(page.get_by_text("Section « Problématique » enregistrée.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_test_id("analysis-pdf").click()
    download = download_info.value
    assert download.suggested_filename.startswith("abs-")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")


def test_portrait_themes_on_demand_and_employment_basin(page, login_as, organisation, tmp_path):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    territory = TerritoryFactory(organisation=organisation, name="Lyon et Villeurbanne")
    people = IndicatorFactory(organisation=organisation, name="Population municipale")
    rate = IndicatorFactory(organisation=organisation, rate=True, name="Taux de pauvreté")
    IndicatorValueFactory(indicator=people, value=520000)
    IndicatorValueFactory(indicator=rate, value=14.5)
    login_as(manager, organisation)

    # One theme in the page; the next one's chart and table arrive when it is opened.
    page.goto(f"/territoire/{territory.pk}/")
    expect(page.get_by_test_id("indicator-" + people.code).locator("svg[role=img]")).to_be_visible()
    income = page.get_by_test_id("theme-income")
    expect(income.get_by_text("Taux de pauvreté")).to_have_count(0)
    income.locator("summary").click()
    block = income.get_by_test_id("indicator-" + rate.code)
    expect(block.locator("svg[role=img]")).to_be_visible()
    expect(block.get_by_role("row").filter(has_text="Lyon et Villeurbanne")).to_contain_text("14,5")

    # Labour-market file: a broken one (every bad line, nothing imported), then a good one.
    page.goto("/territoire/emploi/")
    broken = tmp_path / "bmo-casse.csv"
    broken.write_bytes("code_rome;BE23;met;xmet\nA1203;69;100;20\nZ99;69;abc;1\n".encode("cp1252"))
    page.get_by_label(re.compile(r"^Fichier")).set_input_files(str(broken))
    page.get_by_label(re.compile(r"^Année")).fill("2025")
    page.get_by_role("button", name="Importer").click()
    errors = page.get_by_test_id("labour-errors")
    expect(errors).to_contain_text("Ligne 3 : « Z99 » n'est pas un code ROME")
    expect(errors).to_contain_text("« abc » n'est pas un nombre")
    good = tmp_path / "bmo.csv"
    good.write_bytes(
        "code_rome;NOMBE23;BE23;met;xmet\nA1203;Rhône;69;100;20\nG1603;Rhône;69;40;30\n".encode(
            "cp1252"
        )
    )
    page.get_by_label(re.compile(r"^Fichier")).set_input_files(str(good))
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_text("2 lignes de chiffres")).to_be_visible()

    # The basin is reached from the territory's portrait.
    page.goto(f"/territoire/{territory.pk}/")
    page.get_by_test_id("basin-link").click()
    expect(
        page.get_by_role("heading", name="Bassin d'emploi : Lyon et Villeurbanne")
    ).to_be_visible()
    trades = page.get_by_test_id("trades-table")
    expect(trades.get_by_role("row").nth(1)).to_contain_text("G1603")
    expect(trades.get_by_role("row").nth(1)).to_contain_text("75,0")


def test_watch_entry_added_edited_and_found_by_tag(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    login_as(referent, organisation)
    page.goto("/territoire/veille/")
    page.get_by_label(re.compile(r"^Date")).fill(timezone.localdate().isoformat())
    page.get_by_label(re.compile(r"^Titre")).fill("Plan pauvreté")
    page.get_by_label(re.compile(r"^Source")).fill("DREETS")
    page.get_by_label(re.compile(r"^Mots-clés")).fill("pauvreté, jeunes")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_text("Entrée de veille ajoutée.")).to_be_visible()

    page.get_by_role("link", name="Modifier l'entrée « Plan pauvreté »").click()
    page.get_by_label(re.compile(r"^Titre")).fill("")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Donnez un titre.")
    expect(page.get_by_label(re.compile(r"^Source"))).to_have_value("DREETS")
    page.get_by_label(re.compile(r"^Titre")).fill("Stratégie de lutte contre la pauvreté")
    page.get_by_label(re.compile(r"^Résumé")).fill("Appel à projets pour les 16-25 ans.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Entrée de veille modifiée.")).to_be_visible()

    items = page.get_by_test_id("watch-items")
    expect(items).to_contain_text("Stratégie de lutte contre la pauvreté")
    expect(items).to_contain_text("Appel à projets pour les 16-25 ans.")
    page.get_by_role("link", name="Entrées portant le mot-clé « jeunes »").click()
    expect(page.get_by_test_id("watch-count")).to_contain_text("1 entrée")
    expect(page.get_by_label("Mot-clé", exact=True)).to_have_value("jeunes")
