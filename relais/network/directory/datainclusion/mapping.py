"""Import mapping: a validated v1 Structure or Service row → the field values of our
Organisation or Service (address, commune and its centre when no coordinates are given),
and the lengths our columns allow below the schema's. The other direction is export.py."""

from __future__ import annotations

from typing import Any

from data_inclusion.schema import v1

from relais.accounts.validators import normalise_siret
from relais.core.communes import get_commune


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


def structure_fields(data: dict[str, Any], model: v1.Structure) -> dict[str, Any]:
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


def service_fields(data: dict[str, Any], model: v1.Service) -> dict[str, Any]:
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
V1_TO_ORGANISATION = {
    "nom": "name",
    "description": "description",
    "adresse": "address",
    "telephone": "phone",
    "courriel": "email",
    "site_web": "website",
}
V1_TO_SERVICE = {
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


def length_problems(
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
