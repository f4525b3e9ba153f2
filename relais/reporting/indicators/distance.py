"""Distance travelled: how the difficulty level of each life domain changed between a
person's first and latest diagnostic."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from relais.diagnostics.domains import Domain
from relais.diagnostics.models import DomainAssessment
from relais.reporting.registry import Cell, Indicator, Row, Unit, register, register_section
from relais.reporting.scope import Context

register_section("distance", "Distance parcourue", 30)


def distance_travelled(ctx: Context) -> list[Row]:
    assessed = DomainAssessment.objects.filter(
        diagnostic__person__in=ctx.person_ids(),
        diagnostic__assessed_on__lte=ctx.end,
        difficulty__isnull=False,
    )
    same = {
        "diagnostic__person_id": OuterRef("diagnostic__person_id"),
        "domain": OuterRef("domain"),
        "difficulty__isnull": False,
    }
    later = DomainAssessment.objects.filter(**same, diagnostic__assessed_on__lte=ctx.end).filter(
        Q(diagnostic__assessed_on__gt=OuterRef("diagnostic__assessed_on"))
        | Q(
            diagnostic__assessed_on=OuterRef("diagnostic__assessed_on"),
            diagnostic_id__gt=OuterRef("diagnostic_id"),
        )
    )
    earlier = DomainAssessment.objects.filter(**same).filter(
        Q(diagnostic__assessed_on__lt=OuterRef("diagnostic__assessed_on"))
        | Q(
            diagnostic__assessed_on=OuterRef("diagnostic__assessed_on"),
            diagnostic_id__lt=OuterRef("diagnostic_id"),
        )
    )
    first = Subquery(
        DomainAssessment.objects.filter(**same)
        .order_by("diagnostic__assessed_on", "diagnostic_id")
        .values("difficulty")[:1]
    )
    # One row per person and domain: the latest assessment, made in the period, that has
    # an earlier one to compare with.
    latest = (
        assessed.filter(diagnostic__assessed_on__gte=ctx.start)
        .filter(~Exists(later), Exists(earlier))
        .annotate(change=F("difficulty") - first)
    )
    # Grouped by domain and change, so that the first level (a correlated subquery) is
    # read once per row; the counts and the mean are then added up per domain.
    found: dict[str, dict] = {}
    for domain, change, n in (
        latest.values_list("domain", "change").annotate(n=Count("id")).order_by()
    ):
        row = found.setdefault(domain, {"n": 0, "better": 0, "same": 0, "worse": 0, "sum": 0})
        row["n"] += n
        row["sum"] += change * n
        row["better" if change < 0 else "same" if change == 0 else "worse"] += n
    for row in found.values():
        row["mean"] = row["sum"] / row["n"]
    rows = []
    for domain in Domain:
        row = found.get(domain.value)
        if row is None:
            continue
        n = row["n"]
        rows.append(
            Row(
                domain.label,
                n,
                cells=(
                    Cell("Difficulté en baisse", row["better"]),
                    Cell("Stable", row["same"]),
                    Cell("Difficulté en hausse", row["worse"]),
                    Cell(
                        "Évolution moyenne du niveau",
                        round(float(row["mean"]), 2),
                        n=n,
                        unit=Unit.LEVEL,
                    ),
                ),
            )
        )
    return rows


register(
    Indicator(
        key="distance_travelled",
        section="distance",
        label="Distance parcourue par domaine de vie",
        definition=(
            "Pour chaque domaine de vie, les personnes dont le dernier diagnostic évaluant ce "
            "domaine (au plus tard à la fin de la période) a été fait dans la période, et qui "
            "en avaient un plus ancien : on compare le niveau de difficulté (0 aucune à 3 "
            "bloquante) du premier et du dernier. Une évolution négative est un progrès."
        ),
        compute=distance_travelled,
        row_parts=(0, 1, 2),
        columns=(
            "Domaine de vie",
            "Personnes",
            "Difficulté en baisse",
            "Stable",
            "Difficulté en hausse",
            "Évolution moyenne du niveau",
        ),
        order=1,
    )
)
