"""The dashboards: every registered indicator computed for a scope and filters, then shown
with the suppression the scope needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from relais.reporting import policies, registry, tables
from relais.reporting.filters import ReportFilter, Scope
from relais.reporting.registry import Indicator, Section
from relais.reporting.scope import BASE, Context


@dataclass(frozen=True)
class SectionTables:
    section: Section
    tables: list[tables.Table]


def offered(scope: Scope) -> list[Indicator]:
    """The indicators of a scope: co-following professionals see only those built on what
    is shared with them."""
    found = registry.indicators()
    if scope == Scope.TEAM:
        found = [i for i in found if i.team_category is not None]
    return found


def compute(
    membership,
    scope: Scope,
    flt: ReportFilter,
    *,
    today: dt.date,
    keys: list[str] | None = None,
) -> list[tables.Table]:
    """The indicators' tables (all, or those of `keys`), suppressed as the scope needs.
    The caller checked `policies.check_view` and `check_referent_filter`."""
    computed = []
    shared: dict = {}  # the queries the indicators share (`Context.once`)
    for indicator in offered(scope):
        if keys is not None and indicator.key not in keys:
            continue
        ctx = Context(
            membership=membership,
            scope=scope,
            filter=flt,
            today=today,
            category=indicator.team_category or BASE,
            shared=shared,
        )
        computed.append((indicator, indicator.compute(ctx)))
    # Suppressed together: sums link the tables of a dashboard (`registry.LINKS`).
    return tables.build_all(computed, suppress=policies.suppresses(scope))


def dashboard(
    membership, scope: Scope, flt: ReportFilter, *, today: dt.date
) -> list[SectionTables]:
    computed = compute(membership, scope, flt, today=today)
    by_section: dict[str, list[tables.Table]] = {}
    for table in computed:
        by_section.setdefault(table.indicator.section, []).append(table)
    return [
        SectionTables(section, by_section[section.key])
        for section in registry.sections()
        if section.key in by_section
    ]
