"""Documents of a referral: the prescription sheet a partner receives (PDF)."""

from __future__ import annotations

from django.utils import timezone

from relais.core import pdf
from relais.core.communes import get_commune
from relais.network.coordination.models import SharedCategory
from relais.network.referrals.models import Referral
from relais.people.models import Person


def _commune_name(code: str) -> str:
    commune = get_commune(code) if code else None
    return commune.name if commune else ""


def prescription_context(referral: Referral, person: Person) -> dict:
    return {
        "referral": referral,
        "person": person,
        "identity_shared": SharedCategory.IDENTITY in referral.shared_categories,
        "sender_org": referral.sender_organisation,
        "receiver": referral.receiver_organisation,
        "service": referral.service,
        "printed_on": timezone.localdate(),
        "title": f"Fiche de prescription — orientation n° {referral.pk}",
        # Addresses end with their commune's name (postal codes alone are ambiguous).
        "person_commune": _commune_name(person.commune_code),
        "sender_commune": _commune_name(referral.sender_organisation.commune_code),
        "service_commune": _commune_name(referral.service.commune_code),
        "receiver_commune": _commune_name(referral.receiver_organisation.commune_code),
    }


def prescription_pdf(referral: Referral, person: Person) -> bytes:
    """The prescription sheet: what the partner needs to receive the person, and only the
    person's information the referral shares (identity when shared)."""
    return pdf.render_pdf(
        "network/referrals/prescription_pdf.html", prescription_context(referral, person)
    )
