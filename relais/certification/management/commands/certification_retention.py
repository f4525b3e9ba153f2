"""Delete the files of candidates without activity for RELAIS_CERTIFICATION_RETENTION_YEARS
(default 5) whose enrolments are all closed (certified or withdrawn) and who hold no
certificate — a certificate stays verifiable on the public page, so its holder's file is
kept. The stored files (deposited documents, equivalence certificates) are deleted with the
records, once the deletion is committed. Activity: enrolment, positioning, accompaniment,
equivalence, plan, evaluation, document, deliberation, award, follow-up survey."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from relais.certification.models import (
    Candidate,
    CandidateDocument,
    EnrolmentStatus,
    Equivalence,
)
from relais.core import journal
from relais.core.models import JournalAction


def stored_files(candidate: Candidate) -> list:
    """The (storage, name) of every file of the candidate's file."""
    documents = CandidateDocument.objects.filter(enrolment__candidate=candidate)
    equivalences = Equivalence.objects.filter(enrolment__candidate=candidate)
    return [(d.file.storage, d.file.name) for d in documents if d.file] + [
        (e.certificate.storage, e.certificate.name) for e in equivalences if e.certificate
    ]


def delete_files(files: list) -> None:
    for storage, name in files:
        storage.delete(name)


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
            .distinct()
        )
        ids = list(due.values_list("pk", flat=True))
        if options["dry_run"]:
            self.stdout.write(f"{len(ids)} dossier(s) de candidat à supprimer (simulation).")
            return
        count = 0
        for pk in ids:
            with transaction.atomic():
                candidate = Candidate.objects.select_for_update().filter(pk=pk).first()
                if candidate is None:
                    continue
                files = stored_files(candidate)
                journal.record(
                    actor=None,
                    action=JournalAction.DELETE,
                    target=candidate,
                    summary="fin de la durée de conservation",
                )
                candidate.delete()
                # Files go only once the records are gone for good (a rollback keeps both).
                transaction.on_commit(lambda files=files: delete_files(files))
            count += 1
        self.stdout.write(f"{count} dossier(s) de candidat supprimé(s).")
