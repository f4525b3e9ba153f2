"""Compute again the observed needs stored per calendar year and commune (decision 0070).
Scheduled hourly: it catches what the diagnostics' writes do not announce (a person who moved
to another commune, a pathway opened in another scheme, a record erased)."""

from django.core.management.base import BaseCommand

from relais.territory.needs_summary import refresh


class Command(BaseCommand):
    help = "Calcule à nouveau les besoins observés (par année et par commune)."

    def handle(self, *args, **options) -> None:
        result = refresh()
        self.stdout.write(
            f"Besoins observés calculés : {result.years} année(s), {result.communes} commune(s), "
            f"{result.persons} personne(s) la dernière année, en {result.seconds:.1f} s."
        )
