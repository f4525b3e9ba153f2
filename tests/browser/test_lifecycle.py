"""The record's lifecycle in a real browser: archive and unarchive a record, set the
retention policy, record an erasure request and close it."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from relais.people.models import Person
from relais.records.models import RetentionPolicy, RightsRequest
from tests.factories import MembershipFactory, PersonFactory
from tests.helpers import open_person_section


def test_archive_then_unarchive(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    manager = MembershipFactory(organisation=organisation, role="manager").user
    person = PersonFactory(organisation=organisation, referent=referent, birth_name="Lambert")
    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/")
    open_person_section(page, "conservation")
    page.get_by_role("button", name="Archiver le dossier").click()
    expect(page.get_by_text("Le dossier est archivé")).to_be_visible()
    expect(page.get_by_test_id("archived-banner")).to_be_visible()
    expect(page.get_by_role("link", name="Modifier l'identité", exact=False)).to_have_count(0)
    expect(page.get_by_role("button", name="Désarchiver le dossier")).to_have_count(0)
    page.goto("/")
    expect(page.get_by_text("LAMBERT")).to_have_count(0)

    login_as(manager, organisation)
    page.goto("/structure/conservation/")
    archived = page.get_by_test_id("archived-records")
    expect(archived).to_contain_text("LAMBERT")
    archived.get_by_role("link", name="LAMBERT", exact=False).click()
    page.get_by_role("button", name="Désarchiver le dossier").click()
    expect(page.get_by_text("Le dossier est désarchivé")).to_be_visible()
    expect(page.get_by_test_id("archived-banner")).to_have_count(0)
    assert Person.objects.get(pk=person.pk).archived_at is None


def test_set_the_retention_policy(page, login_as, organisation):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    login_as(manager, organisation)
    page.goto("/")
    page.get_by_test_id("nav-retention").first.click()
    expect(
        page.get_by_role("heading", name="Conservation des dossiers", exact=False)
    ).to_be_visible()
    months = page.get_by_label("Durée de conservation des dossiers (mois)")
    expect(months).to_have_value("24")
    months.fill("1000")  # bad input first
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#id_months-error")).to_contain_text("entre 12 et 60 mois")
    expect(months).to_have_value("1000")
    months.fill("36")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La politique de conservation est enregistrée.")).to_be_visible()
    expect(months).to_have_value("36")
    assert RetentionPolicy.objects.get(organisation=organisation).months_after_last_activity == 36


def test_record_an_erasure_request_then_close_it(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    manager = MembershipFactory(organisation=organisation, role="manager").user
    person = PersonFactory(organisation=organisation, referent=referent, birth_name="Moreau")
    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/")
    open_person_section(page, "conservation")
    page.get_by_role("link", name="Enregistrer une demande").click()
    page.get_by_label("Type de demande").select_option(label="Effacement (art. 17 RGPD)")
    page.get_by_label("Reçue le").fill(dt.date.today().isoformat())
    page.get_by_label("Ce que la personne demande").fill("Effacer tout mon dossier.")
    page.get_by_role("button", name="Enregistrer la demande").click()
    expect(page.get_by_text("La demande est enregistrée")).to_be_visible()
    expect(page.get_by_test_id("rights-requests")).to_contain_text("Effacer tout mon dossier.")

    login_as(manager, organisation)
    page.goto("/structure/conservation/")
    requests = page.get_by_test_id("open-requests")
    expect(requests).to_contain_text("MOREAU")
    requests.get_by_role("link", name="MOREAU", exact=False).click()
    page.get_by_label("Décision").select_option(label="Demande refusée")
    page.get_by_role("button", name="Clore la demande").click()
    expect(page.locator("#id_clore-reason-error")).to_contain_text("Un refus doit être motivé")
    page.get_by_label("Décision").select_option(label="Demande satisfaite")
    page.get_by_role("button", name="Clore la demande").click()
    expect(page.get_by_text(f"le dossier n° {person.pk} est effacé")).to_be_visible()
    expect(page.get_by_test_id("open-requests")).to_contain_text("Aucune demande en cours")
    assert not Person.objects.filter(pk=person.pk).exists()
    assert RightsRequest.objects.get().status == "done"
