"""Test helpers: verified login (password + TOTP), query counting, page text, e-mail links."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Application", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def login_verified(client, user) -> None:
    """Log the test client in as if the user had typed password and TOTP code."""
    device = confirmed_device(user)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def count_queries(func: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def page_text(response) -> str:
    """The response body with HTML entities decoded (`n&#x27;êtes` → `n'êtes`)."""
    return html.unescape(response.content.decode())


INVITATION_LINK_RE = re.compile(r"https?://[^\s/]+(/invitation/[^\s/]+/)")


def invitation_path(message) -> str:
    """The path of the invitation link in an e-mail (`/invitation/<token>/`)."""
    match = INVITATION_LINK_RE.search(message.body)
    assert match, f"Pas de lien d'invitation dans l'e-mail :\n{message.body}"
    return match.group(1)


class FailingEmailBackend:
    """An e-mail backend whose server is down: every send raises, as SMTP would."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("Serveur de messagerie injoignable")


def run_task_worker(**options) -> None:
    """`manage.py db_worker --batch`: the real worker runs the queued tasks, in the test's
    transaction. The worker closes "old" connections between tasks, as a long-running
    process should; here that would close the test's own connection (PostgreSQL), so that
    step is left out."""
    from unittest import mock

    from django.core.management import call_command

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0, **options)


PERSON_SECTION_RE = re.compile(r'hx-get="(/personnes/\d+/sections/([^"/]+)/)"')


def person_page_text(client, person, *keys: str) -> str:
    """The person page's text with its sections opened, as a user who opens them sees it
    (they load on demand): the sections `keys`, or every section the page lists."""
    pk = getattr(person, "pk", person)
    page = client.get(f"/personnes/{pk}/")
    assert page.status_code == 200, page.status_code
    text = page_text(page)
    for url, key in PERSON_SECTION_RE.findall(page.content.decode()):
        if not keys or key in keys:
            section = client.get(url)
            assert section.status_code == 200, (url, section.status_code)
            text += page_text(section)
    return text


def open_person_section(page, key: str):
    """In a browser: open the section `key` of the person page (sections load on demand)
    and wait until its content is there. Returns the section."""
    from playwright.sync_api import expect

    section = page.locator(f"details#{key}")
    if not section.evaluate("element => element.open"):
        section.locator("summary").click()
    expect(section.locator("[data-section-loaded]")).to_have_count(1)
    return section
