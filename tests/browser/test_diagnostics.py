"""Shared diagnostic in a real browser: create with a few domains, live urgency suggestion
with its reason, justified override, a second diagnostic and the evolution on the person
page; a staff member is denied the diagnostic."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from relais.diagnostics import services
from relais.diagnostics.models import Diagnostic, Urgency
from relais.diagnostics.services import AssessmentInput, DiagnosticInput
from tests.factories import (
    DiagnosticFactory,
    DomainAssessmentFactory,
    MembershipFactory,
    PersonFactory,
)
from tests.helpers import open_person_section


def open_domain(page, label: str):
    """Open a domain's accordion and return its panel."""
    section = page.get_by_test_id(re.compile(r"^domaine-")).filter(
        has=page.get_by_role("button", name=re.compile(label))
    )
    section.get_by_role("button", name=re.compile(label)).click()
    panel = section.locator(".fr-collapse")
    expect(panel).to_be_visible()
    return section


def tick(scope, label: str, checked: bool = True):
    """Click a DSFR checkbox as a user does (its label covers the input)."""
    box = scope.get_by_label(re.compile(re.escape(label)))
    if box.is_checked() != checked:
        scope.locator("label", has_text=label).click()
    expect(box).to_be_checked(checked=checked)


def test_referent_builds_two_diagnostics_and_sees_the_evolution(page, login_as, organisation):
    referent = MembershipFactory(
        organisation=organisation, role="referent", user__first_name="Awa", user__last_name="Diallo"
    ).user
    person = PersonFactory(
        organisation=organisation, referent=referent, birth_name="Moreau", first_names="Inès"
    )
    login_as(referent, organisation)

    page.goto(f"/personnes/{person.pk}/")
    section = open_person_section(page, "diagnostic")
    expect(section.get_by_text("Aucun diagnostic partagé pour l'instant.")).to_be_visible()
    section.get_by_role("link", name="Nouveau diagnostic").click()
    expect(page.get_by_role("heading", name="Nouveau diagnostic partagé")).to_be_visible()

    three_months_ago = timezone.localdate() - timedelta(days=92)
    page.get_by_label("Date du diagnostic").fill(three_months_ago.isoformat())

    housing = open_domain(page, "Logement et hébergement")
    housing.get_by_label("Niveau de difficulté").select_option(label="3 — difficulté bloquante")
    housing.get_by_label(re.compile(r"^Situation")).fill(
        "Hébergée chez une amie depuis la séparation."
    )
    tick(housing, "Sans hébergement / rupture effective de logement")
    housing.get_by_label("Paroles et souhaits de la personne").fill(
        "Un logement à moi pour mes enfants."
    )
    expect(
        housing.get_by_role("button", name=re.compile("3 — difficulté bloquante, 1 frein"))
    ).to_be_visible()

    health = open_domain(page, "Santé")
    health.get_by_label("Niveau de difficulté").select_option(label="1 — difficulté légère")
    health.get_by_label("Atouts").fill("Suivie par un médecin traitant.")

    # The suggestion follows the facts as they are typed.
    suggestion = page.get_by_test_id("urgency-suggestion")
    expect(suggestion.get_by_test_id("suggested-level")).to_have_text("À surveiller")
    expect(suggestion).to_contain_text("Difficulté bloquante : logement et hébergement.")
    tick(page, "Sans solution d'hébergement pour ce soir")
    expect(suggestion.get_by_test_id("suggested-level")).to_have_text("Immédiat (aujourd'hui)")
    expect(suggestion).to_contain_text("appeler le 115 / SIAO")

    # Another level without a justification: refused, input kept.
    page.get_by_label("Degré d'urgence retenu").select_option(label="Urgent (sous 7 jours)")
    page.get_by_role("button", name="Enregistrer le diagnostic").click()
    expect(page.locator(".fr-error-text")).to_contain_text("écrivez pourquoi")
    expect(page.get_by_label("Degré d'urgence retenu")).to_have_value(str(Urgency.HIGH))
    expect(page.locator("#id_housing-situation")).to_have_value(
        "Hébergée chez une amie depuis la séparation."
    )
    assert not Diagnostic.objects.exists()

    page.get_by_label("Justification du degré retenu").fill(
        "Mise à l'abri au CHRS ce soir, confirmée par le SIAO."
    )
    page.get_by_role("button", name="Enregistrer le diagnostic").click()
    expect(page.get_by_text("Le diagnostic est enregistré.")).to_be_visible()
    expect(page.get_by_test_id("retained-level")).to_have_text("Urgent (sous 7 jours)")
    expect(page.get_by_test_id("urgency").get_by_test_id("suggested-level")).to_have_text(
        "Immédiat (aujourd'hui)"
    )
    expect(page.get_by_test_id("urgency-reasons")).to_contain_text("appeler le 115 / SIAO")
    expect(page.get_by_test_id("override")).to_contain_text("Mise à l'abri au CHRS ce soir")
    expect(page.get_by_test_id("domaine-housing")).to_contain_text("FT 27.24")

    # Validated with the person.
    page.get_by_label("Date de la validation").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Marquer comme validé avec la personne").click()
    expect(page.get_by_test_id("validated")).to_contain_text("Validé avec la personne le")

    # Three months later: a new diagnostic, pre-filled from this one.
    page.get_by_role("link", name="Nouveau diagnostic").click()
    expect(page.get_by_text(re.compile("Pré-rempli à partir du diagnostic du"))).to_be_visible()
    housing = open_domain(page, "Logement et hébergement")
    expect(housing.get_by_label(re.compile(r"^Situation"))).to_have_value(
        "Hébergée chez une amie depuis la séparation."
    )
    housing.get_by_label("Niveau de difficulté").select_option(label="1 — difficulté légère")
    housing.get_by_label(re.compile(r"^Situation")).fill("Logement social attribué, bail signé.")
    tick(housing, "Sans hébergement / rupture effective de logement", checked=False)
    tick(page, "Sans solution d'hébergement pour ce soir", checked=False)
    expect(
        page.get_by_test_id("urgency-suggestion").get_by_test_id("suggested-level")
    ).to_have_text("Pas d'urgence")
    page.get_by_role("button", name="Enregistrer le diagnostic").click()
    expect(page.get_by_test_id("retained-level")).to_have_text("Pas d'urgence")
    assert Diagnostic.objects.filter(person=person).count() == 2

    # The person page shows the latest diagnostic and the evolution, chart and table.
    page.goto(f"/personnes/{person.pk}/")
    section = open_person_section(page, "diagnostic")
    expect(section.get_by_test_id("section-urgency")).to_have_text("Pas d'urgence")
    chart = section.get_by_role("img", name="Évolution des difficultés par domaine de vie")
    expect(chart).to_be_visible()
    table = section.get_by_role("table", name=re.compile("Niveau de difficulté par domaine"))
    housing_row = table.get_by_role("row", name=re.compile("Logement et hébergement"))
    expect(housing_row).to_contain_text("3 bloquante")
    expect(housing_row).to_contain_text("1 légère")
    expect(housing_row).to_contain_text("en baisse de 2 niveaux")
    expect(table.get_by_role("columnheader")).to_have_count(4)
    expect(section.get_by_test_id("diagnostic-list").get_by_role("link")).to_have_count(2)
    # Each past diagnostic stays readable.
    section.get_by_test_id("diagnostic-list").get_by_role(
        "link", name=f"Diagnostic du {three_months_ago:%d/%m/%Y}"
    ).click()
    expect(page.get_by_test_id("override")).to_contain_text("Mise à l'abri au CHRS ce soir")


def test_staff_member_is_denied_the_diagnostic(page, login_as, organisation):
    staff = MembershipFactory(organisation=organisation, role="staff").user
    person = PersonFactory(organisation=organisation, birth_name="Garnier")
    diagnostic = DiagnosticFactory(person=person)
    DomainAssessmentFactory(diagnostic=diagnostic, situation="Information confidentielle")
    login_as(staff, organisation)

    page.goto(f"/personnes/{person.pk}/")
    expect(page.get_by_test_id("person-name")).to_contain_text("GARNIER")
    expect(page.get_by_text("Diagnostic partagé et évolution")).to_have_count(0)

    for path in (
        f"/personnes/{person.pk}/diagnostics/{diagnostic.pk}/",
        f"/personnes/{person.pk}/diagnostics/{diagnostic.pk}/modifier/",
        f"/personnes/{person.pk}/diagnostics/nouveau/",
    ):
        response = page.goto(path)
        assert response.status == 403
        expect(page.get_by_role("heading", name="Accès refusé (erreur 403)")).to_be_visible()
        expect(page.get_by_text("Information confidentielle")).to_have_count(0)


def test_second_referent_saving_a_stale_diagnostic_is_told_and_keeps_input(
    page, login_as, organisation
):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    colleague = MembershipFactory(
        organisation=organisation, role="referent", user__first_name="Léa", user__last_name="Martin"
    ).user
    person = PersonFactory(organisation=organisation, referent=referent)
    diagnostic = services.diagnostic_create(
        person=person,
        author=referent,
        data=DiagnosticInput(
            assessed_on=timezone.localdate() - timedelta(days=3),
            assessments=(AssessmentInput("mobility", difficulty=2, situation="Pas de permis"),),
        ),
    )
    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/diagnostics/{diagnostic.pk}/modifier/")
    mobility = open_domain(page, "Mobilité")
    mobility.get_by_label(re.compile(r"^Situation")).fill("Code de la route obtenu")

    # Meanwhile, a colleague saves the same diagnostic.
    services.diagnostic_update(
        diagnostic=diagnostic,
        actor=colleague,
        expected_version=1,
        data=DiagnosticInput(
            assessed_on=diagnostic.assessed_on,
            assessments=(
                AssessmentInput("mobility", difficulty=1, situation="Inscrite à l'auto-école"),
            ),
        ),
    )

    page.get_by_role("button", name="Enregistrer le diagnostic").click()
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_contain_text("Modifié entre-temps par Léa Martin")
    expect(conflict).to_contain_text("Mobilité — situation")
    expect(conflict).to_contain_text("Inscrite à l'auto-école")
    expect(page.locator("#id_mobility-situation")).to_have_value("Code de la route obtenu")
    diagnostic.refresh_from_db()
    assert diagnostic.assessments.get().situation == "Inscrite à l'auto-école"

    # Having read what changed, the référent saves again on purpose.
    page.get_by_role("button", name="Enregistrer le diagnostic").click()
    expect(page.get_by_text("Le diagnostic est mis à jour.")).to_be_visible()
    assert diagnostic.assessments.get().situation == "Code de la route obtenu"
