"""Possible duplicates at intake: is this person already known to the organisation?

Two records are likely the same person when their names are the same or close — whatever
the accents, case, hyphens, or first and last names typed the wrong way round — and their
birth dates are close: the same date, day and month swapped, the same day and month with
another year (a typo in the year), or within about a year when the names are very close.

Speed matters (the check runs at every intake, on organisations with 100,000 records): the
candidates come from two indexed queries — the organisation's persons born within a year
of the date typed (index `person_org_birth`) and those whose folded name is exactly one of
the typed name's orderings (index `person_org_namekey`) — never from a scan of the whole
organisation. Only a few columns are read; rapidfuzz then scores them in C.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Q
from rapidfuzz import fuzz, process

from relais.core.text import fold
from relais.people.models import Person

WINDOW_DAYS = 366
# Minimal name similarity (0-100) for a candidate, by how close the birth dates are.
NAME_THRESHOLD_SAME_DATE = 70
NAME_THRESHOLD_SWAPPED = 80
NAME_THRESHOLD_OTHER_YEAR = 90
NAME_THRESHOLD_NEAR_DATE = 90
NAME_WEIGHT = 0.7
MAX_SCORED = 200
MIN_WORD = 3  # shorter words of a name (« le », « da ») do not select candidates


@dataclass(frozen=True)
class DuplicateCandidate:
    person: Person
    score: int  # 0-100: how likely the typed person is this existing record
    name_score: int
    reasons: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Names:
    lasts: tuple[str, ...]
    firsts: tuple[str, ...]  # all the first names, then the first one alone
    birth: str
    first: str

    @classmethod
    def of(cls, birth_name: str, usage_name: str, first_names: str) -> _Names:
        birth, usage, first = fold(birth_name), fold(usage_name), fold(first_names)
        lasts = tuple(dict.fromkeys(n for n in (birth, usage) if n))
        tokens = first.split()
        firsts = (first, tokens[0]) if len(tokens) > 1 else (first,)
        return cls(lasts=lasts, firsts=firsts, birth=birth, first=first)


def name_similarity(a: _Names, b: _Names) -> int:
    """0-100. Compares « last first » strings with sorted tokens (so an inversion of first
    and last names does not matter), birth and usage names alike; when only the first of
    several first names matches (« Jean » / « Jean-Pierre »), the score is slightly lowered."""
    best = 0.0
    for last_a in a.lasts:
        for last_b in b.lasts:
            for i, first_a in enumerate(a.firsts):
                for j, first_b in enumerate(b.firsts):
                    score = fuzz.token_sort_ratio(f"{last_a} {first_a}", f"{last_b} {first_b}")
                    if i or j:
                        score *= 0.95
                    best = max(best, score)
    return round(best)


def _is_inverted(a: _Names, b: _Names) -> bool:
    return (
        a.birth != a.first
        and fuzz.ratio(a.birth, b.first) >= 90
        and fuzz.ratio(a.first, b.birth) >= 90
        and fuzz.ratio(a.birth, b.birth) < 90
    )


def swapped_day_month(day: dt.date) -> dt.date | None:
    if day.day == day.month or day.day > 12:
        return None
    return day.replace(month=day.day, day=day.month)


def date_closeness(typed: dt.date, existing: dt.date) -> tuple[int, int, str] | None:
    """(date score 0-100, name threshold, reason) or None when the dates are not close."""
    if typed == existing:
        return 100, NAME_THRESHOLD_SAME_DATE, "même date de naissance"
    if swapped_day_month(typed) == existing:
        return 90, NAME_THRESHOLD_SWAPPED, "jour et mois de naissance inversés"
    if (typed.month, typed.day) == (existing.month, existing.day):
        return 75, NAME_THRESHOLD_OTHER_YEAR, "même jour et mois de naissance, autre année"
    days = abs((typed - existing).days)
    if days <= WINDOW_DAYS:
        return (
            80 - round(40 * days / WINDOW_DAYS),
            NAME_THRESHOLD_NEAR_DATE,
            f"dates de naissance proches ({days} jour{'s' if days > 1 else ''} d'écart)",
        )
    return None


def name_keys(birth_name: str, usage_name: str, first_names: str) -> set[str]:
    """The folded keys (`Person.name_key`) this name would have, in either order."""
    birth, usage, first = fold(birth_name), fold(usage_name), fold(first_names)
    keys = {fold(f"{birth} {usage} {first}"), fold(f"{birth} {first}"), fold(f"{first} {birth}")}
    if usage:
        keys |= {fold(f"{usage} {first}"), fold(f"{first} {usage}")}
    return {k for k in keys if k}


def find_duplicates(
    *,
    organisation_id: int,
    birth_name: str,
    first_names: str,
    birth_date: dt.date,
    usage_name: str = "",
    exclude_pk: int | None = None,
    limit: int = 8,
) -> list[DuplicateCandidate]:
    """The organisation's records that may be the person being typed, best first."""
    typed = _Names.of(birth_name, usage_name, first_names)
    if not typed.lasts or not typed.first:
        return []
    base = Person.objects.filter(organisation_id=organisation_id).order_by()
    if exclude_pk is not None:
        base = base.exclude(pk=exclude_pk)
    typed_key = fold(f"{birth_name} {usage_name} {first_names}")

    def shortlist(queryset, cutoff: int) -> list[tuple[float, int]]:
        # Only (pk, folded name) travel: the first pass runs in C on the folded keys
        # (token_set_ratio: « martin marie » still matches « martin dupont marie »).
        rows = list(queryset.values_list("pk", "name_key"))
        if not rows:
            return []
        matches = process.extract(
            typed_key,
            [key for _, key in rows],
            scorer=fuzz.token_set_ratio,
            processor=None,
            score_cutoff=cutoff,
            limit=None,
        )
        return [(score, rows[index][0]) for _, score, index in matches]

    same_dates = [birth_date] + [d for d in [swapped_day_month(birth_date)] if d]
    window = (
        birth_date - dt.timedelta(days=WINDOW_DAYS),
        birth_date + dt.timedelta(days=WINDOW_DAYS),
    )
    # Born within a year: only very close names count, so only the rows sharing at least
    # one word of the name are read (the database filters them on the folded key); a
    # record with a typo in every one of its names *and* another birth date is missed.
    near = base.filter(birth_date__range=window)
    words = sorted({w for w in typed_key.split() if len(w) >= MIN_WORD}, key=len, reverse=True)
    if words:
        near = near.filter(reduce(operator.or_, (Q(name_key__contains=w) for w in words[:6])))
    shortlisted = [
        # Same date or day/month swapped: a looser name may still be the same person.
        *shortlist(base.filter(birth_date__in=same_dates), 55),
        *shortlist(near, 75),
    ]
    # Exactly the same folded name, whatever the date (a typo in the year).
    keys = name_keys(birth_name, usage_name, first_names)
    shortlisted += [
        (100.0, pk) for pk in base.filter(name_key__in=keys).values_list("pk", flat=True)
    ]
    shortlisted.sort(reverse=True)
    ids = list(dict.fromkeys(pk for _, pk in shortlisted))[:MAX_SCORED]
    if not ids:
        return []

    # Score on plain values: a record that is not retained is never loaded as a model
    # instance (what is loaded is shown, hence journaled, by the caller).
    scored = []
    # By primary key only (the ids come from the organisation's records): with the
    # organisation in the filter too, SQLite may walk the organisation's index instead.
    details = (
        Person.objects.filter(pk__in=ids)
        .order_by()
        .values_list("pk", "birth_name", "usage_name", "first_names", "birth_date")
    )
    for pk, birth, usage, first, born in details:
        closeness = date_closeness(birth_date, born)
        if closeness is None:
            continue
        date_score, threshold, date_reason = closeness
        existing = _Names.of(birth, usage, first)
        similarity = name_similarity(typed, existing)
        if similarity < threshold:
            continue
        reasons = []
        if similarity == 100:
            reasons.append("même nom et même prénom")
        else:
            reasons.append(f"nom et prénom proches ({similarity} %)")
        if _is_inverted(typed, existing):
            reasons.append("nom et prénom inversés")
        reasons.append(date_reason)
        score = round(NAME_WEIGHT * similarity + (1 - NAME_WEIGHT) * date_score)
        scored.append((score, pk, similarity, tuple(reasons)))
    scored.sort(key=lambda row: (-row[0], row[1]))
    scored = scored[:limit]
    persons = Person.objects.select_related("referent").in_bulk([row[1] for row in scored])
    return [
        DuplicateCandidate(person=persons[pk], score=score, name_score=similarity, reasons=reasons)
        for score, pk, similarity, reasons in scored
        if pk in persons
    ]
