"""Reporting (issue 14) on the accompaniment and coordination data: the dashboards over a
year, and the per-participant XLSX export of the measured organisation.

No data of its own: the accompaniment part's organisation (a fifth of the persons, 20,000 at
scale 1, each with two pathways, reviews, goals, steps, diagnostics, notes, appointments) and
its référent (150 persons) are measured, with the coordination part's referrals in the same
database. The organisation's default view (year so far) is precomputed as the hourly
`reporting_refresh` does (its duration is printed); filtered views and the référent's
caseload are computed when asked."""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import urlencode

# Twelve whole months ending with the previous one: the dashboard's longest usual period
# (beyond a référent's caseload, periods are whole months), and never the year so far that
# `reporting_refresh` precomputes (in December, twelve months ending with the current one
# were that year, and the « computed when asked » views read the stored tables).
MONTHS = 12


def year_of_months() -> tuple[dt.date, dt.date]:
    from django.utils import timezone

    today = timezone.localdate()
    end = today.replace(day=1) - dt.timedelta(days=1)
    index = end.year * 12 + end.month - 1 - (MONTHS - 1)
    return dt.date(index // 12, index % 12 + 1, 1), end


def period() -> dict[str, str]:
    start, end = year_of_months()
    return {"debut": start.isoformat(), "fin": end.isoformat()}


def endpoints(prepared, Endpoint) -> list:
    a = prepared.accompaniment
    org = a.organisation_id
    query = urlencode(period())
    return [
        Endpoint(
            f"GET /indicateurs/structure/ (year so far, {a.organisation_persons:,} persons, "
            "precomputed)",
            "/indicateurs/structure/",
            part="reporting",
            login=(a.manager_id, org),
            expect='data-testid="indicator-persons_followed"',
            target_ms=1000,
            requests=100,
        ),
        Endpoint(
            "GET /indicateurs/structure/?comparer=on (precomputed, two years side by side)",
            "/indicateurs/structure/?comparer=on",
            part="reporting",
            login=(a.manager_id, org),
            expect='data-testid="previous-persons_followed"',
            target_ms=1000,
            requests=100,
        ),
        Endpoint(
            "GET /indicateurs/structure/?dispositif=rsa (year so far, precomputed slice)",
            "/indicateurs/structure/?dispositif=rsa",
            part="reporting",
            login=(a.manager_id, org),
            expect='data-testid="indicator-persons_followed"',
            target_ms=1000,
            requests=100,
        ),
        Endpoint(
            "GET /indicateurs/structure/?dispositif=rsa (a year, computed when asked)",
            f"/indicateurs/structure/?{query}&dispositif=rsa",
            part="reporting",
            login=(a.manager_id, org),
            expect='data-testid="indicator-persons_followed"',
            target_ms=1000,
            requests=40,
            warmup=2,
        ),
        Endpoint(
            "GET /indicateurs/structure/?dispositif=rsa&age=25-54 (a year, two filters, "
            "computed when asked)",
            f"/indicateurs/structure/?{query}&dispositif=rsa&age=25-54",
            part="reporting",
            login=(a.manager_id, org),
            expect='data-testid="indicator-persons_followed"',
            target_ms=1000,
            requests=40,
            warmup=2,
        ),
        Endpoint(
            f"GET /indicateurs/file-active/ (year so far, {a.referent_persons} persons, "
            "precomputed)",
            "/indicateurs/file-active/",
            part="reporting",
            login=(a.referent_id, org),
            expect='data-testid="indicator-persons_followed"',
            target_ms=200,
            requests=100,
        ),
        Endpoint(
            f"GET /indicateurs/file-active/ (a year, {a.referent_persons} persons, computed "
            "when asked)",
            f"/indicateurs/file-active/?{query}",
            part="reporting",
            login=(a.referent_id, org),
            expect='data-testid="indicator-persons_followed"',
            target_ms=200,
            requests=100,
        ),
    ]


def measure(prepared) -> list[str]:
    """Query counts of the dashboards, and the participants' XLSX export of the measured
    organisation (every scheme, one file each, as a manager would ask them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from relais.accounts.models import Membership
    from relais.pathways.models import Scheme
    from relais.reporting import exports, selectors
    from relais.reporting.filters import ReportFilter, Scope

    a = prepared.accompaniment
    today = timezone.localdate()
    flt = ReportFilter(*year_of_months())
    lines = []
    from relais.reporting.snapshots import snapshot_refresh

    started = time.perf_counter()
    stored = snapshot_refresh(organisation_id=a.organisation_id, today=today)
    lines.append(
        f"Reporting: precomputation of « {a.organisation_name} » (`reporting_refresh`: the "
        "year so far and a year earlier, its 8 slices by scheme or age band, and each "
        f"référent's caseload): {stored} dashboards in {time.perf_counter() - started:.1f} s."
    )
    for user_id, scope in ((a.manager_id, Scope.ORGANISATION), (a.referent_id, Scope.CASELOAD)):
        membership = Membership.objects.get(user_id=user_id, organisation_id=a.organisation_id)
        with CaptureQueriesContext(connection) as queries:
            selectors.dashboard(membership, scope, flt, today=today)
        lines.append(f"Reporting: {scope.label} dashboard: {len(queries)} queries.")
    rows = 0
    started = time.perf_counter()
    for scheme in Scheme.values:
        found, _missing = exports.participant_rows(
            a.organisation_id,
            ReportFilter(start=flt.start, end=flt.end, scheme=scheme),
            progress=lambda _p: None,
        )
        exports.participants_xlsx(found, _missing)
        rows += len(found) - 1
    seconds = time.perf_counter() - started
    lines.append(
        f"Reporting: participants XLSX export of « {a.organisation_name} »: {rows:,} "
        f"participants (every scheme) in {seconds:.1f} s (target < 30 s for 20,000)."
    )
    return lines
