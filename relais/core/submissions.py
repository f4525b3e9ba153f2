"""Creates that happen once per submission, whatever the double clicks and retries.

A form that creates something carries a random `submission` token (`new_token()`, a hidden
field); an API client may send an `Idempotency-Key` header. `submit_once` runs the create in
a transaction that first inserts the token: a second request with the same token waits on
the unique index until the first commits, then finds it and returns what the first created
(`created=False`), so the view answers as if it had created it. Without a token the create
simply runs, in one transaction all the same (what it writes, journal included, is all or
nothing). Tokens older than two days are pruned now and then.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from relais.core.models import Submission

T = TypeVar("T", bound=models.Model)
KEEP = dt.timedelta(days=2)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def already_submitted(*, token: str, actor, model: type[T]) -> T | None:
    """What a previous submission with this token created, if any: a view that checks
    things before creating (possible duplicates) asks first."""
    token = (token or "").strip()[:64]
    if not token:
        return None
    first = Submission.objects.filter(token=token, actor=actor, target_id__isnull=False).first()
    return model._default_manager.filter(pk=first.target_id).first() if first else None


def submit_once(*, token: str, actor, create: Callable[[], T], model: type[T]) -> tuple[T, bool]:
    """`create()` once per token (and actor): (the object, whether this call created it)."""
    token = (token or "").strip()[:64]
    if not token:
        with transaction.atomic():  # still all or nothing
            return create(), True
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = Submission.objects.create(token=token, actor=actor)
        except IntegrityError:
            first = Submission.objects.filter(token=token, actor=actor).first()
            if first is None or first.target_id is None:
                # Another person's token (cannot be guessed), or a create that returned
                # nothing: create normally rather than fail.
                return create(), True
            return model._default_manager.get(pk=first.target_id), False
        obj = create()
        submission.target_type = model._meta.label_lower
        submission.target_id = obj.pk
        submission.save(update_fields=["target_type", "target_id"])
    if random.random() < 0.01:  # noqa: S311 (not security: spreading a cleanup)
        Submission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return obj, True


def claim(*, token: str, actor) -> tuple[Submission | None, str]:
    """Inside the caller's transaction, claim a form's token: (the new claim, "") for a first
    submission, (None, where the first one led) for a repeat — a repeat waits on the unique
    index until the first commits. (None, "") when there is no token to claim."""
    token = (token or "").strip()[:64]
    if not token or actor is None:
        return None, ""
    try:
        with transaction.atomic():
            return Submission.objects.create(token=token, actor=actor), ""
    except IntegrityError:
        first = Submission.objects.filter(token=token, actor=actor).first()
        return None, first.location if first is not None else ""
