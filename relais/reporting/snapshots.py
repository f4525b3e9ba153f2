"""Precomputed dashboards: the default view (1 January to the last day of the current
month, no filter, and the same dates a year earlier for the comparison) of each
organisation — and its slices by one scheme or one age band — and of each référent's
caseload, computed by the scheduled command `reporting_refresh` and read back in one
query. A snapshot serves only on the day it was computed; the page states when it was
computed. Any other period or filter is computed when asked."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from relais.accounts.models import Membership, Organisation
from relais.pathways.models import Scheme
from relais.people.models import Person
from relais.reporting import policies, registry, selectors, tables
from relais.reporting.filters import AgeBand, ReportFilter, Scope, default_period
from relais.reporting.models import DashboardSnapshot


@dataclass(frozen=True)
class OrganisationSeat:
    """Who a dashboard is computed for: the organisation itself (the organisation scope
    reads no user: its figures are the same for every manager), or a référent of it for
    their caseload (`user_id`)."""

    organisation_id: int
    user_id: int | None = None
    is_active: bool = True


def key(flt: ReportFilter, *, user_id: int | None = None) -> str:
    """The organisation's view (`user_id` None) or a référent's caseload."""
    if user_id is None:
        text = json.dumps([str(Scope.ORGANISATION), flt.params()], sort_keys=True)
    else:
        text = json.dumps([str(Scope.CASELOAD), user_id, flt.params()], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def caseload_holders(organisation_id: int) -> list[int]:
    """The active référents and managers of the organisation who are the référent of at
    least one of its persons: whose caseload dashboard is precomputed."""
    holds = Person.objects.filter(
        organisation_id=organisation_id, referent_id=OuterRef("user_id"), merged_into__isnull=True
    )
    return list(
        Membership.objects.active()
        .filter(organisation_id=organisation_id, role__in=policies.CASELOAD_ROLES)
        .filter(Exists(holds))
        .values_list("user_id", flat=True)
        .order_by("user_id")
    )


def default_filters(today: dt.date) -> list[ReportFilter]:
    start, end = default_period(today)
    current = ReportFilter(start=start, end=end)
    return [current, current.previous_year()]


def slice_filters(today: dt.date) -> list[ReportFilter]:
    """The organisation's default period filtered by one scheme or one age band (and a
    year earlier): the slices funders' reports ask for, precomputed with the default view.
    Other filters (a commune, a référent, several at once) are computed when asked."""
    start, end = default_period(today)
    base = ReportFilter(start=start, end=end)
    found = [replace(base, scheme=s) for s in Scheme.values]
    found += [replace(base, age_band=band) for band in AgeBand.values]
    return [f for flt in found for f in (flt, flt.previous_year())]


def _dump(sections: list[selectors.SectionTables]) -> list[dict]:
    return [
        {
            "key": table.key,
            "unit": table.unit,
            "any_suppressed": table.any_suppressed,
            "lines": [
                {
                    "label": line.label,
                    "is_total": line.is_total,
                    "cells": [[c.text, c.value, c.suppressed] for c in line.cells],
                }
                for line in table.lines
            ],
        }
        for block in sections
        for table in block.tables
    ]


def _load(data: list[dict]) -> list[selectors.SectionTables]:
    by_section: dict[str, list[tables.Table]] = {}
    for item in data:
        indicator = registry.INDICATORS.get(item["key"])
        if indicator is None:  # an indicator removed since: left out
            continue
        lines = [
            tables.Line(
                line["label"],
                [
                    tables.Shown(text, value, suppressed)
                    for text, value, suppressed in line["cells"]
                ],
                line["is_total"],
            )
            for line in item["lines"]
        ]
        by_section.setdefault(indicator.section, []).append(
            tables.Table(
                indicator=indicator,
                columns=indicator.columns,
                lines=lines,
                chart=tables.chart_of(indicator, lines, item["unit"]),
                any_suppressed=item["any_suppressed"],
                unit=item["unit"],
            )
        )
    return [
        selectors.SectionTables(section, by_section[section.key])
        for section in registry.sections()
        if section.key in by_section
    ]


def _compute(
    seat: OrganisationSeat, scope: Scope, filters: list[ReportFilter], today: dt.date
) -> list[tuple[str, list[dict]]]:
    """The dashboards as they will be stored, keyed; computed outside any transaction (the
    reads of SQLite take no lock)."""
    found = []
    for flt in filters:
        try:
            sections = selectors.dashboard(seat, scope, flt, today=today)
        except selectors.TooFewPersons:
            continue  # nothing to show: the page says so when asked
        found.append(
            (key(flt, user_id=seat.user_id if scope == Scope.CASELOAD else None), _dump(sections))
        )
    return found


def _write(organisation_id: int, found: list[tuple[str, list[dict]]]) -> None:
    """Each snapshot in its own short transaction: the write lock (SQLite's BEGIN
    IMMEDIATE) is held for one row, never for the organisation's whole computation."""
    for snapshot_key, dumped in found:
        with transaction.atomic():
            DashboardSnapshot.objects.update_or_create(
                organisation_id=organisation_id,
                key=snapshot_key,
                defaults={"computed_at": timezone.now(), "tables": dumped},
            )


def snapshot_refresh(*, organisation_id: int, today: dt.date, caseloads: bool = True) -> int:
    """Compute and store the default dashboards of one organisation (with its slices by
    scheme and by age band) and, with `caseloads`, of each of its référents' caseloads;
    returns how many.

    Not one transaction: computing an organisation's dashboards takes seconds (38 s at
    4,000 persons), longer than the busy timeout of the requests waiting to write. The
    figures are computed first, with no transaction open; each snapshot is then written in
    its own transaction. A page read meanwhile sees the previous hour's snapshot or the new
    one, each whole."""
    seat = OrganisationSeat(organisation_id=organisation_id)
    filters = default_filters(today) + slice_filters(today)
    found = _compute(seat, Scope.ORGANISATION, filters, today)
    if caseloads:
        for user_id in caseload_holders(organisation_id):
            referent = OrganisationSeat(organisation_id=organisation_id, user_id=user_id)
            found += _compute(referent, Scope.CASELOAD, default_filters(today), today)
    _write(organisation_id, found)
    keys = [snapshot_key for snapshot_key, _dumped in found]
    # Snapshots of earlier days, or of référents who hold no caseload now, serve no more.
    with transaction.atomic():
        DashboardSnapshot.objects.filter(organisation_id=organisation_id).exclude(
            key__in=keys
        ).delete()
    return len(keys)


def refresh_all(*, today: dt.date, min_persons: int = 0) -> int:
    """Every active organisation (with at least `min_persons` persons)."""
    from django.db.models import Count

    organisations = Organisation.objects.filter(is_active=True)
    if min_persons:
        organisations = organisations.annotate(n=Count("persons")).filter(n__gte=min_persons)
    done = 0
    for organisation_id in organisations.values_list("pk", flat=True):
        snapshot_refresh(organisation_id=organisation_id, today=today)
        done += 1
    return done


def cached(
    organisation_id: int, flt: ReportFilter, *, today: dt.date, user_id: int | None = None
) -> tuple[list[selectors.SectionTables], dt.datetime] | None:
    """The stored dashboard for these filters (the organisation's, or with `user_id` that
    référent's caseload), if computed today; else None."""
    served = default_filters(today)
    if user_id is None:
        served += slice_filters(today)
    if flt not in served:
        return None
    found = (
        DashboardSnapshot.objects.filter(
            organisation_id=organisation_id, key=key(flt, user_id=user_id)
        )
        .values("computed_at", "tables")
        .first()
    )
    if found is None or timezone.localtime(found["computed_at"]).date() != today:
        return None
    return _load(found["tables"]), found["computed_at"]
