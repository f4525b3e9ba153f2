from django.core.management.base import BaseCommand
from django.db import transaction

from relais.demo.accounts import seed_accounts


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent : relancer ne crée pas de doublons)."

    @transaction.atomic
    def handle(self, *args, **options):
        organisations = seed_accounts()
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration prêtes ({len(organisations)} structures)."
            )
        )
