"""Checks of a service's or a structure's fields that hold wherever the record comes from:
the directory's forms, the services (relais.network.directory.services) and the import.
Each answers a French message (or None), never raises: the caller puts it next to its field
or its line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from relais.accounts.validators import luhn_is_valid
from relais.core.communes import get_commune, is_well_formed_insee_code
from relais.core.text import normalise_french_phone
from relais.network.directory.datainclusion.schema import (
    TOUS_PUBLICS,
    unknown_codes,
    unknown_value_message,
)
from relais.network.directory.geo import FRANCE_CODES, is_departement_code

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
