"""Building the actor map from the database: the organisations of the territory, the
referral flows of the period between them and with partners outside, and the declared
partnerships.

Speed (1M referrals nationwide, a département < 1 s): the flows are aggregated in SQL on
the two flow indexes (sender or receiver, then sent_at, then every column read), so the
database reads the period's index entries and never the table; referrals are never loaded
as objects. The median answer delay is PostgreSQL's percentile_cont in the same query;
on SQLite the answered delays (in seconds, computed by SQLite) are read as plain numbers
and the median taken in Python, flow by flow."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
)
from django.utils import timezone

from relais.accounts.models import Organisation
from relais.core.errors import DomainError
from relais.network.actor_map.diagram import layout
from relais.network.actor_map.graph import ActorMap, Flow, Node, PartnershipRow
from relais.network.actor_map.territory import Territory
from relais.network.coordination.models import Partnership, partnership_in_force
from relais.network.referrals.models import Referral, ReferralStatus

MAX_PERIOD_DAYS = 5 * 366
ACCEPTED_STATUSES = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.DONE)


class Median(Aggregate):
    """PostgreSQL only: percentile_cont(0.5) of a duration, in seconds."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    output_field = FloatField()


class SecondsBetween(Func):
    """SQLite: seconds from one datetime column to another, computed by SQLite itself
    (Django's generic datetime subtraction calls back into Python for every row)."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotImplementedError("SecondsBetween is for SQLite (PostgreSQL: Median).")

    def as_sqlite(self, compiler, connection, **extra_context):
        start, end = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"((julianday({end[0]}) - julianday({start[0]})) * 86400.0)"
        return sql, (*start[1], *end[1])


def _period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def check_period(start: date, end: date) -> None:
    if start > end:
        raise DomainError("La date de début doit précéder la date de fin.", field="du")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise DomainError("Choisissez une période de cinq ans au plus.", field="du")


def _node(row: dict, in_territory: bool) -> Node:
    return Node(
        pk=row["pk"],
        name=row["name"],
        kind=row["kind"],
        commune_code=row["commune_code"],
        is_external=row["is_external"],
        in_territory=in_territory,
    )


NODE_FIELDS = ("pk", "name", "kind", "commune_code", "is_external")


def build_actor_map(territory: Territory, *, start: date, end: date) -> ActorMap:
    """Five or six queries whatever the size of the territory (organisations, flows,
    answered delays on SQLite, partnerships, partners outside the territory)."""
    check_period(start, end)
    today = timezone.localdate()
    inside = {
        row["pk"]: _node(row, True)
        for row in Organisation.objects.filter(territory.organisations_q(), is_active=True)
        .order_by("name", "pk")
        .values(*NODE_FIELDS)
    }
    ids = list(inside)
    since, until = _period_bounds(start, end)
    # Two halves, each on its own index: what the territory sends (flow index: sender
    # first), and what it receives from outside (inbox index: receiver first). An OR of the
    # two would make the database scan the whole period.
    period = Referral.objects.filter(sent_at__gte=since, sent_at__lt=until).order_by()
    halves = (
        period.filter(sender_organisation_id__in=ids),
        period.filter(receiver_organisation_id__in=ids).exclude(sender_organisation_id__in=ids),
    )
    answered = Q(answered_at__isnull=False)
    # Only columns of the flow indexes (COUNT(*), not COUNT(id)): index-only reads.
    aggregates = {
        "count": Count("*"),
        "answered": Count("answered_at"),
        "accepted": Count("answered_at", filter=Q(status__in=ACCEPTED_STATUSES)),
    }
    on_postgresql = connection.vendor == "postgresql"
    if on_postgresql:
        aggregates["median_seconds"] = Median(
            ExpressionWrapper(F("answered_at") - F("sent_at"), output_field=DurationField()),
            filter=answered,
        )
    pair = ("sender_organisation_id", "receiver_organisation_id")
    rows = (
        list(
            halves[0]
            .values(*pair)
            .annotate(**aggregates)
            .union(halves[1].values(*pair).annotate(**aggregates), all=True)
        )
        if ids
        else []
    )
    medians: dict[tuple[int, int], timedelta | None] = {}
    if on_postgresql:
        for row in rows:
            seconds = row["median_seconds"]
            key = (row["sender_organisation_id"], row["receiver_organisation_id"])
            medians[key] = timedelta(seconds=seconds) if seconds is not None else None
    elif rows:
        delays: dict[tuple[int, int], list[float]] = defaultdict(list)
        answered_delays = [
            half.filter(answered).annotate(delay=SecondsBetween("sent_at", "answered_at"))
            for half in halves
        ]
        for sender, receiver, seconds in (
            answered_delays[0]
            .values_list(*pair, "delay")
            .union(answered_delays[1].values_list(*pair, "delay"), all=True)
        ):
            delays[(sender, receiver)].append(seconds)
        # To the second: julianday() arithmetic is exact to a few microseconds only.
        medians = {
            key: timedelta(seconds=round(statistics.median(values)))
            for key, values in delays.items()
        }

    partnership_rows = list(
        Partnership.objects.filter(Q(source_id__in=ids) | Q(target_id__in=ids))
        .order_by("source_id", "target_id", "kind")
        .values("pk", "source_id", "target_id", "kind", "description", "started_on", "ended_on")
    )
    outside_ids = {
        pk
        for row in rows
        for pk in (row["sender_organisation_id"], row["receiver_organisation_id"])
        if pk not in inside
    } | {
        pk for p in partnership_rows for pk in (p["source_id"], p["target_id"]) if pk not in inside
    }
    outside = {}
    if outside_ids:
        outside = {
            row["pk"]: _node(row, False)
            for row in Organisation.objects.filter(pk__in=outside_ids)
            .order_by("name", "pk")
            .values(*NODE_FIELDS)
        }
    nodes = {**inside, **outside}

    flows = []
    for row in rows:
        key = (row["sender_organisation_id"], row["receiver_organisation_id"])
        source, target = nodes[key[0]], nodes[key[1]]
        flow = Flow(
            source=source,
            target=target,
            count=row["count"],
            answered=row["answered"],
            accepted=row["accepted"],
            median_delay=medians.get(key),
        )
        source.sent += flow.count
        target.received += flow.count
        flows.append(flow)
    flows.sort(key=lambda f: (-f.count, f.source.name, f.target.name))

    partnerships = [
        PartnershipRow(
            pk=p["pk"],
            source=nodes[p["source_id"]],
            target=nodes[p["target_id"]],
            kind=p["kind"],
            description=p["description"],
            started_on=p["started_on"],
            ended_on=p["ended_on"],
            is_active=partnership_in_force(p["ended_on"], today),
        )
        for p in partnership_rows
    ]
    partnerships.sort(key=lambda p: (not p.is_active, p.source.name, p.target.name, p.kind))

    actor_map = ActorMap(
        territory=territory,
        start=start,
        end=end,
        organisations=list(inside.values()),
        outside=sorted(outside.values(), key=lambda n: (n.name, n.pk)),
        flows=flows,
        partnerships=partnerships,
    )
    actor_map.diagram_nodes = layout(actor_map)
    return actor_map
