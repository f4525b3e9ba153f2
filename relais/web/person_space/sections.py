"""The person page's « Espace personnel » section: is it open, when was it last used, what
is waiting (documents requested, unread messages). The rest is on its own page."""

from __future__ import annotations

from django.http import HttpRequest

from relais.people.models import Person
from relais.people.policies import Capability
from relais.person_space.models import DocumentRequest, Message, RequestStatus, SpaceAccess
from relais.person_space.policies import can_manage_space
from relais.web.people.sections import Section


def space(request: HttpRequest, person: Person) -> dict | None:
    if not can_manage_space(request.membership, person):
        return None
    return {
        "person": person,
        "active": SpaceAccess.objects.active().filter(person=person).first(),
        "open_requests": DocumentRequest.objects.filter(
            person=person, status=RequestStatus.OPEN
        ).count(),
        "unread": Message.objects.filter(
            person=person, author_kind="person", read_at__isnull=True
        ).count(),
    }


SECTIONS = [
    Section(
        key="espace-personnel",
        title="Espace personnel",
        template="person_space/section.html",
        context=space,
        capability=Capability.ACCOMPANIMENT,
    ),
]
