"""Real-browser tests: Playwright driving Debian's Chromium against a live server.

Every page loaded in a test is checked with axe-core (injected by the browser context, so
the page's own Content-Security-Policy stays intact): a serious or critical violation fails
the test. Screenshots of failed tests go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from relais.accounts.backends import PASSWORD_BACKEND
from tests.helpers import confirmed_device

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = {"serious", "critical"}

# Runs in every page of the browser context, once loaded: axe reports through a binding.
AXE_ON_LOAD = """
(() => {
  if (window.top !== window || !location.protocol.startsWith('http')) return;
  window.__axeDone = new Promise((resolve) => {
    window.addEventListener('load', () => {
      axe.run(document, {resultTypes: ['violations']}).then((results) => {
        const violations = results.violations.map(v => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))
        }));
        window.__relaisAxeReport(location.pathname, violations).finally(resolve);
      }).catch((error) => {
        window.__relaisAxeReport(location.pathname, [{id: 'axe-error', impact: 'critical', help: String(error), nodes: []}]).finally(resolve);
      });
    });
  });
})();
"""


def _chromium_path() -> str | None:
    for candidate in [shutil.which("chromium"), *CHROMIUM_CANDIDATES]:
        if candidate and Path(candidate).exists():
            return candidate
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_path()
    if executable is None:
        message = (
            "Chromium introuvable (/usr/bin/chromium) : installez le paquet Debian « chromium »."
        )
        if os.environ.get("RELAIS_BROWSER_TESTS") == "required":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


class AxeReports:
    def __init__(self) -> None:
        self.pages: list[tuple[str, list[dict]]] = []

    def add(self, path: str, violations: list[dict]) -> None:
        self.pages.append((path, violations))

    def blocking(self) -> list[str]:
        problems = []
        for path, violations in self.pages:
            for v in violations:
                if v.get("impact") in BLOCKING_IMPACTS:
                    problems.append(f"{path}: [{v['impact']}] {v['id']} — {v['help']} {v['nodes']}")
        return problems


@pytest.fixture
def axe_reports() -> AxeReports:
    return AxeReports()


@pytest.fixture(autouse=True)
def _links_to_the_live_server(settings, live_server):
    """Links in e-mails (RELAIS_BASE_URL) lead to the server the browser uses."""
    settings.RELAIS_BASE_URL = live_server.url


@pytest.fixture
def page(browser, live_server, axe_reports, request):
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    context.add_init_script(script=Axe().axe_script)
    context.add_init_script(script=AXE_ON_LOAD)
    context.expose_binding(
        "__relaisAxeReport", lambda source, path, violations: axe_reports.add(path, violations)
    )
    page = context.new_page()
    in_flight: set = set()
    page.on("request", lambda request: in_flight.add(request))
    page.on("requestfinished", lambda request: in_flight.discard(request))
    page.on("requestfailed", lambda request: in_flight.discard(request))
    yield page
    with contextlib.suppress(Exception):  # the test may have closed the page already
        # Let the last page finish its check.
        page.evaluate("() => window.__axeDone || null")
        _let_requests_finish(page, in_flight)
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.nodeid.replace("/", "_").replace("::", "__")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
    problems = axe_reports.blocking()
    if problems:
        pytest.fail("Accessibilité (axe-core) :\n" + "\n".join(problems))
    if not axe_reports.pages:
        pytest.fail("Aucune page n'a été vérifiée par axe-core pendant ce test.")


def _let_requests_finish(page, in_flight: set, *, timeout: float = 5.0) -> None:
    """Wait for the requests the page still has in flight (an htmx section reloading after
    the last assertion). Closing the context does not stop the live server's thread: it would
    go on using the test database while the test's teardown empties it (« database table is
    locked » on SQLite's shared in-memory database)."""
    deadline = time.monotonic() + timeout
    while in_flight and time.monotonic() < deadline:
        page.wait_for_timeout(25)


@pytest.fixture
def login_as(page, live_server):
    """Open a verified session for `user` in the browser without going through the forms
    (the login itself is tested in test_login.py)."""

    def _login(user, organisation=None):
        device = confirmed_device(user)
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = PASSWORD_BACKEND
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store["otp_device_id"] = device.persistent_id
        if organisation is not None:
            store["relais_organisation_id"] = organisation.pk
        store.create()
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": store.session_key,
                    "url": live_server.url,
                }
            ]
        )
        return page

    return _login


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)
