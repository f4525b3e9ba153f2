from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from relais.demo.accounts import seed_accounts


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent : relancer ne crée pas de doublons)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Autoriser hors mode développement (jamais en production).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Les données de démonstration (comptes aux mots de passe connus) ne se chargent qu'en "
                "développement. Utilisez --force pour une démonstration isolée, jamais en production."
            )
        organisations = seed_accounts()
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration prêtes ({len(organisations)} structures)."
            )
        )
