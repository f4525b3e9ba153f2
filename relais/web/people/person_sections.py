"""Sections of the person page owned by the people domain."""

from __future__ import annotations

from django.http import HttpRequest

from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.web.people.sections import Section


def identity(request: HttpRequest, person: Person) -> dict | None:
    return {"person": person}


def situation(request: HttpRequest, person: Person) -> dict | None:
    if not can(request.membership, Capability.ACCOMPANIMENT, person):
        return None
    return {"person": person}


SECTIONS = [
    Section("identite", "Identité et contact", "people/sections/identity.html", identity),
    Section("situation", "Situation", "people/sections/situation.html", situation),
]
