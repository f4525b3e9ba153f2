"""Certification in a real browser: a jury's president who is not a manager finds the jury
on the home page and signs the minutes; a manager corrects a candidate's details and records
the candidate's withdrawal, kept in the history."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from relais.accounts.models import Role
from relais.certification import juries
from relais.certification.models import BodyKind, EnrolmentStatus, MemberQuality
from tests.factories import MembershipFactory
from tests.factories.certification import EnrolmentFactory, body_member, referential

TODAY = timezone.localdate()


def test_president_who_is_not_a_manager_signs_the_minutes(page, login_as):
    manager = body_member(BodyKind.CERTIFIER, Role.MANAGER)
    president = MembershipFactory(organisation=manager.organisation, role=Role.REFERENT)
    rncp = referential("RNCP41885")
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation, certification=rncp)
    session = juries.session_create(
        membership=manager, certification=rncp, held_on=TODAY, for_vae=False
    )
    juries.member_add(
        membership=manager,
        session=session,
        full_name="Pr Anne Roux",
        quality=MemberQuality.ACADEMIC,
        is_president=True,
        user=president.user,
    )
    juries.member_add(
        membership=manager, session=session, full_name="Marc Petit", quality="professional"
    )
    juries.candidates_add(membership=manager, session=session, enrolments=[enrolment])
    juries.session_constitute(membership=manager, session=session)
    juries.deliberate(
        membership=manager,
        session=session,
        enrolment=enrolment,
        decisions={rncp.blocks.first().pk: (True, "")},
    )
    login_as(president.user, president.organisation)
    page.goto("/certification/")
    expect(page.get_by_test_id("presided-juries")).to_contain_text("procès-verbal à signer")
    page.get_by_role("link", name=f"Jury RNCP41885 du {TODAY:%d/%m/%Y}").click()
    expect(page.get_by_text(enrolment.candidate.display_name)).to_be_visible()
    expect(page.get_by_role("button", name="Ajouter le membre")).to_have_count(0)
    page.get_by_role("button", name="Signer le procès-verbal (président)").click()
    expect(page.get_by_text("Procès-verbal signé par le président.")).to_be_visible()
    expect(page.get_by_role("button", name="Signer le procès-verbal (président)")).to_have_count(0)
    session.refresh_from_db()
    assert session.minutes_signed_by == president.user


def test_edit_a_candidate_and_record_a_withdrawal(page, login_as):
    manager = body_member(BodyKind.TRAINING, Role.MANAGER)
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation)
    candidate = enrolment.candidate
    login_as(manager.user, manager.organisation)
    page.goto(f"/certification/candidats/{candidate.pk}/")
    page.get_by_role("link", name="Modifier le candidat").click()
    page.locator("input[name=first_name]").fill("")
    page.locator("input[name=job_title]").fill("Coordinatrice de parcours")
    page.locator("input[name=birth_date]").fill("")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("Ce champ est obligatoire.")
    expect(summary).to_contain_text("Indiquez la date.")
    expect(page.locator("input[name=job_title]")).to_have_value("Coordinatrice de parcours")
    page.locator("input[name=first_name]").fill("Léa")
    page.locator("input[name=birth_date]").fill("1985-03-14")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_text("Candidat modifié.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Léa")

    page.get_by_role("link", name="Enregistrer un abandon RNCP41885").click()
    page.get_by_role("button", name="Enregistrer l'abandon").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Indiquez le motif de l'abandon.")
    page.get_by_label("Motif de l'abandon").fill("Changement de poste")
    page.get_by_role("button", name="Enregistrer l'abandon").click()
    expect(page.get_by_text("Abandon enregistré")).to_be_visible()
    expect(page.get_by_test_id("enrolment-status")).to_have_text("Abandon")
    expect(page.get_by_test_id("withdrawal")).to_contain_text("Changement de poste")
    page.get_by_text("Historique de l'inscription").click()
    expect(page.get_by_test_id("enrolment-history")).to_contain_text(
        "Inscrit → Abandon — Changement de poste"
    )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
