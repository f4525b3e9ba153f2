"""Existing offers (feasibility, 3.5): the directory's services that answer the same
thématiques for the same public in the project's area, listed automatically.

The thématiques are the project's own, plus those of the barriers its needs name (the
diagnostics' vocabulary maps each barrier to data·inclusion thématiques). A service is
flagged as possibly redundant when it serves the project's public by name (not only
« tous publics ») and shares one of its thématiques at the most precise level: such an
offer already does what the project plans, and the funder will ask why another is needed.
The project's own organisation's services are listed too (they may already do it).
"""

from __future__ import annotations

from dataclasses import dataclass

from relais.core.errors import DomainError
from relais.diagnostics.domains import barrier_thematiques
from relais.network.directory import thematiques as vocabulary
from relais.network.directory.search import ServiceHit, ServiceQuery, search_services
from relais.projects.models import Project

MAX_OFFERS = 30
RADIUS_KM = 30


@dataclass
class Offer:
    hit: ServiceHit
    shared: list[str]
    redundant: bool


@dataclass
class Offers:
    thematiques: list[str]
    offers: list[Offer]
    total: int
    problem: str = ""

    @property
    def redundant_count(self) -> int:
        return sum(1 for o in self.offers if o.redundant)


def project_thematiques(project: Project, barrier_codes: list[str]) -> list[str]:
    codes = list(project.thematiques)
    for code in barrier_codes:
        codes.extend(barrier_thematiques(code)[:2])
    return [c for c in dict.fromkeys(codes) if vocabulary.is_known(c)]


def existing_offers(project: Project, barrier_codes: list[str]) -> Offers:
    codes = project_thematiques(project, barrier_codes)
    if not codes:
        return Offers(
            [],
            [],
            0,
            "Ajoutez des thématiques ou des besoins liés à des freins pour comparer avec l'offre existante.",
        )
    query = ServiceQuery(
        thematiques=tuple(codes),
        commune_code=project.commune_code,
        radius_km=RADIUS_KM,
        public=project.public,
    )
    try:
        results = search_services(query, per_page=MAX_OFFERS)
    except DomainError as error:
        return Offers(codes, [], 0, error.message)
    wanted = set(codes)
    offers = []
    for hit in results.hits:
        service_codes = set(hit.service.thematiques or [])
        shared = sorted(wanted & service_codes)
        named_public = bool(project.public) and project.public in (hit.service.publics or [])
        precise = any("--" in c for c in shared) or not any("--" in c for c in wanted)
        offers.append(
            Offer(
                hit=hit,
                shared=vocabulary.labels(shared),
                redundant=bool(shared) and named_public and precise,
            )
        )
    return Offers(codes, offers, results.total)
