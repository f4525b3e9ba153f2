"""Fill or repair the derived columns of every diagnostic (decision 0069): after the
migration that adds them, after raw writes (an import, the bench's generator), or to check
them. Idempotent (a second run changes nothing) and batched by persons, one transaction per
batch."""

from django.core.management.base import BaseCommand

from relais.diagnostics.sequence import refresh_all


class Command(BaseCommand):
    help = (
        "Recalcule les colonnes dérivées des diagnostics (suite des diagnostics de chaque "
        "personne, domaines en difficulté) : à lancer après la migration ou un import direct."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="personnes par transaction"
        )

    def handle(self, *args, batch_size: int, **options):
        persons, sequence, summaries = refresh_all(batch_size=batch_size)
        self.stdout.write(
            f"{persons} personnes avec un diagnostic : {sequence} dates de remplacement et "
            f"{summaries} résumés de domaines corrigés."
        )
