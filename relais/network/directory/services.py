"""Writes to the directory (annuaire): external partners, organisations' directory entries,
services (data·inclusion fields), their confirmation and publication. The import of
data·inclusion files is relais.network.directory.catalogue_import; the reminder about
services not confirmed for six months, relais.network.directory.reminders.

Organisations and services are not personal data: nothing here is journaled. Every write
of a service keeps its ServiceThematique and ServiceZone rows (what the search filters on)
in sync (relais.network.directory.indexing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Organisation, OrganisationKind, User
from relais.accounts.validators import normalise_siret, validate_commune_code, validate_siret
from relais.core.communes import get_commune
from relais.core.errors import DomainError
from relais.core.versioning import update_versioned
from relais.network.directory.datainclusion.checks import (
    coordinates_error,
    normalise_zone,
    phone_or_error,
    service_field_problems,
)
from relais.network.directory.datainclusion.schema import unknown_codes
from relais.network.directory.indexing import sync_index_rows
from relais.network.directory.models import Service

# Fields of a directory entry that its managers maintain; the identity of an organisation
# on the platform (name, type, SIRET, commune) is kept by the platform administrators.
DIRECTORY_FIELDS = (
    "description",
    "address",
    "postal_code",
    "phone",
    "email",
    "website",
    "networks",
    "latitude",
    "longitude",
)
IDENTITY_FIELDS = ("name", "kind", "siret", "commune_code")

SERVICE_FIELDS = (
    "name",
    "description",
    "type",
    "thematiques",
    "frais",
    "frais_precisions",
    "publics",
    "publics_precisions",
    "conditions_acces",
    "phone",
    "email",
    "modes_accueil",
    "zone_eligibilite",
    "modes_mobilisation",
    "mobilisable_par",
    "mobilisation_precisions",
    "lien_mobilisation",
    "horaires_accueil",
    "volume_horaire_hebdomadaire",
    "nombre_semaines",
    "address",
    "postal_code",
    "commune_code",
    "latitude",
    "longitude",
)

# --- Helpers -------------------------------------------------------------------------------


def _check(condition: bool, message: str, field: str) -> None:
    if not condition:
        raise DomainError(message, field=field)


def _clean_phone(phone: str) -> str:
    if not phone:
        return ""
    normalised, error = phone_or_error(phone)
    _check(error is None, error or "", "phone")
    return normalised


def with_location(values: dict[str, Any]) -> dict[str, Any]:
    """Postal code and coordinates from the commune when not given."""
    commune = get_commune(values["commune_code"]) if values.get("commune_code") else None
    if commune is not None:
        if not values.get("postal_code"):
            values["postal_code"] = commune.postal_code
        if values.get("latitude") is None and values.get("longitude") is None:
            values["latitude"], values["longitude"] = commune.latitude, commune.longitude
    return values


def _check_networks(networks: Sequence[str]) -> list[str]:
    unknown = unknown_codes("reseaux_porteurs", networks)
    _check(not unknown, f"Réseau porteur inconnu : {', '.join(unknown)}.", "networks")
    return list(dict.fromkeys(networks))


def _organisation_values(values: dict[str, Any], *, identity: bool) -> dict[str, Any]:
    values = dict(values)
    if identity:
        name = (values.get("name") or "").strip()
        _check(len(name) >= 3, "Le nom de la structure fait au moins 3 caractères.", "name")
        values["name"] = name
        _check(
            values.get("kind") in OrganisationKind.values,
            "Choisissez un type de structure.",
            "kind",
        )
        siret = normalise_siret(values.get("siret") or "")
        if siret:
            try:
                validate_siret(siret)
            except ValidationError as error:
                raise DomainError(" ".join(error.messages), field="siret") from error
        values["siret"] = siret
        code = (values.get("commune_code") or "").strip().upper()
        try:
            validate_commune_code(code)
        except ValidationError as error:
            raise DomainError(" ".join(error.messages), field="commune_code") from error
        values["commune_code"] = code
    if "phone" in values:
        values["phone"] = _clean_phone(values.get("phone") or "")
    if "networks" in values:
        values["networks"] = _check_networks(values.get("networks") or [])
    error = coordinates_error(values.get("latitude"), values.get("longitude"))
    _check(error is None, error or "", "latitude")
    return values


def _check_siret_free(siret: str, organisation: Organisation | None = None) -> None:
    if not siret:
        return
    holder = Organisation.objects.filter(siret=siret).exclude(
        pk=organisation.pk if organisation else None
    )
    holder = holder.first()
    _check(
        holder is None,
        f"Ce SIRET est déjà celui de « {holder.name if holder else ''} » dans l'annuaire.",
        "siret",
    )


# --- Organisations -------------------------------------------------------------------------


@transaction.atomic
def external_organisation_create(
    *,
    actor: User,
    name: str,
    kind: str,
    commune_code: str,
    siret: str = "",
    description: str = "",
    address: str = "",
    postal_code: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
    networks: Sequence[str] = (),
    latitude: float | None = None,
    longitude: float | None = None,
) -> Organisation:
    """A partner "hors plateforme": listed in the directory, without users. Whoever adds it
    (and the members of their organisation) may edit it."""
    values = _organisation_values(
        {
            "name": name,
            "kind": kind,
            "siret": siret,
            "commune_code": commune_code,
            "description": description,
            "address": address,
            "postal_code": postal_code,
            "phone": phone,
            "email": email,
            "website": website,
            "networks": list(networks),
            "latitude": latitude,
            "longitude": longitude,
        },
        identity=True,
    )
    _check_siret_free(values["siret"])
    values = with_location(values)
    return Organisation.objects.create(**values, is_external=True, created_by=actor)


@transaction.atomic
def organisation_directory_update(
    *, organisation: Organisation, actor: User, expected_version: int, **changes: Any
) -> Organisation:
    """Change a directory entry. An organisation on the platform keeps its identity (name,
    type, SIRET, commune: the platform administrators' part); a partner "hors plateforme"
    may change everything. Refused (StaleObjectError) if someone saved it since
    `expected_version` was read."""
    allowed = DIRECTORY_FIELDS + (IDENTITY_FIELDS if organisation.is_external else ())
    unexpected = set(changes) - set(allowed)
    if unexpected:
        raise DomainError(
            "Le nom, le type, le SIRET et la commune d'une structure inscrite sur la plateforme "
            "sont modifiés par l'administration de la plateforme.",
            field=sorted(unexpected)[0],
        )
    current = {f: getattr(organisation, f) for f in allowed}
    values = _organisation_values({**current, **changes}, identity=organisation.is_external)
    if organisation.is_external:
        _check_siret_free(values["siret"], organisation)
        if values["commune_code"] != organisation.commune_code and (
            "latitude" not in changes or changes.get("latitude") is None
        ):
            # A new commune moves the default point, unless precise coordinates were given.
            values["latitude"] = values["longitude"] = None
    values = with_location({"commune_code": organisation.commune_code, **values})
    return update_versioned(
        organisation,
        expected_version=expected_version,
        actor=actor,
        changes={name: values[name] for name in allowed if name in values},
    )


# --- Services ------------------------------------------------------------------------------


def _service_values(fields: dict[str, Any]) -> dict[str, Any]:
    values = {name: fields.get(name) for name in SERVICE_FIELDS if name in fields}
    for name in (
        "thematiques",
        "frais",
        "publics",
        "modes_accueil",
        "modes_mobilisation",
        "mobilisable_par",
    ):
        if name in values:
            values[name] = list(dict.fromkeys(values[name] or []))
    if "zone_eligibilite" in values:
        values["zone_eligibilite"] = normalise_zone(values["zone_eligibilite"])
    for name in ("name", "description", "commune_code", "postal_code", "address"):
        if name in values and isinstance(values[name], str):
            values[name] = values[name].strip()
    if values.get("commune_code"):
        values["commune_code"] = values["commune_code"].upper()
    if "phone" in values:
        values["phone"] = _clean_phone(values.get("phone") or "")
    problems = service_field_problems(values)
    if problems:
        field, message = problems[0]
        raise DomainError(message, field=field)
    if "en-presentiel" in (values.get("modes_accueil") or []):
        _check(
            bool(values.get("commune_code")),
            "Indiquez la commune où le service accueille le public en présentiel.",
            "commune_code",
        )
    return with_location(values)


@transaction.atomic
def service_create(*, organisation: Organisation, actor: User, **fields: Any) -> Service:
    """A new service, published and confirmed up to date today."""
    values = _service_values(fields)
    service = Service.objects.create(
        organisation=organisation,
        updated_by=actor,
        confirmed_on=timezone.localdate(),
        is_published=True,
        **values,
    )
    sync_index_rows(service, created=True)
    return service


@transaction.atomic
def service_update(
    *, service: Service, expected_version: int, actor: User, **fields: Any
) -> Service:
    """Save the whole form: the manager has just reviewed every field, so the service is
    confirmed up to date too. Refused (StaleObjectError) if someone saved in between."""
    if fields.get("latitude") is None and fields.get("longitude") is None:
        fields = {**fields, "latitude": None, "longitude": None}
    values = _service_values(fields)
    values["confirmed_on"] = timezone.localdate()
    service = update_versioned(
        service, expected_version=expected_version, actor=actor, changes=values
    )
    sync_index_rows(service)
    return service


@transaction.atomic
def service_confirm(*, service: Service, actor: User) -> Service:
    """ "Ce service est à jour": no field changes, so no version bump (a colleague editing
    the service at the same time is not refused because of it)."""
    today = timezone.localdate()
    Service.objects.filter(pk=service.pk).update(
        confirmed_on=today, updated_by=actor, updated_at=timezone.now()
    )
    service.confirmed_on = today
    return service


@transaction.atomic
def service_unpublish(*, service: Service, actor: User) -> Service:
    """Hidden from the directory, the search and the public JSON; kept for its referrals."""
    Service.objects.filter(pk=service.pk).update(
        is_published=False, updated_by=actor, updated_at=timezone.now()
    )
    service.is_published = False
    return service


@transaction.atomic
def service_publish(*, service: Service, actor: User) -> Service:
    Service.objects.filter(pk=service.pk).update(
        is_published=True, updated_by=actor, updated_at=timezone.now()
    )
    service.is_published = True
    return service
