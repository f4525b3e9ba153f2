"""Printable documents in a real browser: the diagnostic and the review as PDF to sign with
the person, and the signed contract's scan attached with the signature (a bad file first)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from relais.pathways.models import Contract
from tests.factories import (
    ContractFactory,
    DiagnosticFactory,
    GoalFactory,
    MembershipFactory,
    PathwayFactory,
    PersonFactory,
    ReviewFactory,
    StepFactory,
)
from tests.pdfs import pdf_title
from tests.people import files


def test_print_diagnostic_and_review_and_attach_the_signed_contract(
    page, login_as, organisation, tmp_path
):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(
        organisation=organisation, referent=referent, birth_name="Lefèvre", first_names="Amélie"
    )
    diagnostic = DiagnosticFactory(person=person, author=referent)
    pathway = PathwayFactory(person=person, referent=referent, scheme="plie")
    goal = GoalFactory(pathway=pathway)
    StepFactory(pathway=pathway, goal=goal)
    review = ReviewFactory(pathway=pathway, author=referent, held_on=dt.date(2026, 11, 20))
    ContractFactory(pathway=pathway)
    login_as(referent, organisation)

    page.goto(f"/personnes/{person.pk}/diagnostics/{diagnostic.pk}/")
    with page.expect_download() as download_info:
        page.get_by_test_id("diagnostic-pdf").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf_title(pdf).startswith("Diagnostic partagé du ")
    assert pdf_title(pdf).endswith("LEFÈVRE Amélie")

    page.goto(f"/personnes/{person.pk}/bilans/{review.pk}/")
    with page.expect_download() as download_info:
        page.get_by_test_id("review-pdf").click()
    assert pdf_title(Path(download_info.value.path()).read_bytes()) == (
        "Bilan du 20/11/2026 — LEFÈVRE Amélie"
    )

    page.goto(f"/personnes/{person.pk}/parcours/{pathway.pk}/contrat/")
    bad = tmp_path / "contrat.pdf"
    bad.write_bytes(files.EXE_BYTES)
    page.get_by_label("Signature manuscrite sur papier").check(force=True)
    page.get_by_label("Contrat signé numérisé (facultatif)").set_input_files(str(bad))
    page.get_by_role("button", name="Enregistrer la signature").click()
    expect(page.get_by_test_id("scan-error")).to_contain_text("programme exécutable")
    assert Contract.objects.get().signed_on is None

    scan = tmp_path / "contrat-signe.pdf"
    scan.write_bytes(files.PDF_BYTES)
    page.get_by_label("Signature manuscrite sur papier").check(force=True)
    page.get_by_label("Contrat signé numérisé (facultatif)").set_input_files(str(scan))
    page.get_by_role("button", name="Enregistrer la signature").click()
    expect(page.get_by_text("avec le contrat signé numérisé")).to_be_visible()
    assert Contract.objects.get().signed_on == timezone.localdate()
    with page.expect_download() as download_info:
        page.get_by_test_id("contract-scan").click()
    assert download_info.value.suggested_filename == "contrat-signe.pdf"
    assert Path(download_info.value.path()).read_bytes() == files.PDF_BYTES
