"""The seam through which the caseload shows follow-ups owed by modules above `pathways`.

A placement's checkpoints (one week, one month, three months, six months after a hiring)
belong to the employment module, a layer above: the caseload cannot import it. Yet a
checkpoint left undone is exactly what a référent's caseload is for. So the employment
module registers a provider when Django starts (`EmploymentConfig.ready` →
`relais.employment.reminders`) giving, as a database expression on the person, the date of
the earliest follow-up still to do; the caseload adds it as a column (no extra query) and
raises « Point de suivi emploi » once that date is reached.

Without a provider there is simply nothing to remind (the employment module is optional in
the layers contract): the column is NULL and the alert never shows."""

from __future__ import annotations

from typing import Any, Protocol

from django.db.models import DateField, Value


class FollowUpProvider(Protocol):
    def next_follow_up(self) -> Any:
        """An expression on `Person` (OuterRef("pk")): the due date of the person's earliest
        follow-up still to do, or NULL."""


_provider: FollowUpProvider | None = None


def register(provider: FollowUpProvider) -> None:
    global _provider
    _provider = provider


def next_follow_up() -> Any:
    if _provider is None:
        return Value(None, output_field=DateField())
    return _provider.next_follow_up()
