"""Appointment pages and the "Rendez-vous" section: staff may book and record
participation, times are read in Europe/Paris."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AccessLogEntry
from relais.pathways.models import Appointment
from tests.factories import AppointmentFactory, MembershipFactory, PathwayFactory, PersonFactory
from tests.helpers import login_verified, page_text, person_page_text

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


def form_data(user, **changes):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = {
        "day": tomorrow.isoformat(),
        "time": "14:30",
        "duration_minutes": "45",
        "location": "Bureau 3",
        "purpose": "Point candidatures",
        "with_user": str(user.pk),
        "pathway": "",
    }
    data.update(changes)
    return data


def test_create_reads_the_time_in_paris(referent_client, referent, person):
    url = reverse("pathways:appointment_create", args=[person.pk])
    response = referent_client.post(url, form_data(referent, day="2026-07-15", time="14:30"))
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.starts_at == dt.datetime(2026, 7, 15, 14, 30, tzinfo=PARIS)
    assert appointment.starts_at.astimezone(dt.UTC).hour == 12  # summer time
    assert AccessLogEntry.objects.filter(action="create", target_type="pathways.appointment")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time": "25:00"}, "Heure illisible"),
        ({"day": "2026-02-30"}, "Cette date n'existe pas"),
        ({"duration_minutes": "0"}, "Au moins 5 minutes"),
        ({"purpose": ""}, "Indiquez l'objet du rendez-vous."),
    ],
)
def test_bad_input(referent_client, referent, person, changes, message):
    url = reverse("pathways:appointment_create", args=[person.pk])
    response = referent_client.post(url, form_data(referent, **changes))
    assert response.status_code == 200
    assert message in page_text(response)
    assert 'value="Bureau 3"' in response.content.decode()
    assert not Appointment.objects.exists()


def test_staff_books_without_seeing_pathways(client, staff_member, referent, person):
    PathwayFactory(person=person, scheme="plie")
    login_verified(client, staff_member)
    url = reverse("pathways:appointment_create", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Parcours concerné" not in page_text(page)
    assert "PLIE" not in page_text(page)
    response = client.post(url, form_data(referent, pathway="1"))
    assert response.status_code == 302
    assert Appointment.objects.get().with_user == referent


def test_staff_update_keeps_the_pathway(client, staff_member, referent, person):
    pathway = PathwayFactory(person=person)
    appointment = AppointmentFactory(person=person, with_user=referent, pathway=pathway)
    login_verified(client, staff_member)
    url = reverse("pathways:appointment_update", args=[person.pk, appointment.pk])
    assert client.post(url, form_data(referent, purpose="Changé")).status_code == 302
    appointment.refresh_from_db()
    assert appointment.purpose == "Changé"
    assert appointment.pathway == pathway


def test_participation_from_the_section(client, staff_member, referent, person):
    past = AppointmentFactory(
        person=person, with_user=referent, starts_at=timezone.now() - dt.timedelta(days=1)
    )
    future = AppointmentFactory(person=person, with_user=referent, purpose="Demain")
    login_verified(client, staff_member)
    detail = person_page_text(client, person, "rendez-vous")
    assert "À venir" in detail and "Demain" in detail
    assert "À renseigner" in detail  # past and still "planned"
    url = reverse("pathways:appointment_participation", args=[person.pk, past.pk])
    response = client.post(url, {"participation": "seen"}, follow=True)
    assert "notée : honoré" in page_text(response)
    past.refresh_from_db()
    assert past.participation == "seen"
    refused = client.post(
        reverse("pathways:appointment_participation", args=[person.pk, future.pk]),
        {"participation": "no_show"},
        follow=True,
    )
    assert "n'a pas encore eu lieu" in page_text(refused)
    future.refresh_from_db()
    assert future.participation == "planned"


def test_other_organisation_is_404(client, other_organisation, person):
    appointment = AppointmentFactory(person=person)
    login_verified(client, MembershipFactory(organisation=other_organisation).user)
    url = reverse("pathways:appointment_participation", args=[person.pk, appointment.pk])
    assert client.post(url, {"participation": "cancelled"}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.participation == "planned"


def test_appointment_of_another_person_is_404(referent_client, referent, person, organisation):
    other = AppointmentFactory(person=PersonFactory(organisation=organisation))
    url = reverse("pathways:appointment_update", args=[person.pk, other.pk])
    assert referent_client.get(url).status_code == 404
