import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from relais.core.mail import held_back
from relais.demo.accompaniment import seed_accompaniment
from relais.demo.accounts import ORGANISATIONS, seed_accounts
from relais.demo.network import seed_network
from relais.network.referrals.answers import referral_mark_answer_seen
from relais.network.referrals.models import ANSWER_STATUSES, Referral
from relais.notifications.services import mark_all_read


def settle_news(organisations) -> None:
    """The demo starts as a day at work does: the notices of its own seeding already read,
    the partners' answers to its referrals already opened (what happens next is news)."""
    for organisation in organisations.values():
        mark_all_read(organisation)
    answered = Referral.objects.filter(
        sender_organisation__in=organisations.values(),
        status__in=ANSWER_STATUSES,
        answer_seen_at__isnull=True,
    ).select_related("sender_organisation")
    for referral in answered:
        referral_mark_answer_seen(referral=referral, organisation=referral.sender_organisation)


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
        started = time.monotonic()
        # The notices of the demo's actions go to fictitious addresses: counted, not sent.
        with held_back() as unsent:
            self._seed()
        if unsent.count:
            self.stdout.write(
                f"{unsent.count} e-mail(s) de démonstration non envoyé(s) "
                "(avis des actions fictives, adressés à des comptes fictifs)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration prêtes ({len(ORGANISATIONS)} structures, "
                f"{time.monotonic() - started:.1f} s)."
            )
        )

    def _seed(self) -> None:
        organisations = seed_accounts()
        report = seed_accompaniment(organisations)
        names = {o.key: o.name for o in ORGANISATIONS}
        if report.created:
            self.stdout.write(
                f"{report.created} personne(s) accompagnée(s) fictive(s) créée(s)"
                + (f", {report.skipped} déjà présente(s)." if report.skipped else ".")
            )
            for key, counts in report.per_organisation.items():
                self.stdout.write(
                    f"  {names.get(key, key)} : {counts['persons']} personnes, "
                    f"{counts['diagnostics']} diagnostics, {counts['pathways_active']} parcours en "
                    f"cours et {counts['pathways_closed']} terminés, {counts['reviews']} bilans, "
                    f"{counts['notes']} écrits, {counts['appointments']} rendez-vous."
                )
        else:
            self.stdout.write(
                f"Personnes accompagnées de démonstration déjà présentes ({report.skipped})."
            )
        network = seed_network(organisations)
        settle_news(organisations)
        self.stdout.write(
            f"Coordination : {network.services} services, {network.referrals} orientations, "
            f"{network.teams} équipes de coordination, {network.partnerships} partenariats."
        )
