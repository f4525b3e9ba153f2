"""Rebuild `cog_communes.csv` from the npm package @etalab/decoupage-administratif.

    npm pack @etalab/decoupage-administratif@<version> && tar xzf etalab-*.tgz
    python relais/core/data/cog_from_package.py package/data/communes.json <version>

Keeps, for every code: the official COG name, its kind (current commune, municipal
arrondissement of Paris, Lyon or Marseille, delegated or associated former commune) and its
first postal code. Then update `README.md` beside this file with the version used. Not
imported by the application."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

KINDS = {
    "commune-actuelle": "commune",
    "arrondissement-municipal": "arrondissement",
    "commune-deleguee": "deleguee",
    "commune-associee": "associee",
}
PRIORITY = ["commune", "arrondissement", "deleguee", "associee"]


def main(source: str) -> None:
    rows: dict[str, dict[str, str]] = {}
    for entry in json.loads(Path(source).read_text(encoding="utf-8")):
        kind = KINDS.get(entry.get("type", ""))
        if kind is None:
            continue
        code = entry["code"]
        known = rows.get(code)
        if known is not None and PRIORITY.index(known["kind"]) <= PRIORITY.index(kind):
            continue  # a current commune wins over the former commune of the same code
        postal = entry.get("codesPostaux") or [""]
        rows[code] = {"code": code, "name": entry["nom"], "kind": kind, "postal_code": postal[0]}
    target = Path(__file__).parent / "cog_communes.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["code", "name", "kind", "postal_code"])
        writer.writeheader()
        writer.writerows(rows[code] for code in sorted(rows))


if __name__ == "__main__":
    main(sys.argv[1])
