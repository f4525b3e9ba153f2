"""The rules of a person's identity and situation: every field cleaned and checked, with a
French message next to its field.

The services call them, and the web forms call the same `clean_*` functions so that the
user sees every problem at once, next to its field; the API and commands get the same checks
through the services."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, Role, User
from relais.accounts.validators import validate_commune_code
from relais.core.errors import DomainError
from relais.core.text import name_character_error, normalise_french_phone, one_line
from relais.people.models import (
    AdministrativeStatus,
    DrivingLicence,
    EducationLevel,
    FrenchLevel,
    Household,
    Resource,
    Sex,
)

# --- Person: fields and rules ----------------------------------------------------------------

NAME_MAX_LENGTH = 100
MIN_AGE = 14
MAX_AGE = 110
MAX_CHILDREN = 20
MAX_CHILD_AGE = 30
REFERENT_ROLES = (Role.REFERENT, Role.MANAGER)

# What reception (staff role) may see and record: identity and contact.
IDENTITY_FIELDS = (
    "birth_name",
    "usage_name",
    "first_names",
    "birth_date",
    "sex",
    "phone",
    "email",
    "address",
    "postal_code",
    "commune_code",
    "france_travail_id",
)
# The person's situation: read and written by those who accompany (référents, managers).
SITUATION_FIELDS = (
    "household",
    "children_ages",
    "resources",
    "education_level",
    "languages",
    "french_level",
    "driving_licence",
    "has_vehicle",
    "rqth",
    "administrative_status",
)
PERSON_FIELDS = IDENTITY_FIELDS + SITUATION_FIELDS

_CHOICE_FIELDS: dict[str, type] = {
    "sex": Sex,
    "household": Household,
    "education_level": EducationLevel,
    "french_level": FrenchLevel,
    "driving_licence": DrivingLicence,
    "administrative_status": AdministrativeStatus,
}
_TEXT_LIMITS = {"address": 250, "languages": 200}
# France Travail identifier: the historical « 7 chiffres + 1 lettre » (ex. 1234567A) or the
# newer alphanumeric identifiers of 8 to 11 characters. Spaces are ignored, letters uppercased.
FRANCE_TRAVAIL_ID_RE = re.compile(r"^(?:\d{7}[A-Z]|[A-Z0-9]{8,11})$")


def clean_name(value: Any, *, field: str, label: str, required: bool = True) -> str:
    name = one_line(value)
    if not name:
        if required:
            raise DomainError(f"Le champ « {label} » est obligatoire.", field=field)
        return ""
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(
            f"« {label} » ne peut pas dépasser {NAME_MAX_LENGTH} caractères "
            f"(vous en avez saisi {len(name)}).",
            field=field,
        )
    if not any(c.isalpha() for c in name):
        raise DomainError(f"« {label} » doit contenir au moins une lettre.", field=field)
    if error := name_character_error(name, label):
        raise DomainError(error, field=field)
    return name


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def clean_birth_date(value: Any, *, today: dt.date | None = None) -> dt.date:
    if not isinstance(value, dt.date):
        raise DomainError("La date de naissance est obligatoire.", field="birth_date")
    today = today or timezone.localdate()
    if value > today:
        raise DomainError(
            "La date de naissance ne peut pas être dans le futur.", field="birth_date"
        )
    age = age_on(value, today)
    if age < MIN_AGE:
        raise DomainError(
            f"La personne aurait {age} an{'s' if age > 1 else ''} : l'accompagnement concerne "
            f"les personnes de {MIN_AGE} ans et plus. Vérifiez la date de naissance.",
            field="birth_date",
        )
    if age > MAX_AGE:
        raise DomainError(
            f"La personne aurait {age} ans : vérifiez l'année de naissance "
            f"(âge maximal accepté : {MAX_AGE} ans).",
            field="birth_date",
        )
    return value


def clean_phone(value: Any) -> str:
    raw = one_line(value)
    if not raw:
        return ""
    try:
        return normalise_french_phone(raw)
    except ValueError:
        raise DomainError(
            "Numéro de téléphone non reconnu : saisissez 10 chiffres commençant par 0 "
            "(ex. 06 12 34 56 78) ou le format international +33 6 12 34 56 78.",
            field="phone",
        ) from None


def clean_email(value: Any) -> str:
    email = one_line(value)
    if not email:
        return ""
    if len(email) > 254:
        raise DomainError(
            "L'adresse e-mail est trop longue (254 caractères au plus).", field="email"
        )
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            "Adresse e-mail non valide : elle doit ressembler à prenom.nom@exemple.fr.",
            field="email",
        ) from None
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def clean_postal_code(value: Any) -> str:
    code = one_line(value).replace(" ", "")
    if code and not re.fullmatch(r"\d{5}", code):
        raise DomainError("Le code postal comporte 5 chiffres (ex. 69003).", field="postal_code")
    return code


def clean_commune_code(value: Any) -> str:
    code = one_line(value).upper()
    if not code:
        return ""
    try:
        validate_commune_code(code)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="commune_code") from None
    return code


def clean_france_travail_id(value: Any) -> str:
    identifier = re.sub(r"\s", "", str(value or "")).upper()
    if identifier and not FRANCE_TRAVAIL_ID_RE.fullmatch(identifier):
        raise DomainError(
            "Identifiant France Travail non reconnu : 7 chiffres suivis d'une lettre "
            "(ex. 1234567A), ou 8 à 11 lettres et chiffres.",
            field="france_travail_id",
        )
    return identifier


def clean_children_ages(value: Any) -> list[int]:
    """Ages of the children as a list of whole years: accepts a list or text such as
    « 3, 7 », « 3 ; 7 » or « 3 et 7 »."""
    if value in (None, ""):
        return []
    message = (
        "Indiquez l'âge de chaque enfant en années, séparés par des virgules (ex. 3, 7). "
        "Pour un bébé de moins d'un an, saisissez 0."
    )
    if isinstance(value, str):
        parts = [p for p in re.split(r"\s*(?:[,;/]|\bet\b)\s*|\s+", value.strip()) if p]
        if not all(re.fullmatch(r"\d{1,3}", p) for p in parts):
            raise DomainError(message, field="children_ages")
        ages = [int(p) for p in parts]
    elif isinstance(value, list | tuple):
        if not all(isinstance(a, int) and not isinstance(a, bool) for a in value):
            raise DomainError(message, field="children_ages")
        ages = list(value)
    else:
        raise DomainError(message, field="children_ages")
    if len(ages) > MAX_CHILDREN:
        raise DomainError(f"{MAX_CHILDREN} enfants au plus.", field="children_ages")
    if any(a < 0 or a > MAX_CHILD_AGE for a in ages):
        raise DomainError(
            f"L'âge d'un enfant est compris entre 0 et {MAX_CHILD_AGE} ans.", field="children_ages"
        )
    return sorted(ages)


def clean_resources(value: Iterable[str] | None) -> list[str]:
    chosen = set(value or [])
    unknown = chosen - set(Resource.values)
    if unknown:
        raise DomainError("Ressource inconnue.", field="resources")
    if Resource.NONE in chosen and len(chosen) > 1:
        raise DomainError(
            "« Aucune ressource » ne peut pas être cochée avec une autre ressource.",
            field="resources",
        )
    return [r for r in Resource.values if r in chosen]


def _clean_choice(field: str, value: Any) -> str:
    value = str(value or "")
    if value and value not in _CHOICE_FIELDS[field].values:
        raise DomainError("Choix non valide.", field=field)
    return value


def clean_person_data(data: Mapping[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """Normalise and check the fields given (a subset of PERSON_FIELDS)."""
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"Champs inconnus : {sorted(unknown)}")
    cleaned: dict[str, Any] = {}
    labels = {
        "birth_name": "Nom de naissance",
        "usage_name": "Nom d'usage",
        "first_names": "Prénom(s)",
    }
    for field, value in data.items():
        if field in labels:
            cleaned[field] = clean_name(
                value, field=field, label=labels[field], required=field != "usage_name"
            )
        elif field == "birth_date":
            cleaned[field] = clean_birth_date(value, today=today)
        elif field == "phone":
            cleaned[field] = clean_phone(value)
        elif field == "email":
            cleaned[field] = clean_email(value)
        elif field == "postal_code":
            cleaned[field] = clean_postal_code(value)
        elif field == "commune_code":
            cleaned[field] = clean_commune_code(value)
        elif field == "france_travail_id":
            cleaned[field] = clean_france_travail_id(value)
        elif field == "children_ages":
            cleaned[field] = clean_children_ages(value)
        elif field == "resources":
            cleaned[field] = clean_resources(value)
        elif field in _CHOICE_FIELDS:
            cleaned[field] = _clean_choice(field, value)
        elif field in ("has_vehicle", "rqth"):
            cleaned[field] = bool(value)
        else:
            text = one_line(value)
            limit = _TEXT_LIMITS.get(field, 200)
            if len(text) > limit:
                raise DomainError(f"{limit} caractères au plus.", field=field)
            cleaned[field] = text
    return cleaned


def check_referent(organisation: Organisation | int, referent: User | None) -> None:
    """A référent must be an active référent or manager of the person's organisation."""
    if referent is None:
        return
    organisation_id = getattr(organisation, "pk", organisation)
    is_member = (
        Membership.objects.active()
        .filter(organisation_id=organisation_id, user=referent, role__in=REFERENT_ROLES)
        .exists()
    )
    if not is_member:
        raise DomainError(
            "Le référent doit être un référent ou un responsable actif de la structure.",
            field="referent",
        )
