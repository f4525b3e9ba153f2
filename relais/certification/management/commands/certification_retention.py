"""Delete the files of candidates without activity for RELAIS_CERTIFICATION_RETENTION_YEARS
(default 5) whose enrolments are all closed: the certificates stay verifiable (their
holder's name and title are frozen on them) but nothing else is kept."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from relais.certification.models import Candidate, EnrolmentStatus
from relais.core import journal
from relais.core.models import JournalAction


class Command(BaseCommand):
    help = "Supprime les dossiers de candidats arrivés au terme de leur durée de conservation."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        years = getattr(settings, "RELAIS_CERTIFICATION_RETENTION_YEARS", 5)
        limit = timezone.localdate() - dt.timedelta(days=365 * years)
        open_statuses = [
            s
            for s in EnrolmentStatus.values
            if s not in (EnrolmentStatus.CERTIFIED, EnrolmentStatus.WITHDRAWN)
        ]
        due = (
            Candidate.objects.filter(last_activity_on__lt=limit)
            .exclude(enrolments__status__in=open_statuses)
            .exclude(enrolments__certificates__isnull=False)
        )
        count = 0
        for candidate in due.iterator():
            if options["dry_run"]:
                count += 1
                continue
            with transaction.atomic():
                journal.record(
                    actor=None,
                    action=JournalAction.DELETE,
                    target=candidate,
                    summary="fin de la durée de conservation",
                )
                candidate.delete()
            count += 1
        self.stdout.write(f"{count} dossier(s) de candidat{'s' if count > 1 else ''} supprimé(s).")
