"""What the pathway pages have in common: finding a pathway among the person's (another id
is a 404 journaled as denied), journaling a record with the person it hangs from, the
read-only redirect of a closed pathway, and the links back to the pathway and person pages.

Every pathway view: fetch the person through `get_person` (404 outside the organisation,
403 without the accompaniment capability, both journaled), then the pathway among the
person's, then journal what is read or written. A closed pathway is read-only: its forms
redirect to the pathway page with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from relais.core import journal
from relais.core.models import JournalAction
from relais.pathways.models import Pathway
from relais.people.models import Person
from relais.people.policies import Capability
from relais.web.people.access import get_person

CLOSED_MESSAGE = "Ce parcours est terminé : il reste consultable mais ne peut plus être modifié."


def journal_with_person(
    request: HttpRequest, action: str, target, person: Person, summary: str = ""
) -> None:
    # Everything shown on these pages hangs from the person (pathway → goals, steps…).
    journal.record_request(request, action, target, also_covers=[person], summary=summary)


def not_found(request: HttpRequest, person: Person, target_type: str, target_id) -> Http404:
    journal.record_request(
        request,
        JournalAction.DENIED,
        target_type=target_type,
        target_id=target_id,
        person_id=person.pk,
        organisation=person.organisation_id,
        summary="hors de ce dossier",
    )
    return Http404()


def find_pathway(request: HttpRequest, person: Person, pathway_id: int) -> Pathway:
    pathway = (
        Pathway.objects.filter(person=person, pk=pathway_id)
        .select_related("referent", "organisation")
        .first()
    )
    if pathway is None:
        raise not_found(request, person, "pathways.pathway", pathway_id)
    pathway.person = person
    return pathway


def person_and_pathway(request: HttpRequest, pk: int, pathway_id: int) -> tuple[Person, Pathway]:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    return person, find_pathway(request, person, pathway_id)


def detail_url(pathway: Pathway, anchor: str = "") -> str:
    url = reverse("pathways:detail", kwargs={"pk": pathway.person_id, "pathway_id": pathway.pk})
    return f"{url}#{anchor}" if anchor else url


def person_url(person: Person, anchor: str) -> str:
    return reverse("people:detail", args=[person.pk]) + anchor


def closed_redirect(request: HttpRequest, person: Person, pathway: Pathway) -> HttpResponse:
    journal_with_person(
        request, JournalAction.VIEW, pathway, person, "parcours terminé : lecture seule"
    )
    messages.info(request, CLOSED_MESSAGE)
    return redirect(detail_url(pathway))


def base_context(person: Person, pathway: Pathway | None = None) -> dict:
    return {"person": person, "pathway": pathway}
