"""The data·inclusion schema (v1) as Relais reads and writes it: the vocabularies (codes
and French labels), the field names of a Structure and of a Service, and the identity of a
record. Every other module of this package builds on these names.

Identity: a record is known by (source, id). Records created in Relais have no source of
their own; they are exported as ("relais", "relais--<pk>"), and the source "relais" is
reserved for them (an import may update them through it, never create new ones).

The thématiques' labels (with their category) are in relais.network.directory.thematiques."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from enum import Enum
from functools import cache

from data_inclusion.schema import v1

from relais.accounts.models import Organisation, OrganisationKind
from relais.network.directory.models import Service

SOURCE = "relais"


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


def known_codes(vocabulary: str, codes: Iterable[str] | None) -> list[str]:
    """Codes of the vocabulary only: what an older version or a hand edit stored outside
    it is left out of the export, which stays valid against the schema."""
    known = _labels(vocabulary)
    return [code for code in codes or () if code in known]


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


# --- Field names ---------------------------------------------------------------------------

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

# --- Identity ------------------------------------------------------------------------------

_RELAIS_ID_RE = re.compile(rf"^{SOURCE}--(\d+)$")


def structure_identity(organisation: Organisation) -> tuple[str, str]:
    if organisation.source:
        return organisation.source, organisation.source_id
    return SOURCE, f"{SOURCE}--{organisation.pk}"


def service_identity(service: Service) -> tuple[str, str]:
    if service.source:
        return service.source, service.source_id
    return SOURCE, f"{SOURCE}--{service.pk}"


def relais_pk(source: str, identifier: str) -> int | None:
    """The pk of a record created in Relais, from the identity it is exported under."""
    if not isinstance(identifier, str):
        return None
    match = _RELAIS_ID_RE.match(identifier)
    return int(match.group(1)) if source == SOURCE and match else None
