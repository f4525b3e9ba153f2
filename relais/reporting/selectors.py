"""The dashboards: every registered indicator computed for a scope and filters, then shown
with the suppression the scope needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from relais.core import disclosure
from relais.core.errors import DomainError
from relais.reporting import policies, registry, tables
from relais.reporting.filters import ReportFilter, Scope, check_whole_months
from relais.reporting.registry import Indicator, Section
from relais.reporting.scope import BASE, Context, scope_tables

TOO_FEW_PERSONS = (
    f"Moins de {disclosure.THRESHOLD} personnes correspondent à ces filtres : les chiffres "
    "ne sont pas affichés pour protéger leur anonymat."
)


class TooFewPersons(DomainError):
    """Beyond the caseload, fewer than 5 persons in scope: no figure at all is shown. The
    threshold of each count applies to records (appointments, notes, delays), which may all
    be one person's: a commune and an age band narrowed to one person would otherwise show
    « Personnes suivies < 5 » beside all of their appointments."""

    def __init__(self) -> None:
        super().__init__(TOO_FEW_PERSONS)


def population(ctx: Context) -> int:
    """The distinct persons in scope (for the co-following scope: those sharing the
    context's category), counted once per dashboard and category."""
    return ctx.once("population", lambda c: c.persons().count())


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
    """The indicators' tables (all, or those of `keys`), suppressed as the scope needs;
    beyond the caseload, `TooFewPersons` when fewer than 5 persons are in scope. The caller
    checked `policies.check_view` and `check_referent_filter`."""
    suppress = policies.suppresses(scope)
    if suppress:
        # Whole months only (the form and the API say so first): figures of two periods a
        # few days apart would tell by difference what those days hold.
        for error in check_whole_months(flt.start, flt.end):
            raise error
    shared: dict = {}  # the queries the indicators share (`Context.once`)
    # A caseload's persons are one index range (the référent's), cheaper to read again in
    # each statement than a temporary table is to make; beyond it, see `scope_tables`.
    with scope_tables(shared, enabled=scope != Scope.CASELOAD):
        contexts = [
            (
                indicator,
                Context(
                    membership=membership,
                    scope=scope,
                    filter=flt,
                    today=today,
                    category=indicator.team_category or BASE,
                    shared=shared,
                ),
            )
            for indicator in offered(scope)
            if keys is None or indicator.key in keys
        ]
        computed, withheld = _computed(contexts, suppress)
    # Suppressed together: sums link the tables of a dashboard (`registry.LINKS`).
    return tables.build_all(computed, suppress=suppress, withheld=withheld)


def _computed(
    contexts: list[tuple[Indicator, Context]], suppress: bool
) -> tuple[list[tuple[Indicator, list]], set[str]]:
    computed = []
    withheld = set()
    if suppress and contexts:
        everyone = replace(contexts[0][1], category=BASE)
        if population(everyone) < disclosure.THRESHOLD:
            raise TooFewPersons
    for indicator, ctx in contexts:
        computed.append((indicator, indicator.compute(ctx)))
        if suppress and population(ctx) < disclosure.THRESHOLD:
            # Co-following: fewer than 5 persons share what this indicator reads.
            withheld.add(indicator.key)
    return computed, withheld


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
