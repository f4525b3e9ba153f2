"""The person page is one view made of sections, each provided by its own domain.

A section is a function `(request, person) -> dict | None` returning the context of its
template (None: not shown to this user). Its template receives that dict as `section`.
Keep each section's queries constant in the number of rows (no N+1): the person page has
a query-count test.

A section that names the `capability` it requires loads on demand: the page shows its
title (to those who have the capability) and fetches it when opened (`people:section`),
so that the first screen is the summary of the situation. A section without one is
rendered with the page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from relais.people.models import Person
from relais.people.policies import Capability


@dataclass(frozen=True)
class Section:
    key: str  # HTML anchor
    title: str
    template: str
    context: Callable[[HttpRequest, Person], dict | None]
    capability: Capability | None = None  # set: loaded on demand (see above)


def person_sections() -> list[Section]:
    # Imported here: each web package registers what it shows on the person page.
    from relais.web.diagnostics.sections import SECTIONS as DIAGNOSTIC_SECTIONS
    from relais.web.eligibility.sections import SECTIONS as ELIGIBILITY_SECTIONS
    from relais.web.employment.sections import SECTIONS as EMPLOYMENT_SECTIONS
    from relais.web.lifecycle.sections import SECTIONS as LIFECYCLE_SECTIONS
    from relais.web.pathways.sections import SECTIONS as PATHWAY_SECTIONS
    from relais.web.people.person_sections import SECTIONS as PEOPLE_SECTIONS
    from relais.web.person_space.sections import SECTIONS as SPACE_SECTIONS
    from relais.web.referrals.sections import SECTIONS as REFERRAL_SECTIONS
    from relais.web.teams.sections import SECTIONS as TEAM_SECTIONS
    from relais.web.threads.sections import SECTIONS as THREAD_SECTIONS

    order = [
        "identite",
        "situation",
        "diagnostic",
        "evenements",
        "dispositifs",
        "parcours",
        "orientations",
        "emploi",
        "equipe",
        "echanges",
        "rendez-vous",
        "ecrits",
        "chronologie",
        "documents",
        "consentements",
        "espace-personnel",
        "conservation",
    ]
    sections = [
        *PEOPLE_SECTIONS,
        *DIAGNOSTIC_SECTIONS,
        *PATHWAY_SECTIONS,
        *ELIGIBILITY_SECTIONS,
        *EMPLOYMENT_SECTIONS,
        *REFERRAL_SECTIONS,
        *TEAM_SECTIONS,
        *THREAD_SECTIONS,
        *LIFECYCLE_SECTIONS,
        *SPACE_SECTIONS,
    ]
    return sorted(sections, key=lambda s: order.index(s.key) if s.key in order else len(order))
