"""Coordination team in a real browser: a référent invites a professional of another
organisation sharing identity and steps; the professional finds the person in "Personnes
co-suivies", sees identity and steps, and gets 404 on the diagnostic; the référent records
the withdrawal of the consent for that organisation and the professional loses access at
once; a case conference's two decisions become two steps of the pathway."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from relais.network.coordination.models import TeamMember
from relais.pathways.models import Step
from tests.factories import (
    ConsentFactory,
    DiagnosticFactory,
    DomainAssessmentFactory,
    MembershipFactory,
    OrganisationFactory,
    PathwayFactory,
    PersonFactory,
    StepFactory,
)
from tests.helpers import open_person_section


def test_team_sharing_withdrawal_and_case_conference(page, login_as, organisation):
    referent = MembershipFactory(
        organisation=organisation,
        role="referent",
        user__first_name="Nadia",
        user__last_name="Haddad",
    ).user
    person = PersonFactory(
        organisation=organisation,
        referent=referent,
        birth_name="Lefèvre",
        first_names="Amélie",
        birth_date=dt.date(1990, 5, 17),
    )
    pathway = PathwayFactory(person=person, referent=referent, scheme="rsa")
    StepFactory(pathway=pathway, title="S'inscrire à l'auto-école sociale")
    diagnostic = DiagnosticFactory(person=person, author=referent)
    DomainAssessmentFactory(
        diagnostic=diagnostic, domain="housing", situation="Hébergée chez une amie"
    )
    partner = OrganisationFactory(name="Mission locale Lyon Sud", kind="mission_locale")
    professional = MembershipFactory(
        organisation=partner,
        role="referent",
        user__first_name="Awa",
        user__last_name="Diallo",
    ).user
    consent = ConsentFactory(
        person=person,
        purpose="share_org",
        partner_organisation=partner,
        recorded_by=referent,
    )

    # The référent invites the professional, sharing identity and steps.
    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/")
    team = open_person_section(page, "equipe")
    expect(team.get_by_test_id("team-empty")).to_be_visible()
    team.get_by_role("link", name="Inviter un professionnel d'une autre structure").click()
    page.get_by_label(re.compile(r"^Structure du professionnel")).select_option(str(partner.pk))
    page.get_by_role("button", name="Choisir cette structure").click()
    expect(page.get_by_text("Structure : Mission locale Lyon Sud")).to_be_visible()
    page.get_by_label(re.compile(r"^Professionnel")).select_option(label="Awa Diallo")
    page.get_by_label(re.compile(r"^Rôle auprès de la personne")).fill(
        "Conseillère mission locale — emploi"
    )
    page.get_by_label("Identité et coordonnées").check(force=True)
    page.get_by_label("Étapes du parcours").check(force=True)
    page.get_by_role("button", name="Ajouter à l'équipe").click()
    expect(
        page.get_by_text("Awa Diallo (Mission locale Lyon Sud) fait maintenant partie")
    ).to_be_visible()
    member_row = page.get_by_test_id("team-member")
    expect(member_row).to_contain_text("Conseillère mission locale — emploi")
    expect(member_row).to_contain_text("Identité et coordonnées, Étapes du parcours")
    member = TeamMember.objects.get()

    # The professional, in their own session, finds the person among those they co-follow.
    page.context.clear_cookies()
    login_as(professional, partner)
    page.goto("/")
    page.get_by_role("link", name="Personnes co-suivies").first.click()
    row = page.get_by_test_id("cofollowed-row")
    expect(row).to_contain_text("Conseillère mission locale — emploi")
    expect(row).to_contain_text(organisation.name)
    row.get_by_role("link", name="LEFÈVRE Amélie").click()
    expect(page.get_by_test_id("person-name")).to_have_text("LEFÈVRE Amélie")
    expect(page.get_by_test_id("shared-identity")).to_contain_text("17/05/1990")
    expect(page.locator("#parcours")).to_contain_text("S'inscrire à l'auto-école sociale")
    expect(page.locator("#diagnostic")).to_have_count(0)
    expect(page.get_by_text("Hébergée chez une amie")).to_have_count(0)
    # …and adds a step of their own.
    page.locator("#parcours").get_by_role("link", name="Ajouter une étape").click()
    page.get_by_label(re.compile(r"^Action")).fill("Atelier CV à la mission locale")
    page.get_by_label(re.compile(r"^Type d'action")).select_option(label="Atelier")
    page.get_by_role("button", name="Ajouter l'étape").click()
    expect(page.get_by_text("Étape ajoutée au parcours.")).to_be_visible()
    expect(page.locator("#parcours")).to_contain_text("Atelier CV à la mission locale")

    # The diagnostic is not shared: 404, through every door.
    response = page.goto(f"/equipes/personnes/{person.pk}/diagnostic/")
    assert response.status == 404
    response = page.goto(f"/personnes/{person.pk}/diagnostics/{diagnostic.pk}/")
    assert response.status == 404

    # The person withdraws their consent for the mission locale: the référent records it.
    page.context.clear_cookies()
    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/#consentements")
    page.get_by_test_id(f"consent-{consent.pk}").get_by_role(
        "link", name=re.compile("Enregistrer un retrait")
    ).click()
    page.get_by_label("Oral, devant témoin").check(force=True)
    page.get_by_label("Nom du témoin").fill("Paul Roux")
    page.get_by_role("button", name="Enregistrer le retrait").click()
    expect(page.get_by_text("Le retrait du consentement est enregistré.")).to_be_visible()
    open_person_section(page, "equipe")
    expect(page.get_by_test_id("member-suspended")).to_be_visible()

    # The professional has lost access at once.
    page.context.clear_cookies()
    login_as(professional, partner)
    response = page.goto(f"/personnes/{person.pk}/")
    assert response.status == 404
    page.goto("/equipes/co-suivis/")
    expect(page.get_by_test_id("no-cofollowed")).to_be_visible()
    member.refresh_from_db()
    assert member.ended_on is None  # the membership stays, suspended

    # A case conference with two decisions: two steps in the pathway.
    page.context.clear_cookies()
    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/#equipe")
    page.locator("#equipe").get_by_role("link", name="Nouvelle réunion de synthèse").click()
    page.get_by_label("La personne était présente").check(force=True)
    page.get_by_label(re.compile(r"^Ordre du jour")).fill("Logement et permis de conduire")
    page.get_by_label(re.compile(r"^Compte rendu")).fill(
        "Mme Lefèvre souhaite un logement autonome avant la fin de l'année. Elle est fainéante."
    )
    due = (timezone.localdate() + dt.timedelta(days=21)).isoformat()
    decisions = page.get_by_test_id("decision-row")
    first = decisions.nth(0)
    first.get_by_label(re.compile(r"^Décision")).fill("Déposer une demande de logement social")
    first.get_by_label(re.compile(r"^Qui la porte")).select_option(label="La personne")
    first.get_by_label(re.compile(r"^Échéance")).fill(due)
    second = decisions.nth(1)
    second.get_by_label(re.compile(r"^Décision")).fill("Prendre rendez-vous avec l'auto-école")
    second.get_by_label(re.compile(r"^Type d'action")).select_option(label="Rendez-vous")
    second.get_by_label(re.compile(r"^Qui la porte")).select_option(label="Le référent")
    page.get_by_role("button", name="Enregistrer la réunion").click()
    # The minutes are read over before saving, like a note: the author corrects them.
    check = page.get_by_test_id("writing-check")
    expect(check).to_contain_text("Relecture : 1 mot à reconsidérer")
    expect(check.locator("mark")).to_have_text("fainéante")
    page.get_by_label(re.compile(r"^Compte rendu")).fill(
        "Mme Lefèvre souhaite un logement autonome avant la fin de l'année."
    )
    page.get_by_role("button", name="Relire et enregistrer").click()
    expect(
        page.get_by_text("Réunion de synthèse enregistrée : 2 décisions ajoutées au parcours.")
    ).to_be_visible()
    expect(page.get_by_test_id("decisions")).to_contain_text(
        "Déposer une demande de logement social"
    )
    with page.expect_download() as download_info:
        page.get_by_test_id("minutes-pdf").click()
    assert download_info.value.suggested_filename.endswith(".pdf")

    page.goto(f"/personnes/{person.pk}/parcours/{pathway.pk}/")
    steps_shown = page.get_by_test_id("step")
    expect(steps_shown.filter(has_text="Déposer une demande de logement social")).to_have_count(1)
    expect(steps_shown.filter(has_text="Prendre rendez-vous avec l'auto-école")).to_have_count(1)
    steps = Step.objects.filter(pathway=pathway)
    assert steps.count() == 4  # the first one, the professional's, and the two decisions
    assert steps.get(title="Déposer une demande de logement social").planned_on.isoformat() == due
