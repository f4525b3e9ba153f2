"""Person record pages: the single person view (other people views are added here)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from relais.core import journal
from relais.core.models import JournalAction
from relais.people.policies import Capability
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.people.sections import person_sections


@organisation_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.IDENTITY)
    journal.record_request(request, JournalAction.VIEW, person)
    sections = []
    for section in person_sections():
        context = section.context(request, person)
        if context is not None:
            sections.append(
                {
                    "key": section.key,
                    "title": section.title,
                    "template": section.template,
                    "context": context,
                }
            )
    return render(request, "people/person_detail.html", {"person": person, "sections": sections})
