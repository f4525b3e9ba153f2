"""Shared set-up for the actor map tests (no test here): referrals between organisations on
given days of June 2026, and the map of a territory over a period."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from relais.network.actor_map.flows import build_actor_map
from relais.network.actor_map.territory import parse_territory
from tests.factories import OrganisationFactory, PersonFactory, ReferralFactory, ServiceFactory

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 6, 30)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 6, day, hour, tzinfo=timezone.get_current_timezone())


def referrals(sender, receiver, specs):
    """specs: (status, sent day, answer delay in hours or None)."""
    person = PersonFactory(organisation=sender)
    service = ServiceFactory(organisation=receiver)
    for status, day, hours in specs:
        sent = at(day)
        ReferralFactory(
            person=person,
            service=service,
            status=status,
            sent_at=sent,
            answered_at=sent + timedelta(hours=hours) if hours is not None else None,
            refusal_reason="no_capacity" if status == "refused" else "",
        )


def lyon_organisations():
    """Three organisations of the Rhône (CCAS, PLIE, ACI) and one of the Isère."""
    ccas = OrganisationFactory(name="CCAS de Lyon", kind="ccas", commune_code="69123")
    plie = OrganisationFactory(name="PLIE Uni-Est", kind="plie", commune_code="69266")
    aci = OrganisationFactory(name="Jardin d'insertion", kind="aci", commune_code="69259")
    grenoble = OrganisationFactory(
        name="Mission locale de Grenoble", kind="mission_locale", commune_code="38185"
    )
    return ccas, plie, aci, grenoble


def build(territory="69", start=date(2026, 6, 1), end=TODAY):
    return build_actor_map(parse_territory(territory), start=start, end=end)
