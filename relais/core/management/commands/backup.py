"""`manage.py backup [path]`: the database and the uploaded files in one archive."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from relais.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sauvegarde la base de données et les fichiers déposés dans une archive .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="Archive à écrire (par défaut : var/backups/relais-AAAAMMJJ-HHMMSS.tar.gz).",
        )

    def handle(self, *args, path=None, **options):
        if path is None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            path = Path(settings.VAR_DIR) / "backups" / f"relais-{stamp}.tar.gz"
        try:
            summary = backup(Path(path))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Sauvegarde écrite : {path} ({summary.tables} tables, {summary.rows} lignes, "
            f"{summary.files} fichiers)."
        )
