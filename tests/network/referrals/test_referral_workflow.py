"""The referral workflow as a table: every (from, to, side) is checked, allowed or not, and
the preconditions of each move."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from relais.accounts.models import Organisation
from relais.core.errors import DomainError, PermissionDenied
from relais.network.referrals.models import Referral, ReferralStatus
from relais.network.referrals.policies import Side
from relais.network.referrals.workflow import INITIAL, TRANSITIONS, allowed_moves, check_transition

S = ReferralStatus

# Written out by hand from the issue: sent → seen → accepted / refused → in progress → done,
# cancelled by the sender, expired by the system; accepted may go straight to done.
EXPECTED = {
    (INITIAL, S.SENT, Side.SENDER),
    (S.SENT, S.SEEN, Side.RECEIVER),
    (S.SENT, S.ACCEPTED, Side.RECEIVER),
    (S.SENT, S.REFUSED, Side.RECEIVER),
    (S.SENT, S.CANCELLED, Side.SENDER),
    (S.SENT, S.EXPIRED, Side.SYSTEM),
    (S.SEEN, S.ACCEPTED, Side.RECEIVER),
    (S.SEEN, S.REFUSED, Side.RECEIVER),
    (S.SEEN, S.CANCELLED, Side.SENDER),
    (S.SEEN, S.EXPIRED, Side.SYSTEM),
    (S.ACCEPTED, S.IN_PROGRESS, Side.RECEIVER),
    (S.ACCEPTED, S.DONE, Side.RECEIVER),
    (S.ACCEPTED, S.CANCELLED, Side.SENDER),
    (S.IN_PROGRESS, S.DONE, Side.RECEIVER),
    (S.IN_PROGRESS, S.CANCELLED, Side.SENDER),
}

FROM_STATUSES = [INITIAL, *S.values]
ALL = list(itertools.product(FROM_STATUSES, S.values, list(Side)))


def referral_in(status: str, *, external: bool = False) -> Referral:
    """An unsaved referral: the rules are checked without the database."""
    receiver = Organisation(name="Partenaire", kind="association", is_external=external)
    return Referral(status=status, sent_at=timezone.now(), receiver_organisation=receiver)


def test_the_table_is_the_expected_one():
    table = {
        (from_status, to_status, side)
        for from_status, moves in TRANSITIONS.items()
        for to_status, sides in moves.items()
        for side in sides
    }
    assert table == EXPECTED
    assert set(TRANSITIONS) == set(FROM_STATUSES)


@pytest.mark.parametrize(("from_status", "to_status", "side"), ALL)
def test_every_move_of_every_side(from_status, to_status, side):
    referral = referral_in(from_status)
    kwargs = {
        "refusal_reason": "no_capacity",
        "comment": "Motif précisé.",
        "outcome": "Entrée en formation.",
    }
    if (from_status, to_status, side) in EXPECTED:
        check_transition(referral, to_status, side, **kwargs)
    else:
        with pytest.raises(DomainError):
            check_transition(referral, to_status, side, **kwargs)


def test_a_wrong_side_is_a_permission_error_with_a_clear_message():
    with pytest.raises(PermissionDenied, match="Seule la structure destinataire"):
        check_transition(referral_in(S.SENT), S.ACCEPTED, Side.SENDER)
    with pytest.raises(PermissionDenied, match="Seule la structure émettrice"):
        check_transition(referral_in(S.SEEN), S.CANCELLED, Side.RECEIVER, comment="x")
    with pytest.raises(PermissionDenied):
        check_transition(referral_in(S.SEEN), S.ACCEPTED, None)


@pytest.mark.parametrize("status", [S.REFUSED, S.DONE, S.CANCELLED, S.EXPIRED])
def test_closed_referrals_never_move(status):
    for to_status in S.values:
        with pytest.raises(DomainError, match="ne peut plus changer de statut"):
            check_transition(referral_in(status), to_status, Side.RECEIVER)


def test_allowed_moves_per_side():
    assert allowed_moves(S.SENT, Side.RECEIVER) == [S.SEEN, S.ACCEPTED, S.REFUSED]
    assert allowed_moves(S.SEEN, Side.SENDER) == [S.CANCELLED]
    assert allowed_moves(S.ACCEPTED, Side.RECEIVER) == [S.IN_PROGRESS, S.DONE]
    assert allowed_moves(S.SENT, Side.SYSTEM) == [S.EXPIRED]
    assert allowed_moves(S.DONE, Side.RECEIVER) == []


class TestPreconditions:
    def test_refusal_needs_a_reason_from_the_list(self):
        with pytest.raises(DomainError, match="motif du refus") as error:
            check_transition(referral_in(S.SEEN), S.REFUSED, Side.RECEIVER)
        assert error.value.field == "refusal_reason"
        with pytest.raises(DomainError):
            check_transition(referral_in(S.SEEN), S.REFUSED, Side.RECEIVER, refusal_reason="bof")

    def test_other_reason_needs_a_comment(self):
        with pytest.raises(DomainError, match="Précisez") as error:
            check_transition(referral_in(S.SEEN), S.REFUSED, Side.RECEIVER, refusal_reason="other")
        assert error.value.field == "refusal_comment"
        check_transition(
            referral_in(S.SEEN),
            S.REFUSED,
            Side.RECEIVER,
            refusal_reason="other",
            comment="Hors zone",
        )

    def test_done_needs_an_outcome(self):
        with pytest.raises(DomainError, match="résultat") as error:
            check_transition(referral_in(S.IN_PROGRESS), S.DONE, Side.RECEIVER, outcome="  ")
        assert error.value.field == "outcome"

    def test_cancel_needs_a_reason(self):
        with pytest.raises(DomainError, match="pourquoi") as error:
            check_transition(referral_in(S.SENT), S.CANCELLED, Side.SENDER)
        assert error.value.field == "comment"

    def test_first_appointment_not_before_sending_nor_years_ahead(self):
        referral = referral_in(S.SEEN)
        before = timezone.localdate() - dt.timedelta(days=3)
        with pytest.raises(DomainError, match="précéder") as error:
            check_transition(referral, S.ACCEPTED, Side.RECEIVER, first_appointment_on=before)
        assert error.value.field == "first_appointment_on"
        far = timezone.localdate() + dt.timedelta(days=800)
        with pytest.raises(DomainError, match="plus d'un an"):
            check_transition(referral, S.ACCEPTED, Side.RECEIVER, first_appointment_on=far)
        check_transition(
            referral,
            S.ACCEPTED,
            Side.RECEIVER,
            first_appointment_on=timezone.localdate() + dt.timedelta(days=7),
        )

    def test_external_partner_answers_only_by_hand(self):
        with pytest.raises(PermissionDenied, match=r"hors plateforme|n.utilise pas"):
            check_transition(referral_in(S.SENT, external=True), S.ACCEPTED, Side.RECEIVER)
        check_transition(
            referral_in(S.SENT, external=True), S.ACCEPTED, Side.RECEIVER, by_hand=True
        )
        with pytest.raises(DomainError, match="utilise la plateforme"):
            check_transition(referral_in(S.SENT), S.ACCEPTED, Side.RECEIVER, by_hand=True)
