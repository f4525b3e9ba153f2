"""Checking one row of an import against the schema: spreadsheet-friendly cleaning (trimmed
cells, "a|b" lists, French dates and decimals), required fields, vocabularies, the pydantic
v1 models (their errors said in French), then our own checks (SIRET, commune, coordinates,
phone, zone). Every problem goes to the report with its line and field."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pydantic
from django.core.exceptions import ValidationError

from relais.accounts.models import Membership, Organisation
from relais.accounts.validators import normalise_siret, validate_siret
from relais.core.cells import FORMULA_MESSAGE, looks_like_formula
from relais.core.communes import get_commune
from relais.network.directory import policies
from relais.network.directory.datainclusion.checks import (
    coordinates_error,
    normalise_zone,
    phone_or_error,
    zone_code_error,
)
from relais.network.directory.datainclusion.reading import Row
from relais.network.directory.datainclusion.report import ImportReport
from relais.network.directory.datainclusion.schema import (
    VOCABULARIES,
    unknown_codes,
    unknown_value_message,
)

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


class RowValidator:
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
        for name, value in data.items():
            values = value if isinstance(value, list) else [value]
            if name not in flagged and any(looks_like_formula(v) for v in values):
                error(name, FORMULA_MESSAGE)
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
