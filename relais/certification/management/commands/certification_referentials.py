"""Load (or update) the referentials shipped in relais/certification/data/."""

from django.core.management.base import BaseCommand, CommandError

from relais.certification.referentials import ReferentialError, load_shipped


class Command(BaseCommand):
    help = "Charge les référentiels de certification livrés avec Relais."

    def handle(self, *args, **options):
        try:
            loaded = load_shipped()
        except ReferentialError as error:
            raise CommandError(error.message) from error
        for certification in loaded:
            self.stdout.write(f"{certification.code} (version {certification.data_version})")
