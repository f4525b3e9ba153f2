"""The person's own consents, document requests and messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from relais.core import sms
from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import AccessLogEntry
from relais.network.coordination.models import TeamMember
from relais.notifications.models import Notification
from relais.people.models import Consent, Document
from relais.person_space import services
from relais.person_space.models import Message, RequestStatus
from tests.factories import ConsentFactory, MembershipFactory, co_follower
from tests.factories.person_space import SpaceAccessFactory
from tests.people import files

pytestmark = pytest.mark.django_db


def _manager_of(person):
    return MembershipFactory(organisation=person.organisation, role="referent")


class TestConsents:
    def test_withdrawal_cuts_the_partner_off_at_once(self):
        access = SpaceAccessFactory()
        member = co_follower(access.person)
        assert TeamMember.objects.active().filter(pk=member.pk).exists()
        share = Consent.objects.get(purpose="share_org")
        withdrawal = services.space_consent_withdraw(access=access, consent_id=share.pk)
        assert withdrawal.method == "person_space"
        assert withdrawal.status == "withdrawn"
        assert withdrawal.get_method_display() == "Par la personne, dans son espace personnel"
        assert not TeamMember.objects.active().filter(pk=member.pk).exists()
        entry = AccessLogEntry.objects.filter(summary="consentement retiré").get()
        assert entry.actor is None
        assert entry.actor_email.startswith("personne (espace personnel)")
        assert entry.person_id == access.person_id
        # Given again: the partner sees again.
        services.space_consent_give(access=access, purpose="", consent_id=withdrawal.pk)
        assert TeamMember.objects.active().filter(pk=member.pk).exists()

    def test_contact_consent(self):
        access = SpaceAccessFactory()
        consent = services.space_consent_give(access=access, purpose="contact_sms")
        assert consent.status == "given"
        assert consent.decided_on == timezone.localdate()

    @pytest.mark.parametrize("purpose", ["share_org", "accompaniment", "", "n'importe"])
    def test_cannot_invent_a_sharing(self, purpose):
        access = SpaceAccessFactory()
        with pytest.raises(DomainError):
            services.space_consent_give(access=access, purpose=purpose)

    def test_another_persons_consent(self):
        access = SpaceAccessFactory()
        other = ConsentFactory()
        with pytest.raises(DomainError, match="n'existe pas"):
            services.space_consent_withdraw(access=access, consent_id=other.pk)

    def test_withdraw_twice(self):
        access = SpaceAccessFactory()
        consent = ConsentFactory(person=access.person, purpose="contact_email")
        services.space_consent_withdraw(access=access, consent_id=consent.pk)
        with pytest.raises(DomainError, match=r"remplacé|déjà retiré"):
            services.space_consent_withdraw(access=access, consent_id=consent.pk)


class TestDocumentRequests:
    def _request(self, access, **kwargs):
        membership = _manager_of(access.person)
        values = {
            "title": "Justificatif de domicile",
            "kind": "address",
            "due_on": timezone.localdate() + dt.timedelta(days=10),
        } | kwargs
        return services.document_request_create(
            person=access.person, actor=membership.user, membership=membership, **values
        )

    def test_fulfil_with_a_real_pdf(self):
        access = SpaceAccessFactory()
        request = self._request(access)
        done = services.document_request_fulfil(
            access=access,
            request_id=request.pk,
            uploaded_file=files.upload("facture.pdf", files.PDF_BYTES),
        )
        assert done.status == RequestStatus.RECEIVED
        document = Document.objects.get()
        assert done.document == document
        assert "déposé par la personne" in document.title
        assert Notification.objects.filter(organisation=access.person.organisation).exists()
        with pytest.raises(DomainError, match="déjà été déposé"):
            services.document_request_fulfil(
                access=access,
                request_id=request.pk,
                uploaded_file=files.upload("autre.pdf", files.pdf_bytes(2)),
            )

    @pytest.mark.parametrize(
        ("name", "data"),
        [("facture.pdf", files.EXE_BYTES), ("photo.jpg", files.PDF_BYTES), ("vide.pdf", b"")],
    )
    def test_file_not_what_it_claims(self, name, data):
        access = SpaceAccessFactory()
        request = self._request(access)
        with pytest.raises(DomainError):
            services.document_request_fulfil(
                access=access, request_id=request.pk, uploaded_file=files.upload(name, data)
            )
        request.refresh_from_db()
        assert request.status == RequestStatus.OPEN
        assert not Document.objects.exists()

    def test_request_of_another_person(self):
        access = SpaceAccessFactory()
        other = self._request(SpaceAccessFactory(person__email="x@example.org"))
        with pytest.raises(DomainError, match="n'existe pas"):
            services.document_request_fulfil(
                access=access,
                request_id=other.pk,
                uploaded_file=files.upload("a.pdf", files.PDF_BYTES),
            )

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"title": "  "}, "title"),
            ({"title": "x" * 201}, "title"),
            ({"kind": "passeport"}, "kind"),
            ({"due_on": dt.date(2000, 1, 1)}, "due_on"),
            ({"due_on": "demain"}, "due_on"),
        ],
    )
    def test_bad_request(self, values, field):
        with pytest.raises(DomainError) as error:
            self._request(SpaceAccessFactory(), **values)
        assert error.value.field == field

    def test_cancel_then_no_upload(self):
        access = SpaceAccessFactory()
        request = self._request(access)
        membership = _manager_of(access.person)
        services.document_request_cancel(
            request=request, actor=membership.user, membership=membership
        )
        with pytest.raises(DomainError):
            services.document_request_cancel(
                request=request, actor=membership.user, membership=membership
            )
        with pytest.raises(DomainError, match="annulée"):
            services.document_request_fulfil(
                access=access,
                request_id=request.pk,
                uploaded_file=files.upload("a.pdf", files.PDF_BYTES),
            )

    def test_only_the_holding_organisation(self):
        access = SpaceAccessFactory()
        outsider = MembershipFactory(role="manager")
        with pytest.raises(PermissionDenied):
            services.document_request_create(
                person=access.person,
                actor=outsider.user,
                membership=outsider,
                title="CV",
                kind="cv",
                due_on=timezone.localdate(),
            )


class TestMessages:
    def test_person_writes_the_referent_is_notified(self):
        access = SpaceAccessFactory()
        message = services.message_from_person(
            access=access, body="  Bonjour, je serai en retard.  "
        )
        assert message.body == "Bonjour, je serai en retard."
        assert Notification.objects.get().message.startswith("Espace personnel, dossier n°")
        assert "retard" not in Notification.objects.get().message

    def test_professional_writes_the_person_is_told_only_that(
        self, django_capture_on_commit_callbacks
    ):
        access = SpaceAccessFactory()
        membership = _manager_of(access.person)
        with django_capture_on_commit_callbacks(execute=True):
            services.message_from_professional(
                person=access.person,
                actor=membership.user,
                membership=membership,
                body="Votre rendez-vous à la CAF est confirmé.",
            )
        assert len(mail.outbox) == 1
        assert "Vous avez un nouveau message" in mail.outbox[0].body
        assert "CAF" not in mail.outbox[0].body + mail.outbox[0].subject

    def test_sms_notice(self, django_capture_on_commit_callbacks):
        access = SpaceAccessFactory(by_sms=True)
        membership = _manager_of(access.person)
        with django_capture_on_commit_callbacks(execute=True):
            services.message_from_professional(
                person=access.person,
                actor=membership.user,
                membership=membership,
                body="Test secret",
            )
        assert "Vous avez un nouveau message" in sms.outbox[0]["body"]
        assert "secret" not in sms.outbox[0]["body"]

    @pytest.mark.parametrize(("body", "message"), [("   ", "Écrivez"), ("x" * 2001, "2000")])
    def test_bad_message(self, body, message):
        with pytest.raises(DomainError, match=message):
            services.message_from_person(access=SpaceAccessFactory(), body=body)
        assert not Message.objects.exists()

    def test_correction_request(self):
        access = SpaceAccessFactory()
        message = services.message_from_person(
            access=access, body="Mon nom s'écrit avec un accent.", topic="correction"
        )
        assert message.get_topic_display() == "Demande de correction du dossier"
        with pytest.raises(DomainError):
            services.message_from_person(access=access, body="x", topic="autre")

    def test_mark_read(self):
        access = SpaceAccessFactory()
        services.message_from_person(access=access, body="Bonjour")
        assert services.messages_mark_read(person_id=access.person_id, by_person=True) == 0
        assert services.messages_mark_read(person_id=access.person_id, by_person=False) == 1
