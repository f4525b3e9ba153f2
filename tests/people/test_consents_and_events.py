"""Consents are never edited, only superseded; key life events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.accounts.models import OrganisationKind
from relais.core.errors import DomainError
from relais.people import selectors, services
from relais.people.models import Consent, ConsentStatus
from tests.factories import DocumentFactory, OrganisationFactory, PersonFactory
from tests.people import files

pytestmark = pytest.mark.django_db


def give(person, actor, **kwargs):
    params = {
        "purpose": "accompaniment",
        "decided_on": timezone.localdate(),
        "method": "oral_witness",
        "witness_name": "Claire Martin",
    }
    params.update(kwargs)
    return services.consent_give(person=person, actor=actor, **params)


class TestConsentGive:
    def test_oral_needs_a_witness(self, referent):
        with pytest.raises(DomainError, match="témoin") as error:
            give(PersonFactory(), referent, witness_name=" ")
        assert error.value.field == "witness_name"

    def test_signed_form_needs_the_document(self, referent):
        person = PersonFactory()
        with pytest.raises(DomainError, match="formulaire signé") as error:
            give(person, referent, method="signed_form", witness_name="")
        assert error.value.field == "document"
        document = DocumentFactory(person=person, kind="consent")
        consent = give(person, referent, method="signed_form", document=document)
        assert consent.document == document
        assert consent.witness_name == ""

    def test_document_of_another_person_refused(self, referent):
        with pytest.raises(DomainError, match="n'appartient pas"):
            give(PersonFactory(), referent, method="signed_form", document=DocumentFactory())

    def test_signed_form_uploaded_with_the_consent(self, referent):
        person = PersonFactory()
        consent = give(
            person,
            referent,
            method="signed_form",
            signed_file=files.upload("consentement.pdf", files.PDF_BYTES),
        )
        assert consent.document.person == person
        assert consent.document.kind == "consent"
        assert consent.document.title.startswith("Consentement signé — Accompagnement")

    def test_signed_form_upload_refused_creates_nothing(self, referent):
        person = PersonFactory()
        with pytest.raises(DomainError, match="exécutable"):
            give(
                person,
                referent,
                method="signed_form",
                signed_file=files.upload("consentement.pdf", files.EXE_BYTES),
            )
        assert not person.documents.exists()
        assert not person.consents.exists()

    def test_sharing_with_a_named_partner(self, referent):
        person = PersonFactory()
        with pytest.raises(DomainError) as error:
            give(person, referent, purpose="share_org")
        assert error.value.field == "partner_organisation"
        with pytest.raises(DomainError, match="pas la vôtre"):
            give(person, referent, purpose="share_org", partner_organisation=person.organisation)
        partner = OrganisationFactory(name="Mission locale")
        consent = give(person, referent, purpose="share_org", partner_organisation=partner)
        assert consent.partner_organisation == partner

    def test_sharing_with_a_category(self, referent):
        person = PersonFactory()
        with pytest.raises(DomainError) as error:
            give(person, referent, purpose="share_category", partner_category="banques")
        assert error.value.field == "partner_category"
        consent = give(
            person, referent, purpose="share_category", partner_category=OrganisationKind.PLIE
        )
        assert consent.partner_category == "plie"
        # A category is ignored for other purposes.
        other = give(person, referent, purpose="contact_sms", partner_category="plie")
        assert other.partner_category == ""

    def test_future_date_refused(self, referent):
        with pytest.raises(DomainError, match="futur"):
            give(PersonFactory(), referent, decided_on=timezone.localdate() + dt.timedelta(days=1))

    def test_new_decision_on_the_same_purpose_supersedes(self, referent):
        person = PersonFactory()
        first = give(person, referent)
        second = give(person, referent)
        assert second.supersedes == first
        # Other purposes and partners are separate chains.
        sms = give(person, referent, purpose="contact_sms")
        assert sms.supersedes is None
        a, b = OrganisationFactory(), OrganisationFactory()
        share_a = give(person, referent, purpose="share_org", partner_organisation=a)
        share_b = give(person, referent, purpose="share_org", partner_organisation=b)
        assert share_a.supersedes is None and share_b.supersedes is None


class TestConsentWithdraw:
    def test_withdrawal_supersedes_and_keeps_the_history(self, referent):
        person = PersonFactory()
        given = give(person, referent, decided_on=timezone.localdate() - dt.timedelta(days=10))
        withdrawn = services.consent_withdraw(
            consent=given,
            actor=referent,
            decided_on=timezone.localdate(),
            method="oral_witness",
            witness_name="Paul Roux",
        )
        assert withdrawn.status == ConsentStatus.WITHDRAWN
        assert withdrawn.supersedes == given
        assert withdrawn.purpose == given.purpose
        given.refresh_from_db()
        assert given.status == ConsentStatus.GIVEN  # the original is never edited
        rows = selectors.consent_history(person)
        current = [r for r in rows if r.is_current]
        assert [r.consent for r in current] == [withdrawn]
        assert not current[0].is_in_force
        old = next(r for r in rows if r.consent == given)
        assert old.superseded_by == withdrawn

    def test_chain_give_withdraw_give(self, referent):
        person = PersonFactory()
        first = give(person, referent)
        withdrawal = services.consent_withdraw(
            consent=first,
            actor=referent,
            decided_on=timezone.localdate(),
            method="oral_witness",
            witness_name="X",
        )
        again = give(person, referent)
        assert again.supersedes == withdrawal
        assert [r.consent for r in selectors.consent_history(person) if r.is_in_force] == [again]
        assert Consent.objects.filter(person=person).count() == 3

    def test_cannot_withdraw_twice_or_a_superseded_one(self, referent):
        person = PersonFactory()
        given = give(person, referent)
        params = {
            "actor": referent,
            "decided_on": timezone.localdate(),
            "method": "oral_witness",
            "witness_name": "X",
        }
        withdrawal = services.consent_withdraw(consent=given, **params)
        with pytest.raises(DomainError, match="déjà été remplacé"):
            services.consent_withdraw(consent=given, **params)
        with pytest.raises(DomainError, match="déjà retiré"):
            services.consent_withdraw(consent=withdrawal, **params)

    def test_withdrawal_cannot_precede_the_consent(self, referent):
        given = give(PersonFactory(), referent)
        with pytest.raises(DomainError, match="précéder"):
            services.consent_withdraw(
                consent=given,
                actor=referent,
                decided_on=given.decided_on - dt.timedelta(days=1),
                method="oral_witness",
                witness_name="X",
            )


class TestLifeEvents:
    def test_add(self, referent):
        person = PersonFactory(birth_date=dt.date(1980, 1, 1))
        event = services.life_event_add(
            person=person,
            actor=referent,
            kind="eviction",
            occurred_on=dt.date(2024, 11, 1),
            is_rupture=True,
            description="  Expulsion après impayés.  ",
        )
        assert event.description == "Expulsion après impayés."
        assert selectors.life_events(person) == [event]

    @pytest.mark.parametrize(
        ("kind", "occurred_on", "field"),
        [
            ("tsunami", dt.date(2024, 1, 1), "kind"),
            ("job_loss", dt.date(1970, 1, 1), "occurred_on"),  # before birth
            ("job_loss", dt.date(2999, 1, 1), "occurred_on"),  # future
        ],
    )
    def test_refused(self, referent, kind, occurred_on, field):
        person = PersonFactory(birth_date=dt.date(1980, 1, 1))
        with pytest.raises(DomainError) as error:
            services.life_event_add(
                person=person, actor=referent, kind=kind, occurred_on=occurred_on
            )
        assert error.value.field == field
