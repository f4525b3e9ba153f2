"""What closing a pathway does to its referrals: the provider of `relais.pathways.closing`
(registered in `relais.network.apps.NetworkConfig.ready`).

Rules decided here:
- Every open referral of the pathway (sent, seen, accepted, in progress) is cancelled by
  the person who closes the pathway, acting for the sending organisation, through the
  referral workflow: a `ReferralTransition` is recorded, the step follows, the receiving
  organisation is notified (in-app and by e-mail) and can no longer answer or finish it.
- The comment the partner reads says that the pathway ended and when, never why: the exit
  category (health, incarceration, death…) is the sender's information, not the partner's.
- Closed referrals (refused, done, cancelled, expired) are left as they are.
"""

from __future__ import annotations

import datetime as dt

from relais.accounts.models import User
from relais.network.referrals.models import Referral
from relais.network.referrals.services import referral_cancel
from relais.pathways.models import Pathway


def open_referrals(pathway: Pathway) -> list[Referral]:
    return list(
        Referral.objects.filter(pathway=pathway)
        .open()
        .select_related("service", "receiver_organisation")
        .order_by("sent_at", "pk")
    )


def cancel_comment(exited_on: dt.date) -> str:
    return (
        f"Le parcours de la personne a pris fin le {exited_on:%d/%m/%Y} : "
        "l'orientation est annulée par la structure émettrice."
    )


def close_referrals(*, pathway: Pathway, actor: User, exited_on: dt.date) -> list[Referral]:
    return [
        referral_cancel(
            referral=referral,
            actor=actor,
            organisation=pathway.organisation,
            expected_version=None,
            comment=cancel_comment(exited_on),
        )
        for referral in open_referrals(pathway)
    ]
