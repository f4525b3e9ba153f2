"""Needs against offer: for each life domain, the persons with a significant difficulty in
it (observed needs, per commune of residence) against the directory's services that answer
it (its data·inclusion thématiques) within a chosen distance. Communes where a need has no
service in reach are the gaps; several services of the same thématique and public on the
same commune are listed as possibly redundant offers."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from relais.core.disclosure import Figure
from relais.diagnostics.domains import Domain, domain_thematiques
from relais.network.directory.geo import haversine_km
from relais.network.directory.models import Service
from relais.network.directory.thematiques import label as thematique_label
from relais.territory import geography
from relais.territory.needs import OTHERS, OTHERS_LABEL, NeedsFigures, ObservedNeeds

GRID = 0.1  # degrees: services are bucketed so that each commune looks only nearby


@dataclass
class DomainGap:
    domain: str
    label: str
    persons: int
    services_in_reach: int
    gap_communes: list[tuple[str, str, int]] = field(default_factory=list)  # code, name, persons
    # Some of the small communes counted together (« autres communes ») have no service in
    # reach: they are never named one by one (decision 0049).
    others_without_service: bool = False


@dataclass
class Redundancy:
    thematique: str
    publics: str
    commune: str
    services: list[str]


@dataclass
class GapAnalysis:
    radius_km: int
    domains: list[DomainGap]
    redundancies: list[Redundancy]
    points: list[tuple[str, float, float, str]]


def _services_near(communes: list[str], radius_km: int):
    coords = [c for c in (geography.communes()[code].coordinates for code in communes) if c]
    if not coords:
        return []
    margin_lat = radius_km / 111.0
    mid = math.radians(sum(lat for lat, _ in coords) / len(coords))
    margin_lon = radius_km / (111.0 * max(0.2, math.cos(mid)))
    return list(
        Service.objects.published()
        .filter(
            latitude__gte=min(lat for lat, _ in coords) - margin_lat,
            latitude__lte=max(lat for lat, _ in coords) + margin_lat,
            longitude__gte=min(lon for _, lon in coords) - margin_lon,
            longitude__lte=max(lon for _, lon in coords) + margin_lon,
        )
        .values_list(
            "pk", "name", "thematiques", "publics", "commune_code", "latitude", "longitude"
        )
    )


def gap_analysis(needs: ObservedNeeds, *, radius_km: int = 10) -> GapAnalysis:
    communes = geography.communes_of(needs.territory.areas)
    services = _services_near(communes, radius_km)
    table = geography.communes()
    by_thematique: dict[str, dict[tuple[int, int], list[tuple[int, float, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for pk, _name, thematiques, _publics, _commune, lat, lon in services:
        cell = (int(lat // GRID), int(lon // GRID))
        for thematique in {*(thematiques or []), *(t.split("--")[0] for t in thematiques or [])}:
            by_thematique[thematique][cell].append((pk, lat, lon))
    reach_cells = int(radius_km / (111.0 * GRID) * 2) + 1

    def in_reach(thematiques: list[str], lat: float, lon: float) -> set[int]:
        found: set[int] = set()
        cy, cx = int(lat // GRID), int(lon // GRID)
        for thematique in thematiques:
            grid = by_thematique.get(thematique)
            if not grid:
                continue
            for dy in range(-reach_cells, reach_cells + 1):
                for dx in range(-reach_cells, reach_cells + 1):
                    for pk, slat, slon in grid.get((cy + dy, cx + dx), ()):
                        if pk not in found and haversine_km(lat, lon, slat, slon) <= radius_km:
                            found.add(pk)
        return found

    domains: list[DomainGap] = []
    gap_codes: set[str] = set()
    need_codes: set[str] = set()
    for key, label, persons, _blocking in needs.by_domain:
        thematiques = domain_thematiques(key)
        gap = DomainGap(domain=key, label=label, persons=persons, services_in_reach=0)
        in_reach_of_needs: set[int] = set()
        for code, per_domain in needs.commune_domain.items():
            count = per_domain.get(key, 0)
            commune = table.get(code)
            if not count or commune is None or commune.coordinates is None:
                continue
            need_codes.add(code)
            lat, lon = commune.coordinates
            reachable = in_reach(thematiques, lat, lon)
            in_reach_of_needs |= reachable
            if not reachable:
                if code in needs.grouped:
                    gap.others_without_service = True
                else:
                    gap.gap_communes.append((code, commune.name, count))
                    gap_codes.add(code)
        # Services of the domain within the distance of at least one commune with the need.
        gap.services_in_reach = len(in_reach_of_needs)
        gap.gap_communes.sort(key=lambda r: -r[2])
        domains.append(gap)
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    territory_codes = set(communes)
    for _pk, name, thematiques, publics, recorded, _lat, _lon in services:
        commune = geography.commune_of(recorded)  # a service in « Lyon 3e » is in Lyon
        if commune not in territory_codes:
            continue
        for thematique in thematiques or []:
            groups[
                (thematique, ", ".join(sorted(publics or [])) or "tous publics", commune)
            ].append(name)
    redundancies = [
        Redundancy(
            thematique=thematique_label(t),
            publics=p,
            commune=table[c].name if c in table else c,
            services=sorted(names),
        )
        for (t, p, c), names in sorted(groups.items())
        if len(names) > 1
    ]
    points = [
        (table[c].name, *table[c].coordinates, "gap" if c in gap_codes else "ok")
        for c in sorted(need_codes - needs.grouped)
        if table[c].coordinates
    ]
    return GapAnalysis(
        radius_km=radius_km, domains=domains, redundancies=redundancies, points=points
    )


def gap_rows(
    analysis: GapAnalysis, figures: NeedsFigures
) -> list[tuple[str, Figure, int, list[tuple[str, Figure | None]]]]:
    """The gap table as shown: per domain, its persons and the communes without a service in
    reach with their persons — the figures of `needs.disclosed`, whose secondary suppression
    covers each domain's communes and total, so that the listed communes never give a hidden
    one by subtraction. The small communes counted together are named « autres communes »,
    without a count (theirs is a part of a unit, a figure no table shows)."""
    domains = {key: n for key, _label, n, _b in figures.domains}
    rows = []
    for gap in analysis.domains:
        communes: list[tuple[str, Figure | None]] = [
            (name, figures.commune_domain[(gap.domain, code)])
            for code, name, _n in gap.gap_communes
        ]
        if gap.others_without_service:
            communes.append((OTHERS_LABEL.lower(), None))
        rows.append((gap.label, domains[gap.domain], gap.services_in_reach, communes))
    return rows


__all__ = ["OTHERS", "Domain", "GapAnalysis", "gap_analysis", "gap_rows"]
