"""The invitation link: sign up (new address), accept (existing account), or a clear page
saying why the link no longer works and how to get a new one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from relais.accounts.models import Membership, Role, User
from tests.factories import InvitationFactory, MembershipFactory, UserFactory
from tests.helpers import login_verified, page_text

pytestmark = pytest.mark.django_db

STRONG = "Motdepasse-Solide-42"


@pytest.fixture
def invitation(organisation):
    return InvitationFactory(
        raw_token="lien-valable", organisation=organisation, email="nina@exemple.fr"
    )


def signup(client, **overrides):
    data = {
        "first_name": "Nina",
        "last_name": "Diallo",
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(overrides)
    return client.post("/invitation/lien-valable/", data)


class TestInvalidLinks:
    def test_expired(self, client, organisation):
        invitation = InvitationFactory(raw_token="ancien", organisation=organisation)
        invitation.expires_at = timezone.now() - timedelta(minutes=1)  # seven days later
        invitation.save()
        response = client.get("/invitation/ancien/")
        assert response.status_code == 410
        text = page_text(response)
        assert "Cette invitation a expiré : les liens d'invitation sont valables 7 jours." in text
        assert (
            f"Pour obtenir un nouveau lien, demandez au responsable de la structure {organisation.name}"
            in text
        )

    def test_used(self, client):
        InvitationFactory(raw_token="servi", accepted_at=timezone.now())
        response = client.get("/invitation/servi/")
        assert response.status_code == 410
        text = page_text(response)
        assert "Cette invitation a déjà été utilisée" in text
        assert 'href="/connexion/"' in text

    def test_replaced(self, client):
        InvitationFactory(raw_token="remplace", revoked_at=timezone.now())
        response = client.get("/invitation/remplace/")
        assert response.status_code == 410
        assert "remplacée par une invitation plus récente" in page_text(response)

    def test_unknown(self, client):
        response = client.get("/invitation/nimporte-quoi/")
        assert response.status_code == 410
        assert "Ce lien d'invitation n'existe pas." in page_text(response)

    def test_posting_to_an_expired_link_creates_nothing(self, client, invitation):
        invitation.expires_at = timezone.now() - timedelta(seconds=1)
        invitation.save()
        assert signup(client).status_code == 410
        assert not User.objects.filter(email="nina@exemple.fr").exists()


class TestSignup:
    def test_form(self, client, invitation, organisation):
        response = client.get("/invitation/lien-valable/")
        assert response.status_code == 200
        text = page_text(response)
        assert f"Rejoindre {organisation.name}" in text
        assert "Votre identifiant sera <strong>nina@exemple.fr</strong>" in text

    def test_success_creates_the_account_and_is_single_use(self, client, invitation, organisation):
        response = signup(client)
        assert response.status_code == 302
        assert response["Location"] == "/connexion/?email=nina@exemple.fr"
        user = User.objects.get(email="nina@exemple.fr")
        assert user.check_password(STRONG)
        assert Membership.objects.get(user=user).organisation == organisation
        again = client.get("/invitation/lien-valable/")
        assert again.status_code == 410
        assert "déjà été utilisée" in page_text(again)

    def test_weak_password_keeps_what_was_typed(self, client, invitation):
        response = signup(
            client, first_name="Zoé", last_name="N'Diaye", password1="abc", password2="abc"
        )
        assert response.status_code == 200
        text = page_text(response)
        assert "Ce mot de passe est trop court." in text
        assert 'value="Zoé"' in text
        assert 'value="N\'Diaye"' in text
        assert not User.objects.filter(email="nina@exemple.fr").exists()

    def test_markup_in_the_name_refused(self, client, invitation):
        response = signup(client, first_name="<i>Nina</i>", last_name="Diallo42")
        assert response.status_code == 200
        text = page_text(response)
        assert "« Prénom » ne peut contenir que des lettres" in text
        assert "« Nom » ne peut contenir que des lettres" in text
        assert not User.objects.filter(email="nina@exemple.fr").exists()

    def test_password_mismatch(self, client, invitation):
        response = signup(client, password2=STRONG + "x")
        assert response.status_code == 200
        text = page_text(response)
        assert "Les deux mots de passe ne correspondent pas." in text
        assert 'value="Nina"' in text
        assert 'value="Diallo"' in text
        assert not User.objects.exists()

    def test_password_like_the_email_is_refused(self, client, invitation):
        response = signup(client, password1="nina@exemple.fr1A", password2="nina@exemple.fr1A")
        assert response.status_code == 200
        assert "trop semblable" in page_text(response)

    def test_missing_fields(self, client, invitation):
        response = signup(client, first_name="", last_name="")
        assert response.status_code == 200
        assert "Le formulaire contient des erreurs" in page_text(response)
        assert not User.objects.exists()


class TestExistingAccount:
    def test_logged_out_is_asked_to_log_in(self, client, organisation):
        user = UserFactory(email="deja@exemple.fr")
        InvitationFactory(raw_token="pour-deja", organisation=organisation, email=user.email)
        response = client.get("/invitation/pour-deja/")
        assert response.status_code == 200
        text = page_text(response)
        assert "Un compte existe déjà pour deja@exemple.fr" in text
        assert 'href="/connexion/?next=/invitation/pour-deja/"' in text

    def test_logged_in_accepts(self, client, organisation):
        user = MembershipFactory().user
        InvitationFactory(
            raw_token="pour-deja", organisation=organisation, email=user.email, role=Role.MANAGER
        )
        login_verified(client, user)
        assert "Accepter l'invitation" in page_text(client.get("/invitation/pour-deja/"))
        response = client.post("/invitation/pour-deja/")
        assert response["Location"] == "/"
        membership = Membership.objects.get(user=user, organisation=organisation)
        assert membership.role == Role.MANAGER
        # The organisation just joined becomes the current one.
        home = client.get("/")
        assert f"Vous travaillez pour <strong>{organisation.name}</strong>" in page_text(home)

    def test_logged_in_as_someone_else(self, client, organisation):
        invited = UserFactory(email="invitee@exemple.fr")
        InvitationFactory(raw_token="pour-autre", organisation=organisation, email=invited.email)
        intruder = MembershipFactory().user
        login_verified(client, intruder)
        response = client.post("/invitation/pour-autre/", follow=True)
        assert "envoyée à une autre adresse e-mail" in page_text(response)
        assert not Membership.objects.filter(user=intruder, organisation=organisation).exists()
