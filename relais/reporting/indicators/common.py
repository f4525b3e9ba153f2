"""Helpers shared by the indicator modules."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet

from relais.pathways.models import Pathway
from relais.reporting.scope import Context, overlaps


def bounds(ctx: Context) -> tuple[dt.datetime, dt.datetime]:
    """The period as [start, end) in aware datetimes (Europe/Paris days), so that date-time
    columns are compared as stored and their indexes serve."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(ctx.start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(ctx.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def pathways(ctx: Context) -> QuerySet[Pathway]:
    """The pathways of the persons counted (of the scheme chosen, if any)."""
    found = Pathway.objects.filter(person__in=ctx.person_ids())
    if ctx.filter.scheme:
        found = found.filter(scheme=ctx.filter.scheme)
    return found


def pathways_in_progress(ctx: Context) -> QuerySet[Pathway]:
    return pathways(ctx).filter(overlaps(ctx.start, ctx.end))


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
