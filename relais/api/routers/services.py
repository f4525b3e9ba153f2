"""Public search of published services (no authentication): the same search as the page
« Trouver un service », answered as data·inclusion v1 services plus the distance and why
each one matches. Services are not personal data: nothing is journaled."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from relais.api.schemas import ErrorOut
from relais.core.errors import DomainError
from relais.network.directory.datainclusion.export import service_to_v1
from relais.network.directory.search import (
    DEFAULT_RADIUS_KM,
    MAX_RADIUS_KM,
    ServiceQuery,
    search_services,
)

router = Router(tags=["Services (recherche publique)"])

MAX_PAGE_SIZE = 100


class ServiceSearchIn(Schema):
    thematique: list[str] = Field(
        default_factory=list,
        description=(
            "Codes data·inclusion de thématiques (répétable). Une catégorie (« mobilite ») "
            "couvre ses thématiques (« mobilite--preparer-un-permis »)."
        ),
    )
    commune: str = Field(
        "", max_length=5, description="Code INSEE de la commune (ex. 69123 pour Lyon)."
    )
    rayon: int = Field(
        DEFAULT_RADIUS_KM,
        ge=1,
        le=MAX_RADIUS_KM,
        description=f"Rayon autour de la commune, en km (1 à {MAX_RADIUS_KM}).",
    )
    public: str = Field("", max_length=60, description="Code data·inclusion d'un public.")
    accueil: str = Field(
        "", max_length=20, description="Mode d'accueil : en-presentiel ou a-distance."
    )
    q: str = Field("", max_length=200, description="Mots du nom ou de la description.")
    page: int = Field(1, ge=1, le=100_000)
    taille: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Services par page (100 au plus).")


class ServiceHitOut(Schema):
    source: str
    structure_id: str
    id: str
    nom: str
    description: str
    date_maj: date
    type: str | None = None
    thematiques: list[str] | None = None
    frais: str | None = None
    frais_precisions: str | None = None
    publics: list[str] | None = None
    publics_precisions: str | None = None
    conditions_acces: str | None = None
    commune: str | None = None
    code_postal: str | None = None
    code_insee: str | None = None
    adresse: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    telephone: str | None = None
    courriel: str | None = None
    modes_accueil: list[str] | None = None
    zone_eligibilite: list[str] | None = None
    lien_mobilisation: str | None = None
    modes_mobilisation: list[str] | None = None
    mobilisable_par: list[str] | None = None
    mobilisation_precisions: str | None = None
    horaires_accueil: str | None = None
    structure_nom: str = Field(description="Nom de la structure qui porte le service.")
    distance_km: float | None = Field(
        None, description="Distance à vol d'oiseau depuis la commune cherchée (km)."
    )
    raisons: list[str] = Field(description="Pourquoi ce service correspond à la recherche.")


class ServicePageOut(Schema):
    total: int
    page: int
    pages: int
    items: list[ServiceHitOut]


FIELD_NAMES = {
    "thematiques": "thematique",
    "commune": "commune",
    "radius_km": "rayon",
    "public": "public",
    "mode_accueil": "accueil",
}


@router.get(
    "/services",
    response={200: ServicePageOut, 400: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="Chercher des services publiés",
    description=(
        "Recherche publique (sans authentification) parmi les services publiés des structures "
        "actives. Avec une commune : du plus proche au plus éloigné, puis les services sans "
        "adresse qui interviennent sur la commune, son département ou toute la France."
    ),
)
def search(request: HttpRequest, filters: Annotated[ServiceSearchIn, Query()]):
    query = ServiceQuery(
        thematiques=tuple(filters.thematique),
        commune_code=filters.commune.strip().upper(),
        radius_km=filters.rayon,
        public=filters.public,
        mode_accueil=filters.accueil,
        text=filters.q,
    )
    try:
        results = search_services(query, page=filters.page, per_page=filters.taille)
    except DomainError as error:
        error.field = FIELD_NAMES.get(error.field or "", error.field)
        raise
    items = []
    for hit in results.hits:
        item = service_to_v1(hit.service)
        item.update(
            structure_nom=hit.service.organisation.name,
            distance_km=round(hit.distance_km, 2) if hit.distance_km is not None else None,
            raisons=hit.reasons,
        )
        items.append(item)
    return {
        "total": results.total,
        "page": results.page_number,
        "pages": results.num_pages,
        "items": items,
    }
