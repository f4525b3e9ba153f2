"""Cross-cutting HTTP behaviour: security headers, health check, French error pages, escaping."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from tests.factories import MembershipFactory
from tests.helpers import login_verified, page_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/connexion/", "/healthz", "/page-qui-n-existe-pas/"])
def test_security_headers(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_session_cookie_is_http_only_and_lax(client, manager):
    """As the server sets it (when the session is written: here its expiry is pushed back,
    two minutes after its last write)."""
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    login_verified(client, manager)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=28)
    )
    cookie = client.get("/").cookies["relais_session"]
    assert cookie.value == client.session.session_key
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_no_inline_script_in_pages(manager_client):
    body = manager_client.get("/").content.decode()
    assert "<script>" not in body
    assert " onclick=" not in body


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "vendor": connection.vendor}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_get_only(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_reports_a_broken_database(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        if sql == "SELECT 1":
            raise connection.Database.OperationalError("base injoignable")
        return original(self, sql, params)

    original = CursorWrapper.execute
    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_404_in_french(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    text = page_text(response)
    assert '<html lang="fr"' in text
    assert "Page introuvable (erreur 404)" in text
    assert "Not Found" not in text


def test_404_for_a_logged_in_user(manager_client):
    response = manager_client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable (erreur 404)" in page_text(response)


def test_privacy_page_is_public(client):
    response = client.get("/donnees-personnelles/")
    assert response.status_code == 200


def test_organisation_and_user_names_are_escaped_in_the_page_frame(client, organisation):
    organisation.name = "<script>alert(1)</script>"
    organisation.save()
    user = MembershipFactory(
        organisation=organisation, user__first_name="<i>Ana</i>", user__last_name="<b>B</b>"
    ).user
    login_verified(client, user)
    body = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<i>Ana</i>" not in body
    assert "&lt;i&gt;Ana&lt;/i&gt;" in body


def test_csrf_failure_page_in_french(manager):
    browser = Client(enforce_csrf_checks=True)
    login_verified(browser, manager)
    response = browser.post("/structure/changer/", {"organisation": "1"})
    assert response.status_code == 403
    assert "Le formulaire a expiré" in page_text(response)


@pytest.mark.parametrize("path", ["/nulle-part/", "/personnes/999999/"])
def test_404_in_french_with_debug_on_as_in_the_demo(manager_client, settings, path):
    settings.DEBUG = True
    response = manager_client.get(path)
    assert response.status_code == 404
    text = page_text(response)
    assert "Page introuvable (erreur 404)" in text
    assert "Page not found" not in text
    assert "Using the URLconf" not in text


def test_403_in_french_with_debug_on(client, settings, staff_member):
    settings.DEBUG = True
    login_verified(client, staff_member)
    response = client.get("/structure/membres/")
    assert response.status_code == 403
    assert "Accès refusé (erreur 403)" in page_text(response)


def test_500_in_french_with_debug_on(manager, settings):
    settings.DEBUG = True
    settings.ROOT_URLCONF = "tests.web.debug_error_urls"
    browser = Client(raise_request_exception=False)
    response = browser.get("/panne/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Erreur du serveur (erreur 500)" in text
    assert "Traceback" not in text


def test_developers_may_ask_for_the_technical_pages(manager_client, settings):
    settings.DEBUG = True
    settings.RELAIS_DEBUG_ERROR_PAGES = True
    response = manager_client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable (erreur 404)" not in page_text(response)


def test_api_404_stays_json_with_debug_on(manager_client, settings):
    settings.DEBUG = True
    response = manager_client.get("/api/v1/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" not in response.content.decode()
