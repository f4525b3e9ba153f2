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


def test_a_stale_appointment_form_keeps_the_input_and_says_who_changed_it(
    client, staff_member, referent, person
):
    """#11, 3: reception moves the appointment while the référent edits an older form."""
    appointment = AppointmentFactory(person=person, with_user=referent)
    login_verified(client, staff_member)
    url = reverse("pathways:appointment_update", args=[person.pk, appointment.pk])
    assert (
        client.post(url, form_data(referent, purpose="Par l'accueil", version="1")).status_code
        == 302
    )
    stale = client.post(url, form_data(referent, purpose="Formulaire ancien", version="1"))
    assert stale.status_code == 200
    assert "Modifié entre-temps" in page_text(stale)
    assert 'value="Formulaire ancien"' in stale.content.decode()
    assert 'name="version" value="2"' in stale.content.decode()
    appointment.refresh_from_db()
    assert appointment.purpose == "Par l'accueil"


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


class TestDoubleBooking:
    """Defect: the same professional could be booked twice at the same time, unwarned."""

    def at(self, day, hour, minute=0):
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)

    def test_warned_with_the_other_appointment_then_confirmed(
        self, referent_client, referent, person, organisation
    ):
        day = timezone.localdate() + dt.timedelta(days=1)
        other_person = PersonFactory(
            organisation=organisation, birth_name="Marchand", first_names="Léa"
        )
        AppointmentFactory(
            person=other_person,
            with_user=referent,
            starts_at=self.at(day, 14, 0),
            duration_minutes=60,
            purpose="Bilan à mi-parcours",
        )
        url = reverse("pathways:appointment_create", args=[person.pk])
        response = referent_client.post(url, form_data(referent, time="14:30"))
        assert response.status_code == 200
        text = page_text(response)
        assert 'data-testid="double-booking"' in text
        assert "a déjà un rendez-vous à ce moment" in text
        assert "de 14:00 à 15:00 : Bilan à mi-parcours, avec MARCHAND Léa" in text
        assert not Appointment.objects.filter(person=person).exists()
        assert 'value="Point candidatures"' in text  # input kept
        seen = Appointment.objects.get(person=other_person).pk
        response = referent_client.post(
            url,
            form_data(referent, time="14:30", overlap_seen=str(seen), overlap_confirmed="1"),
        )
        assert response.status_code == 302
        assert Appointment.objects.filter(person=person).count() == 1

    def test_a_new_overlap_since_the_warning_is_shown_again(
        self, referent_client, referent, person, organisation
    ):
        day = timezone.localdate() + dt.timedelta(days=1)
        first = AppointmentFactory(with_user=referent, starts_at=self.at(day, 14, 0))
        AppointmentFactory(with_user=referent, starts_at=self.at(day, 15, 0))
        url = reverse("pathways:appointment_create", args=[person.pk])
        response = referent_client.post(
            url,
            form_data(
                referent,
                time="14:30",
                duration_minutes="60",
                overlap_seen=str(first.pk),
                overlap_confirmed="1",
            ),
        )
        assert "a déjà 2 rendez-vous à ce moment" in page_text(response)
        assert not Appointment.objects.filter(person=person).exists()

    @pytest.mark.parametrize(
        ("time", "duration", "participation", "warned"),
        [
            ("13:15", "45", "planned", False),  # ends when the other starts
            ("13:15", "46", "planned", True),
            ("14:44", "30", "planned", True),
            ("14:45", "30", "planned", False),  # starts when the other ends
            ("14:00", "45", "cancelled", False),  # a cancelled appointment frees the slot
            ("14:00", "45", "excused", False),
        ],
    )
    def test_edges(self, referent_client, referent, person, time, duration, participation, warned):
        day = timezone.localdate() + dt.timedelta(days=1)
        AppointmentFactory(
            with_user=referent,
            starts_at=self.at(day, 14, 0),
            duration_minutes=45,
            participation=participation,
        )
        url = reverse("pathways:appointment_create", args=[person.pk])
        response = referent_client.post(
            url, form_data(referent, time=time, duration_minutes=duration)
        )
        assert (response.status_code == 200) is warned

    def test_another_professional_is_not_warned(self, referent_client, referent, person):
        day = timezone.localdate() + dt.timedelta(days=1)
        AppointmentFactory(starts_at=self.at(day, 14, 30))
        url = reverse("pathways:appointment_create", args=[person.pk])
        assert referent_client.post(url, form_data(referent)).status_code == 302

    def test_moving_an_appointment_does_not_overlap_itself(self, referent_client, referent, person):
        day = timezone.localdate() + dt.timedelta(days=1)
        appointment = AppointmentFactory(
            person=person, with_user=referent, starts_at=self.at(day, 14, 30)
        )
        url = reverse("pathways:appointment_update", args=[person.pk, appointment.pk])
        response = referent_client.post(url, form_data(referent, time="14:45"))
        assert response.status_code == 302

    def test_persons_of_other_organisations_are_not_named(
        self, referent_client, referent, person, other_organisation
    ):
        day = timezone.localdate() + dt.timedelta(days=1)
        stranger = PersonFactory(organisation=other_organisation, birth_name="Secret")
        AppointmentFactory(person=stranger, with_user=referent, starts_at=self.at(day, 14, 30))
        url = reverse("pathways:appointment_create", args=[person.pk])
        text = page_text(referent_client.post(url, form_data(referent)))
        assert "une personne suivie par une autre structure" in text
        assert "SECRET" not in text.upper().replace("SECRETARIAT", "")
