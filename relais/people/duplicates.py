"""Possible duplicates: is the person being typed already known to the organisation?

Candidates come from blocking keys stored with every person (`PersonMatchKey`, index
(organisation, key)) — never from a scan of the organisation's persons:

- ``n:<a>|<b>``: the phonetic keys of a surname (birth or usage) and of a given name, in
  either order (names typed the wrong way round share it): same names, whatever the date;
- ``d:<date>|<a>``: the birth date with the phonetic key of any one of the names: the
  typed identity looks them up for its birth date *and its variants* (day and month
  swapped, one digit changed, two adjacent digits swapped, a year off, up to a month off),
  so that a typo in one name *and* a near date is still found;
- the persons born on the same date or with day and month swapped (index
  `person_org_birth`), whatever their names: a typo in every name is still found.

``s:<a>`` and ``g:<a>`` count how many persons carry a surname or a given name (one
grouped count on the index): the frequency weights of the model. Each candidate is then
scored by relais.people.matching (record linkage, reasons in French)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count

from relais.people.matching import THRESHOLD, Match, Profile, compare
from relais.people.models import Person, PersonMatchKey

MAX_SCORED = 300
CODE_LENGTH = 30
NEAR_DAYS = 31
PROFILE_FIELDS = (
    "pk",
    "birth_name",
    "usage_name",
    "first_names",
    "birth_date",
    "sex",
    "phone",
    "email",
    "france_travail_id",
)


@dataclass(frozen=True)
class DuplicateCandidate:
    person: Person
    score: int  # 0-100: how likely the typed person is this existing record
    name_score: int  # kept for the API: 100 when both names agree exactly
    reasons: tuple[str, ...] = field(default=())
    weight: float = 0.0


def name_codes(profile: Profile) -> tuple[set[str], set[str]]:
    surnames = {n.phonetic[:CODE_LENGTH] for _, n in profile.surnames if n.phonetic}
    given = {n.phonetic[:CODE_LENGTH] for n in profile.given_words if n.phonetic}
    if profile.given and profile.given.phonetic:
        given.add(profile.given.phonetic[:CODE_LENGTH])
    return surnames, given


def _pair_keys(surnames: set[str], given: set[str]) -> set[str]:
    return {"n:" + "|".join(sorted((s, g))) for s in surnames for g in given}


def keys_of(profile: Profile) -> set[str]:
    """The blocking keys stored for one person."""
    surnames, given = name_codes(profile)
    day = profile.birth_date.isoformat()
    return (
        {f"s:{c}" for c in surnames}
        | {f"g:{c}" for c in given}
        | _pair_keys(surnames, given)
        | {f"d:{day}|{c}" for c in surnames | given}
    )


def _profile(person: Person) -> Profile:
    return Profile(**{name: getattr(person, name) for name in PROFILE_FIELDS})


def store_match_keys(persons: Iterable[Person], *, replace: bool = True) -> None:
    """Write the blocking keys of these persons (replacing their previous ones)."""
    persons = list(persons)
    if not persons:
        return
    if replace:
        PersonMatchKey.objects.filter(person__in=[p.pk for p in persons]).delete()
    PersonMatchKey.objects.bulk_create(
        [
            PersonMatchKey(organisation_id=p.organisation_id, person_id=p.pk, key=key)
            for p in persons
            for key in sorted(keys_of(_profile(p)))
        ],
        batch_size=2000,
    )


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def swapped_day_month(day: dt.date) -> dt.date | None:
    if day.day == day.month or day.day > 12:
        return None
    return day.replace(month=day.day, day=day.month)


def date_variants(born: dt.date) -> set[dt.date]:
    """The dates a birth date may have been typed as: itself, day and month swapped, one
    digit changed, two adjacent digits swapped, a year off, up to a month off (the 29th
    of February has fewer: no 29th in another year)."""
    found = {born + dt.timedelta(days=d) for d in range(-NEAR_DAYS, NEAR_DAYS + 1)}
    found |= {d for d in (_valid(born.year + y, born.month, born.day) for y in (-1, 1)) if d}
    if swapped := swapped_day_month(born):
        found.add(swapped)
    digits = born.strftime("%d%m%Y")

    def parse(text: str) -> dt.date | None:
        return _valid(int(text[4:]), int(text[2:4]), int(text[:2])) if text[4] != "0" else None

    for i in range(8):
        for d in "0123456789":
            if d != digits[i]:
                found.add(parse(digits[:i] + d + digits[i + 1 :]))
        if i < 7 and digits[i] != digits[i + 1]:
            found.add(parse(digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]))
    return {d for d in found if d and abs((d - born).days) < 365 * 15}


def query_keys(profile: Profile) -> set[str]:
    """The blocking keys the typed identity looks up."""
    surnames, given = name_codes(profile)
    codes = surnames | given
    keys = _pair_keys(surnames, given) | _pair_keys(given, surnames)
    for day in date_variants(profile.birth_date):
        keys |= {f"d:{day.isoformat()}|{c}" for c in codes}
    return keys


def name_frequencies(organisation_id: int, profile: Profile) -> dict[tuple[str, str], int]:
    """How many of the organisation's persons carry the typed names (one indexed count)."""
    surnames, given = name_codes(profile)
    keys = {f"s:{c}" for c in surnames} | {f"g:{c}" for c in given}
    rows = (
        PersonMatchKey.objects.filter(organisation_id=organisation_id, key__in=keys)
        .order_by()
        .values("key")
        .annotate(n=Count("person_id"))
        .values_list("key", "n")
    )
    return {(key[0], key[2:]): n for key, n in rows}


def score_candidates(
    typed: Profile,
    candidate_ids: Iterable[int],
    frequencies: dict[tuple[str, str], int],
) -> list[tuple[Match, int]]:
    """(match, pk) of the candidates likely to be `typed`, best first (plain values read)."""
    ids = list(candidate_ids)
    if not ids:
        return []
    rows = Person.objects.filter(pk__in=ids).order_by().values_list(*PROFILE_FIELDS)
    scored = []
    for row in rows:
        match = compare(typed, Profile(**dict(zip(PROFILE_FIELDS, row, strict=True))), frequencies)
        if match.weight >= THRESHOLD:
            scored.append((match, row[0]))
    scored.sort(key=lambda item: (-item[0].weight, item[1]))
    return scored


def candidate_ids(
    organisation_id: int, typed: Profile, *, exclude_pk: int | None = None
) -> list[int]:
    """The organisation's persons sharing a blocking key with the typed identity."""
    keys = sorted(query_keys(typed))
    by_key = PersonMatchKey.objects.filter(
        organisation_id=organisation_id, key__in=keys
    ).values_list("person_id", flat=True)
    same_dates = [typed.birth_date] + [d for d in [swapped_day_month(typed.birth_date)] if d]
    by_date = Person.objects.filter(
        organisation_id=organisation_id, birth_date__in=same_dates, merged_into__isnull=True
    ).values_list("pk", flat=True)
    ids = list(dict.fromkeys([*by_key.order_by()[: MAX_SCORED * 3], *by_date.order_by()]))
    if exclude_pk is not None:
        ids = [pk for pk in ids if pk != exclude_pk]
    return ids[: MAX_SCORED * 3]


def likely_among(
    *, organisation_id: int, among: set[int], identity: dict, limit: int = 3
) -> list[tuple[int, Match]]:
    """(pk, match) of the persons of `among` (persons of `organisation_id`) likely to be the
    typed `identity` — primary keys only: nothing of those records is loaded as a record
    (the cross-organisation hint at intake shows the organisation's name only)."""
    typed = Profile(**identity)
    if not typed.is_comparable or not among:
        return []
    ids = [pk for pk in candidate_ids(organisation_id, typed) if pk in among]
    if not ids:
        return []
    frequencies = name_frequencies(organisation_id, typed)
    return [(pk, match) for match, pk in score_candidates(typed, ids, frequencies)[:limit]]


def find_duplicates(
    *,
    organisation_id: int,
    birth_name: str,
    first_names: str,
    birth_date: dt.date,
    usage_name: str = "",
    sex: str = "",
    phone: str = "",
    email: str = "",
    france_travail_id: str = "",
    exclude_pk: int | None = None,
    limit: int = 8,
) -> list[DuplicateCandidate]:
    """The organisation's records that may be the person being typed, best first."""
    typed = Profile(
        birth_name=birth_name,
        usage_name=usage_name,
        first_names=first_names,
        birth_date=birth_date,
        sex=sex,
        phone=phone,
        email=email,
        france_travail_id=france_travail_id,
    )
    if not typed.is_comparable:
        return []
    ids = candidate_ids(organisation_id, typed, exclude_pk=exclude_pk)
    if not ids:
        return []
    frequencies = name_frequencies(organisation_id, typed)
    scored = score_candidates(typed, ids, frequencies)[:limit]
    persons = Person.objects.select_related("referent").in_bulk([pk for _, pk in scored])
    return [
        DuplicateCandidate(
            person=persons[pk],
            score=match.score,
            name_score=100 if (match.surname, match.given) == ("exact", "exact") else 0,
            reasons=match.reasons,
            weight=match.weight,
        )
        for match, pk in scored
        if pk in persons
    ]
