"""When a service is "à confirmer": not confirmed up to date for six months (never
confirmed: counted from its creation). The rule alone, with no model import, so that the
Service queryset (`Service.objects.stale()`), the pages and the reminder
(relais.network.directory.reminders) share it."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from relais.network.directory.models import Service

STALE_AFTER_MONTHS = 6


def months_before(day: date, months: int) -> date:
    year, month_index = divmod(day.month - 1 - months, 12)
    year += day.year
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def stale_threshold(today: date | None = None) -> date:
    """A service last confirmed before this date is "à confirmer"."""
    return months_before(today or timezone.localdate(), STALE_AFTER_MONTHS)


def stale_q(today: date | None = None, prefix: str = "") -> Q:
    """Services not confirmed for six months (never confirmed: counted from creation).
    `prefix` reaches them through a relation ("services__", to count them per
    organisation); on services themselves, use `Service.objects.stale()`."""
    threshold = stale_threshold(today)
    start = timezone.make_aware(datetime.combine(threshold, time.min))
    return Q(**{f"{prefix}confirmed_on__lt": threshold}) | Q(
        **{f"{prefix}confirmed_on__isnull": True, f"{prefix}created_at__lt": start}
    )


def is_stale(service: Service, today: date | None = None) -> bool:
    threshold = stale_threshold(today)
    reference = service.confirmed_on or timezone.localdate(service.created_at)
    return reference < threshold
