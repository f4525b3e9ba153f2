"""On a 390 px phone (an iPhone 12 to 15, 390 × 844 CSS pixels) no page is wider than the
screen: wide tables scroll in their own frame, long words wrap. Defect: the person page was
1,312 px wide, the pathway page 1,773 px."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AppointmentFactory,
    GoalFactory,
    NoteFactory,
    StepFactory,
)
from tests.network.referrals.support import index_thematiques, make_scenario, send

PHONE = {"width": 390, "height": 844}
LONG_WORD = "Anticonstitutionnellement-pluridisciplinaire"


@pytest.fixture
def busy_record(db):
    """A person with a full record: long names and words, a pathway with goals and steps,
    appointments, notes, a referral answered."""
    sc = make_scenario()
    index_thematiques(sc.service)
    person, pathway = sc.person, sc.pathway
    person.birth_name = "Delacroix-Montgolfier-Saint-Exupéry"
    person.address = (
        "Résidence des Tilleuls, bâtiment C, escalier 4, 123 avenue du Général-de-Gaulle"
    )
    person.email = "amelie.delacroix-montgolfier-saint-exupery@exemple-de-messagerie.fr"
    person.save()
    for i in range(3):
        goal = GoalFactory(
            pathway=pathway,
            text=f"Objectif {i} : {LONG_WORD} et obtenir une qualification reconnue",
            indicator="Attestation de formation délivrée par l'organisme",
            target="1 attestation",
        )
        StepFactory(
            pathway=pathway,
            goal=goal,
            title=f"Étape {i} : {LONG_WORD} auprès de la Mission locale",
            owner="partner",
            owner_name="Mission locale Lyon Est — Mme Martin-Dupont",
            planned_on=timezone.localdate() + dt.timedelta(days=i),
        )
    AppointmentFactory(
        person=person,
        pathway=pathway,
        with_user=sc.referent,
        purpose=f"Entretien {LONG_WORD}",
        location="Bureau 12, Maison de la Métropole pour les solidarités",
    )
    NoteFactory(person=person, author=sc.referent, body=f"Échange sur le projet. {LONG_WORD}.")
    referral = send(sc)
    return sc, referral


def assert_fits(page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} : {width} px de large sur un écran de 390 px"


def test_pages_fit_a_phone(page, login_as, busy_record):
    sc, referral = busy_record
    page.set_viewport_size(PHONE)
    login_as(sc.referent, sc.sender_org)
    person, pathway = sc.person, sc.pathway
    for path in [
        reverse("people:detail", args=[person.pk]),
        reverse("pathways:detail", kwargs={"pk": person.pk, "pathway_id": pathway.pk}),
        "/",  # the caseload
        reverse("referrals:detail", args=[referral.pk]),
        f"{reverse('referrals:create')}?service={sc.service.pk}&personne={person.pk}",
        reverse("referrals:inbox") + "?onglet=envoyees",
        reverse("directory:list"),
        reverse("directory:service", args=[sc.service.pk]),
        reverse("directory:organisation", args=[sc.receiver_org.pk]),
    ]:
        assert_fits(page, path)


def test_the_receiver_inbox_fits_a_phone(page, login_as, busy_record):
    sc, referral = busy_record
    page.set_viewport_size(PHONE)
    login_as(sc.receiver, sc.receiver_org)
    assert_fits(page, reverse("referrals:inbox"))
    assert_fits(page, reverse("referrals:detail", args=[referral.pk]))
