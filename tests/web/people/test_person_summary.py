"""The person page opens on the situation (summary) and loads its sections on demand, each
load journaled once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AccessLogEntry, JournalAction
from tests.factories import (
    AppointmentFactory,
    DiagnosticFactory,
    MembershipFactory,
    NoteFactory,
    PathwayFactory,
    PersonFactory,
    ReferralFactory,
    StepFactory,
)
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


def detail(person):
    return reverse("people:detail", args=[person.pk])


def section(person, key):
    return reverse("people:section", args=[person.pk, key])


def summary_of(response) -> str:
    text = page_text(response)
    start = text.index('data-testid="person-summary"')
    return text[start : text.index("</section>", start)]


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


def test_summary_shows_the_situation(referent_client, referent, person):
    today = timezone.localdate()
    DiagnosticFactory(person=person, urgency=2, urgency_suggested=2)
    pathway = PathwayFactory(
        person=person,
        referent=referent,
        scheme="plie",
        started_on=dt.date(2026, 3, 2),
        next_review_on=today - dt.timedelta(days=3),
    )
    StepFactory(pathway=pathway, title="Atelier CV", planned_on=today - dt.timedelta(days=1))
    StepFactory(pathway=pathway, title="Plus tard", planned_on=today + dt.timedelta(days=9))
    NoteFactory(person=person, author=referent, occurred_on=today - dt.timedelta(days=40))
    ReferralFactory(person=person, sender=referent, service__name="Garage solidaire")
    ReferralFactory(person=person, sender=referent, status="done", service__name="Fini")
    AppointmentFactory(
        person=person,
        with_user=referent,
        starts_at=timezone.make_aware(
            dt.datetime.combine(today + dt.timedelta(days=2), dt.time(9))
        ),
    )
    text = summary_of(referent_client.get(detail(person)))
    assert "Urgent (sous 7 jours)" in text
    assert "PLIE</a> depuis le 02/03/2026" in text
    assert f"Atelier CV, prévue le {today - dt.timedelta(days=1):%d/%m/%Y}" in text
    assert "Plus tard" not in text
    assert f"{today - dt.timedelta(days=3):%d/%m/%Y}" in text
    assert text.count("En retard") == 2
    assert "Bilan en retard" in text and "Étape en retard" in text
    assert "Sans contact depuis 30 jours" in text
    assert f"{today - dt.timedelta(days=40):%d/%m/%Y} (il y a 40 jours)" in text
    assert "Garage solidaire" in text and "Fini" not in text
    assert f"{today + dt.timedelta(days=2):%d/%m/%Y} à 09:00" in text


def test_summary_of_a_new_record(referent_client, person):
    text = summary_of(referent_client.get(detail(person)))
    assert "Pas encore de diagnostic" in text
    assert "Aucun parcours en cours" in text
    assert "Aucun contact noté" in text


def test_reception_sees_only_the_next_appointment(client, staff_member, person, referent):
    DiagnosticFactory(person=person, urgency=3, urgency_suggested=3)
    PathwayFactory(person=person, referent=referent)
    AppointmentFactory(person=person, with_user=referent)
    login_verified(client, staff_member)
    text = summary_of(client.get(detail(person)))
    assert "Prochain rendez-vous" in text
    for hidden in ("Urgence", "Immédiat", "Parcours en cours", "Orientations"):
        assert hidden not in text


def test_sections_load_on_demand_and_each_load_is_journaled(referent_client, referent, person):
    NoteFactory(person=person, author=referent, body="Texte de la note")
    page = referent_client.get(detail(person))
    content = page.content.decode()
    assert "Texte de la note" not in content  # not loaded with the page
    assert f'hx-get="{section(person, "ecrits")}"' in content
    assert 'hx-trigger="toggle once"' in content
    assert (
        AccessLogEntry.objects.filter(action=JournalAction.VIEW, person_id=person.pk).count() == 1
    )
    fragment = referent_client.get(section(person, "ecrits"))
    assert fragment.status_code == 200
    assert "Texte de la note" in page_text(fragment)
    assert "<html" not in fragment.content.decode()
    entries = AccessLogEntry.objects.filter(action=JournalAction.VIEW, person_id=person.pk)
    assert entries.count() == 2
    assert entries.filter(summary="section « Écrits professionnels »").count() == 1


@pytest.mark.parametrize("key", ["inconnue", "situation", "ecrits", "diagnostic"])
def test_sections_out_of_the_roles_reach_are_404(client, staff_member, person, key):
    login_verified(client, staff_member)
    assert client.get(section(person, key)).status_code == 404


def test_section_of_another_organisation_is_404_and_journaled(referent_client, other_organisation):
    stranger = PersonFactory(organisation=other_organisation)
    assert referent_client.get(section(stranger, "identite")).status_code == 404
    assert AccessLogEntry.objects.filter(action="denied", person_id=stranger.pk).exists()


def test_summary_queries_do_not_grow(client, organisation):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    login_verified(client, manager)
    small = PersonFactory(organisation=organisation, referent=manager)
    big = PersonFactory(organisation=organisation, referent=manager)
    for person, count in ((small, 1), (big, 8)):
        for i in range(count):
            DiagnosticFactory(person=person, urgency=i % 4, urgency_suggested=i % 4)
            pathway = PathwayFactory(person=person, referent=manager)
            StepFactory(pathway=pathway)
            NoteFactory(person=person, author=manager)
            ReferralFactory(person=person, sender=manager)
            AppointmentFactory(person=person, with_user=manager)
    client.get(detail(small))  # warm-up
    few = count_queries(lambda: client.get(detail(small)))
    many = count_queries(lambda: client.get(detail(big)))
    assert many == few, (few, many)
