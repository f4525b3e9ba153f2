"""`Referral.answer_unseen`: the database's column follows the rule of an answer that is
news to its sender, and the menu of every page reads it from its partial index."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection, transaction
from django.utils import timezone

from relais.network.referrals import selectors
from relais.network.referrals.models import ANSWER_STATUSES, Referral, ReferralStatus
from tests.factories.network.referrals import ReferralFactory

pytestmark = pytest.mark.django_db


def _expected(status: str, by_hand: bool, seen_at, updated_at) -> bool:
    return status in ANSWER_STATUSES and not by_hand and (seen_at is None or seen_at < updated_at)


def test_the_column_follows_the_rule_for_every_case():
    referral = ReferralFactory(refusal_reason="other")  # allowed in every status
    now = timezone.now()
    seen_cases = (None, now - dt.timedelta(hours=1), now, now + dt.timedelta(hours=1))
    for status, by_hand, seen_at in itertools.product(
        ReferralStatus.values, (False, True), seen_cases
    ):
        Referral.objects.filter(pk=referral.pk).update(
            status=status, answered_by_hand=by_hand, answer_seen_at=seen_at, updated_at=now
        )
        unseen = Referral.objects.values_list("answer_unseen", flat=True).get(pk=referral.pk)
        assert unseen is _expected(status, by_hand, seen_at, now), (status, by_hand, seen_at)


def test_a_saved_change_after_the_sender_looked_is_news_again():
    referral = ReferralFactory(status=ReferralStatus.ACCEPTED)
    referral.refresh_from_db()
    assert referral.answer_unseen is True
    Referral.objects.filter(pk=referral.pk).update(answer_seen_at=timezone.now())
    referral.refresh_from_db()
    assert referral.answer_unseen is False
    referral.status = ReferralStatus.DONE
    referral.save()  # updated_at moves past answer_seen_at
    referral.refresh_from_db()
    assert referral.answer_unseen is True


def _plan(queryset) -> str:
    """The query's plan; on PostgreSQL with sequential scans off, as a table of a few rows
    would otherwise be read whole (tests/core/test_query_plans.py)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def test_the_menu_count_reads_the_partial_index():
    """A référent's years of referrals, all answered and opened but one: the planner reads
    that one from the partial index, not the sender's hundreds of rows (the statistics
    of a real table, hence the rows and ANALYZE)."""
    referral = ReferralFactory(status=ReferralStatus.REFUSED, refusal_reason="other")
    seen = timezone.now() + dt.timedelta(days=1)
    Referral.objects.bulk_create(
        ReferralFactory.build(
            person=referral.person,
            service=referral.service,
            sender=referral.sender,
            status=ReferralStatus.DONE,
            answer_seen_at=seen,
        )
        for _ in range(400)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE network_referral")
    user_id, organisation_id = referral.sender_id, referral.sender_organisation_id
    assert selectors.navigation_counts(organisation_id, user_id) == (0, 1)
    assert "referral_unseen_answers" in _plan(
        selectors._navigation_counts(organisation_id, user_id)
    )
    assert "referral_unseen_answers" in _plan(selectors._unseen_answers(user_id, organisation_id))
