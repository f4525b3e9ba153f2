"""The caseload (home page) in a real browser: alerts, filters, search, sorting, the
manager's view of every référent and reassignment, the staff's person search."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relais.people.models import Person
from tests.factories import MembershipFactory, NoteFactory, PathwayFactory, PersonFactory


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def team(organisation):
    awa = MembershipFactory(
        organisation=organisation, role="referent", user__first_name="Awa", user__last_name="Diallo"
    ).user
    marc = MembershipFactory(
        organisation=organisation, role="referent", user__first_name="Marc", user__last_name="Petit"
    ).user
    boss = MembershipFactory(
        organisation=organisation, role="manager", user__first_name="Inès", user__last_name="Roux"
    ).user
    old = timezone.now() - dt.timedelta(days=365)

    helene = PersonFactory(
        organisation=organisation,
        referent=awa,
        birth_name="Dupré",
        first_names="Hélène",
        created_at=old,
    )
    PathwayFactory(person=helene, referent=awa, scheme="plie", next_review_on=days_ago(3))
    NoteFactory(person=helene, author=awa, occurred_on=days_ago(2))

    karim = PersonFactory(
        organisation=organisation,
        referent=awa,
        birth_name="Benali",
        first_names="Karim",
        created_at=old,
    )
    PathwayFactory(person=karim, referent=awa, scheme="rsa", next_review_on=days_ago(-30))
    NoteFactory(person=karim, author=awa, occurred_on=days_ago(45))

    lucie = PersonFactory(
        organisation=organisation,
        referent=marc,
        birth_name="Moreau",
        first_names="Lucie",
        created_at=old,
    )
    NoteFactory(person=lucie, author=marc, occurred_on=days_ago(1))
    return {
        "awa": awa,
        "marc": marc,
        "boss": boss,
        "helene": helene,
        "karim": karim,
        "lucie": lucie,
    }


def rows(page):
    return page.get_by_test_id("caseload-row")


def test_referent_sees_alerts_filters_and_searches(page, login_as, organisation, team):
    login_as(team["awa"], organisation)
    page.goto("/")
    expect(page.get_by_role("heading", name="Ma file active")).to_be_visible()
    expect(rows(page)).to_have_count(2)  # not Marc's person
    helene = rows(page).filter(has_text="DUPRÉ Hélène")
    karim = rows(page).filter(has_text="BENALI Karim")
    expect(helene.get_by_test_id("caseload-alerts")).to_have_text("Bilan en retard")
    expect(karim.get_by_test_id("caseload-alerts")).to_have_text("Sans contact depuis 30 jours")
    expect(page.get_by_role("link", name="Nouvelle personne")).to_be_visible()

    # Filter by alert.
    page.get_by_label("Alerte").select_option(label="Bilan en retard")
    page.get_by_role("button", name="Filtrer").click()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("DUPRÉ Hélène")
    page.get_by_role("link", name="Effacer les filtres").click()

    # Filter by scheme.
    page.get_by_label("Dispositif").select_option(label="Accompagnement RSA")
    page.get_by_role("button", name="Filtrer").click()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("BENALI Karim")
    page.get_by_role("link", name="Effacer les filtres").click()

    # Search without accents.
    page.get_by_label(re.compile("^Rechercher une personne")).fill("helene dupre")
    page.get_by_role("button", name="Filtrer").click()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("DUPRÉ Hélène")
    page.get_by_role("link", name="Effacer les filtres").click()

    # Sort by last contact (oldest first), then the other way.
    page.get_by_role("link", name="Dernier contact").click()
    expect(rows(page).first).to_contain_text("BENALI Karim")
    page.get_by_role("link", name="Dernier contact").click()
    expect(rows(page).first).to_contain_text("DUPRÉ Hélène")

    # The name leads to the person page.
    rows(page).filter(has_text="DUPRÉ Hélène").get_by_role("link", name="DUPRÉ Hélène").click()
    expect(page.get_by_test_id("person-name")).to_have_text("DUPRÉ Hélène")


def test_manager_sees_every_referent_and_reassigns(page, login_as, organisation, team):
    login_as(team["boss"], organisation)
    page.goto("/")
    expect(page.get_by_role("heading", name="File active de la structure")).to_be_visible()
    expect(rows(page)).to_have_count(3)
    expect(page.get_by_test_id("caseload-table")).to_contain_text("Awa Diallo")
    expect(page.get_by_test_id("caseload-table")).to_contain_text("Marc Petit")

    page.get_by_label(re.compile("^Référent")).select_option(label="Marc Petit")
    page.get_by_role("button", name="Filtrer").click()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("MOREAU Lucie")
    page.get_by_role("link", name="Effacer les filtres").click()

    # Hand Karim over to Marc.
    # DSFR draws the box over the input (its label covers it): tick it as the box does.
    page.get_by_role("checkbox", name="Sélectionner BENALI Karim").check(force=True)
    page.get_by_label("Nouveau référent").select_option(label="Marc Petit")
    page.get_by_role("button", name="Réattribuer").click()
    expect(page.get_by_text("1 personne confiée à Marc Petit.")).to_be_visible()
    expect(rows(page).filter(has_text="BENALI Karim")).to_contain_text("Marc Petit")
    assert Person.objects.get(pk=team["karim"].pk).referent == team["marc"]


def test_staff_searches_a_person(page, login_as, organisation, team):
    staff = MembershipFactory(organisation=organisation, role="staff").user
    login_as(staff, organisation)
    page.goto("/")
    expect(page.get_by_role("heading", name="Rechercher une personne")).to_be_visible()
    page.get_by_label("Nom ou prénom").fill("lucie")
    page.get_by_role("button", name="Rechercher").click()
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text("MOREAU Lucie")
    expect(results).not_to_contain_text("DUPRÉ")
