"""Reads of the notices."""

from __future__ import annotations

from django.db.models import Count

from relais.core.compiled import CompiledQuery, totals
from relais.notifications.models import Notification

_unread_count = CompiledQuery(
    lambda organisation_id, user_id: totals(
        Notification.objects.seen_by(organisation_id, user_id).unread(), n=Count("id")
    ),
    ids=("organisation_id", "user_id"),
    flat=True,
)


def unread_count(organisation_id: int, user_id: int) -> int:
    """The unread notices the user sees in the organisation (the referral inbox's banner).
    Read at every opening of the inbox: compiled once (relais.core.compiled)."""
    found = _unread_count(organisation_id=organisation_id, user_id=user_id)
    return found[0] if found else 0
