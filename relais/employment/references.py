"""The employment module's reference lists — NAF activity codes and ROME job codes — read
once from the shipped files (see `data/README.md` for their origin and refresh), and the
checks every service applies to the codes it is given.

Why files and not tables: they change once a year at most, every organisation shares them,
and a lookup in a dict costs nothing on every page that shows a label."""

from __future__ import annotations

import csv
import heapq
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from relais.core.errors import DomainError
from relais.core.text import fold

DATA = Path(__file__).parent / "data"
NAF_FILE = DATA / "naf.csv"
ROME_FILE = DATA / "rome.csv"
NAF_SUBCLASS_RE = re.compile(r"^\d{2}\.\d{2}[A-Z]$")
ROME_RE = re.compile(r"^[A-N]\d{4}$")


@dataclass(frozen=True, slots=True)
class Job:
    code: str
    label: str
    appellations: tuple[str, ...]


@cache
def naf_labels() -> dict[str, str]:
    with NAF_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["label"] for row in csv.DictReader(handle)}


@cache
def rome_jobs() -> dict[str, Job]:
    with ROME_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Job(
                code=row["code"],
                label=row["label"],
                appellations=tuple(a for a in row["appellations"].split("|") if a),
            )
            for row in csv.DictReader(handle)
        }


def normalise_naf(code: str) -> str:
    """« 8121z », « 81.21Z », « 81 21 Z » → « 81.21Z » (how SIRENE and employers write it)."""
    compact = re.sub(r"[\s.]", "", (code or "").upper())
    if len(compact) == 5:
        return f"{compact[:2]}.{compact[2:]}"
    return (code or "").strip().upper()


def naf_label(code: str) -> str:
    return naf_labels().get(code, "")


def check_naf(code: str) -> str:
    """The normalised sub-class code, or a French error: an employer's activity is one of the
    732 sub-classes of NAF rév. 2."""
    normalised = normalise_naf(code)
    if not normalised:
        raise DomainError("Indiquez le code d'activité (NAF).", field="naf_code")
    if not NAF_SUBCLASS_RE.match(normalised) or normalised not in naf_labels():
        raise DomainError(
            f"Le code NAF « {code.strip()[:10]} » n'existe pas dans la nomenclature NAF rév. 2 "
            "(exemple : 81.21Z).",
            field="naf_code",
        )
    return normalised


def rome_label(code: str) -> str:
    job = rome_jobs().get(code)
    return job.label if job else ""


def check_rome(code: str, *, field: str = "rome_code") -> str:
    code = (code or "").strip().upper()
    if not code:
        raise DomainError("Indiquez le code ROME du poste.", field=field)
    if not ROME_RE.match(code) or code not in rome_jobs():
        raise DomainError(
            f"Le code ROME « {code[:10]} » n'est pas dans le référentiel ROME de Relais.",
            field=field,
        )
    return code


def check_appellation(code: str, appellation: str) -> str:
    """The appellation as the ROME spells it (« cariste » → « Cariste »: accents and case
    aside), or a French error if the code has no such appellation."""
    appellation = (appellation or "").strip()
    job = rome_jobs().get(code)
    if appellation and job and appellation not in job.appellations:
        key = fold(appellation)
        spelled = next((name for name in job.appellations if fold(name) == key), None)
        if spelled:
            return spelled
        raise DomainError(
            f"« {appellation[:80]} » n'est pas une appellation du code ROME {code}.",
            field="appellation",
        )
    return appellation


def rome_choices() -> list[tuple[str, str]]:
    return [(job.code, f"{job.code} — {job.label}") for job in rome_jobs().values()]


@dataclass(frozen=True, slots=True)
class AppellationHit:
    code: str
    appellation: str
    label: str


@dataclass(frozen=True, slots=True)
class _AppellationIndex:
    """The appellations sorted by name (then code), with the ids of those holding each
    distinct word: a query word matches the words that contain it (a few thousand short
    strings to scan), and the entries are the union of their lists. ~12,000 appellations
    are searched in well under a millisecond this way, against ~10 ms for a scan of every
    appellation's text."""

    entries: tuple[AppellationHit, ...]
    name_keys: tuple[str, ...]  # folded appellation name, for « starts with the first word »
    postings: dict[str, frozenset[int]]


@cache
def _appellation_index() -> _AppellationIndex:
    """Built once per process (about a third of a second: folding every appellation)."""
    rows = sorted(
        (fold(name), job.code, name, job.label)
        for job in rome_jobs().values()
        for name in job.appellations
    )
    postings: dict[str, set[int]] = {}
    for position, (name_key, code, _, label) in enumerate(rows):
        for word in {*name_key.split(), code.lower(), *fold(label).split()}:
            postings.setdefault(word, set()).add(position)
    return _AppellationIndex(
        entries=tuple(AppellationHit(code=c, appellation=n, label=lab) for _, c, n, lab in rows),
        name_keys=tuple(row[0] for row in rows),
        postings={word: frozenset(ids) for word, ids in postings.items()},
    )


def search_appellations(text: str, limit: int = 20) -> list[AppellationHit]:
    """The appellations (with their ROME code) whose name, code or job label holds every
    word of `text` (as a part of one of their words), accents and case aside: the position
    form's search. Appellations that start with the first word come first, then by name."""
    words = fold(text).split()[:6]
    if not words or len(" ".join(words)) < 2:
        return []
    index = _appellation_index()
    found: set[int] | None = None
    for word in sorted(set(words), key=len, reverse=True):  # the rarest (longest) first
        ids: set[int] = set()
        for key, posting in index.postings.items():
            if word in key:
                ids |= posting
        found = ids if found is None else found & ids
        if not found:
            return []
    first = words[0]
    ranked = heapq.nsmallest(
        limit, found or (), key=lambda i: (not index.name_keys[i].startswith(first), i)
    )
    return [index.entries[i] for i in ranked]


def clear_caches() -> None:
    """After the files are rewritten (the refresh command)."""
    naf_labels.cache_clear()
    rome_jobs.cache_clear()
    _appellation_index.cache_clear()


def rome_family(code: str) -> str:
    """The ROME domain (letter and two digits, « K22 »): jobs of one family share most of
    their abilities, which the matching counts as a partial match."""
    return code[:3]
