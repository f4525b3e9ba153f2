"""Referral events in the person's timeline: sent, answered, done (with the outcome)."""

from __future__ import annotations

import pytest

from relais.accounts.models import Membership
from relais.network.referrals import answers as referral_answers
from relais.records.timeline import TimelineKind, build_timeline
from tests.helpers import count_queries
from tests.network.referrals.support import make_scenario, send

pytestmark = pytest.mark.django_db


def test_sent_accepted_and_done_events_with_the_outcome():
    sc = make_scenario()
    referral = send(sc)
    referral = referral_answers.referral_accept(
        referral=referral,
        actor=sc.receiver,
        organisation=sc.receiver_org,
        expected_version=referral.version,
    )
    referral_answers.referral_complete(
        referral=referral,
        actor=sc.receiver,
        organisation=sc.receiver_org,
        expected_version=referral.version,
        outcome="Contrat d'apprentissage signé.",
    )
    membership = Membership.objects.get(user=sc.referent)
    timeline = build_timeline(sc.person, membership, kinds=[TimelineKind.REFERRAL])
    titles = [item.title for item in timeline.items]
    assert titles == [
        "Orientation terminée : Garantie jeunes renforcée (Mission locale Lyon Est)",
        "Orientation acceptée : Garantie jeunes renforcée (Mission locale Lyon Est)",
        "Orientation envoyée : Garantie jeunes renforcée (Mission locale Lyon Est)",
    ]
    assert timeline.items[0].detail == "Contrat d'apprentissage signé."
    assert timeline.items[0].url == f"/orientations/{referral.pk}/"
    assert TimelineKind.REFERRAL in timeline.kinds


def test_one_query_whatever_the_number_of_referrals():
    from relais.records.timeline.readers import _referrals

    sc = make_scenario()
    send(sc)
    few = count_queries(lambda: _referrals(sc.person, None, 100))
    from tests.factories import ServiceFactory

    for _ in range(4):
        send(sc, service=ServiceFactory(organisation=sc.receiver_org, thematiques=["mobilite"]))
    many = count_queries(lambda: _referrals(sc.person, None, 100))
    assert few == many == 1


def test_refusal_shows_its_reason():
    sc = make_scenario()
    referral = send(sc)
    referral_answers.referral_refuse(
        referral=referral,
        actor=sc.receiver,
        organisation=sc.receiver_org,
        expected_version=referral.version,
        refusal_reason="not_eligible",
    )
    membership = Membership.objects.get(user=sc.referent)
    item = build_timeline(sc.person, membership, kinds=[TimelineKind.REFERRAL]).items[0]
    assert item.title.startswith("Orientation refusée")
    assert item.detail == "La personne ne remplit pas les conditions"
    assert item.badge_level == "error"
