"""Journaling refused accesses to a person's record, shared by the web pages and the API.

A refused attempt (record outside the user's organisation, or a role without the needed
capability) is written to the journal of the organisation that holds the record, so that
its DPO sees who tried. Only plain values are read here: the refused record itself is
never loaded."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from relais.core import journal
from relais.core.models import AccessLogEntry, JournalAction
from relais.people.models import Person


def record_denied(
    request: HttpRequest,
    *,
    target_type: str,
    target_id: Any,
    person_id: int | None,
    organisation_id: int | None,
    reason: str,
) -> AccessLogEntry:
    return journal.record_request(
        request,
        JournalAction.DENIED,
        target_type=target_type,
        target_id=target_id,
        person_id=person_id,
        organisation=organisation_id,
        summary=reason,
    )


def record_person_denied(request: HttpRequest, pk: int, reason: str) -> AccessLogEntry:
    """A refused access to person `pk` (which may not exist at all)."""
    owner = Person.objects.filter(pk=pk).values_list("organisation_id", flat=True).first()
    return record_denied(
        request,
        target_type="people.person",
        target_id=pk,
        person_id=pk if owner is not None else None,
        organisation_id=owner,
        reason=reason,
    )
