"""Where the observed needs are read from (decision 0070): the diagnostics themselves
(`Live`, any period: one narrow row per diagnosed person, decision 0069) or the figures
stored per year and commune (`Stored`, kept by `relais.territory.needs_summary`). Both give
the same raw figures per commune; `relais.territory.needs` applies the units and the
suppression of small counts."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count, F, Q, Sum

from relais.diagnostics.models import Diagnostic
from relais.diagnostics.sequence import DOMAIN_BITS, latest_of_period
from relais.pathways.models import Pathway
from relais.territory import geography
from relais.territory.models import NeedsSummary, NeedsSummaryState, PoolingAgreement

AGE_BANDS = ((0, 25, "moins de 26 ans"), (26, 49, "26 à 49 ans"), (50, 200, "50 ans et plus"))
# The « twelve last months » the collective projects read (`needs.needs_by_domain`): stored,
# as of the day of the computation, under this year (decision 0070).
TWELVE_MONTHS = dt.timedelta(days=365)
ROLLING = 0


def pooled_organisations() -> list[int]:
    return list(PoolingAgreement.objects.active().values_list("organisation_id", flat=True))


def latest_diagnostics(organisations, communes, start, end):
    """Each person's latest diagnostic of the period: the one assessed last (a diagnostic
    entered afterwards for an earlier date is not the latest), and of two assessed the same
    day, the one recorded last — read from the person's sequence kept on each diagnostic
    (`superseded_on`, decision 0069), one narrow row per person. `communes` None: every
    commune. A person recorded under a municipal arrondissement or a former commune's code
    counts in the commune it belongs to (`geography.recorded_codes`)."""
    found = Diagnostic.objects.filter(
        latest_of_period(start, end), person__organisation_id__in=organisations
    )
    if communes is None:
        return found
    return found.filter(person__commune_code__in=geography.recorded_codes(communes))


def by_commune(rows) -> dict[str, dict[str, int]]:
    """(recorded code, counts) rows summed per current commune: the arrondissements of
    Paris, Lyon and Marseille into their commune, former codes into the commune that
    absorbed them (each person is counted under one code, so the sums are exact)."""
    found: dict[str, dict[str, int]] = {}
    for code, row in rows:
        commune = geography.commune_of(code)
        if commune in found:
            total = found[commune]
            for key, value in row.items():
                total[key] = total.get(key, 0) + value
        else:
            found[commune] = dict(row)
    return found


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
    found = []
    for row in rows:
        code = row.pop("person__commune_code")
        for domain, bit in DOMAIN_BITS.items():
            row[f"sig:{domain}"] = (row[f"sig:{domain}"] or 0) // bit
            row[f"blk:{domain}"] = (row[f"blk:{domain}"] or 0) // bit
        found.append((code, row))
    return by_commune(found)


def is_calendar_year(start: dt.date, end: dt.date) -> bool:
    return start == dt.date(end.year, 1, 1) and end == dt.date(end.year, 12, 31)


class Live:
    """The figures read from the diagnostics themselves, for any period."""

    def __init__(self, organisations, communes, start, end):
        self.organisations = organisations
        self.communes = communes
        self.start, self.end = start, end
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


class Stored:
    """The figures of a calendar year (or of the twelve months to the day computed:
    `ROLLING`) as last computed for the pooled organisations (`NeedsSummary`, kept by
    `relais.territory.needs_summary`: decision 0070)."""

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
        scope &= Q(person__commune_code__in=geography.recorded_codes(communes))
    return by_commune(
        (row.pop("person__commune_code"), row)
        for row in Diagnostic.objects.filter(
            scope,
            assessed_on__gte=dt.date(first, 1, 1),
            assessed_on__lte=dt.date(last, 12, 31),
        )
        .order_by()
        .values("person__commune_code")
        .annotate(**fields)
    )
