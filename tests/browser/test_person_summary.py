"""The person page in a real browser: the situation first, a section loaded when opened
(by a click or by the address), and loaded once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relais.core.models import AccessLogEntry
from tests.factories import (
    AppointmentFactory,
    DiagnosticFactory,
    MembershipFactory,
    NoteFactory,
    PathwayFactory,
    PersonFactory,
    StepFactory,
)


@pytest.fixture
def referent(organisation):
    return MembershipFactory(
        organisation=organisation, role="referent", user__first_name="Awa", user__last_name="Diallo"
    ).user


def test_summary_then_sections_on_demand(page, login_as, organisation, referent):
    today = timezone.localdate()
    person = PersonFactory(
        organisation=organisation, referent=referent, birth_name="Dupré", first_names="Hélène"
    )
    DiagnosticFactory(person=person, urgency=2, urgency_suggested=2)
    pathway = PathwayFactory(person=person, referent=referent, scheme="plie")
    StepFactory(pathway=pathway, title="Atelier CV", planned_on=today + dt.timedelta(days=3))
    NoteFactory(person=person, author=referent, body="Bilan de l’atelier très positif.")
    AppointmentFactory(person=person, with_user=referent, purpose="Point mensuel")
    login_as(referent, organisation)

    page.goto(f"/personnes/{person.pk}/")
    summary = page.get_by_test_id("person-summary")
    expect(summary).to_be_visible()
    expect(page.get_by_test_id("summary-urgency")).to_have_text("Urgent (sous 7 jours)")
    expect(page.get_by_test_id("summary-pathway")).to_contain_text("PLIE")
    expect(page.get_by_test_id("summary-next-step")).to_contain_text(
        f"Atelier CV, prévue le {today + dt.timedelta(days=3):%d/%m/%Y}"
    )
    expect(page.get_by_test_id("summary-alerts")).to_have_text("Aucune")
    notes = page.get_by_test_id("section-ecrits")
    expect(notes.get_by_text("Bilan de l’atelier très positif.")).to_have_count(0)

    notes.get_by_role("heading", name="Écrits professionnels").click()
    expect(notes.get_by_text("Bilan de l’atelier très positif.")).to_be_visible()
    # Closed and opened again: not loaded twice.
    notes.get_by_role("heading", name="Écrits professionnels").click()
    notes.get_by_role("heading", name="Écrits professionnels").click()
    expect(notes.get_by_text("Bilan de l’atelier très positif.")).to_be_visible()
    page.wait_for_timeout(300)
    assert (
        AccessLogEntry.objects.filter(
            person_id=person.pk, summary="section « Écrits professionnels »"
        ).count()
        == 1
    )

    # A link to a section (a form sends back to #rendez-vous) opens and loads it.
    page.goto(f"/personnes/{person.pk}/#rendez-vous")
    appointments = page.get_by_test_id("section-rendez-vous")
    expect(appointments.get_by_text("Point mensuel")).to_be_visible()
