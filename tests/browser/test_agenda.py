"""The agenda in a real browser: from the menu, week by week, a double booking shown, an
appointment downloaded as a calendar file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from relais.pathways.agenda import week_start
from tests.factories import AppointmentFactory, MembershipFactory, PersonFactory


@pytest.fixture
def referent(organisation):
    return MembershipFactory(
        organisation=organisation, role="referent", user__first_name="Awa", user__last_name="Diallo"
    ).user


def test_agenda_weeks_conflict_and_ics(page, login_as, organisation, referent):
    today = timezone.localdate()
    next_monday = week_start(today) + dt.timedelta(days=7)
    at_ten = timezone.make_aware(dt.datetime.combine(next_monday, dt.time(10, 0)))
    first = PersonFactory(organisation=organisation, birth_name="Dupré", first_names="Hélène")
    second = PersonFactory(organisation=organisation, birth_name="Martin", first_names="Paul")
    AppointmentFactory(person=first, with_user=referent, starts_at=at_ten, purpose="Point CV")
    AppointmentFactory(
        person=second,
        with_user=referent,
        starts_at=at_ten + dt.timedelta(minutes=15),
        purpose="Dossier logement",
    )
    login_as(referent, organisation)
    page.goto("/")
    page.get_by_role("link", name="Agenda", exact=True).first.click()
    expect(page.get_by_test_id("agenda-today")).to_be_visible()
    expect(page.get_by_test_id("agenda-today")).to_contain_text("Aujourd’hui")
    expect(page.get_by_test_id("agenda-conflicts")).to_have_count(0)

    page.get_by_test_id("agenda-next").click()
    expect(page.get_by_test_id("agenda-week")).to_contain_text(
        f"Semaine du lundi {next_monday.day}"
    )
    expect(page.get_by_test_id("agenda-today")).to_have_count(0)
    expect(page.get_by_test_id("agenda-conflicts")).to_contain_text("2 rendez-vous se chevauchent")
    conflicts = page.get_by_test_id("agenda-conflict")
    expect(conflicts).to_have_count(2)
    expect(conflicts.first).to_contain_text("DUPRÉ Hélène")
    expect(conflicts.first).to_contain_text("Chevauche")
    expect(conflicts.first).to_contain_text("MARTIN Paul")

    with page.expect_download() as download_info:
        conflicts.first.get_by_test_id("agenda-ics").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-10h00.ics")
    (event,) = Calendar.from_ical(Path(download.path()).read_bytes()).walk("VEVENT")
    assert "DUPRÉ Hélène" in str(event["summary"])
    assert event.decoded("dtstart") == at_ten

    page.get_by_test_id("agenda-previous").click()
    expect(page.get_by_test_id("agenda-today")).to_be_visible()


def test_agenda_on_a_phone(page, login_as, organisation, referent):
    page.set_viewport_size({"width": 390, "height": 844})
    person = PersonFactory(organisation=organisation)
    AppointmentFactory(person=person, with_user=referent, starts_at=timezone.now())
    login_as(referent, organisation)
    page.goto("/agenda/")
    expect(page.get_by_test_id("agenda-week")).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
