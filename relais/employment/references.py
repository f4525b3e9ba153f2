"""The employment module's reference lists — NAF activity codes and ROME job codes — read
once from the shipped files (see `data/README.md` for their origin and refresh), and the
checks every service applies to the codes it is given.

Why files and not tables: they change once a year at most, every organisation shares them,
and a lookup in a dict costs nothing on every page that shows a label."""

from __future__ import annotations

import csv
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
    appellation = (appellation or "").strip()
    job = rome_jobs().get(code)
    if appellation and job and appellation not in job.appellations:
        raise DomainError(
            f"« {appellation[:80]} » n'est pas une appellation du code ROME {code}.",
            field="appellation",
        )
    return appellation


def rome_choices() -> list[tuple[str, str]]:
    return [(job.code, f"{job.code} — {job.label}") for job in rome_jobs().values()]


def search_rome(text: str, limit: int = 20) -> list[Job]:
    """ROME codes whose code, label or an appellation holds every word of `text`."""
    words = fold(text).split()
    found = []
    for job in rome_jobs().values():
        haystack = fold(" ".join((job.code, job.label, *job.appellations)))
        if all(word in haystack for word in words):
            found.append(job)
    return found[:limit]


@dataclass(frozen=True, slots=True)
class AppellationHit:
    code: str
    appellation: str
    label: str


@cache
def _appellation_index() -> tuple[tuple[str, str, str, str], ...]:
    """(folded text, code, appellation, label) for each appellation, built once."""
    return tuple(
        (fold(f"{job.code} {name} {job.label}"), job.code, name, job.label)
        for job in rome_jobs().values()
        for name in job.appellations
    )


def search_appellations(text: str, limit: int = 20) -> list[AppellationHit]:
    """The appellations (with their ROME code) whose name, code or job label holds every
    word of `text`, accents and case aside: the position form's search. Appellations that
    start with the first word come first."""
    words = fold(text).split()[:6]
    if not words or len(" ".join(words)) < 2:
        return []
    hits = [
        (not name_key.split(" ", 1)[1].startswith(words[0]), name, code, label)
        for name_key, code, name, label in _appellation_index()
        if all(word in name_key for word in words)
    ]
    hits.sort()
    return [AppellationHit(code=c, appellation=n, label=lab) for _, n, c, lab in hits[:limit]]


def rome_family(code: str) -> str:
    """The ROME domain (letter and two digits, « K22 »): jobs of one family share most of
    their abilities, which the matching counts as a partial match."""
    return code[:3]
