"""Documents of a referral: the prescription sheet a partner receives (PDF)."""

from __future__ import annotations

from django.utils import timezone

from relais.core import pdf
from relais.network.coordination.models import SharedCategory
from relais.network.referrals.models import Referral
from relais.people.models import Person


def prescription_pdf(referral: Referral, person: Person) -> bytes:
    """The prescription sheet: what the partner needs to receive the person, and only the
    person's information the referral shares (identity when shared)."""
    return pdf.render_pdf(
        "network/referrals/prescription_pdf.html",
        {
            "referral": referral,
            "person": person,
            "identity_shared": SharedCategory.IDENTITY in referral.shared_categories,
            "sender_org": referral.sender_organisation,
            "receiver": referral.receiver_organisation,
            "service": referral.service,
            "printed_on": timezone.localdate(),
            "title": f"Fiche de prescription — orientation n° {referral.pk}",
        },
    )
