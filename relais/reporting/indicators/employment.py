"""Employment (Bloc D): placements started in the period (contract or PMSMP immersion),
their outcomes, and the follow-up checkpoints done on time or late.

Registered here rather than by the employment app: reporting reads every domain, and a
domain never imports reporting (decision 0023, import-linter's layers). Each indicator is
one aggregate query on the placements of the persons counted; small counts are suppressed
by `relais.reporting.tables` like every other figure."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from relais.employment.models import (
    Checkpoint,
    Placement,
    PlacementKind,
    PlacementOutcome,
)
from relais.network.coordination.models import SharedCategory
from relais.reporting.indicators.common import rate
from relais.reporting.registry import Cell, Indicator, Row, Unit, register, register_section
from relais.reporting.scope import Context

register_section("emploi", "Emploi et mises en emploi", 25)


def _placements(ctx: Context) -> QuerySet[Placement]:
    """The placements of the persons counted (of the scheme chosen: through the pathway the
    placement belongs to)."""
    found = Placement.objects.filter(person__in=ctx.person_ids())
    if ctx.filter.scheme:
        found = found.filter(pathway__scheme=ctx.filter.scheme)
    return found


def _placement_figures(ctx: Context) -> dict[str, int]:
    """Placements started in the period by kind (and their persons), and outcomes dated in
    the period by category: one aggregate query that the two indicators share."""
    started = Q(starts_on__range=(ctx.start, ctx.end))
    aggregates = {"persons": Count("person", filter=started, distinct=True)}
    for kind in PlacementKind:
        of_kind = started & Q(kind=kind.value)
        aggregates[kind.value] = Count("id", filter=of_kind)
        aggregates[f"persons_{kind.value}"] = Count("person", filter=of_kind, distinct=True)
    for outcome in PlacementOutcome:
        aggregates[f"outcome_{outcome.value}"] = Count(
            "id", filter=Q(outcome=outcome.value, outcome_on__range=(ctx.start, ctx.end))
        )
    return _placements(ctx).aggregate(**aggregates)


def placements_started(ctx: Context) -> list[Row]:
    counts = ctx.once("placements", _placement_figures)
    rows = [
        Row(
            kind.label,
            counts[kind.value],
            cells=(Cell("Personnes", counts[f"persons_{kind.value}"]),),
        )
        for kind in PlacementKind
    ]
    return [
        *rows,
        Row(
            "Total",
            sum(counts[kind.value] for kind in PlacementKind),
            cells=(Cell("Personnes", counts["persons"]),),
            is_total=True,
        ),
    ]


def placement_outcomes(ctx: Context) -> list[Row]:
    counts = ctx.once("placements", _placement_figures)
    rows = [Row(o.label, counts[f"outcome_{o.value}"]) for o in PlacementOutcome]
    return [*rows, Row("Total", sum(row.value for row in rows), is_total=True)]


def checkpoints(ctx: Context) -> list[Row]:
    """The checkpoints due in the period up to today (a checkpoint due tomorrow is not late
    yet): done by their due date, done after it, not done. Those that fell due after the
    placement ended (a contract broken in its second month) were never due."""
    last = min(ctx.end, ctx.today)
    due = Checkpoint.objects.filter(
        placement__in=_placements(ctx).values("pk"), due_on__range=(ctx.start, last)
    ).filter(Q(placement__outcome_on__isnull=True) | Q(due_on__lte=F("placement__outcome_on")))
    counts = due.aggregate(
        on_time=Count("id", filter=Q(done_on__lte=F("due_on"))),
        late=Count("id", filter=Q(done_on__gt=F("due_on"))),
        missing=Count("id", filter=Q(done_on__isnull=True)),
    )
    total = counts["on_time"] + counts["late"] + counts["missing"]
    return [
        Row("Faits à la date prévue ou avant", counts["on_time"]),
        Row("Faits après la date prévue", counts["late"]),
        Row("Pas encore faits (date dépassée)", counts["missing"]),
        Row("Total des points dus", total, is_total=True),
        Row(
            "Points faits à temps parmi les points dus",
            rate(counts["on_time"], total),
            n=total,
            unit=Unit.RATE,
            part=counts["on_time"],
        ),
    ]


# The placements are the pathway's work with the person (decision 0061 reads the
# employment project and abilities under « étapes du parcours »): a co-following
# professional sees these figures for the persons who share their steps with them.
register(
    Indicator(
        key="placements_started",
        section="emploi",
        label="Mises en emploi commencées",
        definition=(
            "Mises en emploi dont la date de début est dans la période, selon leur type : "
            "contrat de travail ou immersion professionnelle (PMSMP). « Personnes » compte "
            "chaque personne une fois par ligne (une personne peut avoir fait une immersion "
            "puis signé un contrat)."
        ),
        compute=placements_started,
        columns=("Type", "Mises en emploi", "Personnes"),
        team_category=SharedCategory.STEPS,
        order=1,
    )
)
register(
    Indicator(
        key="placement_outcomes",
        section="emploi",
        label="Issues des mises en emploi",
        definition=(
            "Mises en emploi dont l'issue a été enregistrée avec une date dans la période, "
            "selon leur issue (emploi durable, de transition, immersion réalisée, formation, "
            "rupture, projet non confirmé)."
        ),
        compute=placement_outcomes,
        columns=("Issue", "Mises en emploi"),
        team_category=SharedCategory.STEPS,
        order=2,
    )
)
register(
    Indicator(
        key="placement_checkpoints",
        section="emploi",
        label="Points de suivi des mises en emploi",
        definition=(
            "Points de suivi (une semaine, un mois, trois et six mois…) dont la date prévue "
            "est dans la période et déjà passée : faits à la date prévue ou avant, faits "
            "après, ou pas encore faits. Les points prévus après la fin d'une mise en emploi "
            "(issue enregistrée) ne sont pas comptés. Le taux rapporte les points faits à "
            "temps à tous les points dus."
        ),
        compute=checkpoints,
        columns=("Points de suivi", "Nombre"),
        team_category=SharedCategory.STEPS,
        order=3,
    )
)
