"""The national data·inclusion schema (v1): vocabularies, checks, and the mapping between
its Structure / Service models and our Organisation / Service.

Reading a file (JSON or CSV) happens here, in two steps that never write:
`read_files` decodes and parses every row with its line number, then `prepare_import`
validates every row (the pydantic v1 models, then our own checks: vocabularies, required
fields, duplicate ids, coordinates in France, structures that exist and that the importer
may edit) and resolves each row to the record it creates or updates. Writing the result,
all or nothing, is `relais.network.directory.services.catalogue_import`.

Identity: a record is known by (source, id). Records created in Relais have no source of
their own; they are exported as ("relais", "relais--<pk>"), and the source "relais" is
reserved for them (an import may update them through it, never create new ones).
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cache
from typing import Any

import pydantic
from data_inclusion.schema import v1
from django.core.exceptions import ValidationError
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, OrganisationKind
from relais.accounts.validators import luhn_is_valid, normalise_siret, validate_siret
from relais.core.communes import get_commune, is_well_formed_insee_code
from relais.core.text import normalise_french_phone
from relais.network.directory import policies
from relais.network.directory.geo import FRANCE_CODES, is_departement_code
from relais.network.directory.models import Service

SOURCE = "relais"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UPLOAD_LABEL = "5 Mo"

# --- Vocabularies --------------------------------------------------------------------------

VOCABULARIES: dict[str, type[Enum]] = {
    "type": v1.TypeService,
    "thematiques": v1.Thematique,
    "frais": v1.Frais,
    "publics": v1.Public,
    "modes_accueil": v1.ModeAccueil,
    "modes_mobilisation": v1.ModeMobilisation,
    "mobilisable_par": v1.PersonneMobilisatrice,
    "reseaux_porteurs": v1.ReseauPorteur,
}
TOUS_PUBLICS = v1.Public.TOUS_PUBLICS.value


def choices(vocabulary: str) -> list[tuple[str, str]]:
    """(code, French label) of a vocabulary, in the schema's order."""
    return [(member.value, member.label) for member in VOCABULARIES[vocabulary]]


@cache
def _labels(vocabulary: str) -> dict[str, str]:
    return dict(choices(vocabulary))


def label(vocabulary: str, code: str) -> str:
    """The French label of a code (the code itself when unknown: old data stays readable)."""
    return _labels(vocabulary).get(code, code)


def labels(vocabulary: str, codes: Iterable[str]) -> list[str]:
    return [label(vocabulary, code) for code in codes or ()]


def category_of(thematique: str) -> str:
    """ "mobilite--preparer-un-permis" → "mobilite"."""
    return thematique.split("--", 1)[0]


@cache
def category_labels() -> dict[str, str]:
    return {c.value: c.label for c in v1.Categorie}


def thematique_label(code: str) -> str:
    """« Mobilité : Préparer un permis » (the category tells what the short label means)."""
    category = category_labels().get(category_of(code))
    own = label("thematiques", code)
    return f"{category} : {own}" if category and own != code else own


@cache
def thematique_groups() -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """Categories with their thématiques: ((category code, label, ((code, label), …)), …)."""
    groups: dict[str, list[tuple[str, str]]] = {c.value: [] for c in v1.Categorie}
    for code, text in choices("thematiques"):
        groups.setdefault(category_of(code), []).append((code, text))
    return tuple(
        (code, category_labels().get(code, code), tuple(items))
        for code, items in groups.items()
        if items
    )


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


# Organisation kinds that a réseau porteur tells for sure (imports of new structures).
KIND_FROM_NETWORK = {
    "ccas-cias": OrganisationKind.CCAS,
    "plie": OrganisationKind.PLIE,
    "mission-locale": OrganisationKind.MISSION_LOCALE,
    "aci": OrganisationKind.ACI,
    "ei": OrganisationKind.EI,
    "ai": OrganisationKind.AI,
    "etti": OrganisationKind.ETTI,
    "chrs": OrganisationKind.CHRS,
    "cada": OrganisationKind.CADA,
    "departements": OrganisationKind.DEPARTEMENT,
    "france-travail": OrganisationKind.FRANCE_TRAVAIL,
    "cap-emploi-reseau-cheops": OrganisationKind.CAP_EMPLOI,
    "afpa": OrganisationKind.TRAINING,
}


def kind_from_networks(networks: Sequence[str]) -> str:
    for network in networks or ():
        if network in KIND_FROM_NETWORK:
            return KIND_FROM_NETWORK[network]
    return OrganisationKind.OTHER


# --- Checks shared by the forms, the services and the import -------------------------------

OVERSEAS_COLLECTIVITIES = frozenset({"975", "977", "978", "984", "986", "987", "988"})


def zone_code_error(code: str) -> str | None:
    """Why a code of a "zone d'éligibilité" is wrong, or None: a commune (INSEE, 5
    characters, known), a département (2 or 3 characters), an EPCI (SIREN, 9 digits) or
    "france"."""
    if code in FRANCE_CODES:
        return None
    if re.fullmatch(r"\d{9}", code):
        if not luhn_is_valid(code):
            return f"« {code} » n'est pas un code EPCI valide (numéro SIREN à 9 chiffres, clé incorrecte)."
        return None
    if len(code) in (2, 3):
        if is_departement_code(code) or code in OVERSEAS_COLLECTIVITIES:
            return None
        return f"« {code} » n'est pas un code de département (ex. 69, 2A, 974)."
    if len(code) == 5 and is_well_formed_insee_code(code):
        if get_commune(code) is None:
            return f"Aucune commune ne porte le code INSEE « {code} »."
        return None
    return (
        f"« {code} » n'est pas un code reconnu : commune (code INSEE, 5 caractères), "
        "département (2 ou 3 caractères), EPCI (SIREN, 9 chiffres) ou « france »."
    )


def normalise_zone(codes: Iterable[str]) -> list[str]:
    """Trim, upper-case Corsica ("2a" → "2A"), lower-case "France", drop duplicates."""
    result: list[str] = []
    for raw in codes or ():
        code = str(raw).strip()
        if not code:
            continue
        code = "france" if code.lower() == "france" else code.upper()
        if code not in result:
            result.append(code)
    return result


def split_codes(text: str) -> list[str]:
    """Codes typed in one field: separated by spaces, commas, semicolons or "|"."""
    return [part for part in re.split(r"[\s,;|]+", text or "") if part]


@dataclass(frozen=True)
class Box:
    name: str
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


# Generous rectangles around each part of France (metropolitan and overseas).
FRANCE_BOXES = (
    Box("France métropolitaine et Corse", 41.2, 51.2, -5.3, 9.7),
    Box("Guadeloupe", 15.8, 16.6, -61.9, -60.9),
    Box("Martinique", 14.3, 14.95, -61.3, -60.75),
    Box("Guyane", 2.0, 5.9, -54.7, -51.5),
    Box("La Réunion", -21.45, -20.8, 55.15, 55.9),
    Box("Mayotte", -13.1, -12.55, 44.9, 45.35),
    Box("Saint-Pierre-et-Miquelon", 46.7, 47.2, -56.5, -56.05),
    Box("Saint-Barthélemy et Saint-Martin", 17.85, 18.15, -63.2, -62.75),
    Box("Polynésie française", -28.0, -7.5, -155.0, -134.0),
    Box("Nouvelle-Calédonie", -23.0, -19.0, 163.0, 168.5),
    Box("Wallis-et-Futuna", -14.5, -13.0, -178.5, -175.9),
)


def in_france(lat: float, lon: float) -> bool:
    return any(box.contains(lat, lon) for box in FRANCE_BOXES)


def coordinates_error(lat: float | None, lon: float | None) -> str | None:
    """Why a (latitude, longitude) pair is wrong, or None (both empty is fine)."""
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        return "Indiquez la latitude et la longitude ensemble (ou aucune des deux)."
    if not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
        return "Coordonnées impossibles : la latitude va de -90 à 90 et la longitude de -180 à 180."
    if in_france(lat, lon):
        return None
    hint = ""
    if in_france(lon, lat):
        hint = " La latitude et la longitude semblent inversées."
    return f"Les coordonnées ({lat}, {lon}) sont hors de France (métropole et outre-mer).{hint}"


def phone_or_error(value: str) -> tuple[str, str | None]:
    """(national format, None) or (value, French error)."""
    try:
        return normalise_french_phone(value), None
    except ValueError:
        return value, (
            f"Numéro de téléphone non reconnu : « {value} ». Indiquez un seul numéro français "
            "à 10 chiffres (ex. 04 72 00 00 00 ou +33 4 72 00 00 00)."
        )


def unknown_codes(vocabulary: str, codes: Iterable[str]) -> list[str]:
    known = _labels(vocabulary)
    return [code for code in codes if code not in known]


def unknown_value_message(vocabulary: str, code: str) -> str:
    message = f"Valeur inconnue « {code} »"
    close = difflib.get_close_matches(code, list(_labels(vocabulary)), n=1, cutoff=0.75)
    if close:
        message += f" : vouliez-vous dire « {close[0]} » ?"
    else:
        message += " (voir la liste des valeurs possibles dans la documentation)."
    return message


def service_field_problems(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """Rules a service must follow wherever it comes from (form or import), as
    (field, French message). `fields` uses our model's field names."""
    problems: list[tuple[str, str]] = []
    name = (fields.get("name") or "").strip()
    if "name" in fields and not 3 <= len(name) <= 150:
        problems.append(("name", "Le nom du service doit faire entre 3 et 150 caractères."))
    if "description" in fields and len((fields.get("description") or "").strip()) < 5:
        problems.append(
            ("description", "Décrivez le service en quelques mots (5 caractères au moins).")
        )
    for vocabulary, model_field in (
        ("thematiques", "thematiques"),
        ("publics", "publics"),
        ("modes_accueil", "modes_accueil"),
        ("modes_mobilisation", "modes_mobilisation"),
        ("mobilisable_par", "mobilisable_par"),
        ("frais", "frais"),
    ):
        for code in unknown_codes(vocabulary, fields.get(model_field) or ()):
            problems.append((model_field, unknown_value_message(vocabulary, code)))
    service_type = fields.get("type") or ""
    if service_type and unknown_codes("type", [service_type]):
        problems.append(("type", unknown_value_message("type", service_type)))
    publics = fields.get("publics") or []
    if TOUS_PUBLICS in publics and len(publics) > 1:
        problems.append(
            ("publics", "« Tous publics » ne peut pas être choisi avec d'autres publics.")
        )
    if len(fields.get("frais") or []) > 1:
        problems.append(("frais", "Choisissez une seule valeur : gratuit ou payant."))
    for code in fields.get("zone_eligibilite") or ():
        error = zone_code_error(code)
        if error:
            problems.append(("zone_eligibilite", error))
    commune_code = fields.get("commune_code") or ""
    if commune_code and get_commune(commune_code) is None:
        problems.append(
            ("commune_code", f"Aucune commune ne porte le code INSEE « {commune_code} ».")
        )
    postal_code = fields.get("postal_code") or ""
    if postal_code and not re.fullmatch(r"\d{5}", postal_code):
        problems.append(("postal_code", "Le code postal comporte 5 chiffres."))
    error = coordinates_error(fields.get("latitude"), fields.get("longitude"))
    if error:
        problems.append(("latitude", error))
    volume = fields.get("volume_horaire_hebdomadaire")
    if volume is not None and volume < 0:
        problems.append(
            ("volume_horaire_hebdomadaire", "Le volume horaire ne peut pas être négatif.")
        )
    weeks = fields.get("nombre_semaines")
    if weeks is not None and weeks < 1:
        problems.append(("nombre_semaines", "Le nombre de semaines est d'au moins 1."))
    return problems


# --- Identity and export -------------------------------------------------------------------

_RELAIS_ID_RE = re.compile(rf"^{SOURCE}--(\d+)$")


def structure_identity(organisation: Organisation) -> tuple[str, str]:
    if organisation.source:
        return organisation.source, organisation.source_id
    return SOURCE, f"{SOURCE}--{organisation.pk}"


def service_identity(service: Service) -> tuple[str, str]:
    if service.source:
        return service.source, service.source_id
    return SOURCE, f"{SOURCE}--{service.pk}"


def _commune_name(code: str) -> str | None:
    commune = get_commune(code) if code else None
    return commune.name.title() if commune else None


def _or_none(value: Any) -> Any:
    return value if value not in ("", [], None) else None


def structure_to_v1(organisation: Organisation) -> dict[str, Any]:
    """The organisation as a data·inclusion v1 Structure (JSON-ready dict, every field)."""
    source, identifier = structure_identity(organisation)
    commune = get_commune(organisation.commune_code) if organisation.commune_code else None
    lat, lon = organisation.latitude, organisation.longitude
    if lat is None and lon is None and commune is not None:
        lat, lon = commune.latitude, commune.longitude  # the commune's centre, as on import
    return {
        "source": source,
        "id": identifier,
        "nom": organisation.name,
        "date_maj": timezone.localdate(organisation.updated_at).isoformat(),
        "description": _or_none(organisation.description),
        "lien_source": None,
        "siret": _or_none(organisation.siret),
        "commune": _commune_name(organisation.commune_code),
        "code_postal": organisation.postal_code or (commune.postal_code if commune else None),
        "code_insee": _or_none(organisation.commune_code),
        "adresse": _or_none(organisation.address),
        "complement_adresse": None,
        "longitude": lon,
        "latitude": lat,
        "telephone": _or_none(organisation.phone),
        "courriel": _or_none(organisation.email),
        "site_web": _or_none(organisation.website),
        "horaires_accueil": None,
        "accessibilite_lieu": None,
        "reseaux_porteurs": _or_none(_known("reseaux_porteurs", organisation.networks)),
    }


def _known(vocabulary: str, codes: Iterable[str] | None) -> list[str]:
    """Codes of the vocabulary only: what an older version or a hand edit stored outside
    it is left out of the export, which stays valid against the schema."""
    known = _labels(vocabulary)
    return [code for code in codes or () if code in known]


def service_date_maj(service: Service) -> date:
    return service.confirmed_on or timezone.localdate(service.updated_at)


def service_to_v1(service: Service) -> dict[str, Any]:
    """The service as a data·inclusion v1 Service (JSON-ready dict, every field). Reads
    `service.organisation` (select it with the service)."""
    source, identifier = service_identity(service)
    return {
        "source": source,
        "structure_id": structure_identity(service.organisation)[1],
        "id": identifier,
        "nom": service.name,
        "description": service.description,
        "lien_source": None,
        "date_maj": service_date_maj(service).isoformat(),
        "type": (_known("type", [service.type]) or [None])[0],
        "thematiques": _or_none(_known("thematiques", service.thematiques)),
        "frais": (_known("frais", service.frais) or [None])[0],
        "frais_precisions": _or_none(service.frais_precisions),
        "publics": _or_none(_known("publics", service.publics)),
        "publics_precisions": _or_none(service.publics_precisions),
        "conditions_acces": _or_none(service.conditions_acces),
        "commune": _commune_name(service.commune_code),
        "code_postal": _or_none(service.postal_code),
        "code_insee": _or_none(service.commune_code),
        "adresse": _or_none(service.address),
        "complement_adresse": None,
        "longitude": service.longitude,
        "latitude": service.latitude,
        "telephone": _or_none(service.phone),
        "courriel": _or_none(service.email),
        "modes_accueil": _or_none(_known("modes_accueil", service.modes_accueil)),
        "zone_eligibilite": _or_none(
            [c for c in service.zone_eligibilite or [] if zone_code_error(c) is None]
        ),
        # A person's name: never exported (the directory names organisations, not persons).
        "contact_nom_prenom": None,
        "lien_mobilisation": _or_none(service.lien_mobilisation),
        "modes_mobilisation": _or_none(_known("modes_mobilisation", service.modes_mobilisation)),
        "mobilisable_par": _or_none(_known("mobilisable_par", service.mobilisable_par)),
        "mobilisation_precisions": _or_none(service.mobilisation_precisions),
        "volume_horaire_hebdomadaire": service.volume_horaire_hebdomadaire,
        "nombre_semaines": service.nombre_semaines,
        "horaires_accueil": _or_none(service.horaires_accueil),
    }


STRUCTURE_FIELDS = tuple(v1.Structure.model_fields)
SERVICE_FIELDS = tuple(v1.Service.model_fields)
STRUCTURE_LIST_FIELDS = frozenset({"reseaux_porteurs"})
SERVICE_LIST_FIELDS = frozenset(
    {
        "thematiques",
        "publics",
        "modes_accueil",
        "zone_eligibilite",
        "modes_mobilisation",
        "mobilisable_par",
    }
)
STRUCTURE_REQUIRED = ("source", "id", "nom", "date_maj")
SERVICE_REQUIRED = ("source", "structure_id", "id", "nom", "description", "date_maj")


def export_json(organisations: Iterable[Organisation], services: Iterable[Service]) -> str:
    payload = {
        "structures": [structure_to_v1(o) for o in organisations],
        "services": [service_to_v1(s) for s in services],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def export_csv(rows: Iterable[dict[str, Any]], fields: Sequence[str]) -> str:
    """CSV with the v1 field names as headers, "," as separator, lists joined by "|"."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        cells = []
        for name in fields:
            value = row.get(name)
            if value is None:
                cells.append("")
            elif isinstance(value, list):
                cells.append("|".join(value))
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return buffer.getvalue()


# --- Reading files -------------------------------------------------------------------------


@dataclass
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"ligne {self.line}" if self.line else "fichier"
        column = f", champ « {self.field} »" if self.field else ""
        return f"{self.file}, {where}{column} : {self.message}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    notices: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    structures: Counts = field(default_factory=Counts)
    services: Counts = field(default_factory=Counts)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, file: str, line: int | None, field_name: str, message: str) -> None:
        self.errors.append(Problem(file, line, field_name, message))

    def summary(self) -> str:
        def part(counts: Counts, noun: str, feminine: bool) -> str:
            e = "e" if feminine else ""

            def agree(n: int, word: str) -> str:
                return f"{n} {word}{e}{'s' if n > 1 else ''}"

            return (
                f"{counts.total} {noun}{'s' if counts.total > 1 else ''} ("
                f"{agree(counts.created, 'créé')}, "
                f"{counts.updated} mis{e}{'s' if e and counts.updated > 1 else ''} à jour, "
                f"{agree(counts.unchanged, 'inchangé')})"
            )

        return f"{part(self.structures, 'structure', True)} et {part(self.services, 'service', False)}."


@dataclass
class ImportFile:
    """An uploaded file. `kind`: "json", "structures" (CSV) or "services" (CSV)."""

    name: str
    content: bytes
    kind: str


@dataclass
class Row:
    kind: str  # "structure" | "service"
    file: str
    line: int
    data: dict[str, Any]


def decode(content: bytes, name: str, report: ImportReport) -> str | None:
    """UTF-8 (with or without BOM) or Windows-1252 (said in the report); anything else is
    refused with the line of the first unreadable byte."""
    if content.startswith(b"PK\x03\x04"):
        report.error(
            name,
            None,
            "",
            "Ce fichier est un classeur (Excel, LibreOffice…), pas un CSV : "
            "enregistrez-le au format « CSV UTF-8 » puis déposez-le de nouveau.",
        )
        return None
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:4096]:
        report.error(
            name,
            None,
            "",
            "Encodage non pris en charge (UTF-16 ou fichier binaire) : enregistrez le fichier "
            "en UTF-8.",
        )
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as error:
            line = content[: error.start].count(b"\n") + 1
            report.error(
                name,
                line,
                "",
                "Encodage non reconnu (ni UTF-8, ni Windows-1252) : enregistrez le fichier en "
                "UTF-8.",
            )
            return None
        line = content[: utf8_error.start].count(b"\n") + 1
        report.notices.append(
            f"{name} : le fichier n'est pas en UTF-8 (premier caractère non UTF-8 ligne {line}). "
            "Il a été lu en Windows-1252 (l'encodage des anciennes versions d'Excel) : "
            "vérifiez les accents du résultat."
        )
        return text
    if content.startswith(b"\xef\xbb\xbf"):
        report.notices.append(
            f"{name} : UTF-8 avec BOM (marque d'ordre des octets), lu sans difficulté."
        )
    return text


def _close_field(name: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.8)
    return close[0] if close else None


def _unknown_fields(
    names: Iterable[str], known: Sequence[str], file: str, report: ImportReport, line: int | None
) -> None:
    """A misspelt field ("thematique") is an error; a field of another schema is ignored
    (and said in the report)."""
    ignored = []
    for name in names:
        if name in known or not name:
            continue
        close = _close_field(name, known)
        if close:
            report.error(file, line, name, f"Champ inconnu : vouliez-vous dire « {close} » ?")
        else:
            ignored.append(name)
    if ignored:
        report.notices.append(
            f"{file} : champ{'s' if len(ignored) > 1 else ''} ignoré{'s' if len(ignored) > 1 else ''} "
            f"(hors du schéma data·inclusion v1) : {', '.join(sorted(set(ignored)))}."
        )


DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "virgule", ";": "point-virgule", "\t": "tabulation"}


def _sniff_delimiter(header_line: str, known: Sequence[str]) -> str:
    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        names = [cell.strip().lower() for cell in cells]
        return sum(name in known for name in names), len(names)

    return max(DELIMITERS, key=score)


def parse_csv(text: str, file: ImportFile, report: ImportReport) -> list[Row]:
    expected = "service" if file.kind == "services" else "structure"
    known = SERVICE_FIELDS if expected == "service" else STRUCTURE_FIELDS
    lines = text.splitlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        report.error(file.name, None, "", "Le fichier est vide.")
        return []
    delimiter = _sniff_delimiter(lines[header_index], SERVICE_FIELDS + STRUCTURE_FIELDS)
    if delimiter != ",":
        report.notices.append(f"{file.name} : séparateur « {DELIMITER_NAMES[delimiter]} » détecté.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[Row] = []
    previous_line = 0
    try:
        for cells in reader:
            start = previous_line + 1
            previous_line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip().lstrip("\ufeffï»¿").lower() for cell in cells]
                if not any(name in known for name in header):
                    report.error(
                        file.name,
                        start,
                        "",
                        "En-têtes non reconnus : la première ligne doit donner les noms des "
                        f"champs data·inclusion ({', '.join(known[:4])}…).",
                    )
                    return []
                if expected == "structure" and "structure_id" in header:
                    report.error(
                        file.name,
                        start,
                        "structure_id",
                        "Ce fichier contient des services (colonne structure_id) : "
                        "déposez-le comme fichier des services.",
                    )
                    return []
                if expected == "service" and "structure_id" not in header and "siret" in header:
                    report.error(
                        file.name,
                        start,
                        "",
                        "Ce fichier semble contenir des structures (pas de colonne "
                        "structure_id) : déposez-le comme fichier des structures.",
                    )
                    return []
                duplicates = sorted({n for n in header if n and header.count(n) > 1})
                for name in duplicates:
                    report.error(file.name, start, name, "Colonne en double dans l'en-tête.")
                _unknown_fields(header, known, file.name, report, start)
                continue
            if len(cells) != len(header):
                report.error(
                    file.name,
                    start,
                    "",
                    f"{len(cells)} colonnes au lieu de {len(header)} (celles de l'en-tête) : "
                    "vérifiez le séparateur et les guillemets de cette ligne.",
                )
                continue
            data = {name: cell for name, cell in zip(header, cells, strict=True) if name in known}
            rows.append(Row(expected, file.name, start, data))
    except csv.Error as error:
        report.error(file.name, reader.line_num, "", f"CSV illisible : {error}.")
        return []
    if header is None:
        report.error(file.name, None, "", "Le fichier est vide.")
    return rows


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _skip(text: str, index: int) -> int:
    return _WHITESPACE.match(text, index).end()


def _array_offsets(text: str, index: int, decoder: json.JSONDecoder) -> tuple[list[int], int]:
    """Start offsets of the items of the array opening at `index` (a valid document)."""
    offsets: list[int] = []
    index = _skip(text, index + 1)
    if text[index] == "]":
        return offsets, index + 1
    while True:
        offsets.append(index)
        _, index = decoder.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] == ",":
            index = _skip(text, index + 1)
            continue
        return offsets, index + 1


def _item_offsets(text: str) -> dict[tuple[str | None, int], int]:
    """(container key or None for a top-level list, item index) → offset in the text."""
    decoder = json.JSONDecoder()
    index = _skip(text, 0)
    found: dict[tuple[str | None, int], int] = {}
    if text[index] == "[":
        offsets, _ = _array_offsets(text, index, decoder)
        return {(None, n): offset for n, offset in enumerate(offsets)}
    if text[index] != "{":
        return found
    index = _skip(text, index + 1)
    while text[index] != "}":
        key, index = decoder.raw_decode(text, index)
        index = _skip(text, _skip(text, index) + 1)  # the colon
        if text[index] == "[":
            offsets, index = _array_offsets(text, index, decoder)
            found.update({(key, n): offset for n, offset in enumerate(offsets)})
        else:
            _, index = decoder.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] == ",":
            index = _skip(text, index + 1)
    return found


def parse_json(text: str, file: ImportFile, report: ImportReport) -> list[Row]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        report.error(
            file.name,
            error.lineno,
            "",
            f"JSON invalide (colonne {error.colno}) : vérifiez les virgules, guillemets et "
            "crochets autour de cet endroit.",
        )
        return []
    newlines = [i for i, char in enumerate(text) if char == "\n"]

    def line_of(offset: int | None) -> int:
        return bisect_right(newlines, offset) + 1 if offset is not None else 1

    offsets = _item_offsets(text)
    containers: list[tuple[str | None, list, str | None]] = []
    if isinstance(document, list):
        containers.append((None, document, None))
    elif isinstance(document, dict) and ({"structures", "services"} & set(document)):
        for key, kind in (("structures", "structure"), ("services", "service")):
            if key not in document:
                continue
            if not isinstance(document[key], list):
                report.error(file.name, None, key, f"« {key} » doit être une liste.")
                continue
            containers.append((key, document[key], kind))
        _unknown_fields(
            [k for k in document if k not in ("structures", "services")],
            (),
            file.name,
            report,
            None,
        )
    else:
        report.error(
            file.name,
            1,
            "",
            "Format attendu : une liste de structures et/ou de services, ou un objet "
            '{"structures": [...], "services": [...]}.',
        )
        return []
    rows: list[Row] = []
    for key, items, kind in containers:
        for n, item in enumerate(items):
            line = line_of(offsets.get((key, n)))
            if not isinstance(item, dict):
                report.error(file.name, line, "", "Chaque élément doit être un objet JSON { … }.")
                continue
            item_kind = kind or ("service" if "structure_id" in item else "structure")
            known = SERVICE_FIELDS if item_kind == "service" else STRUCTURE_FIELDS
            _unknown_fields(item, known, file.name, report, line)
            data = {k: v for k, v in item.items() if k in known}
            rows.append(Row(item_kind, file.name, line, data))
    return rows


def read_files(files: Sequence[ImportFile], report: ImportReport) -> list[Row]:
    rows: list[Row] = []
    for file in files:
        if len(file.content) > MAX_UPLOAD_BYTES:
            report.error(file.name, None, "", too_big_message(len(file.content)))
            continue
        text = decode(file.content, file.name, report)
        if text is None:
            continue
        if file.kind == "json":
            rows.extend(parse_json(text, file, report))
        else:
            rows.extend(parse_csv(text, file, report))
    return rows


def too_big_message(size: int) -> str:
    megabytes = f"{size / 1024 / 1024:.1f}".replace(".", ",")
    return (
        f"Le fichier pèse {megabytes} Mo : la limite est de {MAX_UPLOAD_LABEL}. "
        "Découpez-le en plusieurs fichiers (par exemple par département) et importez-les "
        "l'un après l'autre."
    )


# --- Validating rows -----------------------------------------------------------------------

_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
NUMBER_FIELDS = frozenset(
    {"latitude", "longitude", "volume_horaire_hebdomadaire", "nombre_semaines"}
)


def _clean_value(name: str, value: Any, list_fields: frozenset[str]) -> Any:
    """Spreadsheet-friendly input: trimmed cells, "" → missing, "a|b" or "a,b" lists,
    "14/02/2025" dates, "45,76" decimals."""
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
        if name in list_fields:
            separator = "|" if "|" in value else ","
            return [part.strip() for part in value.split(separator) if part.strip()]
        if name == "siret":
            return normalise_siret(value)
        if name == "date_maj":
            match = _FRENCH_DATE.match(value)
            if match:
                day, month, year = match.groups()
                return f"{year}-{int(month):02d}-{int(day):02d}"
        if name in NUMBER_FIELDS and _DECIMAL_COMMA.match(value):
            return value.replace(",", ".")
        return value
    if isinstance(value, list) and name in list_fields:
        return [
            str(v).strip() if isinstance(v, str) else v for v in value if v not in ("", None)
        ] or None
    return value


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind == "missing":
        return "Champ obligatoire manquant."
    if kind == "string_too_short":
        return f"Trop court : au moins {context.get('min_length')} caractères."
    if kind == "string_too_long":
        return f"Trop long : au plus {context.get('max_length')} caractères."
    if kind == "too_short":
        return "Indiquez au moins une valeur."
    if kind == "string_pattern_mismatch":
        return "Format invalide."
    if kind in {"string_type", "str_type"}:
        return "Texte attendu."
    if kind.startswith("date_"):
        return "Date invalide : format attendu AAAA-MM-JJ (ex. 2025-02-14) ou JJ/MM/AAAA."
    if kind.startswith("float_"):
        return "Nombre attendu (ex. 45.76)."
    if kind.startswith("int_"):
        return "Nombre entier attendu."
    if kind == "greater_than_equal":
        return f"Doit être supérieur ou égal à {context.get('ge')}."
    if kind.startswith("url_"):
        return "Lien invalide : il doit commencer par http:// ou https://."
    if kind == "enum":
        return "Valeur inconnue."
    if kind in {"set_type", "list_type", "frozen_set_type"}:
        return "Liste de valeurs attendue."
    if kind == "value_error":
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        if "email" in message.lower():
            return "Adresse e-mail invalide."
        return message
    return f"Valeur invalide ({error.get('msg')})."


@dataclass
class StructurePlan:
    row: Row
    source: str
    identifier: str
    existing: Organisation | None
    fields: dict[str, Any]
    ignored_identity: bool = False  # on-platform organisation: name/SIRET/commune kept


@dataclass
class ServicePlan:
    row: Row
    source: str
    identifier: str
    existing: Service | None
    organisation: Organisation | None  # None: a structure created by this import
    structure_plan: StructurePlan | None
    fields: dict[str, Any]


@dataclass
class ImportPlan:
    structures: list[StructurePlan] = field(default_factory=list)
    services: list[ServicePlan] = field(default_factory=list)


class _Validator:
    """Validates rows one by one, collecting every problem with its line and field."""

    def __init__(self, report: ImportReport, membership: Membership | None, as_admin: bool) -> None:
        self.report = report
        self.membership = membership
        self.as_admin = as_admin
        self._may_edit: dict[int, bool] = {}

    def may_edit(self, organisation: Organisation) -> bool:
        if self.as_admin:
            return True
        if organisation.pk not in self._may_edit:
            self._may_edit[organisation.pk] = policies.can_edit_organisation(
                self.membership, organisation
            )
        return self._may_edit[organisation.pk]

    def check_row(
        self,
        row: Row,
        model: type[pydantic.BaseModel],
        required: Sequence[str],
        list_fields: frozenset[str],
    ) -> tuple[dict[str, Any], pydantic.BaseModel | None]:
        """Cleaned values and the validated v1 model (None when any error)."""
        data = {name: _clean_value(name, value, list_fields) for name, value in row.data.items()}
        flagged: set[str] = set()

        def error(name: str, message: str) -> None:
            flagged.add(name)
            self.report.error(row.file, row.line, name, message)

        for name in required:
            if data.get(name) in (None, [], ""):
                error(name, "Champ obligatoire manquant.")
        for name in VOCABULARIES:
            if name not in model.model_fields or data.get(name) is None:
                continue
            values = data[name]
            if name in ("type", "frais"):
                if isinstance(values, str) and ("|" in values or "," in values):
                    error(name, "Une seule valeur attendue.")
                    continue
                if isinstance(values, list):
                    if len(values) > 1:
                        error(name, "Une seule valeur attendue.")
                        continue
                    values = values[:1]
                    data[name] = values[0] if values else None
                else:
                    values = [values]
            if not isinstance(values, list):
                continue
            for code in values:
                if not isinstance(code, str) or unknown_codes(name, [code]):
                    error(name, unknown_value_message(name, str(code)))
        if isinstance(data.get("zone_eligibilite"), list):
            data["zone_eligibilite"] = normalise_zone(data["zone_eligibilite"])
            for code in data["zone_eligibilite"]:
                message = zone_code_error(code)
                if message:
                    error("zone_eligibilite", message)
        try:
            validated = model.model_validate({k: v for k, v in data.items() if k not in flagged})
        except pydantic.ValidationError as exc:
            validated = None
            for item in exc.errors():
                name = str(item["loc"][0]) if item["loc"] else ""
                if name in flagged:
                    continue
                error(name, _pydantic_message(item))
        # Our own checks, on what pydantic accepted.
        siret = data.get("siret")
        if siret and "siret" not in flagged:
            try:
                validate_siret(siret)
            except ValidationError as exc:
                error("siret", " ".join(exc.messages))
        code_insee = data.get("code_insee")
        if (
            isinstance(code_insee, str)
            and "code_insee" not in flagged
            and get_commune(code_insee) is None
        ):
            error("code_insee", f"Aucune commune ne porte le code INSEE « {code_insee} ».")
        lat, lon = data.get("latitude"), data.get("longitude")
        if "latitude" not in flagged and "longitude" not in flagged:
            try:
                lat_f = float(lat) if lat is not None else None
                lon_f = float(lon) if lon is not None else None
            except (TypeError, ValueError):
                lat_f = lon_f = None
            else:
                message = coordinates_error(lat_f, lon_f)
                if message:
                    error(
                        "longitude" if lon_f is None and lat_f is not None else "latitude", message
                    )
        phone = data.get("telephone")
        if isinstance(phone, str) and "telephone" not in flagged:
            normalised, message = phone_or_error(phone)
            if message:
                error("telephone", message)
            else:
                data["telephone"] = normalised
        return data, (validated if not flagged else None)


def _address(data: dict[str, Any]) -> str:
    parts = [data.get("adresse") or "", data.get("complement_adresse") or ""]
    return ", ".join(p for p in parts if p)


def _located(data: dict[str, Any]) -> tuple[str, str, float | None, float | None]:
    """(commune code, postal code, latitude, longitude), completed from the commune."""
    code = data.get("code_insee") or ""
    commune = get_commune(code) if code else None
    postal_code = data.get("code_postal") or (commune.postal_code if commune else "")
    lat = float(data["latitude"]) if data.get("latitude") is not None else None
    lon = float(data["longitude"]) if data.get("longitude") is not None else None
    if lat is None and lon is None and commune is not None and commune.latitude is not None:
        lat, lon = commune.latitude, commune.longitude
    return code, postal_code, lat, lon


def _structure_fields(data: dict[str, Any], model: v1.Structure) -> dict[str, Any]:
    commune_code, postal_code, lat, lon = _located(data)
    return {
        "name": model.nom,
        "siret": normalise_siret(model.siret or ""),
        "commune_code": commune_code,
        "description": model.description or "",
        "address": _address(data),
        "postal_code": postal_code,
        "phone": data.get("telephone") or "",
        "email": model.courriel or "",
        "website": data.get("site_web") or "",
        "networks": list(dict.fromkeys(data.get("reseaux_porteurs") or [])),
        "latitude": lat,
        "longitude": lon,
    }


def _service_fields(data: dict[str, Any], model: v1.Service) -> dict[str, Any]:
    commune_code, postal_code, lat, lon = _located(data)

    def codes(name: str) -> list[str]:
        return list(dict.fromkeys(data.get(name) or []))

    return {
        "name": model.nom,
        "description": model.description,
        "type": model.type.value if model.type else "",
        "thematiques": codes("thematiques"),
        "frais": [model.frais.value] if model.frais else [],
        "frais_precisions": model.frais_precisions or "",
        "publics": codes("publics"),
        "publics_precisions": model.publics_precisions or "",
        "conditions_acces": model.conditions_acces or "",
        "phone": data.get("telephone") or "",
        "email": model.courriel or "",
        "modes_accueil": codes("modes_accueil"),
        "zone_eligibilite": list(data.get("zone_eligibilite") or []),
        "modes_mobilisation": codes("modes_mobilisation"),
        "mobilisable_par": codes("mobilisable_par"),
        "mobilisation_precisions": model.mobilisation_precisions or "",
        "lien_mobilisation": data.get("lien_mobilisation") or "",
        "horaires_accueil": model.horaires_accueil or "",
        "volume_horaire_hebdomadaire": model.volume_horaire_hebdomadaire,
        "nombre_semaines": model.nombre_semaines,
        "address": _address(data),
        "postal_code": postal_code,
        "commune_code": commune_code,
        "latitude": lat,
        "longitude": lon,
        "confirmed_on": model.date_maj,
    }


# Lengths of our columns that are shorter than the schema allows.
_V1_TO_ORGANISATION = {
    "nom": "name",
    "description": "description",
    "adresse": "address",
    "telephone": "phone",
    "courriel": "email",
    "site_web": "website",
}
_V1_TO_SERVICE = {
    "frais_precisions": "frais_precisions",
    "publics_precisions": "publics_precisions",
    "conditions_acces": "conditions_acces",
    "adresse": "address",
    "telephone": "phone",
    "courriel": "email",
    "lien_mobilisation": "lien_mobilisation",
    "mobilisation_precisions": "mobilisation_precisions",
    "horaires_accueil": "horaires_accueil",
}


def _length_problems(
    fields: dict[str, Any], model_class, mapping: dict[str, str]
) -> list[tuple[str, str]]:
    problems = []
    for v1_name, ours in mapping.items():
        value = fields.get(ours)
        limit = model_class._meta.get_field(ours).max_length
        if isinstance(value, str) and limit and len(value) > limit:
            problems.append(
                (v1_name, f"Trop long pour Relais : {len(value)} caractères, au plus {limit}.")
            )
    return problems


def _key(data: dict[str, Any]) -> tuple[str, str] | None:
    """(source, id) of a row, when both are non-empty strings."""
    source, identifier = data.get("source"), data.get("id")
    if isinstance(source, str) and isinstance(identifier, str) and source and identifier:
        return source, identifier
    return None


def _relais_pk(source: str, identifier: str) -> int | None:
    if not isinstance(identifier, str):
        return None
    match = _RELAIS_ID_RE.match(identifier)
    return int(match.group(1)) if source == SOURCE and match else None


def prepare_import(
    rows: Sequence[Row],
    report: ImportReport,
    *,
    membership: Membership | None,
    as_admin: bool = False,
) -> ImportPlan:
    """Validate every row and resolve it to what it creates or updates. Writes nothing."""
    validator = _Validator(report, membership, as_admin)
    plan = ImportPlan()
    structure_rows = [r for r in rows if r.kind == "structure"]
    service_rows = [r for r in rows if r.kind == "service"]

    # Structures --------------------------------------------------------------------------
    checked_structures = [
        (row, *validator.check_row(row, v1.Structure, STRUCTURE_REQUIRED, STRUCTURE_LIST_FIELDS))
        for row in structure_rows
    ]
    known_orgs = _organisations_by_identity([k for _, d, _ in checked_structures if (k := _key(d))])
    sirets = [
        normalise_siret(d["siret"])
        for _, d, m in checked_structures
        if m is not None and d.get("siret")
    ]
    orgs_by_siret = (
        {o.siret: o for o in Organisation.objects.filter(siret__in=sirets)} if sirets else {}
    )
    seen_ids: dict[tuple[str, str], int] = {}
    seen_sirets: dict[str, int] = {}
    file_structures: dict[tuple[str, str], StructurePlan | None] = {}
    for row, data, model in checked_structures:
        key = _key(data)
        if key is not None:
            if key in seen_ids:
                report.error(
                    row.file,
                    row.line,
                    "id",
                    f"Identifiant « {key[1]} » en double dans le fichier (déjà ligne {seen_ids[key]}).",
                )
                continue
            seen_ids[key] = row.line
            file_structures[key] = None
        if model is None or key is None:
            continue
        fields = _structure_fields(data, model)
        problems = _length_problems(fields, Organisation, _V1_TO_ORGANISATION)
        existing = known_orgs.get(key)
        if existing is None and _relais_pk(*key) is not None:
            problems.append(("id", _reserved_source_message(key[1])))
        siret = fields["siret"]
        if siret:
            if siret in seen_sirets:
                problems.append(
                    ("siret", f"SIRET en double dans le fichier (déjà ligne {seen_sirets[siret]}).")
                )
            seen_sirets[siret] = row.line
            holder = orgs_by_siret.get(siret)
            if existing is None and holder is not None:
                existing = holder  # the same establishment, known under another identity
            elif holder is not None and holder.pk != existing.pk:
                problems.append(
                    (
                        "siret",
                        f"Ce SIRET est déjà celui de la structure « {holder.name} » dans Relais.",
                    )
                )
        if existing is not None and not validator.may_edit(existing):
            problems.append(
                (
                    "id",
                    f"Vous ne pouvez pas modifier la structure « {existing.name} » : seuls ses "
                    "responsables le peuvent.",
                )
            )
        if existing is None and not fields["commune_code"]:
            problems.append(
                (
                    "code_insee",
                    "Champ obligatoire pour ajouter une structure à l'annuaire de Relais.",
                )
            )
        for name, message in problems:
            report.error(row.file, row.line, name, message)
        if problems:
            continue
        structure = StructurePlan(row, key[0], key[1], existing, fields)
        if existing is not None and not existing.is_external:
            structure.ignored_identity = any(
                fields[f] != getattr(existing, f)
                for f in ("name", "siret", "commune_code")
                if fields[f]
            )
        file_structures[key] = structure
        plan.structures.append(structure)

    # Services ----------------------------------------------------------------------------
    checked_services = [
        (row, *validator.check_row(row, v1.Service, SERVICE_REQUIRED, SERVICE_LIST_FIELDS))
        for row in service_rows
    ]
    known_services = _services_by_identity([k for _, d, _ in checked_services if (k := _key(d))])
    structure_refs = {
        d["structure_id"] for _, d, _ in checked_services if isinstance(d.get("structure_id"), str)
    }
    orgs_by_id = _organisations_by_structure_id(structure_refs)
    file_structures_by_id: dict[str, list[tuple[str, str]]] = {}
    for source, identifier in file_structures:
        file_structures_by_id.setdefault(identifier, []).append((source, identifier))
    seen_ids = {}
    for row, data, model in checked_services:
        key = _key(data)
        if key is not None:
            if key in seen_ids:
                report.error(
                    row.file,
                    row.line,
                    "id",
                    f"Identifiant « {key[1]} » en double dans le fichier (déjà ligne {seen_ids[key]}).",
                )
                continue
            seen_ids[key] = row.line
        # The structure: one of the file (same source first), else one already in Relais.
        structure_id = data.get("structure_id")
        structure_plan = None
        organisation = None
        in_file = False
        if isinstance(structure_id, str) and structure_id and key is not None:
            candidates = file_structures_by_id.get(structure_id, [])
            if candidates:
                in_file = True
                chosen = (
                    (key[0], structure_id)
                    if (key[0], structure_id) in candidates
                    else candidates[0]
                )
                structure_plan = file_structures[chosen]
                organisation = structure_plan.existing if structure_plan else None
            else:
                organisation = orgs_by_id.get(structure_id)
            if not in_file and organisation is None:
                report.error(
                    row.file,
                    row.line,
                    "structure_id",
                    f"Structure « {structure_id} » inconnue : elle n'est ni dans le fichier des "
                    "structures ni dans l'annuaire de Relais.",
                )
                continue
        if model is None or key is None:
            continue
        if in_file and structure_plan is None:
            continue  # the structure's own row has errors, already reported
        fields = _service_fields(data, model)
        problems = _length_problems(fields, Service, _V1_TO_SERVICE)
        problems += [
            (_service_problem_field(name), message)
            for name, message in service_field_problems(fields)
            if name not in {"zone_eligibilite", "latitude", "commune_code"}
        ]
        existing = known_services.get(key)
        if existing is None and _relais_pk(*key) is not None:
            problems.append(("id", _reserved_source_message(key[1])))
        if (
            organisation is not None
            and structure_plan is None
            and not validator.may_edit(organisation)
        ):
            problems.append(
                (
                    "structure_id",
                    f"Vous ne pouvez pas ajouter ou modifier les services de « {organisation.name} » : "
                    "seuls ses responsables le peuvent.",
                )
            )
        if existing is not None and not validator.may_edit(existing.organisation):
            problems.append(
                (
                    "id",
                    f"Ce service appartient à « {existing.organisation.name} », que vous ne pouvez "
                    "pas modifier.",
                )
            )
        for name, message in problems:
            report.error(row.file, row.line, name, message)
        if problems:
            continue
        plan.services.append(
            ServicePlan(row, key[0], key[1], existing, organisation, structure_plan, fields)
        )
    report.errors.sort(key=lambda p: (p.file, p.line or 0))
    return plan


def _service_problem_field(name: str) -> str:
    return {
        "name": "nom",
        "publics": "publics",
        "frais": "frais",
        "postal_code": "code_postal",
        "phone": "telephone",
    }.get(name, name)


def _reserved_source_message(identifier: str) -> str:
    return (
        f"L'identifiant « {identifier} » désigne une fiche créée dans Relais qui n'existe pas "
        f"ici : la source « {SOURCE} » est réservée à ces fiches. Pour ajouter une nouvelle "
        "fiche, utilisez une autre source (le nom de votre outil, par exemple)."
    )


def _organisations_by_identity(keys: list[tuple[str, str]]) -> dict[tuple[str, str], Organisation]:
    if not keys:
        return {}
    found: dict[tuple[str, str], Organisation] = {}
    wanted = set(keys)
    for organisation in Organisation.objects.filter(
        source__in={k[0] for k in keys}, source_id__in={k[1] for k in keys}
    ):
        key = (organisation.source, organisation.source_id)
        if key in wanted:
            found[key] = organisation
    pks = {pk: key for key in keys if (pk := _relais_pk(*key)) is not None and key not in found}
    for organisation in Organisation.objects.filter(pk__in=pks, source=""):
        found[pks[organisation.pk]] = organisation
    return found


def _services_by_identity(keys: list[tuple[str, str]]) -> dict[tuple[str, str], Service]:
    if not keys:
        return {}
    found: dict[tuple[str, str], Service] = {}
    wanted = set(keys)
    queryset = Service.objects.select_related("organisation")
    for service in queryset.filter(
        source__in={k[0] for k in keys}, source_id__in={k[1] for k in keys}
    ):
        key = (service.source, service.source_id)
        if key in wanted:
            found[key] = service
    pks = {pk: key for key in keys if (pk := _relais_pk(*key)) is not None and key not in found}
    for service in queryset.filter(pk__in=pks, source=""):
        found[pks[service.pk]] = service
    return found


def _organisations_by_structure_id(identifiers: set[str]) -> dict[str, Organisation]:
    """A service's structure_id names a structure by its id alone (its source is implied)."""
    if not identifiers:
        return {}
    found = {
        o.source_id: o
        for o in Organisation.objects.filter(source_id__in=identifiers).exclude(source="")
    }
    pks = {}
    for identifier in identifiers - set(found):
        pk = _relais_pk(SOURCE, identifier)
        if pk is not None:
            pks[pk] = identifier
    for organisation in Organisation.objects.filter(pk__in=pks, source=""):
        found[pks[organisation.pk]] = organisation
    return found
