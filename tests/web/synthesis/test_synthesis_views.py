"""Synthesis pages: checking the consents (refusals shown with their reason), producing,
the PDF, the sending, query count."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AccessLogEntry
from relais.records import synthesis
from relais.records.synthesis_models import SynthesisReport
from tests.factories import ConsentFactory, OrganisationFactory, PartnershipFactory, PersonFactory
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


@pytest.fixture
def department(organisation, manager):
    org = OrganisationFactory(name="Conseil départemental", kind="departement")
    PartnershipFactory(source=organisation, target=org, declared_by=manager)
    return org


def data(recipient, **changes):
    values = {
        "recipient": recipient.pk,
        "purpose": "rsa_team",
        "sections": ["situation", "proposal"],
        "proposal": "Maintien du RSA.",
        "person_view": "Je veux une formation.",
    }
    values.update(changes)
    return values


def test_refused_without_consent_then_produced(referent_client, person, department):
    url = reverse("synthesis:list", args=[person.pk])
    response = referent_client.post(url, data(department, action="check"))
    text = page_text(response)
    assert "Refusée" in text and "accord au partage" in text
    assert 'data-testid="produce"' not in response.content.decode()
    response = referent_client.post(url, data(department, action="produce"))
    assert "Aucune section" in page_text(response)
    assert not SynthesisReport.objects.exists()
    ConsentFactory(person=person, purpose="share_org", partner_organisation=department)
    response = referent_client.post(url, data(department, action="produce"))
    assert response.status_code == 302
    report = SynthesisReport.objects.get()
    pdf = referent_client.get(reverse("synthesis:pdf", args=[person.pk, report.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert AccessLogEntry.objects.filter(action="export", target_id=str(report.pk)).exists()
    response = referent_client.post(
        reverse("synthesis:sent", args=[person.pk, report.pk]),
        {"sent_on": timezone.localdate().isoformat(), "method": "handed"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.sent_on == timezone.localdate()


def test_missing_fields_reported_at_once(referent_client, person):
    response = referent_client.post(
        reverse("synthesis:list", args=[person.pk]), {"action": "check", "sections": ["proposal"]}
    )
    assert set(response.context["form"].errors) >= {"recipient", "proposal"}


def test_staff_refused(client, person, staff_member):
    login_verified(client, staff_member)
    assert client.get(reverse("synthesis:list", args=[person.pk])).status_code == 403


def test_list_constant_queries(referent_client, person, department, referent):
    ConsentFactory(person=person, purpose="share_org", partner_organisation=department)
    url = reverse("synthesis:list", args=[person.pk])

    def make(n):
        for _ in range(n):
            synthesis.synthesis_report_create(
                person=person,
                actor=referent,
                recipient=department,
                purpose="mdph",
                sections=["proposal"],
                proposal="P",
            )

    make(1)
    referent_client.get(url)
    few = count_queries(lambda: referent_client.get(url))
    make(6)
    assert count_queries(lambda: referent_client.get(url)) == few
