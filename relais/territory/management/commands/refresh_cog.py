"""Rebuild the territory's geography files (COG) from a release of the npm package
@etalab/decoupage-administratif:

    npm pack @etalab/decoupage-administratif@<version>
    python manage.py refresh_cog etalab-decoupage-administratif-<version>.tgz --package-version <version>

Then commit the files and update the version in `relais/territory/data/README.md`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relais.territory.cog import build_from


class Command(BaseCommand):
    help = "Met à jour la géographie (COG) du module territoire depuis le paquet npm."

    def add_arguments(self, parser):
        parser.add_argument("source", help="dossier du paquet, son dossier data/ ou le .tgz")
        parser.add_argument(
            "--package-version", dest="package_version", default="", help="version du paquet"
        )

    def handle(self, *args, source: str, package_version: str, **options):
        path = Path(source)
        if not path.exists():
            raise CommandError(f"Introuvable : {source}")
        try:
            counts = build_from(path)
        except (OSError, KeyError, ValueError) as error:
            raise CommandError(f"Paquet illisible : {error}") from error
        self.stdout.write(
            f"{counts['communes']} communes, {counts['former']} anciens codes, "
            f"{counts['arrondissements']} arrondissements municipaux, "
            f"{counts['epci']} EPCI, {counts['departements']} départements, "
            f"{counts['regions']} régions écrits"
            + (f" (paquet {package_version})." if package_version else ".")
        )
