"""Pathways and outcomes: length of pathways, goals, exits by category, dynamic exit rates
by scheme."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum

from relais.pathways.models import (
    DYNAMIC_EXITS,
    EXIT_FAMILY,
    Exit,
    ExitCategory,
    ExitFamily,
    Goal,
    GoalStatus,
    Scheme,
)
from relais.reporting.indicators.common import pathways, pathways_in_progress, rate
from relais.reporting.registry import (
    Cell,
    Indicator,
    Link,
    Row,
    Unit,
    register,
    register_link,
    register_section,
)
from relais.reporting.scope import Context

register_section("parcours", "Parcours et sorties", 20)

NEUTRAL_EXITS = tuple(c for c, f in EXIT_FAMILY.items() if f == ExitFamily.NEUTRAL)
# Length bands, in days from the start of the pathway to its exit.
LENGTH_BANDS = (
    ("Moins de 6 mois", 0, 183),
    ("6 à 12 mois", 183, 366),
    ("12 à 24 mois", 366, 731),
    ("24 mois et plus", 731, None),
)


def _exits(ctx: Context):
    return Exit.objects.filter(
        pathway__in=pathways(ctx).values("pk"), exited_on__range=(ctx.start, ctx.end)
    )


def _exit_figures(ctx: Context) -> list[dict]:
    """The exits of the period grouped by scheme and category, with their length bands and
    total length: the one query the four exit indicators read."""
    aggregates = {}
    for index, (_label, low, high) in enumerate(LENGTH_BANDS):
        condition = Q(exited_on__gte=F("pathway__started_on") + dt.timedelta(days=low))
        if high is not None:
            condition &= Q(exited_on__lt=F("pathway__started_on") + dt.timedelta(days=high))
        aggregates[f"band{index}"] = Count("id", filter=condition)
    length = ExpressionWrapper(
        F("exited_on") - F("pathway__started_on"), output_field=DurationField()
    )
    return list(
        _exits(ctx)
        .values("pathway__scheme", "category")
        .annotate(**aggregates, n=Count("id"), length=Sum(length))
        .order_by()
    )


def _days(total) -> float:
    if isinstance(total, dt.timedelta):
        return total.days
    return (total or 0) / 86_400_000_000  # microseconds (SQLite)


def pathway_length(ctx: Context) -> list[Row]:
    groups = ctx.once("exits", _exit_figures)
    rows = [
        Row(label, sum(g[f"band{i}"] for g in groups))
        for i, (label, _l, _h) in enumerate(LENGTH_BANDS)
    ]
    return [*rows, Row("Total des sorties", sum(g["n"] for g in groups), is_total=True)]


def average_length(ctx: Context) -> list[Row]:
    by_scheme: dict[str, list[float]] = {}
    for group in ctx.once("exits", _exit_figures):
        found = by_scheme.setdefault(group["pathway__scheme"], [0, 0.0])
        found[0] += group["n"]
        found[1] += _days(group["length"])
    return [
        Row(Scheme(scheme).label, round(days / n), n=n, unit=Unit.DAYS)
        for scheme, (n, days) in sorted(by_scheme.items())
    ]


def goals(ctx: Context) -> list[Row]:
    counts = dict(
        Goal.objects.filter(pathway__in=pathways_in_progress(ctx).values("pk"))
        .values_list("status")
        .annotate(n=Count("status"))  # not the ids: read from the index alone
        .order_by()
    )
    return goal_rows(counts)


def goal_rows(counts: dict[str, int]) -> list[Row]:
    achieved = counts.get(GoalStatus.ACHIEVED, 0)
    abandoned = counts.get(GoalStatus.ABANDONED, 0)
    return [
        *(Row(s.label, counts.get(s.value, 0)) for s in GoalStatus),
        Row("Total", sum(counts.values()), is_total=True),
        Row(
            "Objectifs atteints parmi les objectifs terminés",
            rate(achieved, achieved + abandoned),
            n=achieved + abandoned,
            unit=Unit.RATE,
            part=achieved,
            sources=(GoalStatus.ACHIEVED.label, GoalStatus.ABANDONED.label),
        ),
    ]


def exits_by_category(ctx: Context) -> list[Row]:
    counts: dict[str, int] = {}
    for group in ctx.once("exits", _exit_figures):
        counts[group["category"]] = counts.get(group["category"], 0) + group["n"]
    rows = [
        Row(
            c.label,
            counts.get(c.value, 0),
            cells=(Cell("Famille", ExitFamily(EXIT_FAMILY[c]).label),),
        )
        for c in ExitCategory
    ]
    return [*rows, Row("Total", sum(counts.values()), is_total=True, cells=(Cell("Famille", ""),))]


def dynamic_rate_by_scheme(ctx: Context) -> list[Row]:
    by_scheme: dict[str, tuple[int, int]] = {}
    for group in ctx.once("exits", _exit_figures):
        if group["category"] in NEUTRAL_EXITS:
            continue
        n, dynamic = by_scheme.get(group["pathway__scheme"], (0, 0))
        by_scheme[group["pathway__scheme"]] = (
            n + group["n"],
            dynamic + (group["n"] if group["category"] in DYNAMIC_EXITS else 0),
        )
    rows = []
    for scheme in Scheme:
        if scheme.value not in by_scheme:
            continue
        n, dynamic = by_scheme[scheme.value]
        rows.append(_rate_row(scheme.label, n, dynamic))
    n = sum(v[0] for v in by_scheme.values())
    dynamic = sum(v[1] for v in by_scheme.values())
    return [*rows, _rate_row("Ensemble", n, dynamic, is_total=True)]


def _rate_row(label: str, n: int, dynamic: int, *, is_total: bool = False) -> Row:
    return Row(
        label,
        n,
        cells=(
            Cell("Sorties dynamiques", dynamic),
            Cell(
                "Taux de sorties dynamiques (%)",
                rate(dynamic, n),
                n=n,
                unit=Unit.RATE,
                part=dynamic,
            ),
        ),
        is_total=is_total,
    )


register(
    Indicator(
        key="pathway_length",
        section="parcours",
        label="Durée des parcours sortis",
        definition=(
            "Parcours sortis dans la période, selon le temps passé entre le début du parcours "
            "et la date de sortie (6 mois = 183 jours, 12 mois = 366 jours, 24 mois = 731 "
            "jours)."
        ),
        compute=pathway_length,
        columns=("Durée", "Parcours"),
        order=1,
    )
)
register(
    Indicator(
        key="average_length",
        section="parcours",
        label="Durée moyenne des parcours par dispositif",
        definition=(
            "Pour les parcours sortis dans la période : moyenne, en jours, du temps entre le "
            "début du parcours et la sortie, par dispositif."
        ),
        compute=average_length,
        columns=("Dispositif", "Durée moyenne (jours)"),
        order=2,
    )
)
register(
    Indicator(
        key="goals",
        section="parcours",
        label="Objectifs atteints ou abandonnés",
        definition=(
            "Objectifs des parcours en cours à un moment de la période, selon leur statut "
            "actuel. Le taux rapporte les objectifs atteints aux objectifs terminés "
            "(atteints ou abandonnés)."
        ),
        compute=goals,
        columns=("Statut", "Objectifs"),
        order=3,
    )
)
register(
    Indicator(
        key="exits_by_category",
        section="parcours",
        label="Sorties par catégorie",
        definition=(
            "Sorties enregistrées dans la période, par motif. Les sorties dynamiques sont "
            "l'emploi durable, l'emploi de transition et les sorties positives (formation "
            "qualifiante…). Déménagement, santé, incarcération et décès sont des sorties "
            "neutralisées."
        ),
        compute=exits_by_category,
        columns=("Catégorie", "Sorties", "Famille"),
        order=4,
    )
)
register(
    Indicator(
        key="dynamic_rate_by_scheme",
        section="parcours",
        label="Taux de sorties dynamiques par dispositif",
        definition=(
            "Sorties dynamiques rapportées aux sorties de la période, sorties neutralisées "
            "(déménagement, santé, incarcération, décès) mises à part, par dispositif."
        ),
        compute=dynamic_rate_by_scheme,
        columns=(
            "Dispositif",
            "Sorties (hors neutralisées)",
            "Sorties dynamiques",
            "Taux de sorties dynamiques (%)",
        ),
        order=5,
    )
)

# The sums that link these tables: the exits of the rate table are the non-neutral ones of
# the category table (their difference would be the neutral exits: moves, deaths…), its
# dynamic exits are the dynamic categories, and the length table counts the same exits.
register_link(
    Link(
        parts=tuple(
            ("exits_by_category", c.label, 0) for c in ExitCategory if c not in NEUTRAL_EXITS
        ),
        total=("dynamic_rate_by_scheme", "Ensemble", 0),
    )
)
register_link(
    Link(
        parts=tuple(("exits_by_category", c.label, 0) for c in ExitCategory if c in DYNAMIC_EXITS),
        total=("dynamic_rate_by_scheme", "Ensemble", 1),
    )
)
register_link(
    Link(
        parts=(("exits_by_category", "Total", 0),),
        total=("pathway_length", "Total des sorties", 0),
    )
)
