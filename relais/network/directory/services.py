"""Writes to the directory (annuaire): external partners, organisations' directory entries,
services (data·inclusion fields), their confirmation and publication, the import of
data·inclusion files, and the reminder about services not confirmed for six months.

Organisations and services are not personal data: nothing here is journaled. Every write
of a service keeps its ServiceThematique and ServiceZone rows (what the search filters on)
in sync.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from relais.accounts.validators import normalise_siret, validate_commune_code, validate_siret
from relais.core import links
from relais.core.communes import get_commune
from relais.core.errors import DomainError
from relais.core.mail import queue_email
from relais.core.versioning import update_versioned
from relais.network.directory import datainclusion
from relais.network.directory.datainclusion import ImportFile, ImportPlan, ImportReport
from relais.network.directory.models import Service, ServiceThematique, ServiceZone
from relais.notifications.models import Notification

logger = logging.getLogger(__name__)

STALE_AFTER_MONTHS = 6

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


# --- Staleness -----------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    year, month_index = divmod(day.month - 1 - months, 12)
    year += day.year
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def stale_threshold(today: date | None = None) -> date:
    """A service last confirmed before this date is "à confirmer"."""
    return months_before(today or timezone.localdate(), STALE_AFTER_MONTHS)


def stale_q(today: date | None = None, prefix: str = "") -> Q:
    """Services not confirmed for six months (never confirmed: counted from creation).
    `prefix` reaches them through a relation ("services__")."""
    threshold = stale_threshold(today)
    start = timezone.make_aware(datetime.combine(threshold, time.min))
    return Q(**{f"{prefix}confirmed_on__lt": threshold}) | Q(
        **{f"{prefix}confirmed_on__isnull": True, f"{prefix}created_at__lt": start}
    )


def is_stale(service: Service, today: date | None = None) -> bool:
    threshold = stale_threshold(today)
    reference = service.confirmed_on or timezone.localdate(service.created_at)
    return reference < threshold


# --- Helpers -------------------------------------------------------------------------------


def _sync_index_rows(service: Service, *, created: bool = False) -> None:
    """Keep the indexed forms of the service's thématiques and zone (what the search
    filters on) equal to its fields."""
    _sync_rows(
        service.thematique_rows,
        ServiceThematique,
        "thematique",
        datainclusion.thematique_index_values(service.thematiques),
        service=service,
        created=created,
    )
    _sync_rows(
        service.zone_rows,
        ServiceZone,
        "code",
        datainclusion.zone_index_values(
            service.zone_eligibilite, located=service.latitude is not None
        ),
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


def _index_rows_of_new(services: list[Service]) -> None:
    """The ServiceThematique and ServiceZone rows of services created in bulk."""
    ServiceThematique.objects.bulk_create(
        [
            ServiceThematique(service=service, thematique=code)
            for service in services
            for code in sorted(datainclusion.thematique_index_values(service.thematiques))
        ],
        batch_size=1000,
    )
    ServiceZone.objects.bulk_create(
        [
            ServiceZone(service=service, code=code)
            for service in services
            for code in sorted(
                datainclusion.zone_index_values(
                    service.zone_eligibilite, located=service.latitude is not None
                )
            )
        ],
        batch_size=1000,
    )


def _check(condition: bool, message: str, field: str) -> None:
    if not condition:
        raise DomainError(message, field=field)


def _clean_phone(phone: str) -> str:
    if not phone:
        return ""
    normalised, error = datainclusion.phone_or_error(phone)
    _check(error is None, error or "", "phone")
    return normalised


def _with_location(values: dict[str, Any]) -> dict[str, Any]:
    """Postal code and coordinates from the commune when not given."""
    commune = get_commune(values["commune_code"]) if values.get("commune_code") else None
    if commune is not None:
        if not values.get("postal_code"):
            values["postal_code"] = commune.postal_code
        if values.get("latitude") is None and values.get("longitude") is None:
            values["latitude"], values["longitude"] = commune.latitude, commune.longitude
    return values


def _check_networks(networks: Sequence[str]) -> list[str]:
    unknown = datainclusion.unknown_codes("reseaux_porteurs", networks)
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
    error = datainclusion.coordinates_error(values.get("latitude"), values.get("longitude"))
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
    values = _with_location(values)
    return Organisation.objects.create(**values, is_external=True, created_by=actor)


@transaction.atomic
def organisation_directory_update(
    *, organisation: Organisation, actor: User, **changes: Any
) -> Organisation:
    """Change a directory entry. An organisation on the platform keeps its identity (name,
    type, SIRET, commune: the platform administrators' part); a partner "hors plateforme"
    may change everything."""
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
    values = _with_location({"commune_code": organisation.commune_code, **values})
    for name in allowed:
        setattr(organisation, name, values[name])
    organisation.save()
    return organisation


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
        values["zone_eligibilite"] = datainclusion.normalise_zone(values["zone_eligibilite"])
    for name in ("name", "description", "commune_code", "postal_code", "address"):
        if name in values and isinstance(values[name], str):
            values[name] = values[name].strip()
    if values.get("commune_code"):
        values["commune_code"] = values["commune_code"].upper()
    if "phone" in values:
        values["phone"] = _clean_phone(values.get("phone") or "")
    problems = datainclusion.service_field_problems(values)
    if problems:
        field, message = problems[0]
        raise DomainError(message, field=field)
    if "en-presentiel" in (values.get("modes_accueil") or []):
        _check(
            bool(values.get("commune_code")),
            "Indiquez la commune où le service accueille le public en présentiel.",
            "commune_code",
        )
    return _with_location(values)


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
    _sync_index_rows(service, created=True)
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
    _sync_index_rows(service)
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


# --- Import --------------------------------------------------------------------------------


def catalogue_import(
    files: Sequence[ImportFile],
    *,
    actor: User | None,
    membership: Membership | None,
    as_admin: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Validate every row of the files, then write all of them in one transaction — or
    nothing at all when any row has an error. Idempotent on (source, id)."""
    report = ImportReport()
    rows = datainclusion.read_files(files, report)
    if not rows and report.ok:
        report.error(files[0].name if files else "", None, "", "Aucune ligne à importer.")
    plan = datainclusion.prepare_import(rows, report, membership=membership, as_admin=as_admin)
    if not report.ok or dry_run:
        return report
    try:
        _apply(plan, report, actor)
    except (DomainError, IntegrityError) as error:
        logger.warning("data·inclusion import refused by the database: %s", error)
        report.error(
            "",
            None,
            "",
            "L'import a été refusé par la base de données (une fiche a changé pendant "
            "l'import ?) : rien n'a été importé. Réessayez.",
        )
        report.structures = datainclusion.Counts()
        report.services = datainclusion.Counts()
    return report


@transaction.atomic
def _apply(plan: ImportPlan, report: ImportReport, actor: User | None) -> None:
    for structure in plan.structures:
        fields = structure.fields
        existing = structure.existing
        if existing is None:
            values = _with_location({**fields})
            structure.existing = Organisation.objects.create(
                **values,
                kind=datainclusion.kind_from_networks(fields["networks"]),
                is_external=True,
                source=structure.source,
                source_id=structure.identifier,
                created_by=actor,
            )
            report.structures.created += 1
            continue
        allowed = DIRECTORY_FIELDS + (IDENTITY_FIELDS if existing.is_external else ())
        changes = {
            name: value
            for name, value in fields.items()
            if name in allowed
            and getattr(existing, name) != value
            and not (name in IDENTITY_FIELDS and not value)
        }
        if not existing.source and (structure.source, structure.identifier) != (
            datainclusion.SOURCE,
            f"{datainclusion.SOURCE}--{existing.pk}",
        ):
            # Matched by SIRET: remember the identity this file gives it.
            changes["source"], changes["source_id"] = structure.source, structure.identifier
        if structure.ignored_identity:
            report.notices.append(
                f"{structure.row.file}, ligne {structure.row.line} : « {existing.name} » est "
                "inscrite sur la plateforme ; son nom, son SIRET et sa commune restent ceux "
                "enregistrés par l'administration de la plateforme."
            )
        if changes:
            for name, value in changes.items():
                setattr(existing, name, value)
            existing.save()
            report.structures.updated += 1
        else:
            report.structures.unchanged += 1
    new_services: list[Service] = []
    for item in plan.services:
        organisation = item.organisation or (
            item.structure_plan.existing if item.structure_plan else None
        )
        values = dict(item.fields)
        existing = item.existing
        if existing is None:
            new_services.append(
                Service(
                    organisation=organisation,
                    source=item.source,
                    source_id=item.identifier,
                    updated_by=actor,
                    is_published=True,
                    **values,
                )
            )
            continue
        if existing.organisation_id != organisation.pk:
            values["organisation"] = organisation
        changes = {
            name: value
            for name, value in values.items()
            if (getattr(existing, name) if name != "organisation" else None) != value
        }
        if changes:
            update_versioned(
                existing, expected_version=existing.version, actor=actor, changes=changes
            )
            _sync_index_rows(existing)
            report.services.updated += 1
        else:
            report.services.unchanged += 1
    # New services in bulk (a file may hold thousands), then their index rows.
    Service.objects.bulk_create(new_services, batch_size=500)
    _index_rows_of_new(new_services)
    report.services.created += len(new_services)


# --- Reminder of stale services -----------------------------------------------------------


@dataclass
class NagResult:
    organisations: int = 0
    emails: int = 0
    skipped: int = 0  # already reminded today


NAG_MESSAGE = "Des services de votre structure n'ont pas été confirmés depuis plus de 6 mois."


def stale_services_nag(*, today: date | None = None) -> NagResult:
    """E-mail the managers of each organisation that has published services not confirmed
    for six months, with the list and the links. Once a day at most per manager: an in-app
    notification records each reminder (and shows it in the application too)."""
    today = today or timezone.localdate()
    day_start = timezone.make_aware(datetime.combine(today, time.min))
    stale = (
        Service.objects.filter(stale_q(today), is_published=True)
        .filter(organisation__is_active=True, organisation__is_external=False)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    by_organisation: dict[int, list[Service]] = {}
    for service in stale:
        by_organisation.setdefault(service.organisation_id, []).append(service)
    result = NagResult()
    for services in by_organisation.values():
        organisation = services[0].organisation
        link = links.link("organisation", organisation.pk)
        managers = (
            Membership.objects.active()
            .filter(organisation=organisation, role=Role.MANAGER)
            .select_related("user")
        )
        reminded = set(
            Notification.objects.filter(
                organisation=organisation, link=link, message=NAG_MESSAGE, created_at__gte=day_start
            ).values_list("user_id", flat=True)
        )
        sent_here = 0
        for membership in managers:
            user = membership.user
            if user.pk in reminded:
                result.skipped += 1
                continue
            lines = [
                f"- {s.name} (dernière confirmation : "
                f"{(s.confirmed_on or timezone.localdate(s.created_at)):%d/%m/%Y}) : "
                f"{links.absolute(links.link('service', s.pk))}"
                for s in services
            ]
            count = len(services)
            body = (
                "Bonjour,\n\n"
                f"{count} service{'s' if count > 1 else ''} de « {organisation.name} » "
                f"{'n’ont' if count > 1 else 'n’a'} pas été confirmé{'s' if count > 1 else ''} "
                "à jour depuis plus de 6 mois :\n\n"
                + "\n".join(lines)
                + "\n\nLes professionnels qui orientent des personnes vers vos services "
                "s'appuient sur ces fiches. Ouvrez chacune d'elles, corrigez-la si besoin, "
                "puis cliquez sur « Confirmer que ce service est à jour ».\n\n"
                f"Annuaire de votre structure : {links.absolute(link)}\n\n"
                f"— {settings.RELAIS_SITE_NAME}\n"
            )
            with transaction.atomic():
                Notification.objects.create(
                    organisation=organisation, user=user, message=NAG_MESSAGE, link=link
                )
                queue_email(
                    subject=f"[{settings.RELAIS_SITE_NAME}] {count} service{'s' if count > 1 else ''} à confirmer",
                    body=body,
                    to=[user.email],
                )
            result.emails += 1
            sent_here += 1
        if sent_here:
            result.organisations += 1
    return result
