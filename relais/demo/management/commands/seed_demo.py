import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from relais.core.mail import held_back
from relais.demo.accompaniment import seed_accompaniment
from relais.demo.accompaniment_tools import seed_accompaniment_tools
from relais.demo.accounts import ORGANISATIONS, seed_accounts
from relais.demo.certification import seed_certification
from relais.demo.employment import seed_employment
from relais.demo.network import seed_network
from relais.demo.person_space import seed_person_space
from relais.demo.projects import seed_projects
from relais.demo.territory import seed_territory
from relais.network.referrals.answers import referral_mark_answer_seen
from relais.network.referrals.models import ANSWER_STATUSES, Referral
from relais.notifications.services import mark_all_read
from relais.territory import needs_summary


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
        tools = seed_accompaniment_tools(organisations)
        certification = seed_certification(organisations)
        self.stdout.write(
            f"Certification : {certification.candidates} candidats (responsable.federation@"
            "relais.localhost, formatrice.federation@relais.localhost)."
        )
        settle_news(organisations)
        territory = seed_territory(organisations)
        if territory["values"]:
            self.stdout.write(
                f"Territoire : {territory['values']} valeurs d'indicateurs (démonstration)."
            )
        self.stdout.write(
            f"Coordination : {network.services} services, {network.referrals} orientations, "
            f"{network.teams} équipes de coordination, {network.partnerships} partenariats."
        )
        if tools.sessions:
            self.stdout.write(
                f"Outils : {tools.sessions} informations collectives ({tools.registrations} "
                f"inscriptions), {tools.incidents} incident, {tools.meetings} réunion "
                f"partenariale, {tools.presentations} situation présentée, {tools.threads} fil "
                f"d'échange, {tools.reports} synthèse transmise."
            )
        employment = seed_employment(organisations)
        self.stdout.write(
            f"Emploi : {employment.employers} employeurs, {employment.positions} postes, "
            f"{employment.placements} mise(s) en emploi."
        )
        projects = seed_projects(organisations)
        self.stdout.write(
            f"Projets collectifs : {projects.projects} projet(s), {projects.tasks} tâches, "
            f"{projects.enrolled} personne(s) inscrite(s) à un atelier."
        )
        space = seed_person_space(organisations)
        for number, code in space.paper_codes:
            self.stdout.write(
                f"Espace personnel (dossier n° {number}) : /mon-espace/connexion/papier/ "
                f"avec le code {code} (une fois, 30 jours)."
            )
        # Last: every diagnostic of the demo is written (decision 0070).
        needs = needs_summary.refresh()
        self.stdout.write(f"Besoins observés calculés ({needs.years} année(s)).")
