"""Apply the organisations' retention policies (scheduled daily; see relais.records.retention).

Idempotent: a warning is sent once per due date, an erased record is gone, an expired
document deleted once. Also a task: `relais.records.retention.apply_retention_task`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from relais.records.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Applique la durée de conservation des dossiers : prévient les responsables un mois "
        "avant, efface les dossiers échus et supprime les justificatifs expirés."
    )

    def handle(self, *args, **options):
        run = apply_retention()
        self.stdout.write(
            f"Conservation : {run.warned} dossier(s) signalé(s) aux responsables, "
            f"{run.erased} dossier(s) effacé(s), {run.documents_deleted} justificatif(s) "
            "expiré(s) supprimé(s)."
        )
        if run.errors:
            raise CommandError("Échecs : " + " ; ".join(run.errors))
