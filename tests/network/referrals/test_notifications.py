"""Notifications of referral moves: in-app for the other organisation, e-mails after commit
naming no person; expiry by the system (command, idempotent)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from relais.network.referrals import answers as referral_answers
from relais.network.referrals import services as referrals
from relais.network.referrals.models import Referral, ReferralStatus, ReferralTransition
from relais.notifications import services as notifications
from relais.notifications.models import Notification
from relais.notifications.selectors import unread_count
from relais.pathways.models import Step, StepStatus
from tests.factories import MembershipFactory, OrganisationFactory
from tests.network.referrals.support import make_scenario, send

pytestmark = pytest.mark.django_db
S = ReferralStatus


def bodies() -> str:
    return "\n".join(m.subject + "\n" + m.body for m in mail.outbox)


class TestOnSend:
    def test_receiver_gets_a_notification_and_e_mails_without_the_persons_name(
        self, settings, django_capture_on_commit_callbacks
    ):
        settings.RELAIS_BASE_URL = "https://relais.example.org"
        sc = make_scenario()
        with django_capture_on_commit_callbacks(execute=True):
            referral = send(sc)
        notice = Notification.objects.get(organisation=sc.receiver_org)
        assert notice.link == f"/orientations/{referral.pk}/"
        assert "Garantie jeunes renforcée" in notice.message
        assert "Lefèvre" not in notice.message and "Amélie" not in notice.message
        recipients = sorted(m.to[0] for m in mail.outbox)
        # Référent and manager of the receiver, not reception staff; one message each.
        assert recipients == sorted([sc.receiver.email, sc.receiver_manager.email])
        text = bodies()
        assert "une orientation vous a été adressée" in text.lower()
        assert f"https://relais.example.org/orientations/{referral.pk}/" in text
        for personal in ("Lefèvre", "Lefevre", "Amélie", "amelie.lefevre", "1990"):
            assert personal not in text
        assert not Notification.objects.filter(organisation=sc.sender_org).exists()

    def test_nothing_is_e_mailed_when_the_transaction_rolls_back(
        self, django_capture_on_commit_callbacks
    ):
        sc = make_scenario()
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    send(sc)
                    raise RuntimeError("boom")
            except RuntimeError:
                pass
        assert mail.outbox == []
        assert not Notification.objects.exists()

    def test_external_partner_gets_nothing(self, django_capture_on_commit_callbacks):
        sc = make_scenario(external=True)
        with django_capture_on_commit_callbacks(execute=True):
            send(sc)
        assert not Notification.objects.exists()
        assert mail.outbox == []

    def test_inactive_members_get_no_e_mail(self, django_capture_on_commit_callbacks):
        sc = make_scenario()
        MembershipFactory(organisation=sc.receiver_org, role="referent", inactive=True)
        with django_capture_on_commit_callbacks(execute=True):
            send(sc)
        assert len(mail.outbox) == 2


class TestOnAnswers:
    @pytest.mark.parametrize(
        ("verb", "kwargs", "words"),
        [
            ("accept", {}, "acceptée"),
            ("refuse", {"refusal_reason": "no_capacity"}, "refusée"),
            ("complete", {"outcome": "Entrée en formation."}, "terminée"),
        ],
    )
    def test_sender_is_told_and_its_referent_e_mailed(
        self, verb, kwargs, words, django_capture_on_commit_callbacks
    ):
        sc = make_scenario()
        referral = send(sc)
        if verb == "complete":
            referral = referral_answers.referral_accept(
                referral=referral,
                actor=sc.receiver,
                organisation=sc.receiver_org,
                expected_version=referral.version,
            )
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            getattr(referral_answers, f"referral_{verb}")(
                referral=referral,
                actor=sc.receiver,
                organisation=sc.receiver_org,
                expected_version=referral.version,
                **kwargs,
            )
        notice = Notification.objects.filter(organisation=sc.sender_org).latest("id")
        assert words in notice.message
        assert sc.receiver_org.name in notice.message
        assert [m.to for m in mail.outbox] == [[sc.referent.email]]
        assert words in bodies()
        assert "Lefèvre" not in bodies()

    def test_seen_is_notified_to_the_sender(self, django_capture_on_commit_callbacks):
        sc = make_scenario()
        referral = send(sc)
        with django_capture_on_commit_callbacks(execute=True):
            referral_answers.referral_mark_seen(
                referral=referral, actor=sc.receiver, organisation=sc.receiver_org
            )
        assert "ouverte" in Notification.objects.filter(organisation=sc.sender_org).get().message

    def test_cancel_is_notified_to_the_receiver(self, django_capture_on_commit_callbacks):
        sc = make_scenario()
        referral = send(sc)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            referrals.referral_cancel(
                referral=referral,
                actor=sc.referent,
                organisation=sc.sender_org,
                expected_version=referral.version,
                comment="Erreur",
            )
        assert (
            "annulée"
            in Notification.objects.filter(organisation=sc.receiver_org).latest("id").message
        )
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [sc.receiver.email, sc.receiver_manager.email]
        )


class TestExpiry:
    def test_expire_waiting_referrals_past_their_date(self, django_capture_on_commit_callbacks):
        sc = make_scenario()
        old = send(sc)
        seen_old = send(sc, service=_other_service(sc))
        fresh = send(sc, service=_other_service(sc))
        answered = send(sc, service=_other_service(sc))
        referral_answers.referral_mark_seen(
            referral=seen_old, actor=sc.receiver, organisation=sc.receiver_org
        )
        referral_answers.referral_accept(
            referral=answered,
            actor=sc.receiver,
            organisation=sc.receiver_org,
            expected_version=answered.version,
        )
        past = timezone.now() - dt.timedelta(hours=1)
        Referral.objects.filter(pk__in=[old.pk, seen_old.pk, answered.pk]).update(expires_at=past)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert referrals.referrals_expire() == 2
        assert set(Referral.objects.filter(status=S.EXPIRED).values_list("pk", flat=True)) == {
            old.pk,
            seen_old.pk,
        }
        fresh.refresh_from_db()
        answered.refresh_from_db()
        assert fresh.status == S.SENT
        assert answered.status == S.ACCEPTED
        transition = ReferralTransition.objects.get(referral=old, to_status=S.EXPIRED)
        assert transition.actor is None and transition.actor_organisation is None
        assert "30 jours" in transition.comment
        assert Step.objects.get(pk=old.step_id).status == StepStatus.ABANDONED
        # Both sides are told.
        assert (
            Notification.objects.filter(
                organisation=sc.sender_org, message__contains="expiré"
            ).count()
            == 2
        )
        assert (
            Notification.objects.filter(
                organisation=sc.receiver_org, message__contains="expiré"
            ).count()
            == 2
        )
        assert mail.outbox
        # Idempotent.
        assert referrals.referrals_expire() == 0
        assert ReferralTransition.objects.filter(to_status=S.EXPIRED).count() == 2

    def test_command(self):
        sc = make_scenario()
        referral = send(sc)
        out = StringIO()
        call_command("expire_referrals", stdout=out)
        assert "Aucune orientation" in out.getvalue()
        Referral.objects.filter(pk=referral.pk).update(
            expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
        out = StringIO()
        call_command("expire_referrals", stdout=out)
        assert "1 orientation sans réponse depuis 30 jours déclarée expirée." in out.getvalue()
        referral.refresh_from_db()
        assert referral.status == S.EXPIRED
        out = StringIO()
        call_command("expire_referrals", stdout=out)
        assert "Aucune orientation" in out.getvalue()


def _other_service(sc):
    from tests.factories import ServiceFactory

    return ServiceFactory(organisation=sc.receiver_org, thematiques=["mobilite"])


class TestReading:
    def test_unread_count_and_mark_all_read(self):
        organisation = OrganisationFactory()
        other = OrganisationFactory()
        Notification.objects.create(organisation=organisation, message="Un")
        Notification.objects.create(organisation=organisation, message="Deux")
        Notification.objects.create(organisation=other, message="Ailleurs")
        assert Notification.objects.seen_by(organisation).unread().count() == 2
        assert notifications.mark_all_read(organisation) == 2
        assert Notification.objects.seen_by(organisation).unread().count() == 0
        assert Notification.objects.seen_by(other).unread().count() == 1

    def test_the_inbox_count_is_the_users_unread_notices(self):
        organisation = OrganisationFactory()
        member = MembershipFactory(organisation=organisation).user
        colleague = MembershipFactory(organisation=organisation).user
        Notification.objects.create(organisation=organisation, message="À tous")
        Notification.objects.create(organisation=organisation, user=member, message="À lui")
        Notification.objects.create(organisation=organisation, user=colleague, message="Autre")
        Notification.objects.create(organisation=OrganisationFactory(), message="Ailleurs")
        assert unread_count(organisation.pk, member.pk) == 2
        assert unread_count(organisation.pk, colleague.pk) == 2
        notifications.mark_all_read(organisation, member)
        assert unread_count(organisation.pk, member.pk) == 0
        assert unread_count(organisation.pk, colleague.pk) == 1
        assert unread_count(OrganisationFactory().pk, member.pk) == 0
