"""The official geography (COG) the territory pages work on: communes with their
département, région, EPCI and population, the former codes of merged communes, the EPCI,
départements and régions — read once from `data/` (built by `cog.py`), joined to the
coordinates of `relais.core.communes`.

An area is written « niveau:code »: `commune:69266`, `epci:200046977`, `departement:69`,
`region:84`, `france`. Nothing here touches the database."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from relais.core.communes import get_commune

DATA_DIR = Path(__file__).parent / "data"
LEVELS = {
    "commune": "Commune",
    "epci": "EPCI",
    "departement": "Département",
    "region": "Région",
    "france": "France",
}


@dataclass(frozen=True, slots=True)
class GeoCommune:
    code: str
    name: str
    departement: str
    region: str
    epci: str
    population: int

    @property
    def coordinates(self) -> tuple[float, float] | None:
        commune = get_commune(self.code)
        if commune is None or commune.latitude is None or commune.longitude is None:
            return None
        return commune.latitude, commune.longitude


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def communes() -> dict[str, GeoCommune]:
    return {
        row["code"]: GeoCommune(
            code=row["code"],
            name=row["name"],
            departement=row["departement"],
            region=row["region"],
            epci=row["epci"],
            population=int(row["population"] or 0),
        )
        for row in _rows("cog_communes_geo.csv")
    }


@cache
def former_codes() -> dict[str, str]:
    """Code of a commune merged into another since → the current commune's code."""
    return {row["former_code"]: row["code"] for row in _rows("cog_former_codes.csv")}


@cache
def arrondissements() -> dict[str, str]:
    """Code of a municipal arrondissement of Paris, Lyon or Marseille → its commune's code.
    Addresses (a person's commune, a service's) may name the arrondissement (« Lyon 3e »,
    69383); statistics and territories name the commune (69123)."""
    return {row["code"]: row["commune"] for row in _rows("cog_arrondissements.csv")}


@cache
def _recorded_codes() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for table in (former_codes(), arrondissements()):
        for code, commune in table.items():
            found.setdefault(commune, []).append(code)
    return {commune: tuple(sorted(codes)) for commune, codes in found.items()}


def recorded_codes(codes: list[str] | tuple[str, ...]) -> list[str]:
    """Every code a record may carry for these communes: the communes themselves, their
    municipal arrondissements and the former codes of the communes merged into them. What
    persons and services are filtered on; `commune_of` takes each back to its commune."""
    table = _recorded_codes()
    found = set(codes)
    for code in codes:
        found.update(table.get(code, ()))
    return sorted(found)


def commune_of(code: str) -> str:
    """The current commune a recorded code belongs to (itself when it is one, or unknown)."""
    return arrondissements().get(code) or current_code(code) or code


def commune_named(code: str) -> str | None:
    """The current commune for a code a user typed: a commune, a former commune or a
    municipal arrondissement (a territory is made of communes); None when unknown."""
    code = code.strip().upper()
    return current_code(code) or arrondissements().get(code)


@cache
def epcis() -> dict[str, str]:
    return {row["code"]: row["name"] for row in _rows("cog_epci.csv")}


@cache
def departements() -> dict[str, str]:
    return {row["code"]: row["name"] for row in _rows("cog_departements.csv")}


@cache
def regions() -> dict[str, str]:
    return {row["code"]: row["name"] for row in _rows("cog_regions.csv")}


@cache
def _members() -> dict[tuple[str, str], tuple[str, ...]]:
    found: dict[tuple[str, str], list[str]] = {}
    for commune in communes().values():
        found.setdefault(("departement", commune.departement), []).append(commune.code)
        found.setdefault(("region", commune.region), []).append(commune.code)
        if commune.epci:
            found.setdefault(("epci", commune.epci), []).append(commune.code)
    return {key: tuple(sorted(codes)) for key, codes in found.items()}


def current_code(code: str) -> str | None:
    """The current commune for `code`, through the former codes of merged communes; None when
    the COG does not know it."""
    code = code.strip().upper()
    if code in communes():
        return code
    return former_codes().get(code)


def split_area(area: str) -> tuple[str, str]:
    level, _, code = area.partition(":")
    return level, code


def area_exists(area: str) -> bool:
    level, code = split_area(area)
    if level == "france":
        return code == ""
    known = {
        "commune": communes(),
        "epci": epcis(),
        "departement": departements(),
        "region": regions(),
    }
    return level in known and code in known[level]


def area_label(area: str) -> str:
    level, code = split_area(area)
    if level == "france":
        return "France"
    if level == "commune":
        commune = communes().get(code)
        return f"{commune.name} ({code})" if commune else code
    names = {"epci": epcis(), "departement": departements(), "region": regions()}.get(level, {})
    name = names.get(code, code)
    return f"{name} ({code})" if level == "departement" else name


def area_communes(area: str) -> tuple[str, ...]:
    level, code = split_area(area)
    if level == "france":
        return tuple(sorted(communes()))
    if level == "commune":
        return (code,) if code in communes() else ()
    return _members().get((level, code), ())


def communes_of(areas: list[str] | tuple[str, ...]) -> list[str]:
    """The communes of a mix of areas, each once, in code order."""
    found: set[str] = set()
    for area in areas:
        found.update(area_communes(area))
    return sorted(found)


def population_of(codes: list[str]) -> int:
    table = communes()
    return sum(table[c].population for c in codes if c in table)
