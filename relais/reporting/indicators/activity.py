"""Activity: persons followed, new entries, appointments, notes, diagnostics, reviews."""

from __future__ import annotations

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import Exact, LessThan, LessThanOrEqual

from relais.diagnostics.models import Diagnostic
from relais.network.coordination.models import SharedCategory
from relais.pathways.models import (
    Appointment,
    Note,
    NoteKind,
    NoteVisibility,
    Participation,
    PathwayStatus,
    Review,
    Scheme,
)
from relais.reporting.filters import Scope
from relais.reporting.indicators.common import bounds, pathways
from relais.reporting.registry import BASE, Indicator, Row, register, register_section
from relais.reporting.scope import Context, overlaps

register_section("activite", "Activité", 10)


def _pathway_figures(ctx: Context) -> dict:
    """What persons followed, new entries and overdue reviews read from the pathways, in
    one aggregate (conditional counts) instead of three queries."""
    aggregates = {
        "followed": Count("person_id", distinct=True, filter=overlaps(ctx.start, ctx.end)),
        "overdue": Count(
            "id",
            filter=Q(status=PathwayStatus.ACTIVE, next_review_on__lt=min(ctx.end, ctx.today)),
        ),
    }
    started = Q(started_on__range=(ctx.start, ctx.end))
    for scheme in Scheme.values:
        aggregates[f"entries_{scheme}"] = Count("id", filter=started & Q(scheme=scheme))
    return pathways(ctx).aggregate(**aggregates)


def persons_followed(ctx: Context) -> list[Row]:
    if ctx.scope == Scope.TEAM:
        # Pathways are not shared with co-following professionals: the persons themselves.
        return [Row("Personnes co-suivies", ctx.persons().count())]
    return [Row("Personnes suivies", ctx.once("pathways", _pathway_figures)["followed"])]


def new_entries(ctx: Context) -> list[Row]:
    found = ctx.once("pathways", _pathway_figures)
    by_scheme = {s: found[f"entries_{s}"] for s in Scheme.values}
    rows = [Row(Scheme(s).label, by_scheme[s]) for s in Scheme.values if by_scheme.get(s)]
    return [*rows, Row("Total", sum(by_scheme.values()), is_total=True)]


def appointments(ctx: Context) -> list[Row]:
    start, end = bounds(ctx)
    counts = dict(
        Appointment.objects.filter(
            person__in=ctx.person_ids(), starts_at__gte=start, starts_at__lt=end
        )
        .values_list("participation")
        .annotate(n=Count("participation"))  # not the ids: read from the index alone
        .order_by()
    )
    rows = [Row(p.label, counts.get(p.value, 0)) for p in Participation]
    return [*rows, Row("Total", sum(counts.values()), is_total=True)]


def notes(ctx: Context) -> list[Row]:
    found = Note.objects.filter(
        person__in=ctx.person_ids(), occurred_on__range=(ctx.start, ctx.end)
    )
    if ctx.scope == Scope.TEAM:
        found = found.filter(visibility=NoteVisibility.TEAM)
    # Counted on the kind, not the ids: read from the index alone.
    counts = dict(found.values_list("kind").annotate(n=Count("kind")).order_by())
    rows = [Row(k.label, counts.get(k.value, 0)) for k in NoteKind]
    return [*rows, Row("Total", sum(counts.values()), is_total=True)]


def diagnostics_done(ctx: Context) -> list[Row]:
    found = Diagnostic.objects.filter(
        person__in=ctx.person_ids(), assessed_on__range=(ctx.start, ctx.end)
    ).aggregate(n=Count("id"), persons=Count("person_id", distinct=True))
    return [
        Row("Diagnostics réalisés", found["n"]),
        Row("Personnes ayant eu un diagnostic", found["persons"]),
    ]


def _month_index(field: str):
    return ExtractYear(field) * 12 + ExtractMonth(field)


def reviews(ctx: Context) -> list[Row]:
    # Whether a review was held by the date the pathway's previous review set: 1 or 0, and
    # NULL for a first review (or when the previous one set no date), which the pathway's
    # rhythm decides instead. One subquery referenced once: PostgreSQL runs a correlated
    # subquery once per reference, and the previous due date was compared three times.
    held_by_previous_due = Subquery(
        Review.objects.filter(pathway_id=OuterRef("pathway_id"), held_on__lt=OuterRef("held_on"))
        .order_by("-held_on", "-id")
        .annotate(
            by_due=Case(
                When(next_review_on__isnull=True, then=Value(None)),
                When(next_review_on__gte=OuterRef("held_on"), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .values("by_due")[:1],
        output_field=IntegerField(),
    )
    held_month = _month_index("held_on")
    due_month = _month_index("pathway__started_on") + F("pathway__review_every_months")
    by_rhythm = Q(LessThan(held_month, due_month)) | Q(
        Exact(held_month, due_month),
        LessThanOrEqual(ExtractDay("held_on"), ExtractDay("pathway__started_on")),
    )
    on_time = Coalesce(
        held_by_previous_due,
        Case(When(by_rhythm, then=Value(1)), default=Value(0), output_field=IntegerField()),
    )
    found = Review.objects.filter(
        pathway__in=pathways(ctx).values("pk"), held_on__range=(ctx.start, ctx.end)
    ).aggregate(total=Count("id"), on_time=Sum(on_time))
    found["on_time"] = found["on_time"] or 0  # NULL when no review was held
    overdue = ctx.once("pathways", _pathway_figures)["overdue"]
    return [
        Row("Bilans tenus à temps", found["on_time"]),
        Row("Bilans tenus en retard", found["total"] - found["on_time"]),
        Row("Bilans tenus (total)", found["total"], is_total=True),
        Row("Parcours en cours dont le bilan est dépassé", overdue),
    ]


register(
    Indicator(
        key="persons_followed",
        section="activite",
        label="Personnes suivies",
        definition=(
            "Nombre de personnes distinctes ayant au moins un parcours en cours à un moment "
            "de la période : parcours commencé au plus tard le dernier jour, et sans sortie "
            "ou sorti au plus tôt le premier jour. Pour une équipe de coordination : les "
            "personnes que vous co-suivez aujourd'hui."
        ),
        compute=persons_followed,
        team_category=BASE,
        chart="",
        order=1,
    )
)
register(
    Indicator(
        key="new_entries",
        section="activite",
        label="Entrées en parcours",
        definition=(
            "Parcours commencés dans la période (date de début du parcours), par dispositif. "
            "Une personne entrée deux fois compte deux fois."
        ),
        compute=new_entries,
        columns=("Dispositif", "Entrées"),
        order=2,
    )
)
register(
    Indicator(
        key="appointments",
        section="activite",
        label="Rendez-vous et entretiens",
        definition=(
            "Rendez-vous dont la date tombe dans la période, selon la participation "
            "enregistrée : honoré, absent sans prévenir, excusé, annulé, ou encore prévu."
        ),
        compute=appointments,
        columns=("Participation", "Rendez-vous"),
        order=3,
    )
)
register(
    Indicator(
        key="notes",
        section="activite",
        label="Écrits professionnels",
        definition=(
            "Écrits datés de la période (date de l'échange), par type : comptes rendus "
            "d'entretien, appels, visites à domicile, autres. Seul le nombre est lu, jamais "
            "le contenu. Pour une équipe de coordination : les écrits partagés avec l'équipe, "
            "si les écrits vous sont partagés."
        ),
        compute=notes,
        columns=("Type d'écrit", "Écrits"),
        team_category=SharedCategory.NOTES,
        order=4,
    )
)
register(
    Indicator(
        key="diagnostics_done",
        section="activite",
        label="Diagnostics réalisés",
        definition=(
            "Diagnostics partagés dont la date d'évaluation tombe dans la période, et nombre "
            "de personnes concernées."
        ),
        compute=diagnostics_done,
        team_category=SharedCategory.DIAGNOSTIC,
        chart="",
        order=5,
    )
)
register(
    Indicator(
        key="reviews",
        section="activite",
        label="Bilans à temps ou en retard",
        definition=(
            "Bilans tenus dans la période. À temps : tenu au plus tard à la date prévue, "
            "c'est-à-dire la date du prochain bilan fixée au bilan précédent, ou pour le "
            "premier bilan le début du parcours plus le rythme des bilans (en mois). "
            "Dépassés : parcours en cours dont la date du prochain bilan est passée (à la "
            "fin de la période, ou aujourd'hui si elle n'est pas finie)."
        ),
        compute=reviews,
        columns=("Bilans", "Nombre"),
        order=6,
    )
)
