"""Signing in to the person's space: invitations, codes, links, paper codes, lockout,
sessions — and the bad input of the issue: expired or reused links and codes, a code
guessed 10 times."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from relais.core import sms
from relais.core.errors import DomainError, PermissionDenied
from relais.person_space import services, signin, tokens
from relais.person_space.models import CodePurpose, SignInCode, SpaceAccess, SpaceSession
from tests.factories import MembershipFactory, PersonFactory
from tests.factories.person_space import SpaceAccessFactory, space_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()


def _link_token(text: str) -> str:
    return re.search(r"/mon-espace/connexion/lien/([\w-]+)/", text).group(1)


def _code(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def _invite(person, referent, channel="email"):
    membership = referent.memberships.get(organisation=person.organisation)
    with_commit = services.access_invite(
        person=person, actor=referent, membership=membership, channel=channel
    )
    return with_commit


class TestInvitation:
    def test_email_invitation_sends_a_link_that_signs_in_once(
        self, referent, django_capture_on_commit_callbacks
    ):
        person = PersonFactory(
            organisation=referent.memberships.first().organisation,
            referent=referent,
            email="Lea@Example.org",
        )
        with django_capture_on_commit_callbacks(execute=True):
            access, paper = _invite(person, referent)
        assert paper == ""
        assert access.contact == "lea@example.org"
        assert len(mail.outbox) == 1
        token = _link_token(mail.outbox[0].body)
        # Only the digest is stored.
        assert not SignInCode.objects.filter(link_hash=token).exists()
        signed, raw = signin.sign_in_with_link(token=token)
        assert signed == access
        assert signin.session_for_key(raw).access == access
        with pytest.raises(DomainError, match="déjà servi"):
            signin.sign_in_with_link(token=token)

    def test_sms_invitation(self, referent, django_capture_on_commit_callbacks):
        person = PersonFactory(
            organisation=referent.memberships.first().organisation, phone="06 11 22 33 44"
        )
        with django_capture_on_commit_callbacks(execute=True):
            access, _ = _invite(person, referent, "sms")
        assert access.contact == "+33611223344"
        assert sms.outbox[0]["to"] == "+33611223344"
        assert "/mon-espace/connexion/lien/" in sms.outbox[0]["body"]

    def test_expired_link(self, referent, django_capture_on_commit_callbacks):
        person = PersonFactory(
            organisation=referent.memberships.first().organisation, email="a@example.org"
        )
        with django_capture_on_commit_callbacks(execute=True):
            _invite(person, referent)
        token = _link_token(mail.outbox[0].body)
        SignInCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        with pytest.raises(DomainError, match="expiré"):
            signin.sign_in_with_link(token=token)

    def test_unknown_link(self, db):
        with pytest.raises(DomainError, match="pas valable"):
            signin.sign_in_with_link(token="nimporte-quoi")

    @pytest.mark.parametrize(
        ("channel", "field", "message"),
        [("email", "email", "Aucune adresse e-mail"), ("sms", "phone", "Aucun numéro de portable")],
    )
    def test_missing_contact(self, referent, channel, field, message):
        person = PersonFactory(
            organisation=referent.memberships.first().organisation, **{field: ""}
        )
        with pytest.raises(DomainError, match=message):
            _invite(person, referent, channel)
        assert not SpaceAccess.objects.exists()

    def test_landline_is_not_a_sms_number(self, referent):
        person = PersonFactory(
            organisation=referent.memberships.first().organisation, phone="04 72 00 00 00"
        )
        with pytest.raises(DomainError, match="portable"):
            _invite(person, referent, "sms")

    def test_unknown_channel(self, referent):
        person = PersonFactory(organisation=referent.memberships.first().organisation)
        with pytest.raises(DomainError, match="Choisissez"):
            _invite(person, referent, "pigeon")

    def test_new_invitation_closes_the_previous_access_and_its_sessions(self, referent):
        person = PersonFactory(
            organisation=referent.memberships.first().organisation, email="b@example.org"
        )
        first, _ = _invite(person, referent)
        raw = space_session(first)
        second, _ = _invite(person, referent, "paper")
        first.refresh_from_db()
        assert first.revoked_at is not None
        assert signin.session_for_key(raw) is None
        assert SpaceAccess.objects.active().get() == second

    def test_co_follower_and_staff_cannot_invite(self, organisation):
        person = PersonFactory(organisation=organisation, email="c@example.org")
        staff = MembershipFactory(organisation=organisation, role="staff")
        other = MembershipFactory(role="manager")
        for membership in (staff, other):
            with pytest.raises(PermissionDenied):
                services.access_invite(
                    person=person, actor=membership.user, membership=membership, channel="email"
                )


class TestCodes:
    def _request(self, access, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            found = services.request_sign_in_code(contact=access.contact.upper())
        assert found == access
        return _code(mail.outbox[-1].body)

    def test_code_signs_in_once(self, django_capture_on_commit_callbacks):
        access = SpaceAccessFactory()
        code = self._request(access, django_capture_on_commit_callbacks)
        assert not SignInCode.objects.filter(code_hash=code).exists()
        _signed, raw = signin.sign_in_with_code(access_id=access.pk, code=code)
        assert signin.session_for_key(raw) is not None
        with pytest.raises(DomainError, match="déjà servi"):
            signin.sign_in_with_code(access_id=access.pk, code=code)

    def test_phone_number_in_any_form(self, django_capture_on_commit_callbacks):
        access = SpaceAccessFactory(by_sms=True)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.request_sign_in_code(contact="06 12 34 56 78") == access
        assert re.search(r"\d{6}", sms.outbox[-1]["body"])

    def test_unknown_contact_sends_nothing(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.request_sign_in_code(contact="inconnu@example.org") is None
        assert mail.outbox == []

    def test_expired_code(self, django_capture_on_commit_callbacks):
        access = SpaceAccessFactory()
        code = self._request(access, django_capture_on_commit_callbacks)
        SignInCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        with pytest.raises(DomainError, match="expiré"):
            signin.sign_in_with_code(access_id=access.pk, code=code)

    def test_only_the_last_code_counts(self, django_capture_on_commit_callbacks):
        access = SpaceAccessFactory()
        first = self._request(access, django_capture_on_commit_callbacks)
        second = self._request(access, django_capture_on_commit_callbacks)
        if first != second:
            with pytest.raises(DomainError):
                signin.sign_in_with_code(access_id=access.pk, code=first)
        signin.sign_in_with_code(access_id=access.pk, code=second)

    def test_ten_wrong_codes_lock_the_access(self, django_capture_on_commit_callbacks):
        access = SpaceAccessFactory()
        raw_session = space_session(access)
        code = self._request(access, django_capture_on_commit_callbacks)
        wrong = "000000" if code != "000000" else "111111"
        for attempt in range(1, 10):
            with pytest.raises(DomainError, match=f"Il vous reste {10 - attempt} essai"):
                signin.sign_in_with_code(access_id=access.pk, code=wrong)
        with pytest.raises(DomainError, match="bloqué"):
            signin.sign_in_with_code(access_id=access.pk, code=wrong)
        access.refresh_from_db()
        assert access.is_locked
        # The right code no longer opens it for now; the session already open stays open
        # (a stranger guessing codes must not sign the person out).
        with pytest.raises(DomainError, match="bloqué"):
            signin.sign_in_with_code(access_id=access.pk, code=code)
        assert signin.session_for_key(raw_session) is not None
        # A locked access is sent no more codes.
        with django_capture_on_commit_callbacks(execute=True):
            services.request_sign_in_code(contact=access.contact)
        assert len(mail.outbox) == 1

    def _lock(self, access, capture) -> str:
        code = self._request(access, capture)
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(signin.MAX_FAILED_ATTEMPTS):
            with pytest.raises(DomainError):
                signin.sign_in_with_code(access_id=access.pk, code=wrong)
        access.refresh_from_db()
        assert access.is_locked
        return code

    def test_the_lock_says_when_to_try_again(self, django_capture_on_commit_callbacks):
        access = SpaceAccessFactory()
        self._lock(access, django_capture_on_commit_callbacks)
        until = timezone.localtime(access.locked_at + dt.timedelta(minutes=15))
        with pytest.raises(DomainError) as refused:
            signin.sign_in_with_code(access_id=access.pk, code="123456")
        assert refused.value.message == (
            "Trop de codes erronés : par sécurité, votre accès est bloqué pendant 15 minutes. "
            f"Réessayez à partir de {until:%H:%M}."
        )
        assert access.locked_until == access.locked_at + dt.timedelta(minutes=15)

    def test_the_lock_ends_after_the_cool_off(self, django_capture_on_commit_callbacks):
        access = SpaceAccessFactory()
        self._lock(access, django_capture_on_commit_callbacks)
        # 15 minutes later (the professionals' cool-off), no new invitation needed.
        SpaceAccess.objects.filter(pk=access.pk).update(
            locked_at=timezone.now() - dt.timedelta(minutes=15, seconds=1)
        )
        access.refresh_from_db()
        assert not access.is_locked and access.locked_until is None
        code = self._request(access, django_capture_on_commit_callbacks)  # sent again
        # The count starts again: a wrong code leaves nine tries, the right one opens.
        with pytest.raises(DomainError, match="Il vous reste 9 essais"):
            signin.sign_in_with_code(access_id=access.pk, code="abcdef")
        signin.sign_in_with_code(access_id=access.pk, code=code)
        access.refresh_from_db()
        assert access.locked_at is None and access.failed_attempts == 0

    def test_the_cool_off_follows_the_setting(self, settings, django_capture_on_commit_callbacks):
        settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
        access = SpaceAccessFactory()
        self._lock(access, django_capture_on_commit_callbacks)
        SpaceAccess.objects.filter(pk=access.pk).update(
            locked_at=timezone.now() - dt.timedelta(minutes=20)
        )
        access.refresh_from_db()
        assert access.is_locked
        with pytest.raises(DomainError, match="bloqué pendant 30 minutes"):
            signin.sign_in_with_code(access_id=access.pk, code="123456")

    def test_right_code_resets_the_count(self, django_capture_on_commit_callbacks):
        access = SpaceAccessFactory()
        code = self._request(access, django_capture_on_commit_callbacks)
        with pytest.raises(DomainError):
            signin.sign_in_with_code(access_id=access.pk, code="abc")
        signin.sign_in_with_code(access_id=access.pk, code=code)
        access.refresh_from_db()
        assert access.failed_attempts == 0

    def test_codes_per_hour(self, django_capture_on_commit_callbacks):
        access = SpaceAccessFactory()
        for _ in range(signin.CODES_PER_HOUR):
            self._request(access, django_capture_on_commit_callbacks)
        with pytest.raises(DomainError, match="Trop de codes"):
            services.request_sign_in_code(contact=access.contact)

    @pytest.mark.parametrize("typed", ["", "   ", "é" * 20])
    def test_empty_or_garbage_code(self, typed):
        access = SpaceAccessFactory()
        with pytest.raises(DomainError):
            signin.sign_in_with_code(access_id=access.pk, code=typed)


class TestPaperCode:
    def test_paper_code_signs_in_once(self, referent):
        person = PersonFactory(organisation=referent.memberships.first().organisation)
        access, code = _invite(person, referent, "paper")
        assert len(code) == tokens.PAPER_LENGTH
        assert not mail.outbox and not sms.outbox
        signed, _raw = signin.sign_in_with_paper_code(code=tokens.format_paper_code(code).lower())
        assert signed == access
        assert SpaceSession.objects.get().method == "paper"
        with pytest.raises(DomainError, match="déjà servi"):
            signin.sign_in_with_paper_code(code=code)

    def test_expired_paper_code(self, referent):
        person = PersonFactory(organisation=referent.memberships.first().organisation)
        _access, code = _invite(person, referent, "paper")
        SignInCode.objects.filter(purpose=CodePurpose.PAPER).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        with pytest.raises(DomainError, match="expiré"):
            signin.sign_in_with_paper_code(code=code)

    @pytest.mark.parametrize("typed", ["ABC", "ABCDE-FGHJK"])
    def test_wrong_paper_code(self, db, typed):
        with pytest.raises(DomainError):
            signin.sign_in_with_paper_code(code=typed)


class TestSessions:
    def test_revoked_access_ends_sessions(self, referent):
        person = PersonFactory(
            organisation=referent.memberships.first().organisation, email="d@example.org"
        )
        access, _ = _invite(person, referent)
        raw = space_session(access)
        membership = referent.memberships.get()
        services.access_revoke(access=access, actor=referent, membership=membership)
        assert signin.session_for_key(raw) is None
        with pytest.raises(DomainError, match="déjà fermé"):
            services.access_revoke(access=access, actor=referent, membership=membership)

    def test_session_expires(self):
        access = SpaceAccessFactory()
        raw = space_session(access)
        SpaceSession.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        assert signin.session_for_key(raw) is None

    def test_session_key_stored_hashed(self):
        raw = space_session(SpaceAccessFactory())
        assert not SpaceSession.objects.filter(key_hash=raw).exists()
        assert signin.session_for_key("autre-chose") is None
        assert signin.session_for_key("") is None

    def test_last_use_recorded(self):
        access = SpaceAccessFactory()
        raw = space_session(access)
        SpaceAccess.objects.update(last_used_at=None)
        signin.session_for_key(raw)
        access.refresh_from_db()
        assert access.last_used_at is not None

    def test_logout(self):
        raw = space_session(SpaceAccessFactory())
        signin.session_end(signin.session_for_key(raw))
        assert signin.session_for_key(raw) is None
