"""Synthesis reports: sections checked against the person's consents and what was agreed
for a team member, the health domain, production, sending, the art. 15 export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.people.models import Consent
from relais.people.services import consent_withdraw
from relais.records import synthesis
from relais.records.export import person_export
from relais.records.synthesis_models import SynthesisStatus
from tests.factories import (
    ConsentFactory,
    DiagnosticFactory,
    DomainAssessmentFactory,
    OrganisationFactory,
    PathwayFactory,
    PersonFactory,
    co_follower,
)

pytestmark = pytest.mark.django_db

ALL = ["situation", "diagnostic", "pathway", "reviews", "proposal"]


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


@pytest.fixture
def department():
    return OrganisationFactory(name="Conseil départemental", kind="departement")


def consent(person, recipient):
    return ConsentFactory(person=person, purpose="share_org", partner_organisation=recipient)


def create(person, actor, recipient, sections=ALL, **changes):
    values = {"purpose": "rsa_team", "proposal": "Maintien du RSA, entrée en formation."}
    values.update(changes)
    return synthesis.synthesis_report_create(
        person=person, actor=actor, recipient=recipient, sections=sections, **values
    )


def test_no_consent_refuses_every_section(person, referent, department):
    decisions = synthesis.check_sections(person, department, ALL)
    assert not any(d.allowed for d in decisions)
    assert "accord au partage" in decisions[0].reason
    with pytest.raises(DomainError, match="Aucune section"):
        create(person, referent, department)


def test_with_consent_everything_but_health(person, referent, department):
    consent(person, department)
    diagnostic = DiagnosticFactory(person=person)
    DomainAssessmentFactory(diagnostic=diagnostic, domain="health", situation="Suivi psychiatrique")
    DomainAssessmentFactory(
        diagnostic=diagnostic, domain="housing", situation="Hébergé chez sa sœur"
    )
    PathwayFactory(person=person)
    report = create(person, referent, department)
    assert report.sections == ALL
    text = str(report.content)
    assert "Hébergé chez sa sœur" in text and "psychiatrique" not in text
    assert "Sans le domaine santé" in text
    pdf = synthesis.render_report_pdf(report)
    assert pdf.startswith(b"%PDF")


def test_team_member_categories_bound_the_report(person, referent):
    member = co_follower(person, categories=("identity", "steps"))
    decisions = {d.section: d for d in synthesis.check_sections(person, member.organisation, ALL)}
    assert decisions["pathway"].allowed and decisions["reviews"].allowed
    assert not decisions["situation"].allowed and "non partagée" in decisions["situation"].reason
    assert not decisions["diagnostic"].allowed
    assert decisions["proposal"].allowed
    report = create(person, referent, member.organisation)
    assert report.sections == ["pathway", "reviews", "proposal"]
    assert [r["section"] for r in report.refused] == ["situation", "diagnostic"]


def test_proposal_required_when_asked(person, referent, department):
    consent(person, department)
    with pytest.raises(DomainError) as error:
        create(person, referent, department, proposal="")
    assert error.value.field == "proposal"


def test_staff_cannot_produce(person, staff_member, department):
    consent(person, department)
    with pytest.raises(PermissionDenied):
        create(person, staff_member, department)


def test_sending_recorded_and_in_the_export(person, referent, department):
    consent(person, department)
    report = create(person, referent, department, sections=["proposal"])
    with pytest.raises(DomainError):
        synthesis.synthesis_report_mark_sent(
            report=report,
            actor=referent,
            sent_on=timezone.localdate() + dt.timedelta(days=1),
            method="mail",
        )
    synthesis.synthesis_report_mark_sent(
        report=report, actor=referent, sent_on=timezone.localdate(), method="secure_email"
    )
    report.refresh_from_db()
    assert report.status == SynthesisStatus.SENT
    export = person_export(person, actor=referent, for_the_person=True)
    group = next(g for g in export.groups if g.key == "syntheses_transmises")
    rows = dict(group.items[0].fields)
    assert rows["Destinataire"] == "Conseil départemental"
    assert rows["Moyen de transmission"] == "Messagerie sécurisée"
    with pytest.raises(DomainError, match="déjà enregistrée"):
        synthesis.synthesis_report_mark_sent(
            report=report, actor=referent, sent_on=timezone.localdate(), method="mail"
        )


def test_withdrawn_consent_blocks_sending(person, referent, department):
    given = consent(person, department)
    report = create(person, referent, department, sections=["proposal"])
    consent_withdraw(
        consent=Consent.objects.get(pk=given.pk),
        actor=referent,
        decided_on=timezone.localdate(),
        method="oral_witness",
        witness_name="Mme Témoin",
    )
    with pytest.raises(DomainError, match="retiré"):
        synthesis.synthesis_report_mark_sent(
            report=report, actor=referent, sent_on=timezone.localdate(), method="mail"
        )


def test_recipient_choices(person, department, organisation):
    consent(person, department)
    member = co_follower(person)
    choices = synthesis.recipient_choices(person)
    assert department in choices and member.organisation in choices
    assert organisation not in choices
