"""Fills `relais.pathways.reminders`: the earliest checkpoint still to do of the person's
ongoing placements, for the caseload's « Point de suivi emploi » alert (one correlated
subquery on the checkpoints' (done_on, due_on) index, no extra query)."""

from __future__ import annotations

from django.db.models import DateField, OuterRef, Subquery

from relais.employment.models import Checkpoint, PlacementStatus


class CheckpointReminders:
    def next_follow_up(self):
        return Subquery(
            Checkpoint.objects.filter(
                placement__person=OuterRef("pk"),
                placement__status=PlacementStatus.ONGOING,
                done_on__isnull=True,
            )
            .order_by("due_on")
            .values("due_on")[:1],
            output_field=DateField(),
        )
