"""Remind managers of the services not confirmed up to date for six months (run daily).

Each manager gets at most one e-mail a day per organisation, however often the command
runs; the reminder also shows as an in-app notification."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from relais.network.directory.reminders import stale_services_nag


class Command(BaseCommand):
    help = "Rappelle aux responsables les services non confirmés à jour depuis 6 mois."

    def handle(self, *args, **options) -> None:
        result = stale_services_nag()
        self.stdout.write(
            f"{result.emails} e-mail{'s' if result.emails > 1 else ''} envoyé"
            f"{'s' if result.emails > 1 else ''} ({result.organisations} structure"
            f"{'s' if result.organisations > 1 else ''}) ; {result.skipped} déjà "
            "prévenu(s) aujourd'hui."
        )
