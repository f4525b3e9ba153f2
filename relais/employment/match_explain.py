"""The explanation of a rank, criterion by criterion, in French (relais.employment.matching
computes the points in the database; this turns a ranked row into what the page shows), and
what may be used of a co-followed person (`Sharing`, decision 0061)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from relais.diagnostics.domains import Domain
from relais.employment import references
from relais.employment.models import MOBILITY_SPEED, Mobility, Position, Schedule
from relais.employment.vocabulary import ability_label
from relais.people.models import Person
from relais.people.policies import Capability

# Roads are not straight lines: the estimate lengthens the distance by this factor.
DETOUR = 1.3
CHILDCARE_HARD = (Schedule.SHIFTS, Schedule.EARLY_LATE, Schedule.NIGHT, Schedule.WEEKEND)
HEALTH_HARD = (Schedule.SHIFTS, Schedule.NIGHT)


def travel_minutes(distance_km: float | None, mobility: str) -> int | None:
    if distance_km is None:
        return None
    speed = MOBILITY_SPEED.get(mobility, 18)
    return max(1, round(distance_km * DETOUR / speed * 60))


@dataclass
class Criterion:
    label: str
    points: int
    out_of: int
    text: str
    ok: bool


@dataclass
class Match:
    score: int
    criteria: list[Criterion] = field(default_factory=list)
    person: Person | None = None
    position: Position | None = None
    distance_km: float | None = None
    # A co-followed person: how the user may name them, and what was not shared.
    cofollowed: bool = False
    label: str = ""
    not_shared: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Sharing:
    """What may be used of the co-followed persons among those ranked: their ids by what
    their access allows. Built from `relais.people.cofollowing`'s accesses."""

    ids: frozenset[int] = frozenset()
    named: frozenset[int] = frozenset()  # identity shared
    family: frozenset[int] = frozenset()  # diagnostic's family domain shared
    health: frozenset[int] = frozenset()  # diagnostic's health domain shared
    situation: frozenset[int] = frozenset()  # situation (driving licence) shared

    @classmethod
    def from_accesses(cls, accesses: Mapping[int, Any]) -> Sharing:
        """Only the persons whose pathway is shared (READ_STEPS) are ranked at all."""
        ranked = {pid: a for pid, a in accesses.items() if a.allows(Capability.READ_STEPS)}

        def where(test) -> frozenset[int]:
            return frozenset(pid for pid, a in ranked.items() if test(a))

        return cls(
            ids=frozenset(ranked),
            named=where(lambda a: a.allows(Capability.READ_IDENTITY)),
            family=where(lambda a: a.sees_domain(Domain.FAMILY)),
            health=where(lambda a: a.sees_domain(Domain.HEALTH)),
            situation=where(lambda a: a.allows(Capability.READ_SITUATION)),
        )

    def hidden(self, ids: frozenset[int]) -> list[int]:
        """The co-followed persons for whom that part was not shared (sorted, for SQL)."""
        return sorted(self.ids - ids)


def explain(
    *,
    position,
    person,
    rome,
    rome_points,
    met,
    dist2,
    max_km,
    mobility,
    max_hours,
    childcare,
    health,
    has_licence,
    sharing: Sharing | None = None,
) -> Match:
    required = list(position.required_abilities)
    criteria = []
    sharing = sharing or Sharing()
    cofollowed = person.pk in sharing.ids
    not_shared = []
    if cofollowed:
        if person.pk not in sharing.family and position.schedule in CHILDCARE_HARD:
            not_shared.append("famille et garde d'enfants (diagnostic)")
        if person.pk not in sharing.health and position.schedule in HEALTH_HARD:
            not_shared.append("santé (diagnostic)")
        if person.pk not in sharing.situation and position.driving_licence_required:
            not_shared.append("permis de conduire (situation)")
    project_label = " ou ".join(f"{c} {references.rome_label(c)}" for c in rome if c)
    if rome_points == 40:
        text = f"Le poste ({position.rome_code}) correspond au projet professionnel."
    elif rome_points:
        text = f"Métier voisin du projet ({project_label}) : même famille ROME."
    else:
        text = f"Métier différent du projet ({project_label})."
    criteria.append(Criterion("Métier", rome_points, 40, text, rome_points == 40))
    missing = [c for c in required if c not in met]
    if required:
        points = round(30 * len(met) / len(required))
        text = f"{len(met)} habileté(s) sur {len(required)} observée(s)"
        if met:
            text += " : " + ", ".join(ability_label(c) for c in sorted(met))
        if missing:
            text += ". Manquantes : " + ", ".join(ability_label(c) for c in missing)
        criteria.append(Criterion("Habiletés", points, 30, text + ".", not missing))
    else:
        criteria.append(
            Criterion("Habiletés", 30, 30, "Le poste n'exige pas d'habileté particulière.", True)
        )
    if dist2 is None:
        criteria.append(
            Criterion("Distance", 0, 20, "Distance inconnue (commune manquante).", False)
        )
    else:
        km = math.sqrt(dist2)
        minutes = travel_minutes(km, mobility)
        points = 20 if km <= max_km else 8 if km <= 1.5 * max_km else 0
        criteria.append(
            Criterion(
                "Distance",
                points,
                20,
                f"{km:.1f} km à vol d'oiseau, environ {minutes} min "
                f"({_mobility_label(mobility)}) ; maximum souhaité : {max_km} km.",
                km <= max_km,
            )
        )
    hours = Decimal(position.weekly_hours)
    hours_ok = hours <= max_hours
    parts = [
        f"{hours.normalize():f} h par semaine ({'dans' if hours_ok else 'au-delà de'} la limite de {max_hours} h)"
    ]
    if childcare:
        parts.append("horaires difficiles avec la garde d'enfants relevée au diagnostic")
    if health:
        parts.append("horaires à vérifier au regard de la santé (diagnostic)")
    hidden_constraints = [n for n in not_shared if "diagnostic" in n]
    if hidden_constraints:
        parts.append(
            "contraintes non partagées avec vous, non prises en compte : "
            + ", ".join(hidden_constraints)
        )
    points = (5 if hours_ok else 0) + (0 if childcare or health else 5)
    criteria.append(
        Criterion(
            "Horaires",
            points,
            10,
            " ; ".join(parts) + ".",
            points == 10 and not hidden_constraints,
        )
    )
    licence_hidden = cofollowed and person.pk not in sharing.situation
    if position.driving_licence_required and licence_hidden:
        criteria.append(
            Criterion(
                "Permis",
                0,
                0,
                "Permis B exigé ; la situation de la personne n'est pas partagée avec vous : "
                "à vérifier avec elle.",
                False,
            )
        )
    elif position.driving_licence_required and not has_licence:
        criteria.append(
            Criterion("Permis", -10, 0, "Permis B exigé, la personne ne l'a pas.", False)
        )
    score = max(0, sum(c.points for c in criteria))
    if cofollowed and person.pk not in sharing.named:
        label = f"Personne n° {person.pk}"
    else:
        label = person.display_name
    return Match(
        score=score,
        criteria=criteria,
        person=person,
        position=position,
        distance_km=None if dist2 is None else math.sqrt(dist2),
        cofollowed=cofollowed,
        label=label,
        not_shared=not_shared,
    )


def _mobility_label(mobility: str) -> str:
    return Mobility(mobility).label.lower() if mobility in Mobility.values else mobility
