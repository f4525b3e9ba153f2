"""The person's timeline (chronologie): its own page (or only the list, for htmx) and the
person page's section; what it gathers is read by `relais.records.timeline`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from relais.core import journal
from relais.core.models import JournalAction
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.records import timeline as timeline_lib
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person


def timeline_context(request: HttpRequest, person: Person, *, default_limit: int) -> dict:
    """What the timeline templates need, from the GET parameters `type` (repeatable) and
    `nb` (how many items)."""
    allowed = timeline_lib.visible_kinds(request.membership)
    kinds = timeline_lib.parse_kinds(request.GET.getlist("type"), allowed)
    try:
        limit = int(request.GET.get("nb", default_limit))
    except ValueError:
        limit = default_limit
    limit = max(default_limit, min(limit, timeline_lib.MAX_LIMIT))
    data = timeline_lib.build_timeline(person, request.membership, kinds=kinds, limit=limit)
    more_query = [("nb", str(limit + default_limit)), *[("type", str(k)) for k in kinds]]
    return {
        "person": person,
        "timeline": data,
        "selected": [str(k) for k in data.selected],
        "more_url": reverse("pathways:timeline", args=[person.pk]) + "?" + urlencode(more_query),
        "page_url": reverse("pathways:timeline", args=[person.pk]),
    }


@organisation_required
@require_GET
def timeline(request: HttpRequest, person_pk: int) -> HttpResponse:
    """The full timeline (its own page, or only the list for htmx)."""
    person = get_person(request, person_pk, Capability.IDENTITY)
    journal.record_request(request, JournalAction.VIEW, person, summary="chronologie")
    context = timeline_context(request, person, default_limit=timeline_lib.DEFAULT_LIMIT)
    if request.htmx:
        return render(request, "pathways/timeline_list.html", context)
    return render(request, "pathways/timeline_page.html", context)


# --- Section of the person page ------------------------------------------------------------


def timeline_section(request: HttpRequest, person: Person) -> dict | None:
    """Chronologie: everything in one dated list (see relais.records.timeline)."""
    if not can(request.membership, Capability.IDENTITY, person):
        return None
    return timeline_context(request, person, default_limit=timeline_lib.DEFAULT_LIMIT)
