"""Duplicates already in the base, in a real browser: a manager searches the organisation,
compares a pair side by side, merges it (choosing a value in conflict), then undoes it."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from relais.people.models import Person, PersonMerge
from tests.factories import LifeEventFactory, MembershipFactory, PersonFactory


def test_search_compare_merge_then_undo(page, login_as, organisation):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    kept = PersonFactory(
        organisation=organisation,
        birth_name="Belkacem",
        first_names="Youssef",
        birth_date=dt.date(1990, 4, 7),
        phone="06 11 11 11 11",
    )
    other = PersonFactory(
        organisation=organisation,
        birth_name="Belkassem",
        first_names="Youcef",
        birth_date=dt.date(1990, 4, 7),
        phone="06 22 22 22 22",
    )
    event = LifeEventFactory(person=other)
    login_as(manager, organisation)

    page.goto("/personnes/doublons/")
    page.get_by_role("button", name="Rechercher les doublons").click()
    expect(page.get_by_test_id("duplicate-search-progress")).to_contain_text("Recherche terminée")
    row = page.get_by_test_id(f"pair-{kept.pk}-{other.pk}")
    expect(row).to_contain_text("nom de naissance proche (phonétique)")
    row.get_by_role("link", name=re.compile("Comparer")).click()

    expect(page.get_by_role("heading", name="Comparer deux dossiers")).to_be_visible()
    page.get_by_label(f"n° {kept.pk} — BELKACEM Youssef").check(force=True)
    page.get_by_label("06 22 22 22 22").check(force=True)  # the other record's phone
    page.get_by_role("button", name="Fusionner les deux dossiers").click()
    expect(page.get_by_text(f"Les dossiers sont fusionnés dans le n° {kept.pk}.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/personnes/{kept.pk}/$"))
    kept.refresh_from_db()
    event.refresh_from_db()
    assert kept.phone == "06 22 22 22 22" and event.person_id == kept.pk
    assert Person.objects.get(pk=other.pk).merged_into_id == kept.pk

    page.goto(f"/personnes/{other.pk}/")  # the merged record is hidden
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("BELKASSEM")

    page.goto("/personnes/doublons/")
    merge = PersonMerge.objects.get()
    page.get_by_test_id(f"merge-{merge.pk}").get_by_role(
        "button", name=re.compile("Annuler la fusion")
    ).click()
    expect(
        page.get_by_text(f"La fusion est annulée : le dossier n° {other.pk} est rétabli.")
    ).to_be_visible()
    kept.refresh_from_db()
    event.refresh_from_db()
    assert kept.phone == "06 11 11 11 11" and event.person_id == other.pk
    assert Person.objects.get(pk=other.pk).merged_into_id is None
