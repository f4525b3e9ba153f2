"""A référent builds a pathway with the person: goals (one not yet SMART), steps, the
engagement contract (PDF downloaded, then signed), a change that calls for a new contract,
a review, and the exit."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from relais.pathways.models import Contract, Pathway
from tests.factories import MembershipFactory, PersonFactory
from tests.helpers import open_person_section
from tests.pdfs import pdf_title


def choose(scope, label: str) -> None:
    """Tick a DSFR radio or checkbox the way a user does: on its label (the input itself
    is visually hidden behind it)."""
    scope.locator("label.fr-label").filter(has_text=re.compile(f"^{re.escape(label)}$")).click()


def iso(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_pathway_from_goals_to_exit(page, login_as, organisation):
    referent = MembershipFactory(
        organisation=organisation,
        role="referent",
        user__first_name="Nadia",
        user__last_name="Haddad",
    ).user
    person = PersonFactory(
        organisation=organisation,
        birth_name="Lefèvre",
        first_names="Amélie",
        birth_date=dt.date(1988, 4, 2),
        referent=referent,
    )
    login_as(referent, organisation)

    # Create the pathway from the person page.
    page.goto(f"/personnes/{person.pk}/")
    section = open_person_section(page, "parcours")
    expect(section.get_by_text("Aucun parcours pour le moment.")).to_be_visible()
    section.get_by_role("link", name="Nouveau parcours").click()
    page.get_by_label(re.compile(r"^Dispositif")).select_option(label="PLIE")
    expect(page.get_by_label(re.compile(r"^Référent de parcours"))).to_have_value(str(referent.pk))
    page.get_by_label(re.compile(r"^Début du parcours")).fill(iso(-10))
    page.get_by_label(re.compile(r"^Rythme des bilans \(en mois\)")).fill("3")
    page.get_by_role("button", name="Créer le parcours").click()
    expect(page.get_by_text("Parcours créé.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Parcours PLIE")
    pathway = Pathway.objects.get(person=person)

    # A SMART goal, then one the person and the référent will make precise later.
    page.get_by_role("link", name="Ajouter un objectif").click()
    page.locator("#id_text").fill("Devenir aide-soignante")
    page.get_by_label(re.compile(r"^Domaine de vie")).select_option(
        label="Projet professionnel et emploi"
    )
    page.get_by_label(re.compile(r"^Indicateur")).fill("Entrée en formation d'aide-soignante")
    page.get_by_label(re.compile(r"^Cible")).fill("Inscription validée par l'IFAS")
    page.get_by_label(re.compile(r"^Échéance")).fill(iso(180))
    page.get_by_role("button", name="Ajouter l'objectif").click()
    expect(page.get_by_text("Objectif ajouté.")).to_be_visible()

    page.get_by_role("link", name="Ajouter un objectif").click()
    page.locator("#id_text").fill("Reprendre confiance en soi")
    page.get_by_role("button", name="Ajouter l'objectif").click()
    expect(page.get_by_text("Il reste à préciser : indicateur, cible, échéance.")).to_be_visible()
    flags = page.get_by_test_id("smart-flag")
    expect(flags).to_have_count(1)
    expect(flags).to_have_text("À préciser : indicateur, cible, échéance")

    # A step for the first goal; bad input first: a partner needs a name.
    page.get_by_role(
        "link", name="Ajouter une étape à l'objectif « Devenir aide-soignante »"
    ).click()
    expect(page.get_by_label(re.compile(r"^Objectif lié"))).to_have_value(
        str(pathway.goals.get(text="Devenir aide-soignante").pk)
    )
    page.get_by_label("Action", exact=True).fill("Immersion en EHPAD (PMSMP)")
    page.get_by_label(re.compile(r"^Type d'action")).select_option(
        label="Immersion professionnelle (PMSMP)"
    )
    choose(page, "Un autre professionnel")
    page.get_by_label(re.compile(r"^Date prévue")).fill(iso(20))
    page.get_by_role("button", name="Ajouter l'étape").click()
    expect(page.locator("#id_owner_name-error")).to_contain_text(
        "Indiquez le professionnel ou la structure"
    )
    expect(page.get_by_label("Action", exact=True)).to_have_value("Immersion en EHPAD (PMSMP)")
    page.get_by_label(re.compile(r"^Professionnel ou structure")).fill("EHPAD Les Tilleuls")
    page.get_by_role("button", name="Ajouter l'étape").click()
    expect(page.get_by_text("Étape « Immersion en EHPAD (PMSMP) » ajoutée.")).to_be_visible()
    step_row = page.get_by_test_id("step").filter(has_text="Immersion en EHPAD")
    expect(step_row).to_contain_text("Un autre professionnel (EHPAD Les Tilleuls)")
    expect(step_row).to_contain_text("Prévue")

    # The step starts: the status follows the workflow.
    step_row.get_by_role("link", name=re.compile("Changer le statut")).click()
    choose(page, "En cours")
    page.get_by_role("button", name="Enregistrer le statut").click()
    expect(page.get_by_text("Étape « Immersion en EHPAD (PMSMP) » : en cours.")).to_be_visible()

    # The engagement contract: draw up version 1, download it, record the signature.
    page.get_by_role("link", name="Contrat d'engagement").first.click()
    expect(page.get_by_test_id("contract-preview")).to_contain_text("Devenir aide-soignante")
    expect(page.get_by_label(re.compile(r"^Engagements de la personne"))).to_contain_text(
        "Participer aux rendez-vous convenus"
    )
    page.get_by_role("button", name="Établir la version 1").click()
    expect(page.get_by_text("Version 1 du contrat établie.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger la v1 (PDF)").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert "LEFÈVRE Amélie" in pdf_title(pdf)

    choose(page, "Signature manuscrite sur papier")
    page.get_by_role("button", name="Enregistrer la signature").click()
    expect(page.get_by_text("Signature de la version 1 enregistrée")).to_be_visible()
    expect(page.get_by_test_id("contracts-table")).to_contain_text("Signée le")
    assert Contract.objects.get().signed_on == timezone.localdate()

    # Changing a goal after signature: the contract is to be renewed.
    page.get_by_role("link", name="Retour au parcours").click()
    expect(page.get_by_test_id("pathway-badges")).to_contain_text("Contrat signé (v1")
    page.get_by_role("link", name="Modifier l'objectif « Reprendre confiance en soi »").click()
    page.get_by_label(re.compile(r"^Indicateur")).fill("Participation à l'atelier estime de soi")
    page.get_by_label(re.compile(r"^Échéance")).fill(iso(60))
    page.get_by_role("button", name="Enregistrer l'objectif").click()
    expect(page.get_by_text("Objectif enregistré.")).to_be_visible()
    expect(
        page.get_by_test_id("pathway-badges").get_by_text("Contrat à renouveler")
    ).to_be_visible()
    page.goto(f"/personnes/{person.pk}/")
    expect(page.get_by_test_id("summary-alerts")).to_contain_text("Contrat à renouveler")
    open_person_section(page, "parcours")
    expect(
        page.get_by_test_id("pathway-summary").get_by_text("Contrat à renouveler")
    ).to_be_visible()
    page.get_by_test_id("pathway-summary").get_by_role("link", name="Parcours PLIE").click()

    # The review: a result per goal, the person's view; the achieved goal is marked so.
    page.get_by_role("link", name="Faire le bilan").click()
    goals = page.get_by_test_id("review-goal")
    expect(goals).to_have_count(2)
    first = goals.filter(has_text="Devenir aide-soignante")
    choose(first, "Partiellement atteint")
    first.get_by_label(re.compile(r"^Explication de l'écart")).fill(
        "L'immersion a lieu le mois prochain."
    )
    choose(goals.filter(has_text="Reprendre confiance en soi"), "Atteint")
    page.get_by_label(re.compile(r"^Risques identifiés")).fill(
        "Garde des enfants pendant la formation."
    )
    page.get_by_label(re.compile(r"^Point de vue de la personne")).fill("Je me sens prête.")
    page.get_by_role("button", name="Enregistrer le bilan").click()
    expect(page.get_by_text(re.compile(r"Bilan du \d\d/\d\d/\d{4} enregistré"))).to_be_visible()
    expect(page.get_by_test_id("reviews-table")).to_contain_text(
        "Reprendre confiance en soi : atteint"
    )

    # The exit: the step still in progress must be confirmed before it is cancelled.
    page.get_by_role("link", name="Enregistrer la sortie").click()
    expect(page.get_by_text("Immersion en EHPAD (PMSMP) — en cours")).to_be_visible()
    choose(page, "Sortie dynamique — emploi durable")
    page.get_by_label(re.compile(r"^Commentaire")).fill("CDI d'agent de service hospitalier.")
    # The goal still in progress is settled in the exit form.
    goal = page.get_by_test_id("exit-goal")
    expect(goal).to_contain_text("Objectif « Devenir aide-soignante »")
    choose(goal, "Atteint")
    page.get_by_role("button", name="Enregistrer la sortie").click()
    expect(page.locator("#id_confirm_in_progress-error")).to_contain_text("encore en cours")
    choose(page, "Je confirme l'annulation des étapes encore en cours")
    page.get_by_role("button", name="Enregistrer la sortie").click()
    expect(page.get_by_text("Sortie enregistrée : le parcours est terminé.")).to_be_visible()
    expect(page.get_by_test_id("exit")).to_contain_text("CDI d'agent de service hospitalier.")
    expect(page.get_by_role("link", name="Ajouter un objectif")).to_have_count(0)
    pathway.refresh_from_db()
    assert pathway.status == "closed"
