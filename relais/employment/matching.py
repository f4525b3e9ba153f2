"""Matching persons and positions, computed in the database and explained per criterion.

Nothing is decided here: the ranking helps the professional look; the professional
proposes, the person agrees, and a placement or a step follows.

The score (out of 100) adds four criteria, each explained on the page:
- **métier** (40): the position's ROME code is the person's project (40) or its second
  choice (40), or of the same ROME family — letter and two digits, « K22 » — (20);
- **habiletés** (30): the share of the position's required abilities whose latest
  observation (the current level) is 2 or more (30 when the position requires none);
- **distance** (20): straight-line distance within the person's maximum (20), up to one and
  a half times it (8); travel time is estimated from the person's means of travel;
- **horaires** (10): the weekly hours within the person's maximum, and a schedule
  compatible with the constraints of the latest diagnostic — childcare (« famille et garde
  d'enfants » at difficulty 2 or more) rules out shifts, early/late, night and weekend work;
  health (« santé » at 2 or more) rules out night and shift work (5 for each half).
A required driving licence the person lacks takes 10 points off.

Co-followed persons (another organisation's, in a coordination team the user belongs to)
are ranked with the organisation's own when their pathway is shared with the user (the
« étapes du parcours » category: the employment project and the abilities are part of the
pathway's work). Only what they agreed to share is used: their childcare and health
constraints count only if the family or health domain of the diagnostic is shared, their
driving licence only if their situation is; otherwise the explanation says so, and the
ranking does not use it (it would reveal it). See decision 0061.

Distances use the equirectangular approximation (exact to a few hundred metres at 30 km),
which needs only arithmetic, hence runs on SQLite and PostgreSQL alike; the bounding box
of `relais.network.directory.geo` narrows the rows first through the latitude index."""

from __future__ import annotations

import math

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length, Replace

from relais.diagnostics.domains import Domain
from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.employment import references
from relais.employment.match_explain import (
    CHILDCARE_HARD,
    DETOUR,
    HEALTH_HARD,
    Criterion,
    Match,
    Sharing,
    explain,
    travel_minutes,
)
from relais.employment.models import Ability, EmploymentProject, Position, PositionStatus
from relais.employment.vocabulary import Level
from relais.network.directory.geo import bounding_box
from relais.people.models import DrivingLicence, Person

# Names other modules (pages, API, bench) import from here.
__all__ = [
    "CHILDCARE_HARD",
    "DETOUR",
    "HEALTH_HARD",
    "POSITION_RADIUS_KM",
    "Criterion",
    "Match",
    "Sharing",
    "persons_for_position",
    "positions_for_person",
    "travel_minutes",
]

KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON_EQUATOR = 111.32
POSITION_RADIUS_KM = 30
DIFFICULT = 2


def _distance2(lat, lon, lat0: float, lon0: float):
    """Squared distance in km² between (lat, lon) expressions and a fixed point."""
    k_lon = KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
    dx = (lon - Value(lon0)) * Value(k_lon)
    dy = (lat - Value(lat0)) * Value(KM_PER_DEG_LAT)
    return ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField())


def _current(observations):
    """Only the latest observation of each (person, ability): it is the ability's current
    level (`relais.employment.abilities`), so an ability seen at 3 then at 1 is not met.
    Latest by date, then by entry for two observations of one day — as the record shows
    them. A `NOT EXISTS` on the (person, code) index: still one query."""
    newer = Ability.objects.filter(person=OuterRef("person"), code=OuterRef("code")).filter(
        Q(observed_on__gt=OuterRef("observed_on"))
        | Q(observed_on=OuterRef("observed_on"), pk__gt=OuterRef("pk"))
    )
    return observations.filter(~Exists(newer))


def _constraint(domain: str, person_ref: str = "pk"):
    latest = Diagnostic.objects.filter(person=OuterRef(OuterRef(person_ref))).order_by(
        "-assessed_on", "-pk"
    )
    return Exists(
        DomainAssessment.objects.filter(
            diagnostic=Subquery(latest.values("pk")[:1]), domain=domain, difficulty__gte=DIFFICULT
        )
    )


# ---- from a position: the persons ---------------------------------------------------------


def persons_for_position(
    position: Position, persons, *, limit: int = 50, sharing: Sharing | None = None
) -> list[Match]:
    """Rank `persons` (a queryset already scoped to what the user may see) with an
    employment project for `position`; with `sharing`, the co-followed persons it names
    are ranked too, on what they shared only. Two queries: the ranked page, then the
    abilities met by the persons of that page (for the explanation)."""
    sharing = sharing or Sharing()
    if sharing.ids:
        persons = persons | Person.objects.filter(
            pk__in=sorted(sharing.ids), merged_into__isnull=True, archived_at__isnull=True
        )
    required = list(position.required_abilities)
    family = references.rome_family(position.rome_code)
    met = (
        _current(Ability.objects.filter(person=OuterRef("pk"), code__in=required or ["-"]))
        .filter(level__gte=Level.MET)
        .values("person")
        .annotate(n=Count("code", distinct=True))
        .values("n")
    )
    hard_for_childcare = position.schedule in CHILDCARE_HARD
    hard_for_health = position.schedule in HEALTH_HARD
    project = "employment_project__"
    rows = persons.filter(employment_project__isnull=False).annotate(
        p_rome=F(project + "rome_code"),
        p_rome2=F(project + "rome_code_2"),
        p_max_km=F(project + "max_distance_km"),
        p_mobility=F(project + "mobility"),
        p_max_hours=F(project + "max_weekly_hours"),
        rome_points=Case(
            When(
                Q(employment_project__rome_code=position.rome_code)
                | Q(employment_project__rome_code_2=position.rome_code),
                then=Value(40),
            ),
            When(
                Q(employment_project__rome_code__startswith=family)
                | Q(employment_project__rome_code_2__startswith=family),
                then=Value(20),
            ),
            default=Value(0),
            output_field=IntegerField(),
        ),
        met=Coalesce(Subquery(met, output_field=IntegerField()), Value(0)),
        childcare=_unless_hidden(
            _constraint(Domain.FAMILY), sharing.hidden(sharing.family), hard_for_childcare
        ),
        health=_unless_hidden(
            _constraint(Domain.HEALTH), sharing.hidden(sharing.health), hard_for_health
        ),
    )
    if position.latitude is not None:
        rows = rows.annotate(
            dist2=_distance2(
                F(project + "latitude"),
                F(project + "longitude"),
                position.latitude,
                position.longitude,
            )
        )
        max2 = F("p_max_km") * F("p_max_km")
        rows = rows.annotate(
            distance_points=Case(
                When(dist2__isnull=True, then=Value(0)),
                When(dist2__lte=max2, then=Value(20)),
                When(dist2__lte=max2 * Value(2.25), then=Value(8)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    else:
        rows = rows.annotate(dist2=Value(None, output_field=FloatField()), distance_points=Value(0))
    hours_ok = Q(p_max_hours__gte=position.weekly_hours)
    rows = rows.annotate(
        hours_points=Case(When(hours_ok, then=Value(5)), default=Value(0))
        + Case(When(Q(childcare=True) | Q(health=True), then=Value(0)), default=Value(5)),
        licence_points=Value(0)
        if not position.driving_licence_required
        else Case(
            When(driving_licence=DrivingLicence.B, then=Value(0)),
            When(pk__in=sharing.hidden(sharing.situation), then=Value(0)),
            default=Value(-10),
        ),
    )
    ability_points = F("met") * Value(30) / Value(len(required)) if required else Value(30)
    rows = rows.annotate(
        score=F("rome_points")
        + ability_points
        + F("distance_points")
        + F("hours_points")
        + F("licence_points")
    ).filter(Q(rome_points__gt=0) | Q(distance_points__gt=0))
    page = list(rows.order_by("-score", F("dist2").asc(nulls_last=True), "pk")[:limit])
    met_codes: dict[int, set[str]] = {}
    for person_id, code in (
        _current(Ability.objects.filter(person__in=[p.pk for p in page], code__in=required))
        .filter(level__gte=Level.MET)
        .values_list("person_id", "code")
    ):
        met_codes.setdefault(person_id, set()).add(code)
    return [
        explain(
            position=position,
            person=p,
            rome=(p.p_rome, p.p_rome2),
            rome_points=p.rome_points,
            met=met_codes.get(p.pk, set()),
            dist2=p.dist2,
            max_km=p.p_max_km,
            mobility=p.p_mobility,
            max_hours=p.p_max_hours,
            childcare=bool(p.childcare),
            health=bool(p.health),
            has_licence=p.driving_licence == DrivingLicence.B,
            sharing=sharing,
        )
        for p in page
    ]


def _unless_hidden(constraint, hidden: list[int], relevant: bool):
    """The diagnostic constraint, read only for the persons who shared that domain."""
    if not relevant:
        return Value(False)
    if not hidden:
        return constraint
    return Case(
        When(pk__in=hidden, then=Value(False)),
        default=constraint,
        output_field=BooleanField(),
    )


# ---- from a person: the open positions ----------------------------------------------------


def positions_for_person(
    person: Person,
    project: EmploymentProject,
    positions,
    *,
    radius_km: int = POSITION_RADIUS_KM,
    limit: int = 50,
) -> list[Match]:
    """Rank the open `positions` (a queryset scoped to the organisation) within
    `radius_km` of the person. One query for the page (the person's abilities and
    constraints are read first, three small queries)."""
    met = set(
        _current(Ability.objects.filter(person=person))
        .filter(level__gte=Level.MET)
        .values_list("code", flat=True)
    )
    childcare = Person.objects.filter(pk=person.pk).filter(_constraint(Domain.FAMILY)).exists()
    health = Person.objects.filter(pk=person.pk).filter(_constraint(Domain.HEALTH)).exists()
    rows = positions.filter(status=PositionStatus.OPEN)
    if project.latitude is None:
        return []
    box = bounding_box(project.latitude, project.longitude, radius_km)
    rows = rows.filter(
        latitude__gte=box.min_lat,
        latitude__lte=box.max_lat,
        longitude__gte=box.min_lon,
        longitude__lte=box.max_lon,
    ).annotate(dist2=_distance2(F("latitude"), F("longitude"), project.latitude, project.longitude))
    rows = rows.filter(dist2__lte=radius_km * radius_km)
    romes = [c for c in (project.rome_code, project.rome_code_2) if c]
    families = {references.rome_family(c) for c in romes}
    required_count = (
        Length("abilities_key") - Length(Replace("abilities_key", Value("|"), Value(""))) - Value(1)
    )
    met_sum = sum(
        (
            Case(When(abilities_key__contains=f"|{code}|", then=Value(1)), default=Value(0))
            for code in sorted(met)
        ),
        Value(0),
    )
    max_km = project.max_distance_km
    hard = list(CHILDCARE_HARD if childcare else ()) + list(HEALTH_HARD if health else ())
    rows = rows.annotate(
        rome_points=Case(
            When(rome_code__in=romes, then=Value(40)),
            When(_family_q(families), then=Value(20)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        required_n=Case(When(abilities_key="", then=Value(0)), default=required_count),
        met_n=met_sum,
        distance_points=Case(
            When(dist2__lte=max_km * max_km, then=Value(20)),
            When(dist2__lte=2.25 * max_km * max_km, then=Value(8)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        hours_points=Case(
            When(weekly_hours__lte=project.max_weekly_hours, then=Value(5)), default=Value(0)
        )
        + Case(When(schedule__in=hard, then=Value(0)), default=Value(5)),
        licence_points=Value(0)
        if person.driving_licence == DrivingLicence.B
        else Case(When(driving_licence_required=True, then=Value(-10)), default=Value(0)),
    )
    ability_points = Case(
        When(required_n=0, then=Value(30)),
        default=F("met_n") * Value(30) / F("required_n"),
        output_field=IntegerField(),
    )
    rows = rows.annotate(
        score=F("rome_points")
        + ability_points
        + F("distance_points")
        + F("hours_points")
        + F("licence_points")
    ).select_related("employer")
    page = list(rows.order_by("-score", "dist2", "pk")[:limit])
    return [
        explain(
            position=pos,
            person=person,
            rome=(project.rome_code, project.rome_code_2),
            rome_points=pos.rome_points,
            met=met & set(pos.required_abilities),
            dist2=pos.dist2,
            max_km=max_km,
            mobility=project.mobility,
            max_hours=project.max_weekly_hours,
            childcare=childcare and pos.schedule in CHILDCARE_HARD,
            health=health and pos.schedule in HEALTH_HARD,
            has_licence=person.driving_licence == DrivingLicence.B,
        )
        for pos in page
    ]


def _family_q(families: set[str]) -> Q:
    q = Q(pk__in=[])
    for family in families:
        q |= Q(rome_code__startswith=family)
    return q
