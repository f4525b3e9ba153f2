"""The "Orientations" navigation entry: the number of new referrals waiting in the inbox of
the current organisation, and of answers to the referrals the user sent that they have not
opened yet (one COUNT query for both); the inbox's rows."""

from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from relais.core.links import link
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


@register.simple_tag
def referral_rows(rows: list[dict], side: str) -> SafeString:
    """The inbox's table rows, rendered in Python (as the caseload's, `caseload_tags`): a
    template loop with an included badge per row cost more than the page's SQL."""
    return mark_safe("\n".join(_referral_row(row, side) for row in rows))  # noqa: S308


def _referral_row(row: dict, side: str) -> str:
    referral = row["referral"]
    pk = int(referral.pk)
    person = row["person"]
    who = (
        escape(person.display_name)
        if person
        else '<span class="fr-text--sm">Identité non partagée</span>'
    )
    if side == "sender":
        other = escape(referral.receiver_organisation.name)
        if referral.receiver_organisation.is_external:
            other += ' <span class="fr-text--xs">(hors plateforme)</span>'
    else:
        other = (
            f"{escape(referral.sender_organisation.name)}<br>"
            f'<span class="fr-text--xs">{escape(str(referral.sender))}</span>'
        )
    status = (
        f'<p class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--{escape(row["level"])}"'
        f' data-testid="referral-status">{escape(referral.get_status_display())}</p>'
    )
    if row["expires_soon"]:
        status += f'<br><span class="fr-text--xs">Expire le {_day(referral.expires_at)}</span>'
    return (
        '<tr data-testid="referral-row">'
        f'<td><a href="{escape(link("referral", pk))}">Orientation n° {pk}</a></td>'
        f"<td>{who}</td>"
        f"<td>{escape(referral.service.name)}</td>"
        f"<td>{other}</td>"
        f"<td>{status}</td>"
        f"<td>{_day(referral.sent_at)}</td>"
        "</tr>"
    )


def _day(moment) -> str:
    """`{{ moment|date:"d/m/Y" }}`: the local day."""
    return timezone.localtime(moment).strftime("%d/%m/%Y") if moment else ""
