"""Import data·inclusion (v1) files into the directory, as a platform administrator.

    manage.py import_datainclusion --json export.json
    manage.py import_datainclusion --structures structures.csv --services services.csv
    manage.py import_datainclusion --services services.csv --dry-run

Every row is checked first; at the first error nothing is written (all or nothing), and
every error is printed with its file, line and field. Re-importing updates the records
already imported (same source and id). See docs/datainclusion-import.md."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.network.directory.catalogue_import import catalogue_import
from relais.network.directory.datainclusion.reading import ImportFile


class Command(BaseCommand):
    help = "Importe des structures et services au format data·inclusion v1 (JSON ou CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="append", default=[], help="Fichier JSON.")
        parser.add_argument("--structures", action="append", default=[], help="CSV des structures.")
        parser.add_argument("--services", action="append", default=[], help="CSV des services.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Vérifie les fichiers sans rien écrire."
        )

    def handle(self, *args, **options) -> None:
        files = []
        for option, kind in (
            ("json", "json"),
            ("structures", "structures"),
            ("services", "services"),
        ):
            for name in options[option]:
                path = Path(name)
                if not path.is_file():
                    raise CommandError(f"Fichier introuvable : {name}")
                files.append(ImportFile(path.name, path.read_bytes(), kind))
        if not files:
            raise CommandError("Indiquez au moins un fichier : --json, --structures ou --services.")
        report = catalogue_import(
            files, actor=None, membership=None, as_admin=True, dry_run=options["dry_run"]
        )
        for notice in report.notices:
            self.stdout.write(f"Note : {notice}")
        if not report.ok:
            for problem in report.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Rien n'a été importé : {len(report.errors)} erreur"
                f"{'s' if len(report.errors) > 1 else ''} à corriger."
            )
        if options["dry_run"]:
            self.stdout.write(
                self.style.SUCCESS("Fichiers valides : rien n'a été écrit (--dry-run).")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Import réussi : {report.summary()}"))
