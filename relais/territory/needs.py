"""Observed needs: what Relais's own diagnostics say about a territory — the field data no
statistics office has — aggregated across the organisations that agreed to pool their
figures (`PoolingAgreement`), and anonymised.

Aggregated figures are no one's personal data, on conditions kept here (decision 0049):
counts of 1 to 4 are shown « < 5 » and every sum that ties the figures of a page gets
secondary suppression (`disclosed`), so that no hidden count can be found again by
subtraction; a commune with fewer than `MIN_UNIT` diagnosed persons is never a unit of its own
(`disclosure_units`), so that comparing two territories that differ by such a commune reveals
nothing; nothing leads back to a person (no list, no link, no filter narrower than a
commune). Reads are `.values()` aggregates: no person
record is loaded. A person counts once per domain and period, on their latest diagnostic
of the period; by scheme, once per scheme of their pathways (a person in two schemes counts in
each)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from relais.core import disclosure
from relais.diagnostics.domains import Domain, barrier_label
from relais.diagnostics.sequence import DOMAIN_BITS
from relais.pathways.models import Scheme
from relais.territory import geography
from relais.territory.models import Territory
from relais.territory.needs_sources import (
    AGE_BANDS,
    ROLLING,
    TWELVE_MONTHS,
    Live,
    Stored,
    is_calendar_year,
    pooled_organisations,
    stored_state,
)

# A commune is a unit of its own only with this many persons diagnosed in the period.
MIN_UNIT = disclosure.THRESHOLD
OTHERS = "autres"
OTHERS_LABEL = "Autres communes"


def suppress(count: int | None) -> str:
    """The count as shown beyond one référent's caseload: 1 to 4 become « < 5 »
    (`relais.core.disclosure`)."""
    return str(disclosure.suppress(count or 0))


def shown(count: int) -> int | None:
    """The count a chart may draw: None under the threshold (the chart writes « < 5 »)."""
    return disclosure.suppress(count).shown


def suppress_with_total(counts: list[int]) -> tuple[list[str], str]:
    """Counts shown with their total: secondary suppression, so that a « < 5 » cannot be
    found again by subtraction."""
    figures, total = disclosure.suppress_series(counts)
    return [str(f) for f in figures], str(total)


@dataclass
class ObservedNeeds:
    territory: Territory
    start: dt.date
    end: dt.date
    organisations: int
    persons: int
    by_domain: list[tuple[str, str, int, int]] = field(
        default_factory=list
    )  # key, label, sig, blocking
    by_commune: list[tuple[str, str, int]] = field(default_factory=list)  # code, name, persons
    by_age: list[tuple[str, int]] = field(default_factory=list)
    by_scheme: list[tuple[str, int]] = field(default_factory=list)
    barriers: list[tuple[str, int]] = field(default_factory=list)
    evolution: list[tuple[int, int, int]] = field(default_factory=list)  # year, persons, urgent
    commune_domain: dict[str, dict[str, int]] = field(default_factory=dict)
    # Communes under MIN_UNIT counted together as « autres communes » (never shown alone).
    grouped: frozenset[str] = frozenset()
    # Persons with at least one significant difficulty: the sum of `by_commune`.
    difficulty: int = 0
    # When the figures were computed, if they were read from the stored figures (decision
    # 0070); None when computed for this request.
    computed_at: dt.datetime | None = None


def disclosure_units(counts: dict[str, int], communes: list[str]) -> tuple[set[str], set[str]]:
    """Which communes count, given the persons diagnosed in each (decision 0049).

    A territory's figures are sums over units that do not depend on the territory: a commune
    with at least `MIN_UNIT` diagnosed persons is a unit of its own; the communes of a
    département under that number form one unit, « autres communes », counted only by a
    territory that covers the whole département and only when together they reach
    `MIN_UNIT`. Otherwise they are left out. Two territories' figures then differ by whole
    units of at least `MIN_UNIT` persons: {city + village} shows what {city} shows.
    Returns (communes alone, communes grouped)."""
    alone = {code for code, n in counts.items() if n >= MIN_UNIT}
    table = geography.communes()
    small: dict[str, dict[str, int]] = defaultdict(dict)
    for code, n in counts.items():
        if 0 < n < MIN_UNIT and code in table:
            small[table[code].departement][code] = n
    territory = set(communes)
    grouped: set[str] = set()
    for departement, members in small.items():
        if sum(members.values()) < MIN_UNIT:
            continue
        if set(geography.area_communes(f"departement:{departement}")) <= territory:
            grouped |= members.keys()
    return alone, grouped


def _unit(code: str, grouped: frozenset[str] | set[str]) -> str:
    return OTHERS if code in grouped else code


def observed_needs(
    territory: Territory, *, start: dt.date, end: dt.date, organisations: list[int] | None = None
) -> ObservedNeeds:
    """The figures of a calendar year, or of the twelve months to the day the stored figures
    were computed, come from the stored figures when they cover the pooled organisations
    (decision 0070); any other period, or organisations named by the caller, are read
    live."""
    communes = geography.communes_of(territory.areas)
    calendar_year = is_calendar_year(start, end)
    source = None
    if organisations is None:
        organisations = pooled_organisations()
        state = stored_state(organisations)
        if state is not None and calendar_year:
            source = Stored(state, communes, end.year)
        elif state is not None and (start, end) == (
            state.rolling_end - TWELVE_MONTHS,
            state.rolling_end,
        ):
            source = Stored(state, communes, ROLLING)
    if source is None:
        source = Live(organisations, communes, start, end)
    cells = source.cells()
    diagnosed = {code: row["n"] for code, row in cells.items()}
    alone, grouped = disclosure_units(diagnosed, communes)
    counted = sorted(alone | grouped)
    persons = sum(diagnosed[code] for code in counted)
    result = ObservedNeeds(
        territory=territory,
        start=start,
        end=end,
        organisations=len(organisations),
        persons=persons,
        grouped=frozenset(grouped),
        computed_at=source.computed_at,
    )
    if not persons:
        result.evolution = _evolution(
            source, communes, end, known={end.year: 0} if calendar_year else {}
        )
        return result
    rows = [cells[code] for code in counted]
    for d in Domain:
        n = sum(row[f"sig:{d.value}"] for row in rows)
        if n:
            result.by_domain.append((d.value, d.label, n, sum(r[f"blk:{d.value}"] for r in rows)))
    result.by_domain.sort(key=lambda r: -r[2])
    table = geography.communes()
    for code in counted:
        per_domain = {d: cells[code][f"sig:{d}"] for d in DOMAIN_BITS if cells[code][f"sig:{d}"]}
        if per_domain:
            result.commune_domain[code] = per_domain
    in_difficulty = Counter()
    for code in counted:
        if cells[code]["difficulty"]:
            in_difficulty[_unit(code, grouped)] += cells[code]["difficulty"]
    result.difficulty = sum(in_difficulty.values())
    others = in_difficulty.pop(OTHERS, 0)
    result.by_commune = sorted(
        (
            (code, table[code].name if code in table else code, n)
            for code, n in in_difficulty.items()
        ),
        key=lambda r: (-r[2], r[1]),
    )
    if others:
        result.by_commune.append((OTHERS, OTHERS_LABEL, others))
    result.by_age = [
        (label, sum(row[f"age:{i}"] for row in rows)) for i, (_l, _h, label) in enumerate(AGE_BANDS)
    ]
    schemes = source.schemes(counted)
    result.by_scheme = [(s.label, schemes[s.value]) for s in Scheme if schemes.get(s.value)]
    # Barriers of the domains in difficulty, as stored on each diagnostic (decision 0069);
    # equal counts in code order (the old reading's order of ties was arbitrary).
    barrier_counts = source.barriers(counted)
    result.barriers = [
        (barrier_label(code), n)
        for code, n in sorted(barrier_counts.items(), key=lambda item: (-item[1], item[0]))[:15]
    ]
    # The period's own year is the figure just computed (same units, same count).
    result.evolution = _evolution(
        source, communes, end, known={end.year: result.difficulty} if calendar_year else {}
    )
    return result


def _evolution(
    source, communes, end: dt.date, years: int = 5, known: dict[int, int] | None = None
) -> list[tuple[int, int, int]]:
    """Per year: persons whose latest diagnostic of the year shows at least one significant
    difficulty (as `by_commune` counts them), and diagnostics with an urgency « urgent » or
    « immédiat » — each year over that year's own units (`disclosure_units`)."""
    first = end.year - years + 1
    rows = source.years(first, end.year)
    result = []
    for year in range(first, end.year + 1):
        cells = {code: row for code, row in rows.items() if row[f"diagnosed:{year}"]}
        if not cells:
            result.append((year, 0, 0))
            continue
        alone, grouped = disclosure_units(
            {code: row[f"diagnosed:{year}"] for code, row in cells.items()}, communes
        )
        counted = alone | grouped
        urgent = sum(cells[c][f"urgent:{year}"] for c in counted)
        if known and year in known:
            result.append((year, known[year], urgent))
            continue
        result.append((year, sum(cells[c][f"difficulty:{year}"] for c in counted), urgent))
    return result


@dataclass
class NeedsFigures:
    """The observed needs as they may be shown: every figure a `disclosure.Figure`, primary and
    secondary suppression applied once over all the sums that tie the tables of a page (ages
    to the persons; communes to the persons in difficulty, which is also the year's line of
    the evolution; each domain's communes and its « dont bloquante » to the domain's count)."""

    persons: disclosure.Figure
    ages: list[tuple[str, disclosure.Figure]]
    communes: list[tuple[str, str, disclosure.Figure]]  # code, name, persons in difficulty
    difficulty: disclosure.Figure
    domains: list[tuple[str, str, disclosure.Figure, disclosure.Figure]]  # key, label, n, blocking
    schemes: list[tuple[str, disclosure.Figure]]
    barriers: list[tuple[str, disclosure.Figure]]
    evolution: list[tuple[int, disclosure.Figure, disclosure.Figure]]
    commune_domain: dict[tuple[str, str], disclosure.Figure]  # (domain, commune or OTHERS)
    any_secondary: bool


def disclosed(found: ObservedNeeds) -> NeedsFigures:
    values: dict = {"persons": found.persons, "difficulty": found.difficulty}
    lines: list = []
    values |= {("age", label): n for label, n in found.by_age}
    if found.by_age:
        lines.append(([("age", label) for label, _n in found.by_age], "persons"))
    values |= {("commune", code): n for code, _name, n in found.by_commune}
    lines.append(([("commune", code) for code, _name, _n in found.by_commune], "difficulty"))
    for key, _label, n, blocking in found.by_domain:
        values |= {
            ("domain", key): n,
            ("blocking", key): blocking,
            ("important", key): n - blocking,
        }
        lines.append(([("important", key), ("blocking", key)], ("domain", key)))
        units: Counter = Counter()
        for code, per_domain in found.commune_domain.items():
            if per_domain.get(key):
                units[_unit(code, found.grouped)] += per_domain[key]
        values |= {("cd", key, unit): n for unit, n in units.items()}
        lines.append(([("cd", key, unit) for unit in units], ("domain", key)))
    values |= {("scheme", label): n for label, n in found.by_scheme}
    values |= {("barrier", label): n for label, n in found.barriers}
    # The period's own year in the evolution is the communes' total, the same figure.
    calendar_year = found.start == dt.date(found.end.year, 1, 1)

    def evolution_key(year: int) -> object:
        return "difficulty" if calendar_year and year == found.end.year else ("evolution", year)

    for year, persons, urgent in found.evolution:
        if evolution_key(year) != "difficulty":
            values[("evolution", year)] = persons
        values[("urgent", year)] = urgent
    figures = disclosure.suppress_lines(values, lines)
    return NeedsFigures(
        persons=figures["persons"],
        ages=[(label, figures[("age", label)]) for label, _n in found.by_age],
        communes=[(code, name, figures[("commune", code)]) for code, name, _n in found.by_commune],
        difficulty=figures["difficulty"],
        domains=[
            (key, label, figures[("domain", key)], figures[("blocking", key)])
            for key, label, _n, _b in found.by_domain
        ],
        schemes=[(label, figures[("scheme", label)]) for label, _n in found.by_scheme],
        barriers=[(label, figures[("barrier", label)]) for label, _n in found.barriers],
        evolution=[
            (year, figures[evolution_key(year)], figures[("urgent", year)])
            for year, _p, _u in found.evolution
        ],
        commune_domain={key[1:]: f for key, f in figures.items() if key[0:1] == ("cd",)},
        any_secondary=any(f.secondary for f in figures.values()),
    )


def needs_by_domain(
    territory: Territory, *, start: dt.date, end: dt.date, organisations: list[int] | None = None
) -> list[tuple[str, str, int]]:
    """Only the life domains of `observed_needs` — (domain, label, persons with an
    important or blocking difficulty), most frequent first — for the modules that link to
    an observed need (a collective project answering it). Read through `observed_needs`, so
    the same units apply (small communes pooled or left out: decision 0049). Counts are raw:
    whoever shows them suppresses them."""
    found = observed_needs(territory, start=start, end=end, organisations=organisations)
    rows = [(key, label, n) for key, label, n, _blocking in found.by_domain if n]
    return sorted(rows, key=lambda r: -r[2])
