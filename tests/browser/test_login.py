import re

from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, MembershipFactory
from tests.helpers import confirmed_device, current_code


def _fill_login(page, email, password):
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_login_with_password_then_totp_code(page, organisation):
    user = MembershipFactory(organisation=organisation, role="referent").user
    device = confirmed_device(user)
    _fill_login(page, user.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Code de vérification")).to_be_visible()
    page.get_by_label("Code à 6 chiffres").fill(
        "000000" if current_code(device) != "000000" else "111111"
    )
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#id_code-error")).to_contain_text("Ce code n'est pas valide")
    page.wait_for_timeout(1100)  # one failure throttles the device for one second
    page.get_by_label("Code à 6 chiffres").fill(current_code(device))
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()
    expect(page.get_by_test_id("current-organisation")).to_have_text(organisation.name)


def test_first_login_enrols_totp_with_qr_code(page, organisation):
    import base64

    from django_otp.oath import totp

    user = MembershipFactory(organisation=organisation, role="manager").user
    _fill_login(page, user.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Activer la double authentification")).to_be_visible()
    expect(page.locator(".relais-qr svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Code à 6 chiffres").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_text("La double authentification est activée")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()


def test_ten_failures_lock_the_account_with_a_french_message(page, organisation):
    user = MembershipFactory(organisation=organisation).user
    for _ in range(9):
        _fill_login(page, user.email, "mauvais-mot-de-passe")
        expect(page.get_by_text("Adresse e-mail ou mot de passe incorrect")).to_be_visible()
    _fill_login(page, user.email, "mauvais-mot-de-passe")
    expect(page.get_by_test_id("lockout")).to_contain_text("Compte temporairement verrouillé")
    # Even the right password is refused while locked.
    _fill_login(page, user.email, TEST_PASSWORD)
    expect(page.get_by_test_id("lockout")).to_be_visible()
