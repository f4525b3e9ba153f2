"""Observed needs: what Relais's own diagnostics say about a territory — the field data no
statistics office has — aggregated across the organisations that agreed to pool their
figures (`PoolingAgreement`), and anonymised.

Aggregated figures are no one's personal data, on two conditions kept here: counts of 1 to
4 are shown « < 5 » (statistical secrecy), and nothing leads back to a person (no list, no
link, no filter narrower than a commune). Reads are `.values()` aggregates: no person
record is loaded. A person counts once per domain and period, on their latest diagnostic
of the period; by scheme, once per scheme of their pathways (a person in two schemes counts in
each)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from relais.core import disclosure
from relais.diagnostics.domains import Domain, barrier_label
from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.pathways.models import Pathway, Scheme
from relais.territory import geography
from relais.territory.models import PoolingAgreement, Territory

SIGNIFICANT = 2  # difficulty « importante » or « bloquante »
AGE_BANDS = ((0, 25, "moins de 26 ans"), (26, 49, "26 à 49 ans"), (50, 200, "50 ans et plus"))


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
    by_commune: list[tuple[str, str, int]] = field(default_factory=list)
    by_age: list[tuple[str, int]] = field(default_factory=list)
    by_scheme: list[tuple[str, int]] = field(default_factory=list)
    barriers: list[tuple[str, int]] = field(default_factory=list)
    evolution: list[tuple[int, int, int]] = field(default_factory=list)  # year, persons, urgent
    commune_domain: dict[str, dict[str, int]] = field(default_factory=dict)


def pooled_organisations() -> list[int]:
    return list(
        PoolingAgreement.objects.filter(withdrawn_at__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )


def _latest_diagnostics(organisations, communes, start, end):
    """Ids of each person's latest diagnostic of the period."""
    latest = (
        Diagnostic.objects.filter(
            person__organisation_id__in=organisations,
            person__commune_code__in=communes,
            assessed_on__gte=start,
            assessed_on__lte=end,
        )
        .values("person_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    return latest


def observed_needs(
    territory: Territory, *, start: dt.date, end: dt.date, organisations: list[int] | None = None
) -> ObservedNeeds:
    organisations = pooled_organisations() if organisations is None else organisations
    communes = geography.communes_of(territory.areas)
    latest = _latest_diagnostics(organisations, communes, start, end)
    diagnostics = Diagnostic.objects.filter(id__in=latest)
    persons = diagnostics.count()
    result = ObservedNeeds(
        territory=territory,
        start=start,
        end=end,
        organisations=len(organisations),
        persons=persons,
    )
    if not persons:
        return result
    assessments = DomainAssessment.objects.filter(
        diagnostic_id__in=latest, difficulty__gte=SIGNIFICANT
    )
    counts = {
        row["domain"]: row
        for row in assessments.values("domain").annotate(
            n=Count("id"), blocking=Count("id", filter=Q(difficulty=3))
        )
    }
    result.by_domain = [
        (d.value, d.label, counts[d.value]["n"], counts[d.value]["blocking"])
        for d in Domain
        if d.value in counts
    ]
    result.by_domain.sort(key=lambda r: -r[2])
    table = geography.communes()
    commune_domain: dict[str, dict[str, int]] = defaultdict(dict)
    for row in assessments.values("diagnostic__person__commune_code", "domain").annotate(
        n=Count("id")
    ):
        commune_domain[row["diagnostic__person__commune_code"]][row["domain"]] = row["n"]
    result.commune_domain = dict(commune_domain)
    per_commune = Counter()
    for row in assessments.values("diagnostic__person__commune_code").annotate(
        n=Count("diagnostic__person_id", distinct=True)
    ):
        per_commune[row["diagnostic__person__commune_code"]] = row["n"]
    result.by_commune = sorted(
        ((code, table[code].name if code in table else code, n) for code, n in per_commune.items()),
        key=lambda r: (-r[2], r[1]),
    )
    today = end
    ages = Counter()
    for birth in diagnostics.values_list("person__birth_date", flat=True):
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        for low, high, label in AGE_BANDS:
            if low <= age <= high:
                ages[label] += 1
    result.by_age = [(label, ages[label]) for _l, _h, label in AGE_BANDS]
    schemes = dict(
        Pathway.objects.filter(person_id__in=diagnostics.values("person_id"))
        .values("scheme")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("scheme", "n")
    )
    result.by_scheme = [(s.label, schemes[s.value]) for s in Scheme if schemes.get(s.value)]
    barrier_counts = Counter()
    for barriers in assessments.exclude(barriers=[]).values_list("barriers", flat=True):
        barrier_counts.update(set(barriers))
    result.barriers = [(barrier_label(code), n) for code, n in barrier_counts.most_common(15)]
    result.evolution = _evolution(organisations, communes, end)
    return result


def _evolution(organisations, communes, end: dt.date, years: int = 5) -> list[tuple[int, int, int]]:
    """Per year: persons diagnosed with at least one significant difficulty, and diagnostics
    with an urgency « urgent » or « immédiat »."""
    rows = []
    for year in range(end.year - years + 1, end.year + 1):
        start, stop = dt.date(year, 1, 1), dt.date(year, 12, 31)
        base = Diagnostic.objects.filter(
            person__organisation_id__in=organisations,
            person__commune_code__in=communes,
            assessed_on__gte=start,
            assessed_on__lte=stop,
        )
        figures = base.aggregate(
            persons=Count(
                "person_id", distinct=True, filter=Q(assessments__difficulty__gte=SIGNIFICANT)
            ),
            urgent=Count("id", distinct=True, filter=Q(urgency__gte=2)),
        )
        rows.append((year, figures["persons"], figures["urgent"]))
    return rows


def needs_by_domain(
    territory: Territory, *, start: dt.date, end: dt.date, organisations: list[int] | None = None
) -> list[tuple[str, str, int]]:
    """Only the life domains of `observed_needs` — (domain, label, persons with an
    important or blocking difficulty), most frequent first — for the modules that link to
    an observed need (a collective project answering it), without the rest of the analysis.
    Counts are raw: whoever shows them suppresses them. One query."""
    organisations = pooled_organisations() if organisations is None else organisations
    communes = geography.communes_of(territory.areas)
    latest = _latest_diagnostics(organisations, communes, start, end)
    counts = dict(
        DomainAssessment.objects.filter(diagnostic_id__in=latest, difficulty__gte=SIGNIFICANT)
        .values("domain")
        .annotate(n=Count("id"))
        .values_list("domain", "n")
    )
    rows = [(d.value, d.label, counts[d.value]) for d in Domain if counts.get(d.value)]
    return sorted(rows, key=lambda r: -r[2])
