"""Synthesis report in a real browser: to a recipient without the person's consent every
section is refused with the reason; once the consent is recorded, the report is produced
(refusing the health domain), the PDF downloaded, the sending recorded."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from relais.records.synthesis_models import SynthesisReport
from tests.factories import (
    ConsentFactory,
    DiagnosticFactory,
    DomainAssessmentFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
)


def test_report_refused_without_consent_then_produced(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(organisation=organisation, referent=referent)
    diagnostic = DiagnosticFactory(person=person, author=referent)
    DomainAssessmentFactory(diagnostic=diagnostic, domain="mobility", situation="Pas de permis")
    department = OrganisationFactory(name="Conseil départemental du Rhône", kind="departement")
    PartnershipFactory(source=organisation, target=department, declared_by=referent)

    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/")
    page.get_by_role("link", name="Synthèses pour une commission").click()

    def fill_form():
        page.get_by_label(re.compile(r"^Destinataire")).select_option(
            label="Conseil départemental du Rhône"
        )
        page.get_by_label(re.compile(r"^Pour")).select_option("rsa_team")
        page.get_by_label(re.compile(r"^Proposition du référent")).fill(
            "Maintien du RSA et entrée en formation d'aide-soignante."
        )
        page.get_by_label(re.compile(r"^Avis de la personne")).fill("« Je suis prête. »")

    fill_form()
    page.get_by_role("button", name="Vérifier les accords").click()
    decisions = page.get_by_test_id("decisions")
    expect(decisions).to_contain_text("Refusée")
    expect(decisions).to_contain_text("n'a pas donné (ou a retiré) son accord au partage")
    expect(page.get_by_test_id("produce")).to_have_count(0)

    ConsentFactory(
        person=person, purpose="share_org", partner_organisation=department, recorded_by=referent
    )
    page.reload()
    fill_form()
    page.get_by_role("button", name="Vérifier les accords").click()
    expect(page.get_by_test_id("decisions")).to_contain_text("Sans le domaine santé")
    page.get_by_test_id("produce").click()
    expect(page.get_by_text("Synthèse produite.")).to_be_visible()
    expect(page.get_by_text("Pas de permis")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_test_id("synthesis-pdf").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.get_by_label(re.compile(r"^Moyen")).select_option("secure_email")
    page.get_by_role("button", name="Enregistrer la transmission").click()
    expect(page.get_by_text("Transmission enregistrée.")).to_be_visible()
    assert SynthesisReport.objects.get().status == "sent"
