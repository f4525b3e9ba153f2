"""The indexed forms of a service that the search filters on, and keeping them equal to
its fields: ServiceThematique (each thématique and its category) and ServiceZone (the zone
codes of a service without coordinates). Every write of a service goes through here."""

from __future__ import annotations

from collections.abc import Iterable

from relais.network.directory.models import Service, ServiceThematique, ServiceZone
from relais.network.directory.thematiques import category_of


def thematique_index_values(thematiques: Iterable[str]) -> set[str]:
    """What ServiceThematique holds for a service: each thématique and its category."""
    values = set()
    for code in thematiques or ():
        values.add(code)
        values.add(category_of(code))
    return values


def zone_index_values(zone: Iterable[str], *, located: bool) -> set[str]:
    """What ServiceZone holds for a service: its zone codes, lower-cased — for a service
    without coordinates only, the only ones the search places by their zone."""
    if located:
        return set()
    return {str(code).strip().lower() for code in zone or () if str(code).strip()}


def sync_index_rows(service: Service, *, created: bool = False) -> None:
    """Keep the indexed forms of the service's thématiques and zone (what the search
    filters on) equal to its fields."""
    _sync_rows(
        service.thematique_rows,
        ServiceThematique,
        "thematique",
        thematique_index_values(service.thematiques),
        service=service,
        created=created,
    )
    _sync_rows(
        service.zone_rows,
        ServiceZone,
        "code",
        zone_index_values(service.zone_eligibilite, located=service.latitude is not None),
        service=service,
        created=created,
    )


def _sync_rows(manager, model, field: str, wanted: set[str], *, service, created) -> None:
    existing = set() if created else set(manager.values_list(field, flat=True))
    if existing - wanted:
        manager.filter(**{f"{field}__in": existing - wanted}).delete()
    if wanted - existing:
        model.objects.bulk_create(
            [model(service=service, **{field: value}) for value in sorted(wanted - existing)]
        )


def create_index_rows(services: list[Service]) -> None:
    """The ServiceThematique and ServiceZone rows of services created in bulk."""
    ServiceThematique.objects.bulk_create(
        [
            ServiceThematique(service=service, thematique=code)
            for service in services
            for code in sorted(thematique_index_values(service.thematiques))
        ],
        batch_size=1000,
    )
    ServiceZone.objects.bulk_create(
        [
            ServiceZone(service=service, code=code)
            for service in services
            for code in sorted(
                zone_index_values(service.zone_eligibilite, located=service.latitude is not None)
            )
        ],
        batch_size=1000,
    )
