"""Incident and safety flag in a real browser: the référent records an incident (the
writing check warns on a judging word), with a flag; reception sees the flag on the
person page without the incident; the manager follows it in the open incidents; the flag
cannot be lifted without a reason, then is."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import MembershipFactory, PersonFactory

FACTS = "M. Roche a crié et renversé une chaise à l'accueil"


def test_incident_flag_seen_by_reception_without_details(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    staff = MembershipFactory(organisation=organisation, role="staff").user
    manager = MembershipFactory(organisation=organisation, role="manager").user
    person = PersonFactory(
        organisation=organisation, referent=referent, birth_name="Roche", first_names="Jean"
    )

    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/")
    page.get_by_role("link", name="Incidents et consignes de sécurité").click()
    page.get_by_role("link", name="Consigner un incident").click()
    page.get_by_label(re.compile(r"^Ce qui s'est passé")).fill(f"{FACTS} ; il était hystérique.")
    page.get_by_label(re.compile(r"^Personnes présentes")).fill("Agent d'accueil, référente")
    page.get_by_label(re.compile(r"^Suite décidée")).fill("Recevoir à deux ; rappel du règlement.")
    page.get_by_label(re.compile(r"^Consigne de sécurité à poser")).select_option("not_alone")
    page.get_by_role("button", name="Enregistrer l'incident").click()
    expect(page.get_by_test_id("writing-check")).to_be_visible()
    # The author rewrites the judging word, and saves.
    page.get_by_label(re.compile(r"^Ce qui s'est passé")).fill(f"{FACTS}.")
    page.get_by_role("button", name="Enregistrer l'incident").click()
    expect(page.get_by_text("Incident enregistré.")).to_be_visible()
    expect(page.get_by_test_id("active-flags")).to_contain_text("Ne pas recevoir seul·e")

    # Reception: the instruction, not the story.
    page.context.clear_cookies()
    login_as(staff, organisation)
    page.goto(f"/personnes/{person.pk}/")
    expect(page.get_by_test_id("safety-flags")).to_contain_text("Ne pas recevoir seul·e")
    expect(page.get_by_text(FACTS)).to_have_count(0)
    expect(page.get_by_test_id("record-tools")).to_have_count(0)
    assert page.goto(f"/personnes/{person.pk}/incidents/").status == 403

    # The manager follows the open incidents, and lifts the flag with a reason.
    page.context.clear_cookies()
    login_as(manager, organisation)
    page.goto("/coordination/")
    page.get_by_role("link", name="Incidents à suivre").click()
    expect(page.get_by_test_id("open-incidents")).to_contain_text("ROCHE Jean")
    page.get_by_role("link", name="ROCHE Jean").click()
    page.get_by_role("link", name="Lever la consigne").click()
    page.get_by_role("button", name="Lever la consigne").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("sans motif")
    page.get_by_label(re.compile(r"^Motif de la levée")).fill("Trois entretiens apaisés depuis.")
    page.get_by_role("button", name="Lever la consigne").click()
    expect(page.get_by_text("Consigne levée.")).to_be_visible()
    expect(page.get_by_text("Aucune consigne active.")).to_be_visible()
