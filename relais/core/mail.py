"""E-mails leave through background tasks (django-tasks), queued when the transaction that
decided them commits: a rolled-back action sends nothing, and a slow or failing mail server
never slows or fails the user's request.

A failed attempt is tried again after each of `RELAIS_EMAIL_RETRY_DELAYS` (seconds) in
turn, when the task backend can defer (the database backend, run by `manage.py
db_worker`). Every failed attempt is a failed task result with its traceback in the
administration (« DB task results », /admin/django_tasks_database/dbtaskresult/) and an
ERROR log line; the last one says that nothing more will be tried.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

logger = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200)


def retry_later(mail_task: Task, *, attempt: int, what: str, **kwargs: Any) -> None:
    """After attempt number `attempt` of `mail_task` failed: queue the next one if any is
    left (the task is called again with `attempt=attempt + 1`), and log the failure. The
    caller then re-raises, so that the failed attempt shows as failed."""
    delays = tuple(getattr(settings, "RELAIS_EMAIL_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))
    retry = attempt <= len(delays) and mail_task.get_backend().supports_defer
    if retry:
        run_after = timezone.now() + dt.timedelta(seconds=delays[attempt - 1])
        mail_task.using(run_after=run_after).enqueue(attempt=attempt + 1, **kwargs)
    logger.error(
        "E-mail %s not sent (attempt %d): %s",
        what,
        attempt,
        "will try again" if retry else "given up",
    )


@contextmanager
def retried(mail_task: Task, *, attempt: int, what: str, **kwargs: Any) -> Iterator[None]:
    """Around the sending in a mail task: a failure queues the next attempt (`retry_later`,
    the task called again with `kwargs`) and is raised again, so that this attempt shows as
    failed."""
    try:
        yield
    except Exception:
        retry_later(mail_task, attempt=attempt, what=what, **kwargs)
        raise


@task()
def send_email(*, subject: str, body: str, to: str, attempt: int = 1) -> None:
    """Send one message to one address."""
    what = f"« {subject} »"
    with retried(send_email, attempt=attempt, what=what, subject=subject, body=body, to=to):
        send_mail(subject, body, None, [to], fail_silently=False)


@dataclass
class HeldBack:
    """What `held_back()` kept from leaving: the number of e-mail tasks not queued."""

    count: int = 0


_held_back: ContextVar[HeldBack | None] = ContextVar("relais_mail_held_back", default=None)


@contextmanager
def held_back() -> Iterator[HeldBack]:
    """Inside this block no e-mail task is queued: they are only counted. For the demo
    seeding (`seed_demo`), whose notices go to fictitious addresses and would otherwise
    flood the console of `make run` with hundreds of messages."""
    held = HeldBack()
    token = _held_back.set(held)
    try:
        yield held
    finally:
        _held_back.reset(token)


def enqueue_on_commit(mail_task: Task, **kwargs: Any) -> None:
    """Queue `mail_task` when the current transaction commits (at once outside one).
    Queuing itself never fails the request (e.g. the task table unreachable): it logs."""
    held = _held_back.get()
    if held is not None:
        held.count += 1
        return

    def enqueue() -> None:
        try:
            mail_task.enqueue(**kwargs)
        except Exception:
            logger.exception("E-mail task %s could not be queued", mail_task.name)

    transaction.on_commit(enqueue)


def queue_email(*, subject: str, body: str, to: Iterable[str]) -> None:
    """Queue one message per address (nobody sees the others' addresses)."""
    for address in sorted(set(to)):
        enqueue_on_commit(send_email, subject=subject, body=body, to=address)
