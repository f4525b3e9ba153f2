"""Export: our organisations and services as data·inclusion v1 Structures and Services
(every field, valid against the schema), and the JSON and CSV files made of them. Used by
the directory's export and public JSON pages and by the public search API."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.utils import timezone

from relais.accounts.models import Organisation
from relais.core.cells import SafeWriter
from relais.core.communes import get_commune
from relais.network.directory.datainclusion.checks import zone_code_error
from relais.network.directory.datainclusion.schema import (
    known_codes,
    service_identity,
    structure_identity,
)
from relais.network.directory.models import Service


def _commune_name(code: str) -> str | None:
    commune = get_commune(code) if code else None
    return commune.name if commune else None


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
        "reseaux_porteurs": _or_none(known_codes("reseaux_porteurs", organisation.networks)),
    }


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
        "type": (known_codes("type", [service.type]) or [None])[0],
        "thematiques": _or_none(known_codes("thematiques", service.thematiques)),
        "frais": (known_codes("frais", service.frais) or [None])[0],
        "frais_precisions": _or_none(service.frais_precisions),
        "publics": _or_none(known_codes("publics", service.publics)),
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
        "modes_accueil": _or_none(known_codes("modes_accueil", service.modes_accueil)),
        "zone_eligibilite": _or_none(
            [c for c in service.zone_eligibilite or [] if zone_code_error(c) is None]
        ),
        # A person's name: never exported (the directory names organisations, not persons).
        "contact_nom_prenom": None,
        "lien_mobilisation": _or_none(service.lien_mobilisation),
        "modes_mobilisation": _or_none(
            known_codes("modes_mobilisation", service.modes_mobilisation)
        ),
        "mobilisable_par": _or_none(known_codes("mobilisable_par", service.mobilisable_par)),
        "mobilisation_precisions": _or_none(service.mobilisation_precisions),
        "volume_horaire_hebdomadaire": service.volume_horaire_hebdomadaire,
        "nombre_semaines": service.nombre_semaines,
        "horaires_accueil": _or_none(service.horaires_accueil),
    }


def export_json(organisations: Iterable[Organisation], services: Iterable[Service]) -> str:
    payload = {
        "structures": [structure_to_v1(o) for o in organisations],
        "services": [service_to_v1(s) for s in services],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def export_csv(rows: Iterable[dict[str, Any]], fields: Sequence[str]) -> str:
    """CSV with the v1 field names as headers, "," as separator, lists joined by "|"."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\r\n")
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
