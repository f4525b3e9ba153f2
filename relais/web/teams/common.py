"""What the coordination pages (team, shared record, case conferences) have in common:
journaling about a person across organisations, a refusal journaled as denied, the link
back to the person page, and the context every page starts from (how the person is named
to this user)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.urls import reverse

from relais.core import journal
from relais.core.models import JournalAction
from relais.network.coordination.sharing import person_label
from relais.people.models import Person
from relais.people.policies import Capability, access


def journal_person(
    request: HttpRequest,
    action: str,
    person: Person,
    target=None,
    *,
    summary: str = "",
    covers=(),
) -> None:
    """One journal entry about `person` (and `target`, a record hanging from them): the
    record's organisation is the person's, the actor's organisation the user's."""
    journal.record_request(
        request,
        action,
        target if target is not None else person,
        organisation=person.organisation_id,
        person_id=person.pk,
        summary=summary,
        also_covers=[person, *covers],
    )


def denied(
    request: HttpRequest, person: Person, target_type: str, target_id, reason: str
) -> Http404:
    """Journal a refusal about a record of `person` (as denied) and give the 404 to raise:
    a record out of reach looks like one that does not exist."""
    journal.record_request(
        request,
        JournalAction.DENIED,
        target_type=target_type,
        target_id=target_id,
        person_id=person.pk,
        organisation=person.organisation_id,
        summary=reason,
    )
    return Http404()


def person_url(person: Person, anchor: str = "") -> str:
    url = reverse("people:detail", args=[person.pk])
    return f"{url}#{anchor}" if anchor else url


def base_context(request: HttpRequest, person: Person) -> dict:
    person_access = access(request.membership, person)
    return {
        "person": person,
        "person_label": person_label(person, person_access),
        "access": person_access,
        "identity_shown": person_access.allows(Capability.READ_IDENTITY),
    }
