"""Login: password, then the TOTP code (or enrolment); every page waits for the second factor."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts.models import SecurityEvent, SecurityEventKind
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.helpers import confirmed_device, current_code, page_text

pytestmark = pytest.mark.django_db

LOGIN = "/connexion/"


@pytest.fixture
def member(organisation):
    return MembershipFactory(organisation=organisation, user__with_totp=True).user


def test_login_page(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    text = page_text(response)
    assert "Connexion à Relais" in text
    assert 'autocomplete="email"' in text
    assert "Mot de passe oublié ?" in text


def test_wrong_password_french_error_and_email_kept(client, member):
    response = client.post(LOGIN, {"username": member.email, "password": "pas-le-bon"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Adresse e-mail ou mot de passe incorrect." in text
    assert "après 10 essais infructueux, le compte est verrouillé 15 minutes" in text
    assert f'value="{member.email}"' in text
    assert 'value="pas-le-bon"' not in text  # the password is never sent back
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.LOGIN_FAILED, user=member, email=member.email
    ).exists()


def test_unknown_email_gets_the_same_error(client, member):
    response = client.post(LOGIN, {"username": "inconnu@exemple.fr", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in page_text(response)
    assert 'value="inconnu@exemple.fr"' in page_text(response)


def test_password_then_code(client, member):
    device = confirmed_device(member)
    response = client.post(
        LOGIN, {"username": f"  {member.email.upper()} ", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/connexion/code/?next=%2F"
    # Password alone opens nothing.
    assert client.get("/")["Location"].startswith("/connexion/code/")

    page = client.get(response["Location"])
    assert "Code de vérification" in page_text(page)
    response = client.post("/connexion/code/?next=/", {"code": current_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert f"Bonjour {member.first_name}" in page_text(home)
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN, user=member).exists()


def test_wrong_code(client, member):
    client.post(LOGIN, {"username": member.email, "password": TEST_PASSWORD})
    response = client.post("/connexion/code/", {"code": "000000"})
    assert response.status_code == 200
    assert "Ce code n'est pas valide." in page_text(response)
    assert client.get("/").status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.OTP_FAILED, user=member).exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [("12ab56", "Le code ne contient que des chiffres."), ("123", "Le code comporte 6 chiffres.")],
)
def test_malformed_code(client, member, code, message):
    client.post(LOGIN, {"username": member.email, "password": TEST_PASSWORD})
    response = client.post("/connexion/code/", {"code": code})
    assert response.status_code == 200
    assert message in page_text(response)


def test_first_login_goes_to_enrolment(client, organisation):
    user = MembershipFactory(organisation=organisation).user  # no device yet
    response = client.post(LOGIN, {"username": user.email, "password": TEST_PASSWORD})
    assert response["Location"] == "/connexion/double-authentification/?next=%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Activer la double authentification" in page_text(page)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(
        "/connexion/double-authentification/?next=/", {"code": current_code(device)}
    )
    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "path", ["/", "/compte/", "/structure/membres/", "/structure/journal/", "/admin/"]
)
def test_every_page_waits_for_the_code(client, member, path):
    client.force_login(member)  # password checked, no code yet
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/code/?next=")


@pytest.mark.parametrize("path", ["/", "/compte/", "/structure/membres/"])
def test_every_page_waits_for_enrolment(client, path):
    user = UserFactory()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/double-authentification/?next=")


def test_healthz_and_logout_stay_reachable_before_the_code(client, member):
    client.force_login(member)
    assert client.get("/healthz").status_code == 200
    response = client.post("/deconnexion/")
    assert response["Location"] == "/connexion/"
    assert "_auth_user_id" not in client.session


def test_external_next_is_ignored(client, member):
    device = confirmed_device(member)
    client.post(LOGIN, {"username": member.email, "password": TEST_PASSWORD})
    response = client.post(
        "/connexion/code/", {"code": current_code(device), "next": "https://ailleurs.example/"}
    )
    assert response["Location"] == "/"


def test_ten_failures_lock_the_account(client, member):
    for _ in range(10):
        client.post(LOGIN, {"username": member.email, "password": "mauvais"})
    response = client.post(LOGIN, {"username": member.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    text = page_text(response)
    assert "Compte temporairement verrouillé" in text
    assert "verrouillé pendant 15 minutes" in text
    assert "_auth_user_id" not in client.session
