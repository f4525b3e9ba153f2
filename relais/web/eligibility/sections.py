"""Sections of the person page owned by the network domain (eligibility): the schemes the
person may be eligible for, criterion by criterion, with the proofs to gather; and links
to search a service for each barrier of the latest diagnostic.

Référents and managers only (Capability.ACCOMPANIMENT). Four queries whatever the size of
the record (see relais.network.directory.eligibility.load_person_facts); the person is journaled by
the person page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from relais.diagnostics.domains import barrier_label, barriers
from relais.network.directory.eligibility.criteria import Status
from relais.network.directory.eligibility.evaluation import evaluate_all
from relais.network.directory.eligibility.facts import load_person_facts
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.web.people.sections import Section

STATUS_BADGES = {
    Status.MET: "fr-badge--success",
    Status.UNKNOWN: "fr-badge--warning",
    Status.NOT_MET: "",
}


def schemes(request: HttpRequest, person: Person) -> dict | None:
    if not can(request.membership, Capability.ACCOMPANIMENT, person):
        return None
    organisation = getattr(request, "organisation", None)
    facts = load_person_facts(person, organisation_kind=organisation.kind if organisation else "")
    search = reverse("search:services")
    known = barriers()
    barrier_links = [
        {
            "code": code,
            "label": barrier_label(code),
            "url": f"{search}?{urlencode({'personne': person.pk, 'frein': code})}",
        }
        for code in sorted(facts.barriers, key=lambda c: barrier_label(c))
        if code in known
    ]
    return {
        "person": person,
        "results": [{"r": r, "badge": STATUS_BADGES[r.status]} for r in evaluate_all(facts)],
        "has_diagnostic": facts.has_diagnostic,
        "barrier_links": barrier_links,
        "search_url": f"{search}?{urlencode({'personne': person.pk})}",
    }


SECTIONS = [
    Section(
        "dispositifs",
        "Dispositifs mobilisables",
        "network/eligibility/section.html",
        schemes,
        Capability.ACCOMPANIMENT,
    ),
]
