"""`manage.py restore <path> --yes`: replace the database and files with a backup's."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relais.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Remplace la base de données et les fichiers déposés par ceux d'une sauvegarde, "
        "puis vérifie chaque table et chaque fichier. Arrêtez le serveur et le worker avant."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Archive écrite par « manage.py backup ».")
        parser.add_argument(
            "--yes", action="store_true", help="Confirme le remplacement des données actuelles."
        )

    def handle(self, *args, path, yes=False, **options):
        if not yes:
            raise CommandError(
                "La restauration remplace toutes les données actuelles : relancez avec --yes."
            )
        try:
            summary = restore(Path(path))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restauration vérifiée : {summary.tables} tables, {summary.rows} lignes, "
            f"{summary.files} fichiers identiques à la sauvegarde."
        )
