"""The observed needs of each calendar year, computed in advance per commune (decision 0070).

A territory's page, its API and its ABS report read a calendar year's figures from
`NeedsSummary` — a few rows per commune — instead of reading one row per diagnosed person
four times over: at 100,000 persons that costs seconds, more than a page may. The figures
are sums per commune that do not depend on the territory asking, so one computation serves
every territory; the units and the suppression of small counts (decision 0049) are applied
when they are read, exactly as for the figures read live.

Freshness: every write to a diagnostic marks the figures out of date and queues a refresh
(`refresh_task`, run by the task worker `RELAIS_NEEDS_REFRESH_DELAY` seconds later, so that a
morning of entries costs one computation); a change of a person's commune, birth date or
pathways is caught by the scheduled `territory_refresh_needs` (hourly). An agreement to pool
given or withdrawn takes effect at once: figures computed over another set of organisations
are not used (`needs_sources.stored_state`) until the refresh it queues has run. Pages say when
their figures were computed."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from django_tasks import task

from relais.diagnostics.models import Diagnostic
from relais.diagnostics.sequence import after_diagnostics_changed
from relais.pathways.models import Pathway
from relais.territory import geography
from relais.territory.models import NeedsSummary, NeedsSummaryState
from relais.territory.needs_sources import (
    ROLLING,
    TWELVE_MONTHS,
    latest_diagnostics,
    per_commune,
    pooled_organisations,
    years_per_commune,
)

logger = logging.getLogger(__name__)

DEFAULT_REFRESH_DELAY = 300  # seconds


@dataclass(frozen=True)
class Refreshed:
    years: int
    communes: int
    persons: int  # persons counted in the latest year (their latest diagnostic of that year)
    seconds: float


def _period_rows(
    organisations: list[int], year: int, start: dt.date, end: dt.date, urgent: dict[str, int]
) -> list[NeedsSummary]:
    """One row per commune with a person whose latest diagnostic of [start, end] was made
    there, stored under `year`."""
    cells = per_commune(organisations, None, start, end)
    if not cells:
        return []
    latest = latest_diagnostics(organisations, None, start, end)
    schemes: dict[str, dict[str, int]] = defaultdict(dict)
    for code, scheme, n in (
        Pathway.objects.filter(person_id__in=latest.values("person_id"))
        .values("person__commune_code", "scheme")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("person__commune_code", "scheme", "n")
    ):
        commune = geography.commune_of(code)
        schemes[commune][scheme] = schemes[commune].get(scheme, 0) + n
    barriers: dict[str, Counter] = defaultdict(Counter)
    for code, codes in (
        latest.exclude(significant_barriers="")
        .order_by()
        .values_list("person__commune_code", "significant_barriers")
        .iterator(chunk_size=5000)
    ):
        barriers[geography.commune_of(code)].update(codes.split())
    return [
        NeedsSummary(
            year=year,
            commune_code=code,
            persons=row["n"],
            difficulty=row["difficulty"],
            urgent=urgent.get(code, 0),
            figures={
                "cells": row,
                "schemes": schemes.get(code, {}),
                "barriers": dict(barriers.get(code, {})),
            },
        )
        for code, row in cells.items()
    ]


def refresh(*, today: dt.date | None = None) -> Refreshed:
    """Compute every calendar year's figures, from the first diagnostic of a pooled
    organisation to this year, and those of the twelve months to today, and replace the
    stored ones in one transaction."""
    began = timezone.now()
    clock = time.monotonic()
    today = today or timezone.localdate()
    # The mark is cleared before reading: a write during the computation marks the figures
    # out of date again and queues the next refresh.
    NeedsSummaryState.objects.update_or_create(pk=1, defaults={"stale_since": None})
    organisations = sorted(pooled_organisations())
    span = Diagnostic.objects.filter(person__organisation_id__in=organisations).aggregate(
        first=Min("assessed_on"), last=Max("assessed_on")
    )
    rows: list[NeedsSummary] = []
    if span["first"] is not None:
        first, last = span["first"].year, max(span["last"].year, today.year)
        years = years_per_commune(organisations, None, first, last)
        for year in range(first, last + 1):
            urgent = {code: row[f"urgent:{year}"] for code, row in years.items()}
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
            rows.extend(_period_rows(organisations, year, start, end, urgent))
        rows.extend(_period_rows(organisations, ROLLING, today - TWELVE_MONTHS, today, {}))
    with transaction.atomic():
        state = NeedsSummaryState.objects.select_for_update().get(pk=1)
        NeedsSummary.objects.all().delete()
        NeedsSummary.objects.bulk_create(rows, batch_size=500)
        state.computed_at = began
        state.rolling_end = today
        state.organisations = organisations
        state.save(update_fields=["computed_at", "rolling_end", "organisations"])
    latest_year = max((r.year for r in rows), default=None)
    return Refreshed(
        years=len({r.year for r in rows if r.year != ROLLING}),
        communes=len({r.commune_code for r in rows}),
        persons=sum(r.persons for r in rows if r.year == latest_year),
        seconds=time.monotonic() - clock,
    )


@task()
def refresh_task() -> None:
    result = refresh()
    logger.info(
        "Observed needs computed: %d years, %d communes, %.1f s",
        result.years,
        result.communes,
        result.seconds,
    )


def _queue_refresh() -> None:
    queued = refresh_task
    if queued.get_backend().supports_defer:
        delay = getattr(settings, "RELAIS_NEEDS_REFRESH_DELAY", DEFAULT_REFRESH_DELAY)
        queued = queued.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    queued.enqueue()


@after_diagnostics_changed
def mark_stale() -> None:
    """The stored figures are out of date: queue one refresh (none while one is queued;
    nothing before the figures were first computed — they are read live until then)."""
    if NeedsSummaryState.objects.filter(computed_at__isnull=False, stale_since__isnull=True).update(
        stale_since=timezone.now()
    ):
        transaction.on_commit(_queue_refresh)
