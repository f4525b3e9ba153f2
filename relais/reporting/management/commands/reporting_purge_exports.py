"""Scheduled (daily, e.g. « 30 7 * * * »): delete the export files older than
`EXPORT_KEPT_DAYS` days (relais.reporting.services.exports_purge)."""

from django.core.management.base import BaseCommand

from relais.reporting.models import EXPORT_KEPT_DAYS
from relais.reporting.services import exports_purge


class Command(BaseCommand):
    help = (
        f"Supprime les exports d'indicateurs et de participants demandés il y a plus de "
        f"{EXPORT_KEPT_DAYS} jours (et leurs fichiers)."
    )

    def handle(self, *args, **options):
        deleted = exports_purge()
        self.stdout.write(self.style.SUCCESS(f"{deleted} export(s) supprimé(s)."))
