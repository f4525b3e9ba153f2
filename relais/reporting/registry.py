"""The indicator registry: every figure a dashboard, an export or the API shows is an
`Indicator` registered here, with its French label and its definition (« comment est-ce
calculé ? »), so that a module adds its figures without touching the pages.

A module plugs in by registering indicators when its app is ready:

    from relais.reporting.registry import Indicator, Row, register

    register(Indicator(
        key="placements_started", section="emploi", label="Mises en emploi",
        definition="Mises en emploi commencées dans la période…",
        compute=lambda ctx: [Row("Mises en emploi", Placement.objects.filter(
            person__in=ctx.person_ids(), started_on__range=(ctx.start, ctx.end)).count())],
    ))

`compute(ctx)` receives a `relais.reporting.scope.Context` and returns rows computed by the
database (aggregations on `ctx.person_ids()`), never by loading persons. Suppression of
small counts is applied afterwards, by `relais.reporting.tables` (with
`relais.core.disclosure`), from each row's `n`, `part` and `sources`, and from the `Link`s
between tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from relais.reporting.scope import BASE, Context


class Unit:
    COUNT = "count"  # a number of persons or records: suppressed under the threshold
    RATE = "rate"  # a percentage of `n`: suppressed when `n` is
    DAYS = "days"  # an average number of days over `n` records: suppressed when `n` is
    LEVEL = "level"  # an average change of level over `n` persons


@dataclass(frozen=True)
class Row:
    """One line of an indicator's table. `value` is what is shown; `n` the number of
    persons or records it is computed from (the value itself for a count)."""

    label: str
    value: int | float | Decimal | None
    n: int | None = None
    unit: str = Unit.COUNT
    # Extra columns (label → value, each with its own base `n`), e.g. a rate beside a count.
    cells: tuple[Cell, ...] = ()
    is_total: bool = False
    part: int | None = None  # for a rate: its numerator (a small one is suppressed too)
    # For a figure derived from counts shown in other rows of the table (a rate row under
    # a table of counts): their labels. It is hidden when one of them is (a rate and one
    # of its counts give the other back).
    sources: tuple[str, ...] = ()

    @property
    def base(self) -> int | None:
        if self.n is not None:
            return self.n
        return int(self.value) if self.unit == Unit.COUNT and self.value is not None else None


@dataclass(frozen=True)
class Cell:
    label: str
    value: int | float | Decimal | None
    n: int | None = None
    unit: str = Unit.COUNT
    part: int | None = None  # for a rate: its numerator


@dataclass(frozen=True)
class Link:
    """A sum that links figures of several tables of one dashboard (the same total shown
    twice, a figure that is the sum of some rows of another table): the dashboard's
    secondary suppression holds it as it holds the totals of each table, so that no small
    count is found back by subtraction between tables. Each figure is (indicator key, row
    label, column), column 0 being the row's value and 1… its cells."""

    parts: tuple[tuple[str, str, int], ...]
    total: tuple[str, str, int]


LINKS: list[Link] = []


def register_link(link: Link) -> Link:
    LINKS.append(link)
    return link


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int


SECTIONS: dict[str, Section] = {}


def register_section(key: str, title: str, order: int) -> None:
    SECTIONS[key] = Section(key, title, order)


@dataclass(frozen=True)
class Indicator:
    key: str
    section: str
    label: str
    definition: str
    compute: Callable[[Context], list[Row]]
    # Column headers of the table: the rows' label column, then the value column, then the
    # `cells` of the rows.
    columns: tuple[str, ...] = ("", "Nombre")
    # For the coordination-team scope: the shared category the indicator needs (BASE:
    # any active member); None: not shown to co-following professionals.
    team_category: str | None = None
    chart: str = "bar"  # "bar", or "" for a table alone
    # Cells (0-based, among a row's `cells`) that add up to the row's value: suppressed
    # together with it (secondary suppression along the row).
    row_parts: tuple[int, ...] = ()
    order: int = 0
    tags: tuple[str, ...] = field(default=())


INDICATORS: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.key in INDICATORS:
        raise ValueError(f"Indicateur déjà enregistré : {indicator.key}")
    if indicator.section not in SECTIONS:
        raise ValueError(f"Rubrique inconnue : {indicator.section}")
    INDICATORS[indicator.key] = indicator
    return indicator


def indicators(*, section: str | None = None) -> list[Indicator]:
    found = [i for i in INDICATORS.values() if section is None or i.section == section]
    return sorted(found, key=lambda i: (SECTIONS[i.section].order, i.order, i.key))


def sections() -> list[Section]:
    return sorted(SECTIONS.values(), key=lambda s: s.order)


__all__ = [
    "BASE",
    "Cell",
    "Context",
    "Indicator",
    "Link",
    "Row",
    "Section",
    "Unit",
    "register",
    "register_link",
]
