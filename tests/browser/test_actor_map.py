"""The actor map in a real browser: the diagram with its nodes, the tables, « < 5 »; a
manager declares a partnership from the map page."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    ServiceFactory,
)


def flow(sender, receiver, count, status="accepted", hours=36):
    person = PersonFactory(organisation=sender)
    service = ServiceFactory(organisation=receiver)
    sent = timezone.now() - timedelta(days=10)
    for _ in range(count):
        ReferralFactory(
            person=person,
            service=service,
            status=status,
            sent_at=sent,
            answered_at=sent + timedelta(hours=hours),
            refusal_reason="no_capacity" if status == "refused" else "",
        )


def test_actor_map_renders_with_nodes_tables_and_small_counts(page, login_as):
    ccas = OrganisationFactory(name="CCAS de Lyon", kind="ccas", commune_code="69123")
    plie = OrganisationFactory(name="PLIE Uni-Est", kind="plie", commune_code="69266")
    aci = OrganisationFactory(name="Jardin d'insertion", kind="aci", commune_code="69259")
    OrganisationFactory(name="Association sans lien", kind="association", commune_code="69123")
    flow(ccas, plie, 8)
    flow(plie, aci, 2)
    flow(aci, ccas, 1, status="refused")
    manager = MembershipFactory(organisation=ccas, role="manager").user
    login_as(manager, ccas)

    page.goto("/")
    page.get_by_role("link", name="Cartographie").click()
    expect(page.get_by_role("heading", name="Cartographie des acteurs", level=1)).to_be_visible()
    expect(page.get_by_role("textbox", name=re.compile(r"^Territoire"))).to_have_value("69")

    diagram = page.get_by_test_id("actor-map").locator("svg")
    expect(diagram).to_be_visible()
    expect(diagram).to_have_attribute("role", "img")
    expect(diagram.locator("circle[r='17']")).to_have_count(3)  # the tied organisations
    expect(diagram.locator("text", has_text=re.compile(r"^< 5$")).first).to_be_visible()
    expect(diagram).to_contain_text("CCAS de Lyon")

    flows = page.get_by_test_id("flows-table")
    expect(flows.locator("tbody tr")).to_have_count(3)
    first = flows.locator("tbody tr").first
    expect(first).to_contain_text("CCAS de Lyon")
    expect(first).to_contain_text("PLIE Uni-Est")
    expect(first.locator("td").nth(2)).to_have_text("8")
    expect(first.locator("td").nth(3)).to_have_text("100\u202f%")
    expect(first.locator("td").nth(4)).to_have_text("1,5 jours")
    expect(flows.locator("tbody tr").nth(1).locator("td").nth(2)).to_have_text("< 5")
    expect(flows.locator("tbody tr").nth(1).locator("td").nth(3)).to_have_text("non communiqué")
    organisations = page.get_by_test_id("organisations-table")
    expect(organisations.locator("tbody tr")).to_have_count(4)
    expect(organisations).to_contain_text("Association sans lien")

    # A manager declares a partnership: it joins the table and the diagram (dashed).
    page.get_by_label("Structure partenaire").select_option(label="Jardin d'insertion (Vénissieux)")
    page.get_by_label("Nature du partenariat").select_option(label="Convention")
    page.get_by_label(re.compile(r"^Précision")).fill("Convention d'orientation 2026")
    page.get_by_role("button", name="Déclarer le partenariat").click()
    expect(page.get_by_text("Le partenariat avec Jardin d'insertion est déclaré.")).to_be_visible()
    expect(page.get_by_test_id("partnerships-table")).to_contain_text(
        "Convention d'orientation 2026"
    )
    expect(diagram.locator("path[stroke-dasharray='7 5']")).to_have_count(1)
