"""What `make run` prints: the demo logins at the right address, and no flood of e-mails."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from relais.core.mail import enqueue_on_commit, held_back, queue_email, send_email


def test_logins_show_the_address_the_demo_is_served_on(settings):
    # `make run PORT=8123` passes RELAIS_BASE_URL=http://127.0.0.1:8123 to the command.
    settings.RELAIS_BASE_URL = "http://127.0.0.1:8123"
    out = StringIO()
    call_command("print_demo_logins", stdout=out, stderr=StringIO())
    assert "démonstration locale : http://127.0.0.1:8123/" in out.getvalue()
    assert ":8000" not in out.getvalue()


def test_logins_include_the_certification_federation():
    # The certification module is used by the federation's accounts, not the CCAS's.
    out = StringIO()
    call_command("print_demo_logins", stdout=out, stderr=StringIO())
    assert "responsable.federation@relais.localhost" in out.getvalue()
    assert "formatrice.federation@relais.localhost" in out.getvalue()


def test_makefile_gives_the_port_to_the_logins():
    from django.conf import settings

    makefile = (settings.BASE_DIR / "Makefile").read_text()
    line = next(line for line in makefile.splitlines() if "print_demo_logins" in line)
    assert "RELAIS_BASE_URL=http://$(HOST):$(PORT)" in line


@pytest.mark.django_db
def test_held_back_mails_are_counted_not_queued(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), held_back() as held:
        queue_email(subject="Essai", body="Corps", to=["a@example.org", "b@example.org"])
        enqueue_on_commit(send_email, subject="Essai", body="Corps", to="c@example.org")
    assert held.count == 3
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(subject="Après", body="Corps", to=["a@example.org"])
    assert [m.subject for m in mail.outbox] == ["Après"]
