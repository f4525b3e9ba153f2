"""Writes on employers, their contacts, the prospecting log and positions. Every function
is atomic, takes keyword-only arguments and raises a French `DomainError`; pages, API,
imports and demo data all come through here.

Other writes of the module: `analysis.py` (APST), `abilities.py` (abilities, employment
project), `placements.py` (placements, checkpoints, mediations), `imports.py`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Min

from relais.accounts.models import Membership, User
from relais.core.communes import get_commune
from relais.core.errors import DomainError, PermissionDenied
from relais.core.text import fold
from relais.core.versioning import update_versioned
from relais.employment import policies, references
from relais.employment.models import (
    ContractType,
    Employer,
    EmployerContact,
    LicenceCategory,
    MobilityRequirement,
    Position,
    PositionStatus,
    PositionTransition,
    ProspectingContact,
    ProspectingKind,
    ProspectingOutcome,
    Schedule,
    SizeBand,
)
from relais.employment.siret import check_siret
from relais.employment.vocabulary import ABILITIES, abilities_key

EMPLOYER_FIELDS = (
    "siret",
    "name",
    "naf_code",
    "size_band",
    "address",
    "commune_code",
    "constraints",
    "hiring_potential",
    "social_clauses",
    "pmsmp_host",
    "tutor_available",
)


def _require_writer(membership: Membership | None) -> None:
    if not policies.can_edit_employers(membership):
        raise PermissionDenied("Votre rôle ne permet pas de modifier les employeurs.")


def check_commune(code: str, *, field: str = "commune_code", required: bool = False) -> str:
    code = (code or "").strip().upper()
    if not code:
        if required:
            raise DomainError("Indiquez la commune.", field=field)
        return ""
    if get_commune(code) is None:
        raise DomainError(f"La commune « {code[:10]} » est inconnue (code INSEE).", field=field)
    return code


def coordinates(code: str) -> tuple[float | None, float | None]:
    commune = get_commune(code) if code else None
    return (commune.latitude, commune.longitude) if commune else (None, None)


def clean_employer(values: dict[str, Any]) -> dict[str, Any]:
    """Every field checked, every error reported at once (a DomainError per field is
    collected by `collect_errors`)."""
    errors: list[DomainError] = []
    cleaned: dict[str, Any] = {}

    def attempt(name: str, check, *args):
        try:
            cleaned[name] = check(*args)
        except DomainError as error:
            errors.append(error)

    attempt("siret", check_siret, values.get("siret", ""))
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        errors.append(DomainError("Indiquez le nom de l'employeur.", field="name"))
    elif len(name) > 200:
        errors.append(DomainError("Le nom compte 200 caractères au plus.", field="name"))
    cleaned["name"] = name
    attempt("naf_code", references.check_naf, str(values.get("naf_code") or ""))
    size = values.get("size_band") or ""
    if size and size not in SizeBand.values:
        errors.append(DomainError("Tranche d'effectif inconnue.", field="size_band"))
    cleaned["size_band"] = size
    attempt("commune_code", check_commune, str(values.get("commune_code") or ""))
    for text in ("address", "constraints", "hiring_potential"):
        cleaned[text] = str(values.get(text) or "").strip()
    for flag in ("social_clauses", "pmsmp_host", "tutor_available"):
        cleaned[flag] = bool(values.get(flag))
    if errors:
        raise EmployerErrors(errors)
    return cleaned


class EmployerErrors(DomainError):
    """Several field errors at once (forms and imports show each)."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__(" ".join(e.message for e in errors), field=errors[0].field)
        self.errors = errors


def _siret_taken(error: IntegrityError) -> DomainError:
    return DomainError(
        "Un employeur avec ce SIRET existe déjà dans votre structure.", field="siret"
    )


@transaction.atomic
def employer_create(*, membership: Membership, actor: User, **values: Any) -> Employer:
    _require_writer(membership)
    cleaned = clean_employer(values)
    if Employer.objects.filter(
        organisation_id=membership.organisation_id, siret=cleaned["siret"]
    ).exists():
        raise _siret_taken(None)
    latitude, longitude = coordinates(cleaned["commune_code"])
    try:
        with transaction.atomic():
            return Employer.objects.create(
                organisation_id=membership.organisation_id,
                name_key=fold(cleaned["name"]),
                latitude=latitude,
                longitude=longitude,
                updated_by=actor,
                **cleaned,
            )
    except IntegrityError as error:
        raise _siret_taken(error) from None


@transaction.atomic
def employer_update(
    *, membership: Membership, actor: User, employer: Employer, expected_version: int, **values: Any
) -> Employer:
    _require_writer(membership)
    if not policies.in_organisation(membership, employer):
        raise PermissionDenied("Cet employeur n'est pas celui de votre structure.")
    cleaned = clean_employer(values)
    if (
        Employer.objects.filter(organisation_id=employer.organisation_id, siret=cleaned["siret"])
        .exclude(pk=employer.pk)
        .exists()
    ):
        raise _siret_taken(None)
    latitude, longitude = coordinates(cleaned["commune_code"])
    return update_versioned(
        employer,
        expected_version=expected_version,
        actor=actor,
        changes={
            **cleaned,
            "name_key": fold(cleaned["name"]),
            "latitude": latitude,
            "longitude": longitude,
        },
    )


@transaction.atomic
def employer_contact_add(
    *,
    membership: Membership,
    employer: Employer,
    name: str,
    role: str = "",
    phone: str = "",
    email: str = "",
    is_tutor: bool = False,
) -> EmployerContact:
    _require_writer(membership)
    if not policies.in_organisation(membership, employer):
        raise PermissionDenied("Cet employeur n'est pas celui de votre structure.")
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Indiquez le nom du contact.", field="name")
    return EmployerContact.objects.create(
        employer=employer,
        name=name[:150],
        role=(role or "").strip()[:150],
        phone=(phone or "").strip()[:20],
        email=(email or "").strip()[:254],
        is_tutor=is_tutor,
    )


def check_next_action(happened_on: dt.date, next_action_on: dt.date | None) -> None:
    if next_action_on is not None and next_action_on < happened_on:
        raise DomainError(
            "La prochaine action ne peut pas précéder le contact.", field="next_action_on"
        )


@transaction.atomic
def prospecting_add(
    *,
    membership: Membership,
    actor: User,
    employer: Employer,
    kind: str,
    happened_on: dt.date,
    outcome: str,
    summary: str = "",
    next_action: str = "",
    next_action_on: dt.date | None = None,
) -> ProspectingContact:
    """Log a contact with an employer; the employer's « à recontacter le » becomes the
    earliest next action still ahead of its log."""
    _require_writer(membership)
    if not policies.in_organisation(membership, employer):
        raise PermissionDenied("Cet employeur n'est pas celui de votre structure.")
    if kind not in ProspectingKind.values:
        raise DomainError("Indiquez le type de contact.", field="kind")
    if outcome not in ProspectingOutcome.values:
        raise DomainError("Indiquez le résultat du contact.", field="outcome")
    if happened_on is None:
        raise DomainError("Indiquez la date du contact.", field="happened_on")
    check_next_action(happened_on, next_action_on)
    if next_action_on and not next_action.strip():
        raise DomainError("Dites quelle est la prochaine action.", field="next_action")
    contact = ProspectingContact.objects.create(
        employer=employer,
        author=actor,
        kind=kind,
        happened_on=happened_on,
        outcome=outcome,
        summary=(summary or "").strip(),
        next_action=(next_action or "").strip()[:300],
        next_action_on=next_action_on,
    )
    next_on = ProspectingContact.objects.filter(
        employer=employer, next_action_on__gte=happened_on
    ).aggregate(first=Min("next_action_on"))["first"]
    Employer.objects.filter(pk=employer.pk).update(next_contact_on=next_on)
    return contact


# ---- positions -------------------------------------------------------------------------


def clean_position(values: dict[str, Any]) -> dict[str, Any]:
    errors: list[DomainError] = []
    cleaned: dict[str, Any] = {}
    try:
        cleaned["rome_code"] = references.check_rome(str(values.get("rome_code") or ""))
    except DomainError as error:
        errors.append(error)
    appellation = str(values.get("appellation") or "").strip()
    if not appellation:
        errors.append(
            DomainError(
                "Indiquez l'appellation du poste (le métier précis, par exemple « Cariste ») : "
                "recherchez-la par un mot ou par le code ROME.",
                field="appellation",
            )
        )
    elif "rome_code" in cleaned:
        try:
            appellation = references.check_appellation(cleaned["rome_code"], appellation)
        except DomainError as error:
            errors.append(error)
    cleaned["appellation"] = appellation
    contract = values.get("contract_type") or ""
    if contract not in ContractType.values:
        errors.append(DomainError("Indiquez le type de contrat.", field="contract_type"))
    cleaned["contract_type"] = contract
    try:
        hours = Decimal(str(values.get("weekly_hours") or ""))
        if not Decimal("1") <= hours <= Decimal("48"):
            raise InvalidOperation
        cleaned["weekly_hours"] = hours
    except (InvalidOperation, ValueError):
        errors.append(
            DomainError("La durée hebdomadaire va de 1 à 48 heures.", field="weekly_hours")
        )
    schedule = values.get("schedule") or ""
    if schedule not in Schedule.values:
        errors.append(DomainError("Indiquez les horaires.", field="schedule"))
    cleaned["schedule"] = schedule
    try:
        cleaned["commune_code"] = check_commune(
            str(values.get("commune_code") or ""), required=True
        )
    except DomainError as error:
        errors.append(error)
    required = [str(c) for c in values.get("required_abilities") or []]
    unknown = [c for c in required if c not in ABILITIES]
    if unknown:
        errors.append(DomainError("Habileté inconnue.", field="required_abilities"))
    cleaned["required_abilities"] = sorted(set(required))
    cleaned["starts_on"] = values.get("starts_on")
    cleaned["driving_licence_required"] = bool(values.get("driving_licence_required"))
    licences = [str(c).strip().upper() for c in values.get("other_licences") or []]
    if any(c not in LicenceCategory.values for c in licences):
        errors.append(
            DomainError(
                "Permis inconnu : choisissez parmi A, BE, C1, C, CE, D1, D, DE "
                "(le permis B a sa propre case).",
                field="other_licences",
            )
        )
    cleaned["other_licences"] = [c for c in LicenceCategory.values if c in licences]
    mobility = str(values.get("mobility_requirement") or "")
    if mobility and mobility not in MobilityRequirement.values:
        errors.append(DomainError("Exigence de mobilité inconnue.", field="mobility_requirement"))
    cleaned["mobility_requirement"] = mobility
    cleaned["languages"] = str(values.get("languages") or "").strip()[:200]
    cleaned["requirements"] = str(values.get("requirements") or "").strip()
    if errors:
        raise EmployerErrors(errors)
    return cleaned


def _position_changes(cleaned: dict[str, Any]) -> dict[str, Any]:
    latitude, longitude = coordinates(cleaned["commune_code"])
    return {
        **cleaned,
        "abilities_key": abilities_key(cleaned["required_abilities"]),
        "latitude": latitude,
        "longitude": longitude,
    }


@transaction.atomic
def position_create(
    *, membership: Membership, actor: User, employer: Employer, **values: Any
) -> Position:
    _require_writer(membership)
    if not policies.in_organisation(membership, employer):
        raise PermissionDenied("Cet employeur n'est pas celui de votre structure.")
    changes = _position_changes(clean_position(values))
    return Position.objects.create(
        organisation_id=employer.organisation_id, employer=employer, updated_by=actor, **changes
    )


@transaction.atomic
def position_update(
    *, membership: Membership, actor: User, position: Position, expected_version: int, **values
) -> Position:
    _require_writer(membership)
    if not policies.in_organisation(membership, position):
        raise PermissionDenied("Ce poste n'est pas celui de votre structure.")
    if position.status == PositionStatus.CLOSED:
        raise DomainError("Ce poste est fermé : rouvrez-le avant de le modifier.")
    changes = _position_changes(clean_position(values))
    return update_versioned(
        position, expected_version=expected_version, actor=actor, changes=changes
    )


# from → allowed targets
POSITION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    PositionStatus.OPEN: (PositionStatus.FILLED, PositionStatus.CLOSED),
    PositionStatus.FILLED: (PositionStatus.OPEN, PositionStatus.CLOSED),
    PositionStatus.CLOSED: (PositionStatus.OPEN,),
}


@transaction.atomic
def position_set_status(
    *,
    membership: Membership,
    actor: User,
    position: Position,
    status: str,
    expected_version: int,
    reason: str = "",
) -> Position:
    _require_writer(membership)
    if not policies.in_organisation(membership, position):
        raise PermissionDenied("Ce poste n'est pas celui de votre structure.")
    if status not in POSITION_TRANSITIONS.get(position.status, ()):
        raise DomainError(
            f"Un poste « {PositionStatus(position.status).label.lower()} » ne peut pas passer "
            f"à « {PositionStatus(status).label.lower() if status in PositionStatus.values else status} ».",
            field="status",
        )
    previous = position.status
    position = update_versioned(
        position, expected_version=expected_version, actor=actor, changes={"status": status}
    )
    PositionTransition.objects.create(
        position=position, from_status=previous, to_status=status, actor=actor, reason=reason[:300]
    )
    return position
