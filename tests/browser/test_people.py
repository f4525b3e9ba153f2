"""The person record in a real browser: intake with the duplicate warning, documents,
consents and the right-of-access PDF."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from playwright.sync_api import expect

from relais.people.models import Consent, Document, Person
from tests.factories import ConsentFactory, MembershipFactory, PersonFactory
from tests.helpers import open_person_section
from tests.pdfs import pdf_title
from tests.people import files


def test_intake_with_duplicate_warning_then_confirmation(page, login_as, organisation):
    referent = MembershipFactory(
        organisation=organisation, role="referent", user__first_name="Awa", user__last_name="Diallo"
    ).user
    existing = PersonFactory(
        organisation=organisation,
        referent=referent,
        birth_name="DUPONT",
        first_names="Jean",
        birth_date=dt.date(1985, 12, 3),
    )
    login_as(referent, organisation)
    page.goto("/personnes/nouvelle/")
    expect(page.get_by_role("heading", name="Accueil : nouvelle personne")).to_be_visible()
    page.get_by_label("Nom de naissance").fill("Dupont")
    page.get_by_label("Prénom(s)").fill("Jean")
    page.get_by_label("Date de naissance").fill("1985-03-12")
    page.get_by_label("Téléphone").fill("12 34")  # bad input first
    page.get_by_label("Âge des enfants").fill("3, 7")
    page.get_by_label("Situation familiale").select_option(label="Seul·e avec enfant(s)")
    page.get_by_label("RSA", exact=True).check(force=True)  # DSFR: the label covers it
    expect(page.get_by_label("RSA", exact=True)).to_be_checked()
    page.get_by_role("button", name="Vérifier les doublons et créer le dossier").click()
    expect(page.locator(".fr-error-text")).to_contain_text("Numéro de téléphone non reconnu")
    expect(page.get_by_label("Nom de naissance")).to_have_value("Dupont")
    expect(page.get_by_label("Âge des enfants")).to_have_value("3, 7")

    page.get_by_label("Téléphone").fill("+33 6 12 34 56 78")
    page.get_by_role("button", name="Vérifier les doublons et créer le dossier").click()
    warning = page.get_by_test_id("duplicates")
    expect(warning).to_contain_text("Cette personne est peut-être déjà suivie")
    row = page.get_by_test_id(f"duplicate-{existing.pk}")
    expect(row).to_contain_text("DUPONT Jean")
    expect(row).to_contain_text("jour et mois de naissance inversés")
    expect(row.get_by_test_id("duplicate-score")).to_have_text(re.compile(r"^\d{2,3} %$"))
    expect(row.get_by_role("link")).to_have_attribute("href", f"/personnes/{existing.pk}/")
    assert Person.objects.count() == 1
    # The primary choice opens the existing record; creating another one is secondary.
    open_existing = page.get_by_test_id("open-existing")
    expect(open_existing).to_have_class(re.compile(r"(^| )fr-btn( |$)"))
    expect(open_existing).to_have_attribute("href", f"/personnes/{existing.pk}/")
    create = page.get_by_role("button", name="C’est une autre personne, créer le dossier")
    expect(create).to_have_class(re.compile("fr-btn--secondary"))

    create.click()
    expect(page.get_by_text("Le dossier de DUPONT Jean est créé.")).to_be_visible()
    created = Person.objects.exclude(pk=existing.pk).get()
    expect(page).to_have_url(re.compile(rf"/personnes/{created.pk}/$"))
    open_person_section(page, "identite")
    assert created.phone == "06 12 34 56 78"
    assert created.children_ages == [3, 7]
    assert created.referent == referent
    expect(page.get_by_test_id("person-referent")).to_have_text("Awa Diallo")


def test_upload_a_document_then_download_it(page, login_as, organisation, tmp_path):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(organisation=organisation, referent=referent)
    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/")
    open_person_section(page, "documents")
    page.get_by_role("link", name="Déposer un document").click()

    fake = tmp_path / "attestation.pdf"
    fake.write_bytes(files.EXE_BYTES)
    page.get_by_label("Type de document").select_option(label="Attestation (CAF, France Travail…)")
    page.get_by_label("Intitulé").fill("Attestation CAF")
    page.get_by_label("Fichier").set_input_files(str(fake))
    page.get_by_role("button", name="Déposer le document").click()
    expect(page.get_by_test_id("file-error")).to_contain_text("programme exécutable")
    expect(page.get_by_label("Intitulé")).to_have_value("Attestation CAF")

    real = tmp_path / "attestation-caf.pdf"
    real.write_bytes(files.PDF_BYTES)
    page.get_by_label("Fichier").set_input_files(str(real))
    page.get_by_role("button", name="Déposer le document").click()
    expect(page.get_by_text("Le document « Attestation CAF » est déposé.")).to_be_visible()
    table = page.get_by_test_id("documents")
    expect(table).to_contain_text("attestation-caf.pdf")
    with page.expect_download() as download_info:
        table.get_by_role("link", name=re.compile("Attestation CAF")).click()
    download = download_info.value
    assert download.suggested_filename == "attestation-caf.pdf"
    assert Path(download.path()).read_bytes() == files.PDF_BYTES
    assert Document.objects.get().person == person


def test_record_then_withdraw_a_consent(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(organisation=organisation, referent=referent)
    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/")
    open_person_section(page, "consentements")
    page.get_by_role("link", name="Recueillir un consentement").click()
    page.get_by_label("Être contacté·e par SMS").check(force=True)
    page.get_by_label("Oral, devant témoin").check(force=True)
    page.get_by_role("button", name="Enregistrer le consentement").click()
    expect(page.locator(".fr-error-text")).to_contain_text("devant un témoin")
    page.get_by_label("Nom du témoin").fill("Claire Martin")
    page.get_by_role("button", name="Enregistrer le consentement").click()
    expect(page.get_by_text("Le consentement est enregistré.")).to_be_visible()
    consents = page.get_by_test_id("consents")
    expect(consents).to_contain_text("Être contacté·e par SMS")
    expect(consents).to_contain_text("témoin : Claire Martin")
    expect(consents.get_by_text("donné", exact=True)).to_be_visible()

    consents.get_by_role("link", name=re.compile("Enregistrer un retrait")).click()
    expect(
        page.get_by_role("heading", name="Enregistrer le retrait d'un consentement")
    ).to_be_visible()
    page.get_by_label("Oral, devant témoin").check(force=True)
    page.get_by_label("Nom du témoin").fill("Paul Roux")
    page.get_by_role("button", name="Enregistrer le retrait").click()
    expect(page.get_by_text("Le retrait du consentement est enregistré.")).to_be_visible()
    expect(consents.get_by_text("retiré", exact=True)).to_be_visible()
    expect(consents.get_by_role("link", name=re.compile("Enregistrer un retrait"))).to_have_count(0)
    page.get_by_role("button", name=re.compile("Historique : 1 décision remplacée")).click()
    expect(page.get_by_test_id("consent-history")).to_contain_text("remplacé le")
    original, withdrawal = Consent.objects.order_by("id")
    assert withdrawal.supersedes == original and withdrawal.status == "withdrawn"


def test_right_of_access_pdf(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(
        organisation=organisation, referent=referent, birth_name="Lefèvre", first_names="Inès"
    )
    ConsentFactory(person=person, recorded_by=referent)
    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/")
    # The PDF is made while the browser waits: a loaded machine takes its time (fonts).
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_test_id("export-pdf").click(no_wait_after=True)
    download = download_info.value
    assert download.suggested_filename.startswith(f"dossier-{person.pk}-")
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert pdf_title(pdf) == "LEFÈVRE Inès"


def test_staff_sees_no_consents_documents_or_export(page, login_as, organisation):
    staff = MembershipFactory(organisation=organisation, role="staff").user
    person = PersonFactory(organisation=organisation)
    login_as(staff, organisation)
    page.goto(f"/personnes/{person.pk}/")
    expect(page.get_by_role("heading", name="Identité et contact")).to_be_visible()
    expect(page.get_by_role("heading", name="Consentements")).to_have_count(0)
    expect(page.get_by_role("heading", name="Documents")).to_have_count(0)
    expect(page.get_by_test_id("export-pdf")).to_have_count(0)
    response = page.goto(f"/personnes/{person.pk}/documents/nouveau/")
    assert response.status == 403


def test_add_a_key_life_event(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(
        organisation=organisation, referent=referent, birth_date=dt.date(1980, 1, 1)
    )
    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/")
    open_person_section(page, "evenements")
    page.get_by_role("link", name="Ajouter un événement").click()
    page.get_by_label("Événement", exact=True).select_option(label="Expulsion, perte de logement")
    page.get_by_label(re.compile(r"^Date")).fill("2024-11-02")
    page.get_by_label("Ce qui s'est passé").fill("Expulsion <b>après</b> impayés de loyer.")
    page.get_by_role("button", name="Ajouter l'événement").click()
    expect(page.get_by_text("L'événement est ajouté à l'histoire de la personne.")).to_be_visible()
    timeline = page.get_by_test_id("life-events")
    expect(timeline).to_contain_text("02/11/2024")
    expect(timeline).to_contain_text("Expulsion, perte de logement")
    expect(timeline).to_contain_text("rupture")
    expect(timeline).to_contain_text("Expulsion <b>après</b> impayés de loyer.")  # shown as typed


def test_edit_refused_when_a_colleague_saved_in_between(page, login_as, organisation):
    from relais.people import services

    referent = MembershipFactory(organisation=organisation, role="referent").user
    colleague = MembershipFactory(
        organisation=organisation, user__first_name="Awa", user__last_name="Diallo"
    ).user
    person = PersonFactory(organisation=organisation, referent=referent, languages="français")
    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/")
    page.get_by_role("link", name=re.compile("^Modifier l'identité et la situation")).click()
    page.get_by_label("Langues parlées").fill("français, wolof")
    services.person_update(
        person=person, actor=colleague, expected_version=1, data={"languages": "anglais"}
    )
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_role("alert")).to_contain_text("Modifié entre-temps par Awa Diallo")
    expect(page.get_by_test_id("stale-differences")).to_contain_text("anglais")
    expect(page.get_by_label("Langues parlées")).to_have_value("français, wolof")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_text("Les modifications sont enregistrées.")).to_be_visible()
    person.refresh_from_db()
    assert person.languages == "français, wolof"


def test_manager_reassigns_the_referent(page, login_as, organisation):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    old = MembershipFactory(organisation=organisation, role="referent").user
    new = MembershipFactory(
        organisation=organisation, role="referent", user__first_name="Inès", user__last_name="Roux"
    ).user
    person = PersonFactory(organisation=organisation, referent=old)
    login_as(manager, organisation)
    page.goto(f"/personnes/{person.pk}/")
    open_person_section(page, "identite")
    page.get_by_label("Changer de référent").select_option(label="Inès Roux")
    page.get_by_role("button", name="Réattribuer").click()
    expect(page.get_by_text("Inès Roux est maintenant référent de la personne.")).to_be_visible()
    open_person_section(page, "identite")
    expect(page.get_by_test_id("person-referent")).to_have_text("Inès Roux")
    person.refresh_from_db()
    assert person.referent == new


def test_intake_suggests_communes_as_the_service_search_does(page, login_as, organisation):
    """#9, defect 6: the commune is typed as people say it, chosen among suggestions with
    their official names, and shown back by name."""
    referent = MembershipFactory(organisation=organisation, role="referent").user
    login_as(referent, organisation)
    page.goto("/personnes/nouvelle/")
    page.get_by_label("Nom de naissance").fill("Martin")
    page.get_by_label("Prénom(s)").fill("Inès")
    page.get_by_label("Date de naissance").fill("1992-06-01")
    commune = page.get_by_label(re.compile(r"^Commune"))
    commune.press_sequentially("Lyon 3", delay=30)
    options = page.locator("#communes-suggestions option")
    expect(options.first).to_have_attribute("value", "Lyon 3e Arrondissement (69383)")
    commune.fill("Lyon 3e Arrondissement (69383)")
    page.get_by_role("button", name="Vérifier les doublons et créer le dossier").click()
    expect(page.get_by_text("Le dossier de MARTIN Inès est créé.")).to_be_visible()
    person = Person.objects.get(birth_name="Martin")
    assert person.commune_code == "69383"
    identity = open_person_section(page, "identite")
    expect(identity.get_by_text("Lyon 3e Arrondissement").first).to_be_visible()
