"""The person's space in a real browser, on a desktop and on a phone: invitation → first
sign-in → read the pathway → co-sign the contract → withdraw a consent (the partner loses
access) → upload a requested document → message the référent. The two realms stay apart.
Every page is checked by axe-core (conftest; the page tour waits for each check to end
before going on); keyboard use, 200 % zoom and a 320 px-wide screen are checked here."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from relais.network.coordination.models import TeamMember
from relais.person_space.models import Cosignature, Message, SpaceAccess
from relais.person_space.services import document_request_create
from tests.factories import (
    AppointmentFactory,
    ContractFactory,
    GoalFactory,
    MembershipFactory,
    NoteFactory,
    PathwayFactory,
    PersonFactory,
    StepFactory,
    co_follower,
)
from tests.people import files

DESKTOP = {"width": 1280, "height": 800}
PHONE_320 = {"width": 320, "height": 640}
# 200 % zoom of a 1280 × 800 window: the page lays out in 640 × 400 CSS pixels.
ZOOM_200 = {"width": 640, "height": 400}
SPACE_PAGES = [
    "/mon-espace/",
    "/mon-espace/parcours/",
    "/mon-espace/rendez-vous/",
    "/mon-espace/contrat/",
    "/mon-espace/documents/",
    "/mon-espace/diagnostic/",
    "/mon-espace/consentements/",
    "/mon-espace/messages/",
    "/mon-espace/mes-droits/",
    "/mon-espace/ecrits/",
]
# Pages shown to someone not signed in (the paper-code sign-in).
SIGN_IN_PAGES = ["/mon-espace/connexion/", "/mon-espace/connexion/papier/"]


@pytest.fixture
def record(db):
    membership = MembershipFactory(role="referent")
    referent = membership.user
    person = PersonFactory(
        organisation=membership.organisation,
        referent=referent,
        first_names="Léa",
        email="lea.martin@example.org",
    )
    pathway = PathwayFactory(person=person, organisation=person.organisation, referent=referent)
    goal = GoalFactory(pathway=pathway, text="Trouver un logement stable")
    StepFactory(pathway=pathway, goal=goal, title="Déposer la demande de logement social")
    AppointmentFactory(person=person, with_user=referent, purpose="Point sur le logement")
    contract = ContractFactory(pathway=pathway, number=1, generated_by=referent)
    member = co_follower(person)
    NoteFactory(
        person=person,
        author=referent,
        visibility="person",
        body="Compte rendu pour vous : dossier de logement déposé.",
    )
    document_request_create(
        person=person,
        actor=referent,
        membership=membership,
        title="Justificatif de domicile",
        kind="address",
        due_on=timezone.localdate() + dt.timedelta(days=10),
    )
    return person, referent, contract, member


def _last_code() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def _axe_checked(page, axe_reports) -> None:
    """Wait for this page's axe-core check (conftest) to end before leaving it: a page left
    too early would go unchecked."""
    page.evaluate("() => window.__axeDone || null")
    path = page.evaluate("() => location.pathname")
    assert path in {p for p, _ in axe_reports.pages}, f"axe-core n'a pas vérifié {path}"


def _no_horizontal_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.evaluate("() => window.innerWidth")
    assert width <= viewport, (page.url, width, viewport)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE_320], ids=["bureau", "telephone"])
def test_journey(page, login_as, record, viewport):
    person, referent, contract, member = record
    page.set_viewport_size(viewport)

    # The référent invites the person by e-mail from the person's page.
    login_as(referent)
    page.goto(f"/personnes/{person.pk}/espace-personnel/")
    page.locator("label[for=id_channel_0]").click()  # DSFR radios: the label takes the click
    page.get_by_role("button", name="Inviter la personne").click()
    page.get_by_text("Invitation envoyée").wait_for()
    link = re.search(r"(/mon-espace/connexion/lien/[\w-]+/)", mail.outbox[-1].body).group(1)
    page.context.clear_cookies()

    # First sign-in, from the link of the message.
    page.goto(link)
    page.get_by_role("button", name="Entrer dans mon espace").click()
    page.get_by_role("heading", name="Bonjour Léa").wait_for()
    assert page.get_by_text("Déposer la demande de logement social").is_visible()
    _no_horizontal_scroll(page)

    # The pathway in plain words.
    page.get_by_role("link", name="Mon parcours").click()
    page.get_by_role("heading", name="Objectif : Trouver un logement stable").wait_for()
    _no_horizontal_scroll(page)

    # Co-sign the contract.
    page.get_by_role("link", name="Mon contrat").click()
    page.get_by_role("link", name=re.compile("Version 1")).click()
    page.get_by_role("button", name="Recevoir mon code de signature").click()
    page.get_by_test_id("code-sent").wait_for()
    page.get_by_text("J'ai lu ce contrat").click()
    page.get_by_label("Le code de signature reçu").fill(_last_code())
    page.get_by_role("button", name="Je signe mon contrat").click()
    page.get_by_test_id("cosigned").wait_for()
    signature = Cosignature.objects.get(contract=contract)
    assert signature.content_hash == contract.content_hash

    # Withdraw the consent to share with the partner: the partner loses access at once.
    assert TeamMember.objects.active().filter(pk=member.pk).exists()
    page.get_by_role("link", name="Mes accords").click()
    page.get_by_role(
        "button", name=re.compile("Retirer mon accord.*Partage avec une structure")
    ).click()
    page.get_by_text("Votre consentement est retiré").wait_for()
    assert not TeamMember.objects.active().filter(pk=member.pk).exists()

    # Upload the requested document: first a file that is not what it claims.
    page.get_by_role("link", name="Mes documents").click()
    upload = page.get_by_label("Le fichier (photo ou PDF)")
    upload.set_input_files(
        {"name": "justificatif.pdf", "mimeType": "application/pdf", "buffer": files.EXE_BYTES}
    )
    page.get_by_role("button", name=re.compile("Envoyer ce document")).click()
    page.get_by_test_id("error-summary").wait_for()
    page.get_by_label("Le fichier (photo ou PDF)").set_input_files(
        {"name": "justificatif.pdf", "mimeType": "application/pdf", "buffer": files.PDF_BYTES}
    )
    page.get_by_role("button", name=re.compile("Envoyer ce document")).click()
    page.get_by_text("votre document est envoyé").wait_for()
    assert page.get_by_test_id("documents").get_by_text("Justificatif de domicile").is_visible()

    # Message the référent.
    page.get_by_role("link", name="Messages").click()
    page.get_by_label("Votre message").fill("Bonjour, j'ai envoyé le justificatif.")
    page.get_by_role("button", name="Envoyer").click()
    page.get_by_text("Votre message est envoyé.").wait_for()
    assert Message.objects.filter(author_kind="person").count() == 1

    # The référent sees the signature, the document and the message.
    page.context.clear_cookies()
    login_as(referent)
    page.goto(f"/personnes/{person.pk}/espace-personnel/")
    assert page.get_by_test_id("signatures").get_by_text("Contrat v1").is_visible()
    assert page.get_by_text("Bonjour, j'ai envoyé le justificatif.").is_visible()
    assert (
        page.get_by_test_id("person-actions")
        .get_by_text("contrat v1 signé par la personne")
        .is_visible()
    )


def test_every_page_at_320_px_and_200_percent_zoom(page, record, live_server, axe_reports):
    person, _referent, contract, _member = record
    for viewport in (PHONE_320, ZOOM_200):
        page.set_viewport_size(viewport)
        for path in SIGN_IN_PAGES:
            page.goto(path)
            page.get_by_role("heading", level=1).wait_for()
            _no_horizontal_scroll(page)
            _axe_checked(page, axe_reports)
    access = SpaceAccess.objects.create(
        person=person, channel="email", contact=person.email, invited_by=person.referent
    )
    from relais.person_space.signin import session_open
    from relais.web.person_space.auth import COOKIE_NAME, COOKIE_PATH

    page.context.add_cookies(
        [
            {
                "name": COOKIE_NAME,
                "value": session_open(access=access, method="email"),
                "domain": "localhost",
                "path": COOKIE_PATH,
            }
        ]
    )
    pages = [*SPACE_PAGES, f"/mon-espace/contrat/{contract.pk}/"]
    for viewport in (PHONE_320, ZOOM_200):
        page.set_viewport_size(viewport)
        for path in pages:
            page.goto(path)
            page.get_by_role("heading", level=1).wait_for()
            _no_horizontal_scroll(page)
            _axe_checked(page, axe_reports)
    page.goto("/mon-espace/ecrits/")
    page.get_by_text("Compte rendu pour vous : dossier de logement déposé.").wait_for()
    _axe_checked(page, axe_reports)


def test_keyboard_sign_in(page, record, django_capture_on_commit_callbacks):
    person, *_ = record
    SpaceAccess.objects.create(
        person=person, channel="email", contact=person.email, invited_by=person.referent
    )
    page.goto("/mon-espace/connexion/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Contenu"
    page.keyboard.press("Enter")
    # From the content, Tab reaches the field; typing and Enter submit the form.
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "contact":
            break
    page.keyboard.type(person.email)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Écrivez votre code").wait_for()
    page.keyboard.press("Tab")
    for _ in range(8):
        if page.evaluate("() => document.activeElement.name") == "code":
            break
        page.keyboard.press("Tab")
    page.keyboard.type(_last_code())
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Bonjour Léa").wait_for()


def test_the_two_realms_stay_apart(page, login_as, record, live_server):
    person, referent, *_ = record
    # A professional's session does not open the space.
    login_as(referent)
    page.goto("/mon-espace/")
    page.get_by_role("heading", name="Me connecter à mon espace").wait_for()
    page.context.clear_cookies()
    # The person's session opens no professional page nor the API.
    access = SpaceAccess.objects.create(
        person=person, channel="email", contact=person.email, invited_by=referent
    )
    from relais.person_space.signin import session_open
    from relais.web.person_space.auth import COOKIE_NAME, COOKIE_PATH

    page.context.add_cookies(
        [
            {
                "name": COOKIE_NAME,
                "value": session_open(access=access, method="email"),
                "domain": "localhost",
                "path": COOKIE_PATH,
            }
        ]
    )
    page.goto("/mon-espace/")
    page.get_by_role("heading", name="Bonjour Léa").wait_for()
    page.goto(f"/personnes/{person.pk}/")
    assert "/connexion/" in page.url and "/mon-espace/" not in page.url
    # A real professional endpoint (relais/api/routers/people.py): refused, not missing.
    response = page.request.get(f"/api/v1/organisations/{person.organisation_id}/persons")
    assert response.status in (401, 403), response.status
