"""Scheduled (hourly, e.g. « 5 * * * * »): precompute the organisation dashboards' default view
so that large organisations open them at once (relais.reporting.snapshots)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from relais.reporting.snapshots import refresh_all


class Command(BaseCommand):
    help = (
        "Précalcule le tableau de bord « Ma structure » (du 1er janvier à la fin du mois en cours, et un an "
        "plus tôt) de chaque structure active."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-persons",
            type=int,
            default=0,
            help="Seulement les structures d'au moins ce nombre de personnes.",
        )

    def handle(self, *args, **options):
        done = refresh_all(today=timezone.localdate(), min_persons=options["min_persons"])
        self.stdout.write(
            self.style.SUCCESS(f"{done} tableau(x) de bord de structure précalculé(s).")
        )
