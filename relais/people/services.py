"""Writes on a person's record: intake, identity and situation, référent, consents, key life
events and documents.

Every rule is checked here (the web forms call the same `clean_*` functions so that the
user sees every problem at once, next to its field; the API and commands get the same
checks through the services). Rules raise `DomainError(message, field=...)` with a French
message shown to the user as is."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from relais.accounts.validators import validate_commune_code
from relais.core.errors import DomainError
from relais.core.text import CONTROL_CHARS, fold, normalise_french_phone, one_line
from relais.core.versioning import update_versioned
from relais.people.models import (
    AdministrativeStatus,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ConsentStatus,
    Document,
    DocumentKind,
    DrivingLicence,
    EducationLevel,
    FrenchLevel,
    Household,
    LifeEvent,
    LifeEventKind,
    Person,
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


# --- Person: services ------------------------------------------------------------------------


@transaction.atomic
def person_create(
    *,
    organisation: Organisation,
    actor: User,
    data: Mapping[str, Any],
    referent: User | None = None,
) -> Person:
    """Intake: create the person record. Possible duplicates are looked for beforehand
    (`relais.people.duplicates.find_duplicates`) and confirmed away by the user."""
    cleaned = clean_person_data(data)
    for required in ("birth_name", "first_names", "birth_date"):
        if required not in cleaned:
            raise DomainError("Nom, prénom et date de naissance sont obligatoires.", field=required)
    check_referent(organisation, referent)
    person = Person(
        organisation=organisation,
        referent=referent,
        created_by=actor,
        updated_by=actor,
        **cleaned,
    )
    person.save()
    return person


@transaction.atomic
def person_update(
    *, person: Person, actor: User, expected_version: int, data: Mapping[str, Any]
) -> Person:
    """Change identity and/or situation. Refused (StaleObjectError) if someone saved the
    record since `expected_version` was read."""
    cleaned = clean_person_data(data)
    names = {
        "birth_name": cleaned.get("birth_name", person.birth_name),
        "usage_name": cleaned.get("usage_name", person.usage_name),
        "first_names": cleaned.get("first_names", person.first_names),
    }
    # The update is a single UPDATE ... WHERE version = n: save() is not called, so the
    # folded search key is recomputed here.
    cleaned["name_key"] = fold(
        f"{names['birth_name']} {names['usage_name']} {names['first_names']}"
    )
    return update_versioned(person, expected_version=expected_version, actor=actor, changes=cleaned)


# --- Consents --------------------------------------------------------------------------------


def _check_consent_method(
    *, person: Person, method: str, witness_name: str, document: Document | None
) -> tuple[str, Document | None]:
    if method not in ConsentMethod.values:
        raise DomainError("Indiquez comment le consentement a été recueilli.", field="method")
    witness_name = one_line(witness_name)
    if len(witness_name) > 150:
        raise DomainError("150 caractères au plus.", field="witness_name")
    if method == ConsentMethod.ORAL_WITH_WITNESS:
        if not witness_name:
            raise DomainError(
                "Un consentement oral doit être recueilli devant un témoin : indiquez son nom.",
                field="witness_name",
            )
        return witness_name, None
    if document is None:
        raise DomainError(
            "Joignez le formulaire signé : choisissez un document du dossier ou déposez-le.",
            field="document",
        )
    if document.person_id != person.pk:
        raise DomainError("Ce document n'appartient pas au dossier.", field="document")
    return "", document


def _check_decision_date(decided_on: dt.date, *, not_before: dt.date | None = None) -> None:
    if not isinstance(decided_on, dt.date):
        raise DomainError("Indiquez la date.", field="decided_on")
    if decided_on > timezone.localdate():
        raise DomainError("La date ne peut pas être dans le futur.", field="decided_on")
    if not_before is not None and decided_on < not_before:
        raise DomainError(
            f"Le retrait ne peut pas précéder le consentement (donné le {not_before:%d/%m/%Y}).",
            field="decided_on",
        )


def _lock_consents_of(person: Person) -> None:
    """Consent decisions on one person are made one at a time (the person's row is locked
    until the end of the transaction on PostgreSQL; SQLite serialises writes anyway)."""
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).first()


def _same_scope(consent: Consent, purpose: str, partner_id: int | None, category: str) -> bool:
    return (
        consent.purpose == purpose
        and consent.partner_organisation_id == partner_id
        and consent.partner_category == category
    )


@transaction.atomic
def consent_give(
    *,
    person: Person,
    actor: User,
    purpose: str,
    decided_on: dt.date,
    method: str,
    witness_name: str = "",
    document: Document | None = None,
    partner_organisation: Organisation | None = None,
    partner_category: str = "",
    signed_file: Any = None,
) -> Consent:
    """Record a consent. If a decision on the same purpose (and partner) is already in
    force, the new record supersedes it: records are never edited. `signed_file`: the
    signed form, uploaded now and stored in the record's documents."""
    if purpose not in ConsentPurpose.values:
        raise DomainError("Choisissez l'objet du consentement.", field="purpose")
    partner_category = partner_category or ""
    if purpose == ConsentPurpose.SHARE_ORGANISATION:
        if partner_organisation is None:
            raise DomainError(
                "Choisissez la structure partenaire avec laquelle partager.",
                field="partner_organisation",
            )
        if partner_organisation.pk == person.organisation_id:
            raise DomainError(
                "Choisissez une structure partenaire, pas la vôtre.", field="partner_organisation"
            )
        partner_category = ""
    elif purpose == ConsentPurpose.SHARE_CATEGORY:
        if partner_category not in OrganisationKind.values:
            raise DomainError(
                "Choisissez la catégorie de partenaires concernée.", field="partner_category"
            )
        partner_organisation = None
    else:
        partner_organisation, partner_category = None, ""
    _check_decision_date(decided_on)
    if method == ConsentMethod.SIGNED_FORM and signed_file is not None:
        document = _upload_signed_form(
            person=person, actor=actor, signed_file=signed_file, purpose=purpose, on=decided_on
        )
    witness_name, document = _check_consent_method(
        person=person, method=method, witness_name=witness_name, document=document
    )
    partner_id = partner_organisation.pk if partner_organisation else None
    _lock_consents_of(person)
    previous = next(
        (
            c
            for c in Consent.objects.filter(
                person=person, purpose=purpose, superseded_by__isnull=True
            )
            if _same_scope(c, purpose, partner_id, partner_category)
        ),
        None,
    )
    return _create_consent(
        person=person,
        purpose=purpose,
        partner_organisation=partner_organisation,
        partner_category=partner_category,
        status=ConsentStatus.GIVEN,
        method=method,
        witness_name=witness_name,
        document=document,
        decided_on=decided_on,
        recorded_by=actor,
        supersedes=previous,
    )


@transaction.atomic
def consent_withdraw(
    *,
    consent: Consent,
    actor: User,
    decided_on: dt.date,
    method: str,
    witness_name: str = "",
    document: Document | None = None,
    signed_file: Any = None,
) -> Consent:
    """The person withdraws a consent: a new record, status « retiré », supersedes it."""
    _lock_consents_of(consent.person)
    consent = Consent.objects.select_related("person").filter(pk=consent.pk).first()
    if consent is None:
        raise DomainError("Ce consentement n'existe plus.")
    if Consent.objects.filter(supersedes=consent).exists():
        raise DomainError(
            "Ce consentement a déjà été remplacé par une décision plus récente : "
            "rechargez la page pour voir l'historique."
        )
    if consent.status != ConsentStatus.GIVEN:
        raise DomainError("Ce consentement est déjà retiré.")
    _check_decision_date(decided_on, not_before=consent.decided_on)
    if method == ConsentMethod.SIGNED_FORM and signed_file is not None:
        document = _upload_signed_form(
            person=consent.person,
            actor=actor,
            signed_file=signed_file,
            purpose=consent.purpose,
            on=decided_on,
            withdrawal=True,
        )
    witness_name, document = _check_consent_method(
        person=consent.person, method=method, witness_name=witness_name, document=document
    )
    return _create_consent(
        person=consent.person,
        purpose=consent.purpose,
        partner_organisation=consent.partner_organisation,
        partner_category=consent.partner_category,
        status=ConsentStatus.WITHDRAWN,
        method=method,
        witness_name=witness_name,
        document=document,
        decided_on=decided_on,
        recorded_by=actor,
        supersedes=consent,
    )


def _upload_signed_form(
    *,
    person: Person,
    actor: User,
    signed_file: Any,
    purpose: str,
    on: dt.date,
    withdrawal: bool = False,
) -> Document:
    label = ConsentPurpose(purpose).label
    what = "Retrait du consentement" if withdrawal else "Consentement signé"
    return document_upload(
        person=person,
        actor=actor,
        uploaded_file=signed_file,
        kind=DocumentKind.SIGNED_CONSENT,
        title=f"{what} — {label} ({on:%d/%m/%Y})"[:200],
    )


def _create_consent(**fields: Any) -> Consent:
    try:
        with transaction.atomic():
            return Consent.objects.create(**fields)
    except IntegrityError:
        # Two people recorded a decision on the same consent at the same moment.
        raise DomainError(
            "Une autre décision vient d'être enregistrée sur ce consentement : "
            "rechargez la page pour voir l'historique."
        ) from None


# --- Key life events -------------------------------------------------------------------------


@transaction.atomic
def life_event_add(
    *,
    person: Person,
    actor: User,
    kind: str,
    occurred_on: dt.date,
    is_rupture: bool = True,
    description: str = "",
) -> LifeEvent:
    if kind not in LifeEventKind.values:
        raise DomainError("Choisissez le type d'événement.", field="kind")
    if not isinstance(occurred_on, dt.date):
        raise DomainError("Indiquez la date (approximative si besoin).", field="occurred_on")
    if occurred_on > timezone.localdate():
        raise DomainError("La date ne peut pas être dans le futur.", field="occurred_on")
    if occurred_on < person.birth_date:
        raise DomainError(
            f"La date précède la naissance de la personne ({person.birth_date:%d/%m/%Y}).",
            field="occurred_on",
        )
    description = CONTROL_CHARS.sub("", description or "").strip()
    if len(description) > 2000:
        raise DomainError("2 000 caractères au plus.", field="description")
    return LifeEvent.objects.create(
        person=person,
        kind=kind,
        occurred_on=occurred_on,
        is_rupture=bool(is_rupture),
        description=description,
        recorded_by=actor,
    )


# --- Documents -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extensions: tuple[str, ...]


PDF = FileType("application/pdf", "PDF", ("pdf",))
JPEG = FileType("image/jpeg", "image JPEG", ("jpg", "jpeg"))
PNG = FileType("image/png", "image PNG", ("png",))
WEBP = FileType("image/webp", "image WebP", ("webp",))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "document Word",
    ("docx",),
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "classeur Excel",
    ("xlsx",),
)
ODT = FileType("application/vnd.oasis.opendocument.text", "texte OpenDocument", ("odt",))
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", "classeur OpenDocument", ("ods",))
DOC = FileType("application/msword", "document Word 97-2003", ("doc",))
XLS = FileType("application/vnd.ms-excel", "classeur Excel 97-2003", ("xls",))

ALLOWED_FILE_TYPES = (PDF, JPEG, PNG, WEBP, DOCX, XLSX, ODT, ODS, DOC, XLS)
ALLOWED_TYPES_TEXT = (
    "PDF, JPEG, PNG, WebP, Word (DOC, DOCX), Excel (XLS, XLSX), OpenDocument (ODT, ODS)"
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODF_TYPES = {ODT.content_type: ODT, ODS.content_type: ODS}


class RefusedFile(DomainError):
    """The uploaded file is not accepted (type, size, content)."""


def _refuse(message: str) -> RefusedFile:
    return RefusedFile(message, field="file")


def _sniff_zip(stream: IO[bytes]) -> FileType:
    """OOXML (DOCX, XLSX) and OpenDocument (ODT, ODS) are zip containers: the container says
    what it holds ([Content_Types].xml, or the `mimetype` entry for OpenDocument)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > 100:
                    raise _refuse("Ce document OpenDocument est mal formé.")
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared in _ODF_TYPES:
                    return _ODF_TYPES[declared]
            elif "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size > 1_000_000:
                    raise _refuse("Ce document Office est mal formé.")
                manifest = archive.read("[Content_Types].xml")
                if b"macroEnabled" in manifest or "vbaProject.bin" in {
                    PurePath(n).name for n in names
                }:
                    raise _refuse(
                        "Les documents contenant des macros ne sont pas acceptés : "
                        "enregistrez-le en PDF ou en document sans macro."
                    )
                if b"wordprocessingml.document.main+xml" in manifest:
                    return DOCX
                if b"spreadsheetml.sheet.main+xml" in manifest:
                    return XLSX
    except (zipfile.BadZipFile, KeyError, ValueError, RuntimeError, NotImplementedError):
        raise _refuse("Ce fichier est une archive illisible ou endommagée.") from None
    raise _refuse(f"Ce type de fichier n'est pas accepté. Types acceptés : {ALLOWED_TYPES_TEXT}.")


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _sniff_ole(stream: IO[bytes], extension: str) -> FileType:
    """Word 97-2003 and Excel 97-2003 share the OLE2 container (as do installers): look for
    the stream that makes it a document."""
    stream.seek(0)
    content = stream.read()
    if extension == "doc" and _utf16("WordDocument") in content:
        return DOC
    if extension == "xls" and (_utf16("Workbook") in content or _utf16("Book") in content):
        return XLS
    if _utf16("WordDocument") in content:
        return DOC
    if _utf16("Workbook") in content:
        return XLS
    raise _refuse(f"Ce type de fichier n'est pas accepté. Types acceptés : {ALLOWED_TYPES_TEXT}.")


def sniff_file_type(stream: IO[bytes], filename: str = "") -> FileType:
    """The real type of a file, from its content (its « magic bytes »), whatever its name
    says. Raises RefusedFile for anything outside ALLOWED_FILE_TYPES."""
    stream.seek(0)
    head = stream.read(16)
    extension = PurePath(filename).suffix.lower().lstrip(".")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        stream.seek(0)
        return _sniff_zip(stream)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(stream, extension)
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        raise _refuse(
            "Ce fichier est un programme exécutable, quel que soit son nom : il est refusé. "
            f"Types acceptés : {ALLOWED_TYPES_TEXT}."
        )
    raise _refuse(
        f"Le contenu de ce fichier ne correspond à aucun type accepté ({ALLOWED_TYPES_TEXT})."
    )


def size_in_mb(size: int) -> str:
    value = size / (1024 * 1024)
    text = f"{value:.1f}".replace(".", ",")
    return text.removesuffix(",0")


def check_upload(uploaded: Any) -> tuple[FileType, str]:
    """Size, then real type, then name: returns the type and a safe original name."""
    limit = settings.RELAIS_DOCUMENT_MAX_BYTES
    size = uploaded.size or 0
    if size == 0:
        raise _refuse("Le fichier est vide.")
    if size > limit:
        raise _refuse(
            f"Le fichier fait {size_in_mb(size)} Mo : la taille maximale est de "
            f"{size_in_mb(limit)} Mo. Réduisez-le (par exemple en le numérisant en "
            "noir et blanc ou en PDF) puis déposez-le de nouveau."
        )
    original = PurePath(str(uploaded.name or "document").replace("\\", "/")).name
    original = one_line(original)[:150] or "document"
    file_type = sniff_file_type(uploaded, original)
    extension = PurePath(original).suffix.lower().lstrip(".")
    if not extension:
        original = f"{original}.{file_type.extensions[0]}"
    elif extension not in file_type.extensions:
        raise _refuse(
            f"Le nom du fichier se termine par « .{extension} » mais son contenu est un "
            f"fichier {file_type.label} : renommez-le en « .{file_type.extensions[0]} » "
            "ou déposez le bon fichier."
        )
    return file_type, original


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


@transaction.atomic
def document_upload(
    *,
    person: Person,
    actor: User,
    uploaded_file: Any,
    kind: str,
    title: str,
    expires_on: dt.date | None = None,
) -> Document:
    """Store a document of the person's record, after checking its size and real type.
    The file goes to the default storage (outside the web root) under a name made of its
    hash; it is served only by the permission-checked download view."""
    if kind not in DocumentKind.values:
        raise DomainError("Choisissez le type de document.", field="kind")
    title = one_line(title)
    if not title:
        raise DomainError("Donnez un intitulé au document.", field="title")
    if len(title) > 200:
        raise DomainError("L'intitulé fait 200 caractères au plus.", field="title")
    if expires_on is not None and not isinstance(expires_on, dt.date):
        raise DomainError("Date d'expiration non valide.", field="expires_on")
    file_type, original_name = check_upload(uploaded_file)
    sha256 = _sha256(uploaded_file)
    existing = Document.objects.filter(person=person, sha256=sha256).first()
    if existing is not None:
        raise _refuse(
            f"Ce fichier est déjà dans le dossier : « {existing.title} », déposé le "
            f"{timezone.localtime(existing.created_at):%d/%m/%Y}."
        )
    document = Document(
        person=person,
        kind=kind,
        title=title,
        original_name=original_name,
        content_type=file_type.content_type,
        size=uploaded_file.size,
        sha256=sha256,
        expires_on=expires_on,
        uploaded_by=actor,
    )
    document.file.save(original_name, File(uploaded_file), save=False)
    stored_name = document.file.name
    try:
        document.save()
    except Exception:
        document.file.storage.delete(stored_name)
        raise
    return document


def document_is_expired(document: Document, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return document.expires_on is not None and document.expires_on < today
