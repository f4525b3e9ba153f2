"""Indicators in a real browser: each dashboard opened, the period and a filter changed, a
chart's table read, a small count shown « < 5 », the figures exported as XLSX and the
activity report as PDF."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.factories.reporting import reporting_world


@pytest.fixture
def world(db):
    return reporting_world()


def set_period(page, start: str, end: str) -> None:
    # By id: beyond the caseload the labels carry a hint (« Le 1er d'un mois. »).
    page.locator("#id_debut").fill(start)
    page.locator("#id_fin").fill(end)


def test_manager_dashboard_filters_suppression_and_exports(page, login_as, world):
    login_as(world.manager.user, world.org)
    page.goto("/")
    page.get_by_test_id("nav-reporting").click()
    expect(page.get_by_role("heading", name="Ma structure")).to_be_visible()

    set_period(page, "2026-01-01", "2026-06-30")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_test_id("report-period")).to_contain_text("du 01/01/2026 au 30/06/2026")
    # Four persons followed (of five in the organisation): beyond a caseload, « < 5 ».
    followed = page.get_by_test_id("table-persons_followed-courante")
    expect(followed.get_by_role("row", name=re.compile("Personnes suivies"))).to_contain_text("< 5")
    # A chart's table: the exits by category, the same figures as the chart.
    exits = page.get_by_test_id("indicator-exits_by_category")
    expect(exits.locator("svg")).to_be_visible()
    expect(exits.get_by_role("row", name=re.compile("Total"))).to_contain_text("< 5")
    exits.get_by_text("Comment est-ce calculé ?").click()
    expect(exits).to_contain_text("sorties neutralisées")

    # Two persons in the RSA: no figure, and why.
    page.locator("#id_dispositif").select_option("rsa")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_test_id("report-period")).to_contain_text("Accompagnement RSA")
    expect(page.get_by_test_id("report-withheld")).to_contain_text(
        "Moins de 5 personnes correspondent à ces filtres"
    )
    expect(page.get_by_test_id("table-persons_followed-courante")).to_have_count(0)

    page.goto("/indicateurs/structure/?debut=2026-01-01&fin=2026-06-30")
    page.get_by_role("button", name="Indicateurs (Excel)").click()
    expect(page.get_by_test_id("export-progress")).to_contain_text("Export prêt")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-download").click()
    book = load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    texts = [c.value for row in book.active.iter_rows() for c in row if c.value is not None]
    assert "Personnes suivies" in texts and "< 5" in texts

    page.goto("/indicateurs/structure/?debut=2026-01-01&fin=2026-06-30")
    page.get_by_role("button", name="Rapport d'activité (PDF)").click()
    expect(page.get_by_test_id("export-progress")).to_contain_text("Export prêt")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-download").click()
    assert download_info.value.path().read_bytes()[:5] == b"%PDF-"


def test_referent_caseload_dashboard_and_yearly_comparison(page, login_as, world):
    login_as(world.r1.user, world.org)
    page.goto("/indicateurs/")
    expect(page.get_by_role("heading", name="Ma file active")).to_be_visible()
    set_period(page, "2026-01-01", "2026-06-30")
    page.get_by_label("Comparer avec la même période un an plus tôt").check(force=True)
    page.get_by_role("button", name="Afficher").click()
    current = page.get_by_test_id("table-persons_followed-courante")
    expect(current.get_by_role("row", name=re.compile("Personnes suivies"))).to_contain_text("2")
    expect(page.get_by_test_id("table-persons_followed-precedente")).to_be_visible()
    expect(page.get_by_test_id("report-period")).to_contain_text("01/01/2025")
    # The referent's own caseload: figures shown as they are.
    expect(page.get_by_text("Secret statistique")).to_have_count(0)


def test_period_ending_before_it_starts_is_explained(page, login_as, world):
    login_as(world.r1.user, world.org)
    page.goto("/indicateurs/file-active/")
    set_period(page, "2026-06-30", "2026-01-01")
    page.get_by_role("button", name="Afficher").click()
    expect(
        page.get_by_text("La fin de la période ne peut pas précéder son début").first
    ).to_be_visible()


def test_coordination_dashboard(page, login_as, world):
    login_as(world.team.user, world.team.organisation)
    page.goto("/indicateurs/coordination/?debut=2026-01-01&fin=2026-06-30")
    table = page.get_by_test_id("table-persons_followed-courante")
    expect(table.get_by_role("row", name=re.compile("Personnes co-suivies"))).to_contain_text("5")
    expect(page.get_by_test_id("indicator-ruptures")).to_have_count(0)
