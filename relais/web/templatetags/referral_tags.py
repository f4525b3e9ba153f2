"""The "Orientations" navigation entry: the number of new referrals waiting in the inbox
of the current organisation (one indexed COUNT: referral_inbox)."""

from django import template

from relais.network.referrals.models import Referral, ReferralStatus
from relais.network.referrals.policies import can_use_referrals

register = template.Library()


@register.simple_tag(takes_context=True)
def referral_nav(context) -> dict:
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if not can_use_referrals(membership):
        return {"show": False, "new": 0}
    new = Referral.objects.filter(
        receiver_organisation_id=membership.organisation_id, status=ReferralStatus.SENT
    ).count()
    return {"show": True, "new": new}
