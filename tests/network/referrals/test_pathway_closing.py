"""Closing a pathway closes its open referrals through the referral workflow (#9, defect 1)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.core.errors import DomainError
from relais.network.referrals.models import ReferralStatus, ReferralTransition
from relais.notifications.models import Notification
from relais.pathways import closing, services
from relais.pathways.models import StepStatus
from tests.network.referrals.support import make_scenario, send
from tests.network.referrals.test_referral_services import answer

pytestmark = pytest.mark.django_db

S = ReferralStatus


def close(sc, **kwargs):
    sc.pathway.refresh_from_db()
    values = {
        "pathway": sc.pathway,
        "actor": sc.referent,
        "expected_version": sc.pathway.version,
        "exited_on": timezone.localdate(),
        "category": "moved",
        "confirm_in_progress": True,
    }
    values.update(kwargs)
    return services.pathway_exit(**values)


def test_closing_cancels_each_open_referral_and_tells_the_partner():
    sc = make_scenario()
    waiting = send(sc)
    Notification.objects.all().delete()
    outcome = close(sc)
    waiting.refresh_from_db()
    assert waiting.status == S.CANCELLED
    assert waiting.closed_at is not None
    last = ReferralTransition.objects.filter(referral=waiting).last()
    assert (last.from_status, last.to_status) == (S.SENT, S.CANCELLED)
    assert last.actor == sc.referent
    assert "parcours" in last.comment.lower()
    # The exit category (health, incarceration, death…) is not told to the partner.
    assert "déménagement" not in last.comment.lower()
    notice = Notification.objects.get(organisation=sc.receiver_org)
    assert "annulée" in notice.message
    assert [r.pk for r in outcome.cancelled_referrals] == [waiting.pk]
    step = waiting.step
    step.refresh_from_db()
    assert step.status == StepStatus.CANCELLED


def test_an_accepted_referral_is_cancelled_too_and_the_partner_can_no_longer_finish_it():
    sc = make_scenario()
    accepted = answer(sc, send(sc), "accept")
    close(sc)
    accepted.refresh_from_db()
    assert accepted.status == S.CANCELLED
    with pytest.raises(DomainError, match="ne peut plus changer de statut"):
        answer(sc, accepted, "complete", outcome="Fini.")


def test_an_in_progress_referral_needs_the_confirmation_like_its_step():
    sc = make_scenario()
    accepted = answer(sc, send(sc), "accept")
    with pytest.raises(DomainError) as error:
        close(sc, confirm_in_progress=False)
    assert error.value.field == "confirm_in_progress"
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED


def test_closed_referrals_are_left_as_they_are():
    sc = make_scenario()
    refused = answer(sc, send(sc), "refuse", refusal_reason="no_capacity")
    close(sc)
    refused.refresh_from_db()
    assert refused.status == S.REFUSED
    assert ReferralTransition.objects.filter(referral=refused, to_status=S.CANCELLED).count() == 0


def test_the_exit_form_lists_the_referrals_that_will_be_cancelled():
    sc = make_scenario()
    waiting = send(sc)
    assert [r.pk for r in closing.open_referrals(sc.pathway)] == [waiting.pk]
