"""Documents (upload, permission-checked download) and consents (record, withdraw) pages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.core.models import AccessLogEntry, JournalAction
from relais.people.models import Consent, Document
from tests.factories import ConsentFactory, DocumentFactory, OrganisationFactory, PersonFactory
from tests.helpers import page_text
from tests.people import files

pytestmark = pytest.mark.django_db


class TestDocumentUpload:
    def post(self, client, person, name="cv.pdf", data=files.PDF_BYTES, **extra):
        payload = {
            "kind": "cv",
            "title": "CV 2026",
            "expires_on": "",
            "file": files.upload(name, data),
        }
        payload.update(extra)
        return client.post(f"/personnes/{person.pk}/documents/nouveau/", payload)

    def test_upload(self, referent_client, person):
        response = self.post(referent_client, person)
        assert response.status_code == 302
        document = Document.objects.get()
        assert document.person == person and document.content_type == "application/pdf"
        assert AccessLogEntry.objects.filter(
            action=JournalAction.CREATE, target_type="people.document"
        ).exists()

    def test_exe_renamed_pdf_refused_with_a_clear_message(self, referent_client, person):
        response = self.post(referent_client, person, data=files.EXE_BYTES)
        assert response.status_code == 200
        assert "programme exécutable" in page_text(response)
        assert 'value="CV 2026"' in response.content.decode()
        assert not Document.objects.exists()

    def test_oversize_refused_with_the_limit(self, referent_client, person, settings):
        settings.RELAIS_DOCUMENT_MAX_BYTES = 1024 * 1024
        response = self.post(referent_client, person, data=files.PDF_BYTES + b"0" * 2 * 1024 * 1024)
        assert "la taille maximale est de 1 Mo" in page_text(response)

    def test_staff_denied(self, staff_client, person):
        assert staff_client.get(f"/personnes/{person.pk}/documents/nouveau/").status_code == 403
        assert self.post(staff_client, person).status_code == 403
        assert not Document.objects.exists()

    def test_other_organisation_404(self, referent_client):
        stranger = PersonFactory(organisation=OrganisationFactory())
        assert self.post(referent_client, stranger).status_code == 404
        assert AccessLogEntry.objects.get(action=JournalAction.DENIED).person_id == stranger.pk


class TestDocumentDownload:
    def test_download_is_an_attachment_and_journaled(self, referent_client, person, referent):
        from relais.people import services

        document = services.document_upload(
            person=person,
            actor=referent,
            uploaded_file=files.upload("photo identité.png", files.PNG_BYTES),
            kind="identity",
            title="Photo",
        )
        response = referent_client.get(
            f"/personnes/{person.pk}/documents/{document.pk}/telecharger/"
        )
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == files.PNG_BYTES
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "photo" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        entry = AccessLogEntry.objects.get(action=JournalAction.VIEW, target_type="people.document")
        assert entry.target_id == str(document.pk) and entry.person_id == person.pk

    def test_staff_denied(self, staff_client, person):
        document = DocumentFactory(person=person)
        response = staff_client.get(f"/personnes/{person.pk}/documents/{document.pk}/telecharger/")
        assert response.status_code == 403

    def test_other_organisation_404_and_journaled(self, referent_client):
        document = DocumentFactory(person__organisation=OrganisationFactory())
        response = referent_client.get(
            f"/personnes/{document.person_id}/documents/{document.pk}/telecharger/"
        )
        assert response.status_code == 404
        assert AccessLogEntry.objects.filter(action=JournalAction.DENIED).exists()

    def test_document_of_another_person_through_my_person_404(
        self, referent_client, person, organisation
    ):
        other = DocumentFactory(person=PersonFactory(organisation=OrganisationFactory()))
        response = referent_client.get(f"/personnes/{person.pk}/documents/{other.pk}/telecharger/")
        assert response.status_code == 404


class TestConsents:
    def test_record_oral_consent(self, referent_client, person, referent):
        response = referent_client.post(
            f"/personnes/{person.pk}/consentements/nouveau/",
            {
                "purpose": "accompaniment",
                "decided_on": timezone.localdate().isoformat(),
                "method": "oral_witness",
                "witness_name": "Claire Martin",
            },
        )
        assert response.status_code == 302
        consent = Consent.objects.get()
        assert consent.recorded_by == referent and consent.witness_name == "Claire Martin"

    def test_oral_without_witness_refused(self, referent_client, person):
        response = referent_client.post(
            f"/personnes/{person.pk}/consentements/nouveau/",
            {
                "purpose": "contact_sms",
                "decided_on": timezone.localdate().isoformat(),
                "method": "oral_witness",
            },
        )
        assert response.status_code == 200
        assert "devant un témoin" in page_text(response)

    def test_signed_form_uploaded(self, referent_client, person):
        response = referent_client.post(
            f"/personnes/{person.pk}/consentements/nouveau/",
            {
                "purpose": "share_category",
                "partner_category": "mission_locale",
                "decided_on": timezone.localdate().isoformat(),
                "method": "signed_form",
                "signed_file": files.upload("signé.pdf", files.PDF_BYTES),
            },
        )
        assert response.status_code == 302
        consent = Consent.objects.get()
        assert consent.document.original_name == "signé.pdf"

    def test_signed_form_exe_refused_next_to_the_field(self, referent_client, person):
        response = referent_client.post(
            f"/personnes/{person.pk}/consentements/nouveau/",
            {
                "purpose": "accompaniment",
                "decided_on": timezone.localdate().isoformat(),
                "method": "signed_form",
                "signed_file": files.upload("signé.pdf", files.EXE_BYTES),
            },
        )
        assert response.status_code == 200
        assert "programme exécutable" in page_text(response)

    def test_withdraw(self, referent_client, person, referent):
        consent = ConsentFactory(person=person, recorded_by=referent)
        page = referent_client.get(f"/personnes/{person.pk}/consentements/{consent.pk}/retirer/")
        assert page.status_code == 200
        response = referent_client.post(
            f"/personnes/{person.pk}/consentements/{consent.pk}/retirer/",
            {
                "decided_on": timezone.localdate().isoformat(),
                "method": "oral_witness",
                "witness_name": "Paul Roux",
            },
        )
        assert response.status_code == 302
        withdrawal = Consent.objects.get(supersedes=consent)
        assert withdrawal.status == "withdrawn"
        # Nothing left to withdraw.
        again = referent_client.get(
            f"/personnes/{person.pk}/consentements/{consent.pk}/retirer/", follow=True
        )
        assert "n'est plus en vigueur" in page_text(again)

    def test_staff_denied(self, staff_client, person):
        consent = ConsentFactory(person=person)
        assert staff_client.get(f"/personnes/{person.pk}/consentements/nouveau/").status_code == 403
        url = f"/personnes/{person.pk}/consentements/{consent.pk}/retirer/"
        assert staff_client.post(url, {}).status_code == 403
        assert staff_client.get(f"/personnes/{person.pk}/evenements/nouveau/").status_code == 403

    def test_consent_of_another_person_404(self, referent_client, person):
        other = ConsentFactory()
        url = f"/personnes/{person.pk}/consentements/{other.pk}/retirer/"
        assert referent_client.get(url).status_code == 404


class TestLifeEvents:
    def test_add(self, referent_client, person):
        response = referent_client.post(
            f"/personnes/{person.pk}/evenements/nouveau/",
            {
                "kind": "separation",
                "occurred_on": "2023-06-01",
                "is_rupture": "on",
                "description": "<b>Séparation</b>",
            },
        )
        assert response.status_code == 302
        event = person.life_events.get()
        assert event.is_rupture and event.description == "<b>Séparation</b>"

    def test_impossible_date(self, referent_client, person):
        response = referent_client.post(
            f"/personnes/{person.pk}/evenements/nouveau/",
            {"kind": "separation", "occurred_on": "2023-02-30"},
        )
        assert "Cette date n'existe pas" in page_text(response)
