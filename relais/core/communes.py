"""French communes (COG / INSEE codes) from the shipped reference files, loaded once.

Two files (see `data/README.md`): La Poste's postal file gives each code a postal code and
coordinates; the official geographic code (COG, from the npm package
@etalab/decoupage-administratif) gives the official names — « Vaulx-en-Velin », « Lyon 3e
Arrondissement », where the postal file writes « VAULX EN VELIN », « LYON 03 » — and the
communes created since the postal file (without coordinates). Names shown are the COG's."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "communes.csv"
COG_FILE = Path(__file__).parent / "data" / "cog_communes.csv"
INSEE_CODE_RE = re.compile(r"^(?:\d{2}|2[AB])\d{3}$")


@dataclass(frozen=True, slots=True)
class Commune:
    code: str
    name: str
    postal_code: str
    latitude: float | None
    longitude: float | None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.postal_code})"


# La Poste's file lists Paris, Lyon and Marseille by municipal arrondissement only (75101…,
# 69381…, 13201…); the communes themselves have their own COG code, used by everyone else.
_PLM_COMMUNES = (
    Commune(code="75056", name="PARIS", postal_code="75001", latitude=48.85661, longitude=2.35222),
    Commune(code="69123", name="LYON", postal_code="69001", latitude=45.76404, longitude=4.83566),
    Commune(
        code="13055", name="MARSEILLE", postal_code="13001", latitude=43.29648, longitude=5.36978
    ),
)


@cache
def _communes() -> dict[str, Commune]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        communes = {
            row["code_insee"]: Commune(
                code=row["code_insee"],
                name=row["name"],
                postal_code=row["postal_code"],
                latitude=float(row["latitude"]) if row["latitude"] else None,
                longitude=float(row["longitude"]) if row["longitude"] else None,
            )
            for row in csv.DictReader(handle)
        }
    for commune in _PLM_COMMUNES:
        communes.setdefault(commune.code, commune)
    with COG_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            known = communes.get(row["code"])
            if known is not None:
                communes[row["code"]] = replace(known, name=row["name"])
            elif row["kind"] in ("commune", "arrondissement"):
                communes[row["code"]] = Commune(
                    code=row["code"],
                    name=row["name"],
                    postal_code=row["postal_code"],
                    latitude=None,
                    longitude=None,
                )
    return communes


def get_commune(code: str) -> Commune | None:
    return _communes().get(code.strip().upper())


def is_well_formed_insee_code(code: str) -> bool:
    return bool(INSEE_CODE_RE.match(code.strip().upper()))


def all_communes() -> list[Commune]:
    """Every commune of the reference file (Paris, Lyon and Marseille included), for the
    services that search or scan them (distance, name lookup)."""
    return list(_communes().values())
