"""The referentials shipped as data (`data/*.json`, written from the certification fiches)
and the loader that validates them before anything is written.

A file is flat on purpose — blocks, competences, modalities and criteria are lists that name
their parent by code — so that a competence outside any block or a criterion outside any
modality is an error the loader can report, not a shape the format cannot express. Every
error of a file is reported at once, in French; nothing is saved unless the whole file is
valid (one transaction per file)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from django.db import transaction

from relais.certification.models import (
    Block,
    Certification,
    Competence,
    Correspondence,
    Criterion,
    Modality,
    ModalityKind,
)
from relais.certification.models.candidates import AccessRoute
from relais.core.errors import DomainError

DATA_DIR = Path(__file__).with_name("data")
CODE = re.compile(r"^(RNCP|RS)[0-9A-Z-]+$")


class ReferentialError(DomainError):
    """A referential file is not valid; `errors` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("Référentiel refusé : " + " ; ".join(errors))
        self.errors = errors


def _date(value: Any, where: str, errors: list[str]) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        errors.append(f"{where} : date illisible « {value} » (format AAAA-MM-JJ attendu)")
        return None


def validate(data: Any) -> list[str]:
    """Every problem of a referential, in French (empty list: valid)."""
    if not isinstance(data, dict):
        return ["le fichier doit contenir un objet JSON"]
    errors: list[str] = []
    for key in ("code", "title", "version", "blocks", "competences", "modalities", "criteria"):
        if key not in data:
            errors.append(f"champ « {key} » manquant")
    if errors:
        return errors
    if not CODE.match(str(data["code"])):
        errors.append(f"code de certification invalide « {data['code']} »")
    for key in ("registered_on", "registration_ends_on", "last_delivery_on"):
        _date(data.get(key), key, errors)
    for route in data.get("access_routes") or []:
        if route not in AccessRoute.values:
            errors.append(f"voie d'accès inconnue « {route} »")
    seen: set[str] = set()

    def unique(code: Any, what: str) -> None:
        if not code or not isinstance(code, str):
            errors.append(f"{what} sans code")
        elif code in seen:
            errors.append(f"code en double « {code} »")
        else:
            seen.add(code)

    blocks = {b.get("code") for b in data["blocks"]}
    for block in data["blocks"]:
        unique(block.get("code"), "bloc")
        if not block.get("title"):
            errors.append(f"bloc « {block.get('code')} » sans intitulé")
    competences = set()
    for competence in data["competences"]:
        unique(competence.get("code"), "compétence")
        competences.add(competence.get("code"))
        if competence.get("block") not in blocks:
            errors.append(f"compétence « {competence.get('code')} » hors de tout bloc")
    modalities = set()
    for modality in data["modalities"]:
        unique(modality.get("code"), "modalité")
        modalities.add(modality.get("code"))
        if modality.get("block") not in blocks:
            errors.append(f"modalité « {modality.get('code')} » hors de tout bloc")
        if modality.get("kind") not in ModalityKind.values:
            errors.append(
                f"modalité « {modality.get('code')} » : type inconnu « {modality.get('kind')} »"
            )
    for criterion in data["criteria"]:
        unique(criterion.get("code"), "critère")
        if criterion.get("modality") not in modalities:
            errors.append(f"critère « {criterion.get('code')} » hors de toute modalité")
        competence = criterion.get("competence")
        if competence is not None and competence not in competences:
            errors.append(
                f"critère « {criterion.get('code')} » : compétence inconnue « {competence} »"
            )
    for block in data["blocks"]:
        code = block.get("code")
        if code and not any(c.get("block") == code for c in data["competences"]):
            errors.append(f"bloc « {code} » sans compétence")
    return errors


def read_file(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise ReferentialError([f"{path.name} : le fichier n'est pas en UTF-8"]) from error
    except json.JSONDecodeError as error:
        raise ReferentialError(
            [f"{path.name} : JSON illisible ligne {error.lineno}, colonne {error.colno}"]
        ) from error
    return data


@transaction.atomic
def load(data: dict) -> Certification:
    """Create or replace the certification's referential from validated data. The blocks,
    modalities and criteria of a former data version are replaced only when nothing was
    evaluated on them (scores must keep pointing at what was evaluated)."""
    errors = validate(data)
    if errors:
        raise ReferentialError(errors)
    certifier = data.get("certifier") or {}
    values = {
        "kind": data.get("kind", "rncp"),
        "data_version": data["version"],
        "title": data["title"],
        "level": data.get("level"),
        "nsf_codes": data.get("nsf") or [],
        "formacodes": data.get("formacodes") or [],
        "rome_codes": data.get("rome") or [],
        "certifier_name": certifier.get("name", ""),
        "certifier_siret": certifier.get("siret", ""),
        "registered_on": _date(data.get("registered_on"), "", []),
        "registration_ends_on": _date(data.get("registration_ends_on"), "", []),
        "last_delivery_on": _date(data.get("last_delivery_on"), "", []),
        "source": data.get("source", ""),
        "acquisition": data.get("acquisition", ""),
        "block_validity_years": data.get("block_validity_years"),
        "rules": {
            "access_routes": data.get("access_routes") or [],
            "prerequisites": data.get("prerequisites"),
            "jury": data.get("jury"),
            "placement_hours": data.get("placement_hours_without_experience"),
        },
    }
    certification, created = Certification.objects.get_or_create(code=data["code"], defaults=values)
    if not created:
        if certification.data_version == data["version"]:
            return certification
        if certification.enrolments.filter(evaluations__isnull=False).exists():
            raise ReferentialError(
                [
                    f"{data['code']} : des évaluations portent sur la version "
                    f"{certification.data_version} ; chargez la nouvelle version sous un "
                    "nouveau code"
                ]
            )
        for key, value in values.items():
            setattr(certification, key, value)
        certification.save()
        certification.blocks.all().delete()
        certification.correspondences.all().delete()
    blocks = {}
    for position, item in enumerate(data["blocks"]):
        blocks[item["code"]] = Block.objects.create(
            certification=certification,
            code=item["code"],
            title=item["title"],
            position=position,
            acquired_alone=item.get("acquired_alone", True),
            is_final=item.get("final", False),
        )
    competences = {}
    for position, item in enumerate(data["competences"]):
        competences[item["code"]] = Competence.objects.create(
            block=blocks[item["block"]],
            code=item["code"],
            title=item["title"],
            activity=item.get("activity", ""),
            position=position,
        )
    modalities = {}
    for position, item in enumerate(data["modalities"]):
        modalities[item["code"]] = Modality.objects.create(
            block=blocks[item["block"]],
            code=item["code"],
            kind=item["kind"],
            title=item["title"],
            pages=item.get("pages"),
            minutes=item.get("minutes"),
            hours=item.get("hours"),
            position=position,
        )
    Criterion.objects.bulk_create(
        Criterion(
            modality=modalities[item["modality"]],
            competence=competences.get(item.get("competence")),
            code=item["code"],
            text=item["text"],
            derived=item.get("derived", False),
            position=position,
        )
        for position, item in enumerate(data["criteria"])
    )
    for item in data.get("correspondences") or []:
        Correspondence.objects.create(
            certification=certification,
            former_code=item["code"],
            former_title=item.get("title", ""),
            total=item.get("kind", "total") == "total",
            block_map=item.get("blocks") or {},
        )
    return certification


def shipped_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.json"))


def load_shipped() -> list[Certification]:
    """Every shipped referential (idempotent: a version already loaded is left as is)."""
    return [load(read_file(path)) for path in shipped_files()]
