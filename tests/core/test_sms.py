"""Text messages: numbers put in international form, the backend named by the setting,
a failing operator retried and never raised to the caller."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from relais.core import sms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("07.12.34.56.78", "+33712345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("04 72 00 00 00", ""),  # a landline receives no text message
        ("06 12", ""),
        ("", ""),
        ("pas de téléphone", ""),
    ],
)
def test_normalise_number(phone, expected):
    assert sms.normalise_number(phone) == expected


def test_console_backend_prints(settings, capsys):
    settings.RELAIS_SMS_BACKEND = "relais.core.sms.ConsoleBackend"
    sms.send_sms.enqueue(to="+33612345678", body="Bonjour")
    assert "SMS à +33612345678 : Bonjour" in capsys.readouterr().out


def test_queued_on_commit_and_cut_to_three_messages(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sms.queue_sms(to="+33612345678", body="x" * 1000)
    assert sms.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(sms.outbox[0]["body"]) == sms.MAX_LENGTH


class Down:
    def send(self, *, to, body):
        raise ConnectionError("Opérateur injoignable")


def test_failing_operator_is_logged_not_raised(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.RELAIS_SMS_BACKEND = "tests.core.test_sms.Down"
    with django_capture_on_commit_callbacks(execute=True):
        sms.queue_sms(to="+33612345678", body="Bonjour")
    assert "SMS not sent (attempt 1): given up" in caplog.text


def test_queuing_failure_is_logged(monkeypatch, caplog, django_capture_on_commit_callbacks):
    def broken(**kwargs):
        raise RuntimeError("table des tâches injoignable")

    monkeypatch.setattr(sms, "send_sms", SimpleNamespace(enqueue=broken))
    with django_capture_on_commit_callbacks(execute=True):
        sms.queue_sms(to="+33612345678", body="Bonjour")
    assert "SMS task could not be queued" in caplog.text
