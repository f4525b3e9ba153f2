"""The "Orientations" navigation entry: the number of new referrals waiting in the inbox of
the current organisation, and of answers to the referrals the user sent that they have not
opened yet (one COUNT query for both)."""

from django import template

from relais.network.referrals.models import ReferralStatus
from relais.network.referrals.policies import can_use_referrals
from relais.network.referrals.selectors import navigation_counts, unseen_answers

register = template.Library()


@register.simple_tag(takes_context=True)
def referral_nav(context) -> dict:
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if not can_use_referrals(membership):
        return {"show": False, "new": 0, "answers": 0}
    new, answers = navigation_counts(membership.organisation_id, membership.user_id)
    return {"show": True, "new": new, "answers": answers}


@register.simple_tag(takes_context=True)
def referral_answers(context) -> list[dict]:
    """The answers to the referrals the user sent, not opened yet (home page): no person
    named, like a notification (the referral's page, once opened, is journaled)."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if not can_use_referrals(membership):
        return []
    rows = unseen_answers(membership.user_id, membership.organisation_id)
    for row in rows:
        row["status_label"] = ANSWER_LABELS[row["status"]]
    return rows


ANSWER_LABELS = {
    ReferralStatus.ACCEPTED: "acceptée",
    ReferralStatus.REFUSED: "refusée",
    ReferralStatus.IN_PROGRESS: "prise en charge",
    ReferralStatus.DONE: "terminée, résultat transmis",
}
