"""Coordination (2.13 of the referential): referral delays, acceptance by partner,
referrals without answer, partners per person, ruptures."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Concat, TruncDate

from relais.network.referrals.models import (
    OPEN_STATUSES,
    RedundancyWarning,
    Referral,
    ReferralStatus,
)
from relais.pathways.caseload import NO_CONTACT_CRITICAL_DAYS
from relais.pathways.models import (
    OPEN_STEP_STATUSES,
    Appointment,
    Note,
    Participation,
    PathwayStatus,
    Step,
    StepStatus,
)
from relais.reporting.filters import Scope
from relais.reporting.indicators.common import bounds, pathways, rate
from relais.reporting.registry import (
    BASE,
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

register_section("coordination", "Coordination et orientations", 40)

ACCEPTED = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.DONE)
WAITING = (ReferralStatus.SENT, ReferralStatus.SEEN)
# Partners listed one by one in the acceptance table; the others are grouped.
MAX_PARTNERS = 15


def own_referrals(found, ctx: Context):
    """Of the referrals `found`, those the user's organisation sent for the persons counted,
    compared so that the database reads them along the index that follows the scope:
    - a caseload (a few hundred persons): each person's referrals (index
      `referral_person`); the sender is compared as `sender + 0`, so that no index of every
      referral the organisation sent in the period serves, which SQLite would choose;
    - beyond it: the organisation's (`referral_outbox`, `referral_flow_sent`); the person is
      compared as `person + 0`, so that PostgreSQL does not merge the persons' temporary
      table with the person index, reading every referral of the platform up to the last
      person's id (560 ms instead of 40 at 20,000 persons and 1M referrals).
    The same figures either way."""
    if ctx.scope == Scope.CASELOAD:
        return found.alias(sender_plain=F("sender_organisation_id") + 0).filter(
            person__in=ctx.person_ids(), sender_plain=ctx.organisation_id
        )
    return found.alias(person_plain=F("person_id") + 0).filter(
        sender_organisation_id=ctx.organisation_id, person_plain__in=ctx.person_ids()
    )


def sent(ctx: Context):
    """Referrals the user's organisation sent in the period for the persons counted."""
    start, end = bounds(ctx)
    found = own_referrals(Referral.objects.filter(sent_at__gte=start, sent_at__lt=end), ctx)
    if ctx.filter.scheme:
        found = found.filter(pathway__scheme=ctx.filter.scheme)
    return found


def _days(total) -> float | None:
    if total is None:
        return None
    if isinstance(total, dt.timedelta):
        return total.total_seconds() / 86400
    return float(total) / 86_400_000_000  # microseconds (SQLite)


DELAY_STEPS = (
    ("Envoi → vue par le partenaire", "seen_at", "sent_at"),
    ("Vue → réponse", "answered_at", "seen_at"),
    ("Envoi → réponse", "answered_at", "sent_at"),
)


def _sent_figures(ctx: Context) -> list[dict]:
    """The referrals sent in the period grouped by partner, with their answers, their
    waiting and expired counts and the sums of their delays: the one query that the
    delays, acceptance and without-answer indicators read. Counted on `sent_at` (never
    null here), not on the ids: everything it reads is in the index `referral_flow_sent`,
    never the table."""

    def duration(later, earlier):
        return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())

    aggregates = {
        "n": Count("sent_at"),
        "accepted": Count("sent_at", filter=Q(status__in=ACCEPTED)),
        "refused": Count("sent_at", filter=Q(status=ReferralStatus.REFUSED)),
        "waiting": Count("sent_at", filter=Q(status__in=WAITING)),
        "expired": Count("sent_at", filter=Q(status=ReferralStatus.EXPIRED)),
        "cancelled": Count("sent_at", filter=Q(status=ReferralStatus.CANCELLED)),
    }
    for index, (_label, later, earlier) in enumerate(DELAY_STEPS):
        both = Q(**{f"{later}__isnull": False, f"{earlier}__isnull": False})
        aggregates[f"n{index}"] = Count("sent_at", filter=both)
        aggregates[f"s{index}"] = Sum(duration(later, earlier), filter=both)
    appointment = Q(first_appointment_on__isnull=False)
    aggregates["n_rdv"] = Count("sent_at", filter=appointment)
    aggregates["s_rdv"] = Sum(
        ExpressionWrapper(
            F("first_appointment_on") - TruncDate("sent_at"), output_field=DurationField()
        ),
        filter=appointment,
    )
    return list(sent(ctx).values("receiver_organisation__name").annotate(**aggregates).order_by())


def referral_delays(ctx: Context) -> list[Row]:
    groups = ctx.once("sent", _sent_figures)
    labels = [label for label, _later, _earlier in DELAY_STEPS]
    rows = []
    for index, name in [*enumerate(labels), ("_rdv", "Envoi → premier rendez-vous")]:
        n = sum(g[f"n{index}"] for g in groups)
        total = sum(_days(g[f"s{index}"]) or 0 for g in groups)
        rows.append(Row(name, round(total / n, 1) if n else None, n=n, unit=Unit.DAYS))
    return rows


def acceptance_by_partner(ctx: Context) -> list[Row]:
    found = sorted(
        (
            (g["receiver_organisation__name"], g["accepted"], g["refused"], g["n"])
            for g in ctx.once("sent", _sent_figures)
        ),
        key=lambda g: (-g[3], g[0]),
    )
    shown, others = found[:MAX_PARTNERS], found[MAX_PARTNERS:]
    if others:
        shown.append(
            (
                f"Autres partenaires ({len(others)})",
                sum(o[1] for o in others),
                sum(o[2] for o in others),
                sum(o[3] for o in others),
            )
        )
    rows = [_acceptance_row(name, accepted, refused, n) for name, accepted, refused, n in shown]
    totals = [sum(r[i] for r in found) for i in (1, 2, 3)]
    return [*rows, _acceptance_row("Ensemble", *totals, is_total=True)]


def _acceptance_row(name, accepted, refused, n, *, is_total=False) -> Row:
    answered = accepted + refused
    return Row(
        name,
        n,
        cells=(
            Cell("Acceptées", accepted),
            Cell("Refusées", refused),
            Cell(
                "Taux d'acceptation (%)",
                rate(accepted, answered),
                n=answered,
                unit=Unit.RATE,
                part=accepted,
            ),
        ),
        is_total=is_total,
    )


def without_answer(ctx: Context) -> list[Row]:
    groups = ctx.once("sent", _sent_figures)
    return [
        Row("Toujours en attente de réponse", sum(g["waiting"] for g in groups)),
        Row("Expirées sans réponse", sum(g["expired"] for g in groups)),
        # Shown (and suppressed when small) rather than left for the reader to compute:
        # it is the total minus the answers and the rows above.
        Row("Annulées par votre structure", sum(g["cancelled"] for g in groups)),
        Row("Orientations envoyées (total)", sum(g["n"] for g in groups), is_total=True),
    ]


def partners_per_person(ctx: Context) -> list[Row]:
    # Persons by number of partners: an aggregation over an aggregation (partners per
    # person, then persons per number), written as one query with the per-person counts in
    # a derived table — SQL that SQLite and PostgreSQL share; the ORM builds the inner one.
    per_person = (
        sent(ctx)
        .values("person_id")
        .annotate(n=Count("receiver_organisation_id", distinct=True))
        .values_list("n")
        .order_by()
    )
    inner, params = per_person.query.sql_with_params()
    sql = (
        "SELECT CASE WHEN t.n >= 3 THEN 3 ELSE t.n END AS bucket, COUNT(*) "  # noqa: S608
        f"FROM ({inner}) AS t GROUP BY bucket"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = dict(cursor.fetchall())
    return [
        Row("1 partenaire", counts.get(1, 0)),
        Row("2 partenaires", counts.get(2, 0)),
        Row("3 partenaires ou plus", counts.get(3, 0)),
        Row("Personnes orientées (total)", sum(counts.values()), is_total=True),
    ]


def ruptures(ctx: Context) -> list[Row]:
    start, end = bounds(ctx)
    since = ctx.end - dt.timedelta(days=NO_CONTACT_CRITICAL_DAYS)
    contact_start = dt.datetime.combine(since, dt.time.min, tzinfo=start.tzinfo)
    in_progress_at_end = (
        pathways(ctx)
        .filter(started_on__lte=ctx.end)
        .filter(Q(exit__isnull=True, status=PathwayStatus.ACTIVE) | Q(exit__exited_on__gt=ctx.end))
    )
    contacted = Note.objects.filter(
        person_id=OuterRef("person_id"), occurred_on__range=(since, ctx.end)
    )
    seen = Appointment.objects.filter(
        person_id=OuterRef("person_id"),
        participation=Participation.SEEN,
        starts_at__gte=contact_start,
        starts_at__lt=end,
    )
    without_contact = (
        in_progress_at_end.filter(started_on__lte=since)
        .filter(~Exists(contacted), ~Exists(seen))
        .count()
    )
    # For a caseload, the status is compared through an expression so that the index
    # (status, expiry), which holds every organisation's referrals, is not chosen over the
    # persons' own; beyond it, the organisation's index (sender, status) serves.
    if ctx.scope == Scope.CASELOAD:
        referrals = Referral.objects.alias(status_plain=Concat(F("status"), Value("")))
        status = {"status_plain": ReferralStatus.EXPIRED}
    else:
        referrals, status = Referral.objects.all(), {"status": ReferralStatus.EXPIRED}
    expired = own_referrals(
        referrals.filter(expires_at__gte=start, expires_at__lt=end, **status), ctx
    ).count()
    abandoned = Step.objects.filter(
        pathway__in=pathways(ctx).values("pk"),
        status=StepStatus.ABANDONED,
        updated_at__gte=start,
        updated_at__lt=end,
    ).count()
    return [
        Row(f"Parcours sans contact depuis {NO_CONTACT_CRITICAL_DAYS} jours", without_contact),
        Row("Orientations expirées sans réponse", expired),
        Row("Étapes abandonnées", abandoned),
    ]


CLOSED_REFERRAL = tuple(s for s in ReferralStatus.values if s not in OPEN_STATUSES)
CLOSED_STEP = tuple(s for s in StepStatus.values if s not in OPEN_STEP_STATUSES)


def redundancy_warnings(ctx: Context) -> list[Row]:
    start, end = bounds(ctx)
    closed = (
        Q(referral__status__in=CLOSED_REFERRAL)
        | Q(step__status__in=CLOSED_STEP)
        | Q(other_referral__status__in=CLOSED_REFERRAL)
        | Q(other_step__status__in=CLOSED_STEP)
    )
    found = RedundancyWarning.objects.filter(
        organisation_id=ctx.organisation_id,
        person__in=ctx.person_ids(),
        raised_at__gte=start,
        raised_at__lt=end,
    ).aggregate(total=Count("id"), resolved=Count("id", filter=closed))
    return [
        Row("Résolues (une des deux actions n'est plus en cours)", found["resolved"]),
        Row("Toujours ouvertes (les deux actions en cours)", found["total"] - found["resolved"]),
        Row("Alertes de doublon signalées (total)", found["total"], is_total=True),
    ]


register(
    Indicator(
        key="referral_delays",
        section="coordination",
        label="Délais des orientations",
        definition=(
            "Pour les orientations envoyées par votre structure dans la période : délai "
            "moyen, en jours, entre l'envoi et la lecture par le partenaire, la lecture et "
            "sa réponse (acceptation ou refus), l'envoi et la réponse, l'envoi et le premier "
            "rendez-vous chez le partenaire. Chaque délai porte sur les orientations qui ont "
            "franchi les deux étapes."
        ),
        compute=referral_delays,
        columns=("Étape", "Délai moyen (jours)"),
        team_category=BASE,
        order=1,
    )
)
register(
    Indicator(
        key="acceptance_by_partner",
        section="coordination",
        label="Acceptation des orientations par partenaire",
        definition=(
            "Orientations envoyées dans la période, par structure destinataire. Acceptées : "
            "acceptées, en cours ou terminées ; le taux rapporte les acceptées aux "
            "orientations ayant reçu une réponse (acceptées ou refusées)."
        ),
        compute=acceptance_by_partner,
        columns=("Partenaire", "Envoyées", "Acceptées", "Refusées", "Taux d'acceptation (%)"),
        team_category=BASE,
        chart="",
        order=2,
    )
)
register(
    Indicator(
        key="without_answer",
        section="coordination",
        label="Orientations sans réponse",
        definition=(
            "Parmi les orientations envoyées dans la période : celles encore sans réponse "
            "(envoyées ou vues), celles qui ont expiré sans réponse et celles que votre "
            "structure a annulées."
        ),
        compute=without_answer,
        columns=("Orientations", "Nombre"),
        team_category=BASE,
        order=3,
    )
)
register(
    Indicator(
        key="partners_per_person",
        section="coordination",
        label="Partenaires par personne orientée",
        definition=(
            "Personnes orientées dans la période, selon le nombre de structures différentes "
            "vers lesquelles elles ont été orientées."
        ),
        compute=partners_per_person,
        columns=("Partenaires", "Personnes"),
        team_category=BASE,
        order=4,
    )
)
register(
    Indicator(
        key="ruptures",
        section="coordination",
        label="Ruptures de parcours",
        definition=(
            f"Parcours en cours à la fin de la période, commencés depuis plus de "
            f"{NO_CONTACT_CRITICAL_DAYS} jours, sans écrit ni rendez-vous honoré dans les "
            f"{NO_CONTACT_CRITICAL_DAYS} jours qui la précèdent (le seuil de la file "
            "active) ; orientations expirées sans réponse dans la période ; étapes passées à "
            "« abandonnée » dans la période."
        ),
        compute=ruptures,
        columns=("Rupture", "Nombre"),
        order=5,
    )
)
register(
    Indicator(
        key="redundancy_warnings",
        section="coordination",
        label="Alertes de doublon signalées et résolues",
        definition=(
            "Alertes de doublon signalées dans la période : quand votre structure a envoyé "
            "une orientation ou ajouté une étape alors qu'une action semblable d'une autre "
            "structure était en cours pour la même personne (même besoin, ou même type "
            "d'étape), une alerte par action semblable, enregistrée au moment où elle est "
            "signalée. Résolue : l'une des deux actions n'est plus en cours aujourd'hui "
            "(orientation refusée, annulée, expirée ou terminée ; étape réalisée, "
            "abandonnée ou annulée)."
        ),
        compute=redundancy_warnings,
        columns=("Alertes", "Nombre"),
        order=6,
    )
)

# The sums that link these tables: the referrals sent are the same total in both, and
# they are the accepted, refused, waiting, expired and cancelled ones.
SENT_TOTAL = "Orientations envoyées (total)"
register_link(
    Link(parts=(("acceptance_by_partner", "Ensemble", 0),), total=("without_answer", SENT_TOTAL, 0))
)
register_link(
    Link(
        parts=(
            ("acceptance_by_partner", "Ensemble", 1),
            ("acceptance_by_partner", "Ensemble", 2),
            ("without_answer", "Toujours en attente de réponse", 0),
            ("without_answer", "Expirées sans réponse", 0),
            ("without_answer", "Annulées par votre structure", 0),
        ),
        total=("without_answer", SENT_TOTAL, 0),
    )
)
