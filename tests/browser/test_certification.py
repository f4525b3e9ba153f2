"""Certification in a real browser: a federation opens a collective VAE group (refused at 6
candidates), positions candidates at 79 % and 80 %; a trainer grants an equivalence 5 years
old and sees an older one refused, scores a block; a manager holds a jury refused for its
composition then a valid one, awards the certification; anyone verifies the certificate on
its public page."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from relais.accounts.models import Role
from relais.certification.groups import add_months
from relais.certification.models import BlockAcquisition, BodyKind, Certificate
from tests.factories.certification import EnrolmentFactory, body_member, referential
from tests.people.files import PDF_BYTES

TODAY = timezone.localdate()


def tick(page, text: str) -> None:
    """Tick a DSFR checkbox the way a user does: on its label."""
    page.locator("label.fr-label", has_text=text).click()


def test_collective_vae_group_and_positioning(page, login_as):
    manager = body_member(BodyKind.FEDERATION, Role.MANAGER)
    rncp = referential("RNCP41885")
    enrolments = [
        EnrolmentFactory(candidate__organisation=manager.organisation, certification=rncp, vae=True)
        for _ in range(7)
    ]
    login_as(manager.user, manager.organisation)
    page.goto("/certification/")
    page.get_by_role("link", name="VAE collective").click()
    page.get_by_label("Nom du groupe").fill("VAE collective Centre 2026")
    page.get_by_label("Certification visée").select_option(label=str(rncp))
    page.get_by_role("button", name="Créer le groupe").click()
    expect(page.get_by_text("Groupe créé : ajoutez-y les candidats.")).to_be_visible()
    for enrolment in enrolments[:6]:
        tick(page, enrolment.candidate.display_name)
    page.get_by_role("button", name="Ajouter au groupe").click()
    expect(page.get_by_text("6 candidats ajoutés.")).to_be_visible()
    page.get_by_role("button", name="Ouvrir le groupe").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text(
        "Le groupe compte 6 candidats : il en faut au moins 7"
    )
    expect(page.get_by_test_id("group-status")).to_have_text("En constitution")
    tick(page, enrolments[6].candidate.display_name)
    page.get_by_role("button", name="Ajouter au groupe").click()
    page.get_by_role("button", name="Ouvrir le groupe").click()
    expect(page.get_by_text("Groupe ouvert : la démarche VAE commence.")).to_be_visible()
    expect(page.get_by_test_id("group-status")).to_have_text("Ouvert")

    for enrolment, score, outcome, status in (
        (enrolments[0], "79", "sous le seuil de 80 %", "Remise à niveau"),
        (enrolments[1], "80", "80 % : entrée en VAE.", "En parcours"),
    ):
        page.goto(f"/certification/candidats/{enrolment.candidate_id}/")
        page.get_by_role("link", name="Test de positionnement").click()
        page.get_by_label("Résultat du test de positionnement (%)").fill(score)
        page.get_by_role("button", name="Enregistrer le résultat").click()
        expect(page.get_by_text(outcome)).to_be_visible()
        expect(page.get_by_test_id("enrolment-status")).to_have_text(status)


def test_equivalences_and_scoring_a_block(page, login_as, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    trainer = body_member(BodyKind.TRAINING, Role.REFERENT)
    rncp = referential("RNCP41885")
    enrolment = EnrolmentFactory(candidate__organisation=trainer.organisation, certification=rncp)
    attestation = tmp_path / "attestation.pdf"
    attestation.write_bytes(PDF_BYTES)
    login_as(trainer.user, trainer.organisation)

    five_years = add_months(TODAY, -60)
    for block_code, completed_on, expected in (
        ("RNCP41885BC02", five_years - dt.timedelta(days=1), "a plus de 5 ans"),
        ("RNCP41885BC01", five_years, "Équivalence accordée : le bloc est acquis."),
    ):
        page.goto(f"/certification/inscriptions/{enrolment.pk}/equivalence/")
        page.get_by_label("Bloc").select_option(label=str(rncp.blocks.get(code=block_code)))
        page.get_by_label("Formation capitalisable suivie").fill("Analyse des besoins sociaux")
        page.get_by_label("Date de la formation").fill(completed_on.isoformat())
        tick(page, "est identifiée « formation capitalisable »")
        page.get_by_label("Attestation de formation (PDF)").set_input_files(str(attestation))
        page.get_by_role("button", name="Accorder l'équivalence").click()
        expect(page.get_by_text(expected).first).to_be_visible()
    assert [a.block.code for a in BlockAcquisition.objects.filter(enrolment=enrolment)] == [
        "RNCP41885BC01"
    ]

    # Score the case study of block 4 on its grid.
    page.goto(f"/certification/candidats/{enrolment.candidate_id}/")
    page.get_by_role("link", name="Étude de cas — RNCP41885BC04").click()
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()  # every criterion is scored
    levels = page.locator("label.fr-label").filter(has_text=re.compile(r"^Atteint$"))
    for index in range(levels.count()):
        levels.nth(index).click()
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.get_by_text("Proposition au jury : favorable")).to_be_visible()


def test_jury_award_and_public_verification(page, login_as):
    manager = body_member(BodyKind.CERTIFIER, Role.MANAGER)
    rncp = referential("RNCP16575")
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation, certification=rncp)
    login_as(manager.user, manager.organisation)
    page.goto("/certification/jurys/")
    page.get_by_label("Certification").select_option(label=str(rncp))
    page.get_by_label("Date du jury").fill(TODAY.isoformat())
    page.get_by_role("button", name="Créer le jury").click()
    expect(
        page.get_by_text(
            "Composition requise : Président : universitaire ou institutionnel ; 3 membres professionnels"
        )
    ).to_be_visible()

    def add(name, quality, president=False):
        page.get_by_label("Nom du membre").fill(name)
        page.get_by_label("Qualité").select_option(label=quality)
        if president:
            page.locator("label", has_text="Président du jury").click()
            # The president signs the minutes with their own account.
            page.get_by_label("Compte sur la plateforme").select_option(label=str(manager.user))
        page.get_by_role("button", name="Ajouter le membre").click()
        expect(page.get_by_text("Membre ajouté.")).to_be_visible()

    add("Pr Anne Roux", "Universitaire", president=True)
    add("Marc Petit", "Professionnel")
    add("Julie Bon", "Professionnel")
    page.get_by_role("button", name="Valider la composition").click()
    expect(page.get_by_text("4 membres attendus, 3 désignés")).to_be_visible()
    expect(page.get_by_test_id("jury-status")).to_have_text("Prévu")
    add("Paul Lenoir", "Professionnel")
    tick(page, enrolment.candidate.display_name)
    page.get_by_role("button", name="Présenter au jury").click()
    page.get_by_role("button", name="Valider la composition").click()
    expect(page.get_by_text("Composition du jury validée.")).to_be_visible()

    page.get_by_role("link", name=f"Délibérer pour {enrolment.candidate.display_name}").click()
    for block in rncp.blocks.all():
        page.get_by_label(f"{block.code} — {block.title}").select_option(label="Validé")
    page.get_by_role("button", name="Enregistrer la délibération").click()
    expect(page.get_by_text("Délibération enregistrée")).to_be_visible()
    page.get_by_role("button", name="Signer le procès-verbal (président)").click()
    expect(page.get_by_text("Procès-verbal signé par le président.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Procès-verbal (PDF)").click()
    assert download.value.suggested_filename.startswith("proces-verbal-jury-")

    page.goto(f"/certification/candidats/{enrolment.candidate_id}/")
    page.get_by_role("button", name="Délivrer la certification").click()
    expect(page.get_by_text("Certification délivrée : certificat n°")).to_be_visible()
    number = Certificate.objects.get(enrolment=enrolment).number
    expect(page.get_by_test_id("certificate-number")).to_have_text(number)

    # Anyone may check it, without signing in.
    page.context.clear_cookies()
    page.goto("/certification/verifier/")
    page.get_by_label("Numéro du certificat").fill(number)
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text("Certificat authentique")
    expect(page.get_by_test_id("verify-result")).to_contain_text(enrolment.candidate.display_name)
    page.get_by_label("Numéro du certificat").fill("ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text("Certificat introuvable")


def test_funding_schedule_and_follow_up_survey(page, login_as):
    """A trainer records a candidate's CPF funding (refused above 24 h), schedules an oral
    and, once the candidate is certified, records the survey at 6 months."""
    trainer = body_member(BodyKind.TRAINING, Role.REFERENT)
    enrolment = EnrolmentFactory(candidate__organisation=trainer.organisation)
    certified = EnrolmentFactory(
        candidate__organisation=trainer.organisation,
        status="certified",
        certified_on=TODAY - dt.timedelta(days=200),
    )
    login_as(trainer.user, trainer.organisation)
    page.goto(f"/certification/candidats/{enrolment.candidate_id}/")
    page.get_by_role("link", name="Financement").click()
    page.locator("select[name=funding]").select_option("cpf")
    page.locator("input[name=funded_hours]").fill("30")
    page.get_by_role("button", name="Enregistrer le financement").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text(
        "Le CPF finance 24 h d'accompagnement au plus : 30 h demandées."
    )
    page.locator("input[name=funded_hours]").fill("20")
    page.get_by_role("button", name="Enregistrer le financement").click()
    expect(page.get_by_text("Financement enregistré.")).to_be_visible()
    expect(page.get_by_test_id("accompaniment")).to_contain_text("sur 20 h financées")

    page.get_by_role("link", name="Planifier une épreuve").click()
    page.locator("select[name=modality]").select_option(index=1)
    day = TODAY + dt.timedelta(days=21)
    page.locator("input[name=scheduled_on]").fill(day.isoformat())
    page.get_by_role("button", name="Planifier l'épreuve").click()
    expect(page.get_by_text(f"Épreuve prévue le {day:%d/%m/%Y}")).to_be_visible()
    expect(page.get_by_text(f"prévue le {day:%d/%m/%Y}").first).to_be_visible()

    page.goto(f"/certification/candidats/{certified.candidate_id}/")
    page.get_by_role("link", name="Enquête de suivi").click()
    page.locator("select[name=months_after]").select_option("6")
    page.locator("label", has_text="En emploi dans le métier visé").click()
    page.get_by_role("button", name="Enregistrer l'enquête").click()
    expect(page.get_by_text("Enquête à 6 mois enregistrée")).to_be_visible()
    expect(page.get_by_test_id("survey")).to_contain_text("en emploi dans le métier visé")
