"""The agenda page (week, professional filter, conflicts, journal, query count), the
appointment's calendar file and the subscription link."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from relais.core.models import AccessLogEntry
from relais.pathways import agenda
from relais.pathways.models import CalendarFeed
from tests.factories import AppointmentFactory, MembershipFactory, PersonFactory
from tests.helpers import count_queries, login_verified, page_text, person_page_text

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY = dt.date(2026, 12, 7)
URL = reverse("agenda:week")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


def test_menu_leads_to_the_agenda(referent_client):
    home = referent_client.get(reverse("web:home"))
    assert f'href="{URL}"' in home.content.decode()
    page = referent_client.get(URL)
    assert page.status_code == 200
    assert 'aria-current="page">Agenda' in page.content.decode()


def test_referent_sees_own_week_with_conflicts(referent_client, referent, organisation, person):
    colleague = MembershipFactory(organisation=organisation).user
    a = AppointmentFactory(
        person=person, with_user=referent, starts_at=at(MONDAY, 10), purpose="Point CV"
    )
    b = AppointmentFactory(person=person, with_user=referent, starts_at=at(MONDAY, 10, 30))
    AppointmentFactory(
        person=person, with_user=colleague, starts_at=at(MONDAY, 10), purpose="Chez la collègue"
    )
    response = referent_client.get(URL, {"semaine": "2026-12-09"})
    text = page_text(response)
    assert "Semaine du lundi 7 décembre 2026 au dimanche 13 décembre 2026" in text
    assert "Point CV" in text
    assert "Chez la collègue" not in text
    assert "2 rendez-vous se chevauchent cette semaine" in text
    assert text.count('data-testid="agenda-conflict"') == 2
    assert "Professionnel" not in text  # no filter for a référent
    entry = AccessLogEntry.objects.get(action="list", target_type="pathways.appointment")
    assert entry.summary == "agenda : semaine du 07/12/2026, 2 rendez-vous"
    assert {a.pk, b.pk}


def test_navigation_links_keep_the_professional(manager_client, referent, person):
    response = manager_client.get(URL, {"semaine": "2026-12-07", "professionnel": referent.pk})
    content = response.content.decode()
    assert f"semaine=2026-11-30&amp;professionnel={referent.pk}" in content
    assert f"semaine=2026-12-14&amp;professionnel={referent.pk}" in content


def test_manager_and_reception_choose_the_professional(
    client, manager, staff_member, referent, organisation, person
):
    AppointmentFactory(
        person=person, with_user=referent, starts_at=at(MONDAY, 9), purpose="Du référent"
    )
    AppointmentFactory(
        person=person, with_user=manager, starts_at=at(MONDAY, 9), purpose="Du responsable"
    )
    login_verified(client, manager)
    # A manager sees their own agenda first, then anyone's, or everyone's.
    assert "Du référent" not in page_text(client.get(URL, {"semaine": "2026-12-07"}))
    one = page_text(client.get(URL, {"semaine": "2026-12-07", "professionnel": referent.pk}))
    assert "Du référent" in one
    assert "Du responsable" not in one
    everyone = page_text(client.get(URL, {"semaine": "2026-12-07", "professionnel": "tous"}))
    assert "Du référent" in everyone
    assert "Du responsable" in everyone
    # Reception sees everyone by default; an unknown professional is ignored.
    login_verified(client, staff_member)
    for params in ({"semaine": "2026-12-07"}, {"semaine": "2026-12-07", "professionnel": "999999"}):
        text = page_text(client.get(URL, params))
        assert "Du référent" in text
        assert "Du responsable" in text


@pytest.mark.parametrize("week", ["", "n'importe quoi", "2026-02-30", "9999999-01-01"])
def test_bad_week_shows_this_week(referent_client, week):
    response = referent_client.get(URL, {"semaine": week})
    assert response.status_code == 200
    monday = agenda.week_start(timezone.localdate())
    assert f"Semaine du {monday:%d}".replace("du 0", "du ") in page_text(response).replace(
        "lundi ", ""
    )
    assert 'data-testid="agenda-today"' in response.content.decode()


def test_other_organisations_appointments_are_not_shown(referent_client, referent):
    AppointmentFactory(with_user=referent, starts_at=at(MONDAY, 9), purpose="Ailleurs")
    text = page_text(referent_client.get(URL, {"semaine": "2026-12-07"}))
    assert "Ailleurs" not in text
    assert not AccessLogEntry.objects.filter(action="list").exists()


def test_query_count_does_not_grow_with_appointments(client, staff_member, organisation):
    login_verified(client, staff_member)
    professionals = [MembershipFactory(organisation=organisation).user for _ in range(3)]

    def book(n):
        for i in range(n):
            AppointmentFactory(
                person=PersonFactory(organisation=organisation),
                with_user=professionals[i % 3],
                starts_at=at(MONDAY + dt.timedelta(days=i % 5), 9 + i % 8),
            )

    book(3)
    few = count_queries(lambda: client.get(URL, {"semaine": "2026-12-07"}))
    book(30)
    many = count_queries(lambda: client.get(URL, {"semaine": "2026-12-07"}))
    assert many == few
    assert many <= 12


# --- The appointment's calendar file ------------------------------------------------------------


def test_download_appointment_ics(referent_client, referent, person):
    appointment = AppointmentFactory(person=person, with_user=referent, starts_at=at(MONDAY, 14))
    response = referent_client.get(reverse("agenda:appointment_ics", args=[appointment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    assert 'filename="rendez-vous-2026-12-07-14h00.ics"' in response["Content-Disposition"]
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == at(MONDAY, 14)
    entry = AccessLogEntry.objects.get(action="export")
    assert (entry.target_type, entry.person_id) == ("pathways.appointment", person.pk)


def test_appointment_ics_of_another_organisation_is_404(referent_client):
    appointment = AppointmentFactory()
    response = referent_client.get(reverse("agenda:appointment_ics", args=[appointment.pk]))
    assert response.status_code == 404
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_person_page_links_to_the_ics(referent_client, referent, person):
    appointment = AppointmentFactory(person=person, with_user=referent)
    page = person_page_text(referent_client, person, "rendez-vous")
    assert reverse("agenda:appointment_ics", args=[appointment.pk]) in page


# --- Subscription ----------------------------------------------------------------------------------


def test_subscription_created_once_shown_then_revoked(
    referent_client, referent, organisation, person, client
):
    url = reverse("agenda:subscription")
    assert "Aucun lien actif" in page_text(referent_client.get(url))
    response = referent_client.post(url, {"action": "create"})
    assert response.status_code == 200
    feed_url = response.context["url"]
    assert feed_url.startswith("http://testserver/agenda/flux/cal_")
    page = page_text(referent_client.get(url))
    assert "Lien actif" in page
    assert feed_url not in page  # shown once only
    AppointmentFactory(person=person, with_user=referent)
    path = feed_url.removeprefix("http://testserver")
    anonymous = client.__class__()
    feed = anonymous.get(path)
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(Calendar.from_ical(feed.content).walk("VEVENT")) == 1
    entry = AccessLogEntry.objects.get(action="export")
    assert entry.actor == referent
    assert entry.summary == "abonnement d’agenda lu : 1 rendez-vous"
    assert "cal_" not in entry.path  # the secret is not written in the journal
    assert CalendarFeed.objects.get().last_used_at is not None
    referent_client.post(url, {"action": "revoke"})
    assert anonymous.get(path).status_code == 404


def test_feed_with_a_wrong_token_is_404(client):
    assert client.get(reverse("agenda:feed", args=["cal_nope"])).status_code == 404


def test_rows_show_local_times_and_escape_every_text(referent_client, referent, person):
    person.birth_name = "<script>x</script>"
    person.save()
    AppointmentFactory(
        person=person,
        with_user=referent,
        starts_at=at(MONDAY, 9, 5),
        duration_minutes=50,
        purpose='Point "CV" & <b>lettre</b>',
        location="Salle <2>",
    )
    html = referent_client.get(URL, {"semaine": "2026-12-07"}).content.decode()
    assert "09:05 – 09:55" in html  # Paris time, not UTC
    assert "rendez-vous du 07/12/2026 à 09:05" in html
    assert "Point &quot;CV&quot; &amp; &lt;b&gt;lettre&lt;/b&gt;" in html
    assert "Salle &lt;2&gt;" in html and "&lt;SCRIPT&gt;X&lt;/SCRIPT&gt;" in html
    assert "<script>x" not in html.lower()


def test_an_appointment_of_the_evening_before_read_for_conflicts_is_journaled(
    referent_client, referent, person
):
    """Sunday 23:30 before the week: read to find the conflicts of Monday morning, not shown
    in the days; the journal entry covers it (the test settings' strict journal guard
    refuses a page that served a record without one)."""
    sunday = AppointmentFactory(
        person=person, with_user=referent, starts_at=at(MONDAY - dt.timedelta(days=1), 23, 30)
    )
    response = referent_client.get(URL, {"semaine": "2026-12-07"})
    assert response.status_code == 200
    assert "0 rendez-vous" in AccessLogEntry.objects.get(action="list").summary
    assert reverse("agenda:appointment_ics", args=[sunday.pk]) not in response.content.decode()
