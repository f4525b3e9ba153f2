"""Practice analysis in a real browser: a situation typed with the person's identity is
anonymised from the record, a name left is warned about before sharing, the author
confirms, a colleague reads it."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from tests.factories import MembershipFactory, PersonFactory


def test_case_presentation_anonymised_and_shared(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    colleague = MembershipFactory(organisation=organisation, role="manager").user
    person = PersonFactory(
        organisation=organisation,
        referent=referent,
        birth_name="Garnier",
        first_names="Océane",
        birth_date=dt.date(1996, 11, 22),
    )
    login_as(referent, organisation)
    page.goto("/coordination/")
    page.get_by_role("link", name="Analyse de pratique").click()
    page.get_by_role("link", name="Présenter une situation").click()
    page.get_by_label(re.compile(r"^Titre")).fill("Une jeune femme qui ne vient plus")
    page.get_by_label(re.compile(r"^N° de dossier")).fill(str(person.pk))
    page.get_by_label(re.compile(r"^La situation")).fill(
        "Océane Garnier, née le 22/11/1996, joignable au 06 55 44 33 22, vit chez Mélodie, "
        "son amie. Océane ne vient plus aux rendez-vous depuis mars."
    )
    page.get_by_role("button", name="Anonymiser").click()
    text = page.get_by_label(re.compile(r"^Présentation anonymisée"))
    value = text.input_value()
    assert "Garnier" not in value and "Océane" not in value and "1996" not in value
    assert "06 55" not in value
    expect(page.get_by_test_id("names-left")).to_contain_text("Mélodie")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré")).to_be_visible()

    page.get_by_test_id("share").click()
    expect(page.get_by_test_id("names-left")).to_contain_text("Mélodie")
    page.get_by_test_id("share-anyway").click()
    expect(page.get_by_text("Présentation partagée avec l'équipe.")).to_be_visible()

    page.context.clear_cookies()
    login_as(colleague, organisation)
    page.goto("/analyse-de-pratique/")
    page.get_by_role("link", name="Une jeune femme qui ne vient plus").click()
    expect(page.get_by_test_id("presentation-text")).to_contain_text("vit chez Mélodie")
    expect(page.get_by_test_id("presentation-text")).not_to_contain_text("Garnier")
