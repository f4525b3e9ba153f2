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
    """What the timeline templates need, from the GET parameters `type` (repeatable), `nb`
    (how many items: the page without scripts shows them all at once) and `depuis` (the
    items already shown: « Voir plus » with htmx fetches only the next page)."""
    allowed = timeline_lib.visible_kinds(request.membership)
    kinds = timeline_lib.parse_kinds(request.GET.getlist("type"), allowed)
    limit, offset = _number(request, "nb", default_limit), _number(request, "depuis", 0)
    limit = max(default_limit, min(limit, timeline_lib.MAX_LIMIT))
    if offset:  # one more page after what is shown
        limit = default_limit
    data = timeline_lib.build_timeline(
        person, request.membership, kinds=kinds, limit=limit, offset=offset
    )
    types = [("type", str(k)) for k in kinds]
    page_url = reverse("pathways:timeline", args=[person.pk])
    shown = offset + len(data.items)
    return {
        "person": person,
        "timeline": data,
        "selected": [str(k) for k in data.selected],
        "shown": shown,
        "more_url": page_url + "?" + urlencode([("nb", str(shown + default_limit)), *types]),
        "next_url": page_url + "?" + urlencode([("depuis", str(shown)), *types]),
        "page_url": page_url,
    }


def _number(request: HttpRequest, name: str, default: int) -> int:
    try:
        return int(request.GET.get(name, default))
    except ValueError:
        return default


@organisation_required
@require_GET
def timeline(request: HttpRequest, person_pk: int) -> HttpResponse:
    """The full timeline (its own page, or only the list for htmx, or only the next page
    of items for « Voir plus »)."""
    person = get_person(request, person_pk, Capability.IDENTITY)
    context = timeline_context(request, person, default_limit=timeline_lib.DEFAULT_LIMIT)
    summary = "chronologie"
    if context["timeline"].offset:
        summary = f"chronologie (suite, à partir du {context['timeline'].offset + 1}e élément)"
    journal.record_request(request, JournalAction.VIEW, person, summary=summary)
    if request.htmx and context["timeline"].offset:
        return render(request, "pathways/timeline_next.html", context)
    if request.htmx:
        return render(request, "pathways/timeline_list.html", context)
    return render(request, "pathways/timeline_page.html", context)


# --- Section of the person page ------------------------------------------------------------


def timeline_section(request: HttpRequest, person: Person) -> dict | None:
    """Chronologie: everything in one dated list (see relais.records.timeline)."""
    if not can(request.membership, Capability.IDENTITY, person):
        return None
    return timeline_context(request, person, default_limit=timeline_lib.DEFAULT_LIMIT)
