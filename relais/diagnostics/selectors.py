"""Reads of the shared diagnostic: a person's diagnostics, the latest one, and the evolution
domain by domain across them ("distance parcourue").

Callers pass a person they already fetched through `Person.objects.visible_to(...)` (or
`relais.web.people.access.get_person`): these functions do not check permissions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Prefetch, Subquery

from relais.diagnostics.domains import Difficulty, Domain
from relais.diagnostics.models import Diagnostic, DomainAssessment


def diagnostics_of(person) -> list[Diagnostic]:
    """Every diagnostic of `person`, newest first, with author and domain assessments:
    three queries whatever their number."""
    return list(
        Diagnostic.objects.filter(person=person)
        .select_related("author", "updated_by")
        .prefetch_related(
            Prefetch("assessments", queryset=DomainAssessment.objects.order_by("domain"))
        )
        .order_by("-assessed_on", "-id")
    )


def latest_diagnostic(person) -> Diagnostic | None:
    return (
        Diagnostic.objects.filter(person=person)
        .prefetch_related("assessments")
        .order_by("-assessed_on", "-id")
        .first()
    )


def latest_diagnostic_value(field: str, person_ref: str = "pk") -> Subquery:
    """For annotations on persons (caseload): `Person.objects.annotate(urgency=
    latest_diagnostic_value("urgency"))` gives the field of each person's latest diagnostic."""
    return Subquery(
        Diagnostic.objects.filter(person_id=OuterRef(person_ref))
        .order_by("-assessed_on", "-id")
        .values(field)[:1]
    )


def assessments_by_domain(diagnostic: Diagnostic) -> dict[str, DomainAssessment]:
    """Uses the prefetched assessments when there are."""
    return {a.domain: a for a in diagnostic.assessments.all()}


@dataclass(frozen=True)
class DomainEvolution:
    domain: str
    label: str
    levels: tuple[int | None, ...]  # one per diagnostic, oldest first; None: not addressed

    @property
    def addressed(self) -> list[int]:
        return [level for level in self.levels if level is not None]

    @property
    def change(self) -> int | None:
        """Last addressed level minus first addressed level (negative: the difficulty went
        down). None when the domain was addressed fewer than twice."""
        points = self.addressed
        if len(points) < 2:
            return None
        return points[-1] - points[0]

    @property
    def change_label(self) -> str:
        change = self.change
        if change is None:
            return "—"
        if change == 0:
            return "stable"
        word = "en baisse" if change < 0 else "en hausse"
        return f"{word} de {abs(change)} niveau{'x' if abs(change) > 1 else ''}"


@dataclass(frozen=True)
class Evolution:
    dates: tuple[date, ...]  # oldest first
    diagnostic_ids: tuple[int, ...]
    rows: tuple[DomainEvolution, ...]  # every domain, in Domain order

    @property
    def is_empty(self) -> bool:
        return not self.dates


def evolution(diagnostics: Sequence[Diagnostic]) -> Evolution:
    """The difficulty of each domain at each diagnostic, oldest first. Works on the
    prefetched assessments: no query."""
    ordered = sorted(diagnostics, key=lambda d: (d.assessed_on, d.pk))
    by_diagnostic = [assessments_by_domain(d) for d in ordered]
    rows = []
    for domain in Domain:
        levels = tuple(
            (found.difficulty if (found := assessments.get(domain.value)) else None)
            for assessments in by_diagnostic
        )
        rows.append(DomainEvolution(domain.value, domain.label, levels))
    return Evolution(
        dates=tuple(d.assessed_on for d in ordered),
        diagnostic_ids=tuple(d.pk for d in ordered),
        rows=tuple(rows),
    )


def difficulty_short_label(level: int | None) -> str:
    if level is None:
        return "non abordé"
    return Difficulty(level).label
