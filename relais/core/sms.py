"""Text messages (SMS) behind one small interface, like Django's e-mail backends.

The backend is named by the `RELAIS_SMS_BACKEND` setting (a dotted path to a class with a
`send(to=…, body=…)` method): the console backend prints the message (development, demo),
the memory backend keeps it in `outbox` (tests); a production backend wraps the operator's
HTTP API the same way. Messages leave through a django-tasks task queued when the
transaction commits, retried after each of `RELAIS_EMAIL_RETRY_DELAYS` like e-mails
(`relais.core.mail`): a failing operator never fails the action that decided the message.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from relais.core.mail import DEFAULT_RETRY_DELAYS

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "relais.core.sms.ConsoleBackend"
MAX_LENGTH = 459  # three concatenated SMS of 153 characters


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str) -> None: ...


class ConsoleBackend:
    """Prints each message (development and demo)."""

    def send(self, *, to: str, body: str) -> None:
        sys.stdout.write(f"SMS à {to} : {body}\n")
        sys.stdout.flush()


outbox: list[dict[str, str]] = []


class MemoryBackend:
    """Keeps each message in `relais.core.sms.outbox` (tests)."""

    def send(self, *, to: str, body: str) -> None:
        outbox.append({"to": to, "body": body})


def get_backend() -> SmsBackend:
    path = getattr(settings, "RELAIS_SMS_BACKEND", DEFAULT_BACKEND) or DEFAULT_BACKEND
    return import_string(path)()


def normalise_number(phone: str) -> str:
    """A French number in international form (+33…), or "" when it cannot be a mobile
    number that receives text messages (06, 07, or already +…)."""
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+"):
        return digits if len(digits) >= 11 else ""
    if len(digits) == 10 and digits[:2] in ("06", "07"):
        return "+33" + digits[1:]
    return ""


@task()
def send_sms(*, to: str, body: str, attempt: int = 1) -> None:
    """Send one message; a failure queues the next attempt and is raised again, so that this
    attempt shows as a failed task result."""
    try:
        get_backend().send(to=to, body=body[:MAX_LENGTH])
    except Exception:
        delays = tuple(getattr(settings, "RELAIS_EMAIL_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))
        retry = attempt <= len(delays) and send_sms.get_backend().supports_defer
        if retry:
            run_after = timezone.now() + dt.timedelta(seconds=delays[attempt - 1])
            send_sms.using(run_after=run_after).enqueue(to=to, body=body, attempt=attempt + 1)
        logger.error(
            "SMS not sent (attempt %d): %s", attempt, "will try again" if retry else "given up"
        )
        raise


def queue_sms(*, to: str, body: str) -> None:
    """Queue one message when the current transaction commits. Queuing itself never fails
    the caller (e.g. the task table unreachable): it logs."""

    def enqueue() -> None:
        try:
            send_sms.enqueue(to=to, body=body)
        except Exception:
            logger.exception("SMS task could not be queued")

    transaction.on_commit(enqueue)
