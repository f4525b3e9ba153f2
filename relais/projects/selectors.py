"""Reads of projects and workshops, scoped to the organisation: lists, the participants'
outcomes (aggregated, small counts suppressed) and the group's needs for a workshop
(diagnostics' difficulties, abilities lacking against those the workshop requires)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from relais.core.disclosure import Figure, suppress_series
from relais.diagnostics.domains import Domain
from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.employment.models import Ability
from relais.employment.vocabulary import ABILITIES, competence_label
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
            enrolled=Count(
                "enrolments", distinct=True, filter=Q(enrolments__withdrawn_at__isnull=True)
            ),
        )
        .order_by("title", "id")
    )


def sessions_between(organisation_id: int, start, end) -> QuerySet[Session]:
    """Sessions starting in [start, end), with their workshop and facilitator. One query
    on the (organisation, starts_at) index; the enrolled count comes from the workshop
    (withdrawn enrolments excepted). Cancelled sessions are there too (`is_cancelled`)."""
    enrolled = (
        Enrolment.objects.active()
        .filter(workshop=OuterRef("workshop_id"))
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
    never_attended: Figure
    rows: list[OutcomeRow]
    any_suppressed: bool


NO_PATHWAY = "none"


def participant_outcomes(project: Project) -> Outcomes:
    """What became of the persons enrolled in the project's workshops, from their pathways:
    those still accompanied, and each exit category. Shown to the project's partners and
    funders, beyond any référent's caseload, so every figure goes through
    `relais.core.disclosure`: counts of 1 to 4 are « < 5 » and, because the total of
    participants is shown beside them, secondary suppression hides whatever would let a
    hidden count be found again by subtraction. Two sums are shown, both with the number of
    participants as their total: the situations (a person without any pathway left is a
    situation of its own, so that the rows add up to the total) and came / never came.
    Two queries."""
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
    participants = totals["participants"]
    without = participants - len(by_person)
    if without > 0:
        counts[NO_PATHWAY] = without
    labels = {
        "active": "Toujours accompagnées",
        **dict(ExitCategory.choices),
        "closed": "Parcours terminé",
        NO_PATHWAY: "Sans parcours connu",
    }
    # In a fixed order (still accompanied, then the exit categories): sorted by count, the
    # order of hidden rows would tell which is larger.
    rank = {key: i for i, key in enumerate(labels)}
    ordered = sorted(counts.items(), key=lambda i: (rank.get(i[0], len(rank)), i[0]))
    # One sum: the situations add up to the participants.
    figures, total = suppress_series([n for _k, n in ordered])
    rows = [
        OutcomeRow(str(labels.get(k, k)), figure)
        for (k, _n), figure in zip(ordered, figures, strict=True)
    ]
    # The other: came at least once + never came = the participants. The total is the same
    # in both sums, and a one-line sum hides its total only when it is itself under 5 (a
    # single hidden cell with nothing else beside it is the total), so both agree on it.
    attended = totals["attended"]
    (came, never), total_again = suppress_series([attended, participants - attended])
    hidden = total.suppressed or total_again.suppressed
    shown_total = Figure(None, suppressed=True) if hidden else total_again
    return Outcomes(
        participants=shown_total,
        attended=came,
        never_attended=never,
        rows=rows,
        any_suppressed=shown_total.suppressed
        or came.suppressed
        or never.suppressed
        or any(r.figure.suppressed for r in rows),
    )


@dataclass
class GroupNeed:
    domain: str
    label: str
    persons: int


@dataclass
class AbilityGap:
    code: str
    label: str
    competence: str
    lacking: int  # persons with no observation of it at the required level


@dataclass
class GroupNeeds:
    persons: int
    domains: list[GroupNeed]
    abilities: list[AbilityGap]
    required_level: int

    def __bool__(self) -> bool:
        return bool(self.persons)


def group_needs(workshop: Workshop, *, adding: Iterable[int] = ()) -> GroupNeeds:
    """The group's needs, for designing the sequence (3.10): the persons enrolled, plus
    `adding` (the persons about to be enrolled, on the enrol page). For each life domain,
    how many have an important or blocking difficulty in their latest diagnostic; for each
    ability the sequence requires, how many lack it — no observation, or a latest
    observation below the required level (an ability's latest observation is its current
    level, `relais.employment.abilities`).

    Not suppressed: it is shown only to those who may see the participants
    (`policies.can_see_participants`: the référents and managers of the organisation, who
    have the accompaniment capability on each of its persons, and so see each person's
    diagnostic and abilities; a person of another organisation cannot be enrolled). Three
    queries, whatever the number of persons."""
    enrolled = (
        Enrolment.objects.active().filter(workshop=workshop).values_list("person_id", flat=True)
    )
    person_ids = set(enrolled) | {int(pk) for pk in adding}
    if not person_ids:
        return GroupNeeds(0, [], [], workshop.required_level)
    latest = (
        Diagnostic.objects.filter(person=OuterRef("diagnostic__person"))
        .order_by("-assessed_on", "-id")
        .values("pk")[:1]
    )
    rows = (
        DomainAssessment.objects.filter(
            diagnostic__person_id__in=person_ids, difficulty__gte=DIFFICULT
        )
        .filter(diagnostic_id=Subquery(latest))
        .values("domain")
        .annotate(n=Count("diagnostic__person", distinct=True))
        .order_by("-n", "domain")
    )
    labels = dict(Domain.choices)
    domains = [
        GroupNeed(r["domain"], str(labels.get(r["domain"], r["domain"])), r["n"]) for r in rows
    ]
    abilities = []
    codes = [c for c in workshop.required_abilities if c in ABILITIES]
    if codes:
        current: dict[tuple[int, str], int] = {}
        for person_id, code, level in (
            Ability.objects.filter(person_id__in=person_ids, code__in=codes)
            .order_by("person_id", "code", "-observed_on", "-pk")
            .values_list("person_id", "code", "level")
        ):
            current.setdefault((person_id, code), level)  # the latest observation
        for code in codes:
            has = sum(
                1 for pk in person_ids if current.get((pk, code), 0) >= workshop.required_level
            )
            label, competence = ABILITIES[code]
            abilities.append(
                AbilityGap(code, label, competence_label(competence), len(person_ids) - has)
            )
    return GroupNeeds(len(person_ids), domains, abilities, workshop.required_level)
