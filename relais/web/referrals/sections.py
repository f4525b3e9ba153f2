"""Sections of the person page owned by the network domain (referral): the person's
referrals with their status, dates and delays, and the way to send a new one."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from relais.network.referrals import selectors as referral_selectors
from relais.network.referrals.models import Referral, ReferralStatus
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.web.people.sections import Section

SECTION_LIMIT = 50

_LEVEL = {
    ReferralStatus.SENT: "new",
    ReferralStatus.SEEN: "info",
    ReferralStatus.ACCEPTED: "success",
    ReferralStatus.IN_PROGRESS: "info",
    ReferralStatus.DONE: "success",
    ReferralStatus.REFUSED: "error",
    ReferralStatus.CANCELLED: "warning",
    ReferralStatus.EXPIRED: "warning",
}


def referrals_section(request: HttpRequest, person: Person) -> dict | None:
    """One query, whatever the number of referrals (service and receiver joined)."""
    if not can(request.membership, Capability.ACCOMPANIMENT, person):
        return None
    rows = list(
        Referral.objects.filter(person=person)
        .select_related("service", "receiver_organisation")
        .order_by("-sent_at", "-id")[: SECTION_LIMIT + 1]
    )
    items = []
    for referral in rows[:SECTION_LIMIT]:
        delays = referral_selectors.delays(referral)
        items.append(
            {
                "referral": referral,
                "level": _LEVEL[referral.status],
                "to_seen": referral_selectors.format_delay(delays.to_seen),
                "to_answer": referral_selectors.format_delay(delays.to_answer),
                "to_first_appointment": referral_selectors.format_delay(
                    delays.to_first_appointment
                ),
            }
        )
    return {
        "person": person,
        "items": items,
        "has_more": len(rows) > SECTION_LIMIT,
        "create_url": f"{reverse('referrals:create')}?personne={person.pk}",
    }


SECTIONS: list = [
    Section(
        "orientations",
        "Orientations",
        "network/referrals/section.html",
        referrals_section,
        Capability.ACCOMPANIMENT,
    ),
]
