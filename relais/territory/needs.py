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

import calendar
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum

from relais.core import disclosure
from relais.diagnostics.domains import Domain, barrier_label
from relais.diagnostics.models import Diagnostic
from relais.diagnostics.sequence import DOMAIN_BITS, latest_of_period
from relais.pathways.models import Pathway, Scheme
from relais.territory import geography
from relais.territory.models import (
    NeedsSummary,
    NeedsSummaryState,
    PoolingAgreement,
    Territory,
)

AGE_BANDS = ((0, 25, "moins de 26 ans"), (26, 49, "26 à 49 ans"), (50, 200, "50 ans et plus"))
# A commune is a unit of its own only with this many persons diagnosed in the period.
MIN_UNIT = disclosure.THRESHOLD
# The « twelve last months » the collective projects read (`needs_by_domain`): stored, as
# of the day of the computation, under this year (decision 0070).
TWELVE_MONTHS = dt.timedelta(days=365)
ROLLING = 0
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


def pooled_organisations() -> list[int]:
    return list(
        PoolingAgreement.objects.filter(withdrawn_at__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )


def latest_diagnostics(organisations, communes, start, end):
    """Each person's latest diagnostic of the period: the one assessed last (a diagnostic
    entered afterwards for an earlier date is not the latest), and of two assessed the same
    day, the one recorded last — read from the person's sequence kept on each diagnostic
    (`superseded_on`, decision 0069), one narrow row per person. `communes` None: every
    commune."""
    found = Diagnostic.objects.filter(
        latest_of_period(start, end), person__organisation_id__in=organisations
    )
    return found if communes is None else found.filter(person__commune_code__in=communes)


def _born_by(end: dt.date, years: int) -> dt.date:
    """The last birth date of someone at least `years` old on `end` (born 29 February: of
    age on 28 February of a common year)."""
    year = end.year - years
    return dt.date(year, end.month, min(end.day, calendar.monthrange(year, end.month)[1]))


def per_commune(organisations, communes, start, end) -> dict[str, dict[str, int]]:
    """One pass over the persons' latest diagnostics of the period, by commune: persons,
    persons with a significant difficulty, per domain those with an important or blocking
    difficulty and those with a blocking one (sums of the masks' bits), per age band on
    `end` (birth-date bounds)."""
    fields = {
        "n": Count("id"),
        "difficulty": Count("id", filter=~Q(significant_domains=0)),
    }
    for domain, bit in DOMAIN_BITS.items():
        fields[f"sig:{domain}"] = Sum(F("significant_domains").bitand(bit))
        fields[f"blk:{domain}"] = Sum(F("blocking_domains").bitand(bit))
    for i, (low, high, _label) in enumerate(AGE_BANDS):
        fields[f"age:{i}"] = Count(
            "id",
            filter=Q(
                person__birth_date__lte=_born_by(end, low),
                person__birth_date__gt=_born_by(end, high + 1),
            ),
        )
    rows = (
        latest_diagnostics(organisations, communes, start, end)
        .order_by()
        .values("person__commune_code")
        .annotate(**fields)
    )
    found = {}
    for row in rows:
        code = row.pop("person__commune_code")
        for domain, bit in DOMAIN_BITS.items():
            row[f"sig:{domain}"] = (row[f"sig:{domain}"] or 0) // bit
            row[f"blk:{domain}"] = (row[f"blk:{domain}"] or 0) // bit
        found[code] = row
    return found


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


def _calendar_year(start: dt.date, end: dt.date) -> bool:
    return start == dt.date(end.year, 1, 1) and end == dt.date(end.year, 12, 31)


class _Live:
    """The figures read from the diagnostics themselves, for any period."""

    def __init__(self, organisations, communes, start, end):
        self.organisations, self.communes, self.start, self.end = (
            organisations,
            communes,
            start,
            end,
        )
        self.computed_at = None

    def cells(self) -> dict[str, dict[str, int]]:
        return per_commune(self.organisations, self.communes, self.start, self.end)

    def schemes(self, counted: list[str]) -> dict[str, int]:
        latest = latest_diagnostics(self.organisations, counted, self.start, self.end)
        return dict(
            Pathway.objects.filter(person_id__in=latest.values("person_id"))
            .values("scheme")
            .annotate(n=Count("person_id", distinct=True))
            .values_list("scheme", "n")
        )

    def barriers(self, counted: list[str]) -> Counter:
        latest = latest_diagnostics(self.organisations, counted, self.start, self.end)
        return Counter(
            " ".join(
                latest.exclude(significant_barriers="")
                .order_by()
                .values_list("significant_barriers", flat=True)
            ).split()
        )

    def years(self, first: int, last: int) -> dict[str, dict[str, int]]:
        return years_per_commune(self.organisations, self.communes, first, last)


class _Stored:
    """The figures of a calendar year as last computed for the pooled organisations
    (`NeedsSummary`, kept by `relais.territory.needs_summary`: decision 0070)."""

    def __init__(self, state: NeedsSummaryState, communes, year: int):
        self.communes, self.year = communes, year
        self.computed_at = state.computed_at
        self._figures: dict[str, dict] = {}

    def cells(self) -> dict[str, dict[str, int]]:
        found = {}
        for code, figures in NeedsSummary.objects.filter(
            year=self.year, commune_code__in=self.communes
        ).values_list("commune_code", "figures"):
            self._figures[code] = figures
            found[code] = figures["cells"]
        return found

    def schemes(self, counted: list[str]) -> dict[str, int]:
        total: Counter = Counter()
        for code in counted:
            total.update(self._figures[code]["schemes"])
        return dict(total)

    def barriers(self, counted: list[str]) -> Counter:
        total: Counter = Counter()
        for code in counted:
            total.update(self._figures[code]["barriers"])
        return total

    def years(self, first: int, last: int) -> dict[str, dict[str, int]]:
        rows: dict[str, dict[str, int]] = defaultdict(dict)
        for year, code, persons, difficulty, urgent in NeedsSummary.objects.filter(
            year__gte=first, year__lte=last, commune_code__in=self.communes
        ).values_list("year", "commune_code", "persons", "difficulty", "urgent"):
            rows[code] |= {
                f"diagnosed:{year}": persons,
                f"difficulty:{year}": difficulty,
                f"urgent:{year}": urgent,
            }
        for row in rows.values():
            for year in range(first, last + 1):
                for key in ("diagnosed", "difficulty", "urgent"):
                    row.setdefault(f"{key}:{year}", 0)
        return dict(rows)


def stored_state(organisations: list[int]) -> NeedsSummaryState | None:
    """The state of the stored figures when they cover exactly these organisations: an
    agreement given or withdrawn since makes them unusable until the next refresh (the
    figures are then read live), so that a withdrawal counts at once."""
    state = NeedsSummaryState.objects.filter(computed_at__isnull=False).first()
    if state is None or sorted(state.organisations) != sorted(organisations):
        return None
    return state


def observed_needs(
    territory: Territory, *, start: dt.date, end: dt.date, organisations: list[int] | None = None
) -> ObservedNeeds:
    """The figures of a calendar year, or of the twelve months to the day the stored figures
    were computed, come from the stored figures when they cover the pooled organisations
    (decision 0070); any other period, or organisations named by the caller, are read
    live."""
    communes = geography.communes_of(territory.areas)
    calendar_year = _calendar_year(start, end)
    source = None
    if organisations is None:
        organisations = pooled_organisations()
        state = stored_state(organisations)
        if state is not None and calendar_year:
            source = _Stored(state, communes, end.year)
        elif state is not None and (start, end) == (
            state.rolling_end - TWELVE_MONTHS,
            state.rolling_end,
        ):
            source = _Stored(state, communes, ROLLING)
    if source is None:
        source = _Live(organisations, communes, start, end)
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


def years_per_commune(organisations, communes, first: int, last: int) -> dict[str, dict[str, int]]:
    """Per commune and calendar year from `first` to `last`: persons whose latest diagnostic
    of the year was made there, those of them with a significant difficulty, and the
    diagnostics of the year with an urgency « urgent » or « immédiat ». One pass by commune,
    a conditional count per year (no date function: portable and index-friendly)."""
    fields = {}
    for year in range(first, last + 1):
        january, december = dt.date(year, 1, 1), dt.date(year, 12, 31)
        latest = latest_of_period(january, december)
        fields[f"diagnosed:{year}"] = Count("id", filter=latest)
        fields[f"difficulty:{year}"] = Count("id", filter=latest & ~Q(significant_domains=0))
        fields[f"urgent:{year}"] = Count(
            "id", filter=Q(assessed_on__gte=january, assessed_on__lte=december, urgency__gte=2)
        )
    scope = Q(person__organisation_id__in=organisations)
    if communes is not None:
        scope &= Q(person__commune_code__in=communes)
    return {
        row.pop("person__commune_code"): row
        for row in Diagnostic.objects.filter(
            scope,
            assessed_on__gte=dt.date(first, 1, 1),
            assessed_on__lte=dt.date(last, 12, 31),
        )
        .order_by()
        .values("person__commune_code")
        .annotate(**fields)
    }


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
