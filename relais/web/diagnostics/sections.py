"""Sections of the person page owned by the diagnostics domain."""

from __future__ import annotations

from django.http import HttpRequest

from relais.diagnostics.charts import evolution_chart_svg
from relais.diagnostics.selectors import diagnostics_of, evolution
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.web.diagnostics.presenters import domain_views, evolution_table, urgency_view
from relais.web.people.sections import Section


def diagnostic(request: HttpRequest, person: Person) -> dict | None:
    """The latest diagnostic and the evolution domain by domain. Three queries whatever
    the number of diagnostics (diagnostics with authors, assessments)."""
    if not can(request.membership, Capability.ACCOMPANIMENT, person):
        return None
    diagnostics = diagnostics_of(person)  # newest first
    latest = diagnostics[0] if diagnostics else None
    evo = evolution(diagnostics)
    return {
        "person": person,
        "latest": latest,
        "latest_domains": domain_views(latest) if latest else [],
        "latest_urgency": urgency_view(latest) if latest else None,
        "diagnostics": diagnostics,
        "evolution_dates": [
            {"date": d, "pk": pk} for d, pk in zip(evo.dates, evo.diagnostic_ids, strict=True)
        ],
        "evolution_rows": evolution_table(evo),
        "chart": evolution_chart_svg(evo, chart_id=f"evolution-{person.pk}")
        if len(diagnostics) >= 2
        else "",
    }


SECTIONS = [
    Section(
        "diagnostic",
        "Diagnostic partagé et évolution",
        "diagnostics/sections/diagnostic.html",
        diagnostic,
        Capability.ACCOMPANIMENT,
    ),
]
