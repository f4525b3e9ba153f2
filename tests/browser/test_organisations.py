import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from relais.accounts.backends import PASSWORD_BACKEND
from relais.core import journal
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers import confirmed_device, current_code


def test_switch_organisation_from_the_header(page, login_as):
    first = OrganisationFactory(name="CCAS de Bron")
    second = OrganisationFactory(name="PLIE de Vénissieux")
    user = MembershipFactory(organisation=first, role="referent").user
    MembershipFactory(user=user, organisation=second, role="manager")
    login_as(user, first)
    page.goto("/")
    expect(page.get_by_test_id("current-organisation")).to_have_text("CCAS de Bron")
    nav = page.get_by_role("navigation", name="Menu principal")
    expect(nav.get_by_role("link", name="Journal d'accès")).to_have_count(0)
    page.get_by_label("Structure courante").select_option(label="PLIE de Vénissieux — Responsable")
    page.get_by_role("button", name="Changer de structure").click()
    expect(page.get_by_test_id("current-organisation")).to_have_text("PLIE de Vénissieux")
    expect(page.get_by_text("Vous travaillez maintenant pour PLIE de Vénissieux")).to_be_visible()
    # Manager in the second organisation: the manager menu appears.
    expect(nav.get_by_role("link", name="Journal d'accès")).to_be_visible()


def test_manager_invites_a_member_who_then_logs_in(page, login_as, organisation):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    login_as(manager, organisation)
    page.goto("/structure/membres/")
    # Bad input first: the error is shown next to the field and the typed value is kept.
    page.get_by_label("Adresse e-mail professionnelle").fill("pas-une-adresse")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.locator(".fr-error-text")).to_contain_text("adresse de courriel valide")
    expect(page.get_by_label("Adresse e-mail professionnelle")).to_have_value("pas-une-adresse")

    page.get_by_label("Adresse e-mail professionnelle").fill("nouvelle.referente@exemple.fr")
    page.get_by_label("Rôle dans la structure").select_option(label="Référent de parcours")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Invitation envoyée à nouvelle.referente@exemple.fr")).to_be_visible()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/invitation/\S+/", mail.outbox[0].body).group(0)

    # The invitee opens the link in their own browser.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", name=f"Rejoindre {organisation.name}")).to_be_visible()
    page.get_by_label("Prénom").fill("Awa")
    page.get_by_label("Nom", exact=True).fill("Diallo")
    page.get_by_label(re.compile(r"^Mot de passe")).fill("trop-court")
    page.get_by_label("Confirmation du mot de passe").fill("trop-court")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.locator("#id_password1-error")).to_contain_text("Ce mot de passe est trop court")
    expect(page.get_by_label("Prénom")).to_have_value("Awa")
    page.get_by_label(re.compile(r"^Mot de passe")).fill("Insertion-Lyon-2026")
    page.get_by_label("Confirmation du mot de passe").fill("Insertion-Lyon-2026")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("Votre compte est créé")).to_be_visible()

    page.get_by_label("Adresse e-mail").fill("nouvelle.referente@exemple.fr")
    page.get_by_label("Mot de passe").fill("Insertion-Lyon-2026")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Activer la double authentification")).to_be_visible()
    # The invitee scans the QR code; we read the device the page created.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email="nouvelle.referente@exemple.fr")
    page.get_by_label("Code à 6 chiffres").fill(current_code(device))
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_role("heading", name="Bonjour Awa")).to_be_visible()
    expect(page.get_by_test_id("current-organisation")).to_have_text(organisation.name)

    # The link cannot be used twice.
    page.goto(link)
    expect(page.get_by_text("Cette invitation a déjà été utilisée")).to_be_visible()


def test_manager_filters_the_access_journal(page, login_as, organisation):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    julie = MembershipFactory(
        organisation=organisation, role="referent", user=UserFactory(email="julie@exemple.fr")
    ).user
    marc = MembershipFactory(
        organisation=organisation, role="referent", user=UserFactory(email="marc@exemple.fr")
    ).user
    for person_id, actor, action in [
        (101, julie, "view"),
        (101, marc, "update"),
        (202, julie, "view"),
        (303, marc, "export"),
    ]:
        journal.record(
            actor=actor,
            action=action,
            target_type="people.person",
            target_id=person_id,
            person_id=person_id,
            organisation=organisation,
            actor_organisation=organisation,
            ip="192.0.2.10",
        )
    # Another organisation's entries never show.
    other = OrganisationFactory()
    journal.record(
        actor=UserFactory(),
        action="view",
        target_type="people.person",
        target_id=999,
        person_id=999,
        organisation=other,
    )

    login_as(manager, organisation)
    page.goto("/structure/journal/")
    table = page.get_by_test_id("journal-table")
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table).not_to_contain_text("n° 999")

    page.get_by_label("N° de dossier de personne").fill("101")
    page.get_by_role("button", name="Filtrer").click()
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(page.get_by_label("N° de dossier de personne")).to_have_value("101")

    page.get_by_label("Utilisateur").select_option(label=f"{marc} (marc@exemple.fr)")
    page.get_by_role("button", name="Filtrer").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("modification")

    page.get_by_role("link", name="Effacer les filtres").click()
    today = timezone.localdate()
    page.get_by_label("Du").fill(f"{today.year + 1}-01-01")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("Aucune entrée ne correspond.")).to_be_visible()


def test_referent_cannot_open_the_journal(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    login_as(referent, organisation)
    page.goto("/structure/journal/")
    expect(page.get_by_role("heading", name="Accès refusé (erreur 403)")).to_be_visible()


def test_logout_everywhere_closes_other_sessions(
    page, browser, live_server, login_as, organisation
):
    user = MembershipFactory(organisation=organisation, role="referent").user
    confirmed_device(user)
    login_as(user, organisation)
    other_context = browser.new_context(base_url=live_server.url)
    # A second browser with its own session for the same user.
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store.update(
        {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": PASSWORD_BACKEND,
            "_auth_user_hash": user.get_session_auth_hash(),
            "otp_device_id": confirmed_device(user).persistent_id,
        }
    )
    store.create()
    other_context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": store.session_key, "url": live_server.url}]
    )
    other = other_context.new_page()
    other.goto("/")
    expect(other.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()

    page.goto("/compte/")
    page.get_by_role("button", name="Me déconnecter de tous mes appareils").click()
    expect(page.get_by_text("Toutes vos sessions ont été fermées")).to_be_visible()
    other.goto("/")
    expect(other.get_by_role("heading", name="Connexion à Relais")).to_be_visible()
    other_context.close()
