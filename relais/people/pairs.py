"""Duplicates already in the base: the likely duplicate pairs of a whole organisation.

A background task (`duplicate_search_run`, django-tasks) started by a manager: the pairs
come from the stored blocking keys (relais.people.duplicates) — persons sharing a key
`n:` (same names, any date) or `d:` (same birth date and one name in common) — and from
the persons born the same day; each pair is scored by relais.people.matching, those
above the threshold are kept. Pairs a manager marked « pas la même personne »
(`DistinctPersons`) and merged records are left out. Progress is saved as it goes (the
page polls it). Measured on 100,000 persons in `make bench`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from relais.people.duplicates import PROFILE_FIELDS, name_codes
from relais.people.matching import THRESHOLD, Profile, cannot_match, compare
from relais.people.models import (
    DistinctPersons,
    DuplicatePair,
    DuplicateSearch,
    DuplicateSearchStatus,
    Person,
    PersonMatchKey,
)

MAX_BLOCK = 200  # a larger block (a very common name) is compared by birth year only
NEAR_DAYS = 31


def find_pairs(
    *, organisation_id: int, progress: Callable[[int], None] | None = None
) -> list[tuple[float, int, int, int, tuple[str, ...]]]:
    """(weight, score, first pk, second pk, reasons) of the likely duplicates, best first."""
    rows = (
        Person.objects.filter(organisation_id=organisation_id, merged_into__isnull=True)
        .order_by()
        .values_list(*PROFILE_FIELDS)
    )
    profiles = {row[0]: Profile(**dict(zip(PROFILE_FIELDS, row, strict=True))) for row in rows}
    frequencies: dict[tuple[str, str], int] = defaultdict(int)
    blocks: dict[str, list[int]] = defaultdict(list)
    keys = (
        PersonMatchKey.objects.filter(organisation_id=organisation_id)
        .order_by()
        .values_list("key", "person_id")
    )
    for key, person_id in keys.iterator(chunk_size=20_000):
        if person_id not in profiles:
            continue
        if key[0] in "sg":
            frequencies[(key[0], key[2:])] += 1
        else:
            blocks[key].append(person_id)
    by_name: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for pk, profile in profiles.items():
        blocks[f"b:{profile.birth_date.isoformat()}"].append(pk)
        for code in set().union(*name_codes(profile)):
            by_name[code].append((profile.ordinal, pk))
    candidates: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) > MAX_BLOCK:
            by_year: dict[int, list[int]] = defaultdict(list)
            for pk in members:
                by_year[profiles[pk].birth_date.year].append(pk)
            groups = list(by_year.values())
        else:
            groups = [members]
        for group in groups:
            group = sorted(group)
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    candidates.add((a, b))
    # One name in common and born at most a month apart: a typo in the other name with a
    # near birth date (a window over the bearers of each name, sorted by birth date).
    for members in by_name.values():
        members.sort()
        for i, (day, a) in enumerate(members):
            for other_day, b in members[i + 1 :]:
                if other_day - day > NEAR_DAYS:
                    break
                candidates.add((a, b) if a < b else (b, a))
    distinct = set(
        DistinctPersons.objects.filter(organisation_id=organisation_id).values_list(
            "first_id", "second_id"
        )
    )
    found = []
    total = len(candidates) or 1
    for index, (a, b) in enumerate(sorted(candidates)):
        if progress is not None and index % 20_000 == 0:
            progress(round(100 * index / total))
        if (a, b) in distinct or cannot_match(profiles[a], profiles[b]):
            continue
        match = compare(profiles[a], profiles[b], frequencies)
        if match.weight >= THRESHOLD:
            found.append((match.weight, match.score, a, b, match.reasons))
    found.sort(key=lambda item: (-item[0], item[2], item[3]))
    return found


@task()
def duplicate_search_run(*, search_id: int) -> None:
    search = DuplicateSearch.objects.filter(pk=search_id).first()
    if search is None or search.status != DuplicateSearchStatus.PENDING:
        return
    DuplicateSearch.objects.filter(pk=search_id).update(status=DuplicateSearchStatus.RUNNING)

    def progress(percent: int) -> None:
        DuplicateSearch.objects.filter(pk=search_id).update(progress=min(99, percent))

    try:
        pairs = find_pairs(organisation_id=search.organisation_id, progress=progress)
        with transaction.atomic():
            DuplicatePair.objects.bulk_create(
                [
                    DuplicatePair(
                        search_id=search_id,
                        first_id=a,
                        second_id=b,
                        score=score,
                        weight=weight,
                        reasons=list(reasons),
                    )
                    for weight, score, a, b, reasons in pairs
                ],
                batch_size=1000,
            )
            DuplicateSearch.objects.filter(pk=search_id).update(
                status=DuplicateSearchStatus.DONE,
                progress=100,
                pair_count=len(pairs),
                finished_at=timezone.now(),
            )
    except Exception:
        DuplicateSearch.objects.filter(pk=search_id).update(
            status=DuplicateSearchStatus.FAILED, finished_at=timezone.now()
        )
        raise


def duplicate_search_start(*, organisation_id: int, actor) -> DuplicateSearch:
    """Queue a search (after commit); one at a time per organisation."""
    running = DuplicateSearch.objects.filter(
        organisation_id=organisation_id,
        status__in=[DuplicateSearchStatus.PENDING, DuplicateSearchStatus.RUNNING],
    ).first()
    if running is not None:
        return running
    search = DuplicateSearch.objects.create(organisation_id=organisation_id, requested_by=actor)
    transaction.on_commit(lambda: duplicate_search_run.enqueue(search_id=search.pk))
    return search
