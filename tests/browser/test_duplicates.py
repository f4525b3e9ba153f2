"""Duplicates in a real browser: a manager searches the organisation, compares a pair side
by side, merges it (choosing a value in conflict), then undoes it; at intake, a partner
organisation that likely follows the person is named, and asked to add us to its team."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from relais.notifications.models import Notification
from relais.people.models import Person, PersonMerge
from tests.factories import ConsentFactory, LifeEventFactory, MembershipFactory, PersonFactory


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


def test_intake_names_the_partner_and_asks_to_join_its_team(
    page, login_as, organisation, other_organisation
):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    followed = PersonFactory(
        organisation=other_organisation,
        birth_name="Le Goff",
        first_names="Maëlle",
        birth_date=dt.date(1979, 8, 30),
    )
    ConsentFactory(person=followed, purpose="share_org", partner_organisation=organisation)
    login_as(referent, organisation)
    page.goto("/personnes/nouvelle/")
    page.get_by_label("Nom de naissance").fill("LEGOFF")
    page.get_by_label("Prénom(s)").fill("Maelle")
    page.get_by_label("Date de naissance").fill("1979-08-30")
    page.get_by_role("button", name="Vérifier les doublons et créer le dossier").click()
    hint = page.get_by_test_id("partner-hints")
    expect(hint).to_contain_text(f"« {other_organisation.name} » suit probablement cette personne")
    # Nothing of the partner's record: neither its number nor the name it holds.
    expect(hint).not_to_contain_text(f"n° {followed.pk}")
    expect(hint).not_to_contain_text(followed.birth_name)
    hint.get_by_role("button", name=re.compile("Demander à rejoindre l’équipe")).click()
    expect(
        page.get_by_text(f"Votre demande est transmise à « {other_organisation.name} »")
    ).to_be_visible()
    assert Notification.objects.filter(organisation=other_organisation).count() == 1
    assert not Person.objects.filter(organisation=organisation).exists()
