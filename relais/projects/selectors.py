"""Reads of projects and workshops, scoped to the organisation: lists, the participants'
outcomes (aggregated, small counts suppressed) and the group's needs for a workshop."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from relais.core.disclosure import Figure, suppress
from relais.diagnostics.domains import Domain
from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.pathways.models import ExitCategory, Pathway
from relais.projects.models import Enrolment, Project, Session, Workshop

DIFFICULT = 2  # « difficulté importante » or worse


def projects_of(organisation_id: int, *, status: str = "") -> QuerySet[Project]:
    projects = Project.objects.filter(organisation_id=organisation_id)
    if status:
        projects = projects.filter(status=status)
    return projects.annotate(
        task_count=Count("tasks", distinct=True), workshop_count=Count("workshops", distinct=True)
    ).order_by("title", "id")


def workshops_of(organisation_id: int) -> QuerySet[Workshop]:
    return (
        Workshop.objects.filter(organisation_id=organisation_id)
        .select_related("project")
        .annotate(
            session_count=Count("sessions", distinct=True),
            enrolled=Count("enrolments", distinct=True),
        )
        .order_by("title", "id")
    )


def sessions_between(organisation_id: int, start, end) -> QuerySet[Session]:
    """Sessions starting in [start, end), with their workshop and facilitator. One query
    on the (organisation, starts_at) index; the enrolled count comes from the workshop."""
    enrolled = (
        Enrolment.objects.filter(workshop=OuterRef("workshop_id"))
        .order_by()
        .values("workshop")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    return (
        Session.objects.filter(
            organisation_id=organisation_id, starts_at__gte=start, starts_at__lt=end
        )
        .select_related("workshop", "facilitator")
        .annotate(enrolled=Subquery(enrolled))
        .order_by("starts_at", "id")
    )


@dataclass
class OutcomeRow:
    label: str
    figure: Figure


@dataclass
class Outcomes:
    participants: Figure
    attended: Figure
    rows: list[OutcomeRow]
    any_suppressed: bool


def participant_outcomes(project: Project) -> Outcomes:
    """What became of the persons enrolled in the project's workshops, from their pathways:
    those still accompanied, and each exit category. Shown to the project's partners and
    funders, beyond any référent's caseload: every count of 1 to 4 is « < 5 ». Two queries."""
    person_ids = Enrolment.objects.filter(workshop__project=project).values("person_id")
    totals = Enrolment.objects.filter(workshop__project=project).aggregate(
        participants=Count("person", distinct=True),
        attended=Count("person", distinct=True, filter=Q(attendances__status="present")),
    )
    latest = (
        Pathway.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "-started_on", "-id")
        .values("person_id", "status", "exit__category")
    )
    by_person: dict[int, tuple[str, str | None]] = {}
    for row in latest:
        by_person.setdefault(row["person_id"], (row["status"], row["exit__category"]))
    counts: dict[str, int] = {}
    for status, category in by_person.values():
        key = "active" if status == "active" else (category or "closed")
        counts[key] = counts.get(key, 0) + 1
    labels = {
        "active": "Toujours accompagnées",
        **dict(ExitCategory.choices),
        "closed": "Parcours terminé",
    }
    rows = [
        OutcomeRow(str(labels.get(k, k)), suppress(v))
        for k, v in sorted(counts.items(), key=lambda i: -i[1])
    ]
    participants = suppress(totals["participants"])
    attended = suppress(totals["attended"])
    return Outcomes(
        participants=participants,
        attended=attended,
        rows=rows,
        any_suppressed=participants.suppressed
        or attended.suppressed
        or any(r.figure.suppressed for r in rows),
    )


@dataclass
class GroupNeed:
    domain: str
    label: str
    persons: int


def group_needs(workshop: Workshop) -> list[GroupNeed]:
    """The group's needs: for each life domain, how many enrolled persons have an important
    or blocking difficulty in their latest diagnostic. Shown to the workshop's facilitators
    (who accompany these persons), so not suppressed. One query."""
    latest = (
        Diagnostic.objects.filter(person=OuterRef("diagnostic__person"))
        .order_by("-assessed_on", "-id")
        .values("pk")[:1]
    )
    rows = (
        DomainAssessment.objects.filter(
            diagnostic__person__workshop_enrolments__workshop=workshop,
            difficulty__gte=DIFFICULT,
        )
        .filter(diagnostic_id=Subquery(latest))
        .values("domain")
        .annotate(n=Count("diagnostic__person", distinct=True))
        .order_by("-n", "domain")
    )
    labels = dict(Domain.choices)
    return [GroupNeed(r["domain"], str(labels.get(r["domain"], r["domain"])), r["n"]) for r in rows]
