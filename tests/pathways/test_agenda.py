"""The agenda's rules: the week in Paris time, conflicts of one professional found in one
pass, calendar files, subscription links, and the reminders sent once the day before to the
persons who consented."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from icalendar import Calendar

from relais.core import sms
from relais.core.models import AccessLogEntry
from relais.pathways import agenda
from relais.pathways.models import Appointment
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    MembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY = dt.date(2026, 12, 7)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent, email="p@example.org")


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run the reminders and the tasks they queue on commit."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return agenda.appointment_reminders_send(**kwargs)

    return run


def test_week_start_is_monday():
    assert agenda.week_start(dt.date(2026, 12, 10)) == MONDAY
    assert agenda.week_start(MONDAY) == MONDAY
    assert agenda.week_start(dt.date(2026, 12, 13)) == MONDAY


def test_overlaps_of_the_same_professional_only(organisation, referent, person):
    other = MembershipFactory(organisation=organisation).user
    a = AppointmentFactory(person=person, with_user=referent, starts_at=at(MONDAY, 10))
    b = AppointmentFactory(person=person, with_user=referent, starts_at=at(MONDAY, 10, 30))
    # Back to back (ends 11:15, next at 11:15): no conflict.
    c = AppointmentFactory(
        person=person, with_user=referent, starts_at=at(MONDAY, 10, 30) + dt.timedelta(minutes=45)
    )
    d = AppointmentFactory(person=person, with_user=other, starts_at=at(MONDAY, 10))
    found = agenda.overlaps([a, b, c, d])
    assert found == {a.pk: [b], b.pk: [a]}


def test_a_long_appointment_overlaps_several(organisation, referent, person):
    long = AppointmentFactory(
        person=person, with_user=referent, starts_at=at(MONDAY, 9), duration_minutes=240
    )
    first = AppointmentFactory(person=person, with_user=referent, starts_at=at(MONDAY, 10))
    second = AppointmentFactory(person=person, with_user=referent, starts_at=at(MONDAY, 12))
    found = agenda.overlaps([second, first, long])
    assert found[long.pk] == [first, second]
    assert found[first.pk] == [long]
    assert found[second.pk] == [long]


def test_cancelled_or_excused_appointments_make_no_conflict(referent, person):
    a = AppointmentFactory(person=person, with_user=referent, starts_at=at(MONDAY, 10))
    AppointmentFactory(
        person=person, with_user=referent, starts_at=at(MONDAY, 10), participation="cancelled"
    )
    AppointmentFactory(
        person=person, with_user=referent, starts_at=at(MONDAY, 10), participation="excused"
    )
    assert agenda.overlaps(Appointment.objects.all()) == {}
    assert a.pk


def test_week_by_day_in_paris_time_with_today(organisation, referent, person):
    # 23:30 in Paris on Sunday is still in the week, though 22:30 UTC.
    sunday = AppointmentFactory(
        person=person, with_user=referent, starts_at=at(MONDAY + dt.timedelta(days=6), 23, 30)
    )
    monday = AppointmentFactory(person=person, with_user=referent, starts_at=at(MONDAY, 0, 15))
    AppointmentFactory(
        person=person, with_user=referent, starts_at=at(MONDAY + dt.timedelta(days=7), 0, 5)
    )
    AppointmentFactory(person=PersonFactory(), with_user=referent, starts_at=at(MONDAY, 9))
    week = agenda.agenda_week(
        organisation_id=organisation.pk, start=MONDAY, today=MONDAY + dt.timedelta(days=2)
    )
    assert [d.day for d in week.days] == [MONDAY + dt.timedelta(days=i) for i in range(7)]
    assert week.days[0].appointments == [monday]
    assert week.days[6].appointments == [sunday]
    assert [d.is_today for d in week.days] == [False, False, True, False, False, False, False]
    assert week.appointments == [monday, sunday]


def test_conflict_with_an_appointment_begun_the_evening_before(organisation, referent, person):
    sunday = MONDAY - dt.timedelta(days=1)
    late = AppointmentFactory(
        person=person, with_user=referent, starts_at=at(sunday, 23), duration_minutes=120
    )
    early = AppointmentFactory(person=person, with_user=referent, starts_at=at(MONDAY, 0, 30))
    week = agenda.agenda_week(organisation_id=organisation.pk, start=MONDAY)
    assert week.appointments == [early]
    assert week.conflicts == {early.pk: [late]}
    assert week.conflict_count == 1


def test_week_of_one_professional(organisation, referent, person):
    other = MembershipFactory(organisation=organisation).user
    mine = AppointmentFactory(person=person, with_user=referent, starts_at=at(MONDAY, 9))
    AppointmentFactory(person=person, with_user=other, starts_at=at(MONDAY, 9))
    week = agenda.agenda_week(
        organisation_id=organisation.pk, start=MONDAY, with_user_id=referent.pk
    )
    assert week.appointments == [mine]
    assert week.conflicts == {}


# --- Calendar files ----------------------------------------------------------------------------


def test_appointment_ics_names_the_person_and_is_valid(referent, person):
    appointment = AppointmentFactory(
        person=person, with_user=referent, starts_at=at(MONDAY, 14, 30), location="Bureau 3"
    )
    calendar = Calendar.from_ical(agenda.appointment_ics(appointment))
    (event,) = calendar.walk("VEVENT")
    assert event["uid"] == f"relais-appointment-{appointment.pk}"
    assert event.decoded("dtstart") == at(MONDAY, 14, 30)
    assert event.decoded("dtend") == at(MONDAY, 15, 15)
    assert person.display_name in str(event["summary"])
    assert str(event["location"]) == "Bureau 3"
    assert "Entretien de suivi" in str(event["description"])
    assert str(event["url"]).startswith("http://testserver/personnes/")


def test_feed_names_no_one_and_holds_only_the_professionals_appointments(
    organisation, referent, person
):
    mine = AppointmentFactory(person=person, with_user=referent, starts_at=at(MONDAY, 9))
    AppointmentFactory(person=person, with_user=MembershipFactory(organisation=organisation).user)
    AppointmentFactory(with_user=referent)  # another organisation's person
    cancelled = AppointmentFactory(
        person=person, with_user=referent, starts_at=at(MONDAY, 11), participation="cancelled"
    )
    feed, _raw = agenda.calendar_feed_create(user=referent, organisation=organisation)
    body, rows = agenda.feed_ics(feed, now=at(MONDAY, 8))
    assert rows == [mine, cancelled]
    text = body.decode()
    assert person.birth_name.upper() not in text.upper().replace(
        f"{person.birth_name[:1].upper()}.", ""
    )
    assert "Entretien de suivi" not in text
    assert f"dossier n° {person.pk}" in Calendar.from_ical(body).walk("VEVENT")[0]["summary"]
    statuses = [str(e["status"]) for e in Calendar.from_ical(body).walk("VEVENT")]
    assert statuses == ["CONFIRMED", "CANCELLED"]


def test_feed_token_is_stored_hashed_and_a_new_one_revokes_the_old(organisation, referent):
    first, raw1 = agenda.calendar_feed_create(user=referent, organisation=organisation)
    assert raw1.startswith("cal_")
    assert raw1 not in first.token_hash
    assert agenda.feed_for_token(raw1) == first
    second, raw2 = agenda.calendar_feed_create(user=referent, organisation=organisation)
    assert agenda.feed_for_token(raw1) is None
    assert agenda.feed_for_token(raw2) == second
    assert agenda.calendar_feed_revoke(user=referent, organisation=organisation) == 1
    assert agenda.feed_for_token(raw2) is None


@pytest.mark.parametrize("raw", ["", "nope", "cal_", "cal_" + "x" * 200])
def test_unknown_feed_tokens(raw, organisation, referent):
    agenda.calendar_feed_create(user=referent, organisation=organisation)
    assert agenda.feed_for_token(raw) is None


def test_feed_of_a_departed_member_stops(organisation):
    membership = MembershipFactory(organisation=organisation)
    _feed, raw = agenda.calendar_feed_create(user=membership.user, organisation=organisation)
    membership.is_active = False
    membership.save()
    assert agenda.feed_for_token(raw) is None


# --- Reminders ---------------------------------------------------------------------------------

NOW = at(MONDAY, 10)
TUESDAY = MONDAY + dt.timedelta(days=1)


def consent(person, purpose, **kwargs):
    return ConsentFactory(person=person, purpose=purpose, **kwargs)


def test_reminder_by_sms_and_email_once(send, referent, person):
    consent(person, "contact_sms")
    consent(person, "contact_email")
    appointment = AppointmentFactory(
        person=person, with_user=referent, starts_at=at(TUESDAY, 14, 30)
    )
    report = send(now=NOW)
    assert (report.sms, report.emails, report.without_consent) == (1, 1, 0)
    assert sms.outbox == [{"to": "+33612345678", "body": sms.outbox[0]["body"]}]
    body = sms.outbox[0]["body"]
    assert "08/12/2026 à 14h30" in body
    assert "Entretien de suivi" not in body  # the purpose stays inside
    assert [m.to for m in mail.outbox] == [["p@example.org"]]
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at == NOW
    entry = AccessLogEntry.objects.get(action="export", target_type="pathways.appointment")
    assert entry.person_id == person.pk
    assert "SMS, e-mail" in entry.summary
    # Second run: nothing more.
    report = send(now=NOW + dt.timedelta(hours=1))
    assert (report.sms, report.emails) == (0, 0)
    assert len(sms.outbox) == 1
    assert len(mail.outbox) == 1


def test_no_reminder_without_consent_or_after_withdrawal(send, referent, person):
    given = consent(person, "contact_sms")
    consent(person, "contact_sms", status="withdrawn", supersedes=given)
    consent(person, "accompaniment")
    AppointmentFactory(person=person, with_user=referent, starts_at=at(TUESDAY, 9))
    report = send(now=NOW)
    assert (report.sms, report.emails, report.without_consent) == (0, 0, 1)
    assert sms.outbox == []
    assert mail.outbox == []
    assert Appointment.objects.get().reminder_sent_at is None


def test_reminder_only_for_tomorrows_planned_appointments(send, referent, person):
    consent(person, "contact_sms")
    AppointmentFactory(person=person, with_user=referent, starts_at=at(MONDAY, 15))
    AppointmentFactory(
        person=person, with_user=referent, starts_at=at(TUESDAY + dt.timedelta(days=1), 0, 10)
    )
    AppointmentFactory(
        person=person, with_user=referent, starts_at=at(TUESDAY, 9), participation="cancelled"
    )
    reminded = AppointmentFactory(person=person, with_user=referent, starts_at=at(TUESDAY, 23, 50))
    report = send(now=NOW)
    assert report.sms == 1
    assert Appointment.objects.filter(reminder_sent_at__isnull=False).get() == reminded


def test_sms_consent_without_a_mobile_number_sends_nothing(send, referent, organisation):
    person = PersonFactory(organisation=organisation, phone="04 72 00 00 00")
    consent(person, "contact_sms")
    AppointmentFactory(person=person, with_user=referent, starts_at=at(TUESDAY, 9))
    assert send(now=NOW).without_consent == 1


class FailingSms:
    def send(self, *, to, body):
        raise ConnectionError("Opérateur injoignable")


def test_a_failing_operator_stops_no_reminder(send, referent, organisation, settings, caplog):
    settings.RELAIS_SMS_BACKEND = "tests.pathways.test_agenda.FailingSms"
    first = PersonFactory(organisation=organisation, email="a@example.org")
    second = PersonFactory(organisation=organisation, email="b@example.org")
    for p in (first, second):
        consent(p, "contact_sms")
        consent(p, "contact_email")
        AppointmentFactory(person=p, with_user=referent, starts_at=at(TUESDAY, 9))
    report = send(now=NOW)
    assert (report.sms, report.emails) == (2, 2)
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert Appointment.objects.filter(reminder_sent_at__isnull=True).count() == 0
    assert "SMS not sent" in caplog.text


def test_the_command_reports(referent, person, capsys, django_capture_on_commit_callbacks):
    consent(person, "contact_email")
    AppointmentFactory(
        person=person,
        with_user=referent,
        starts_at=dt.datetime.now(PARIS).replace(hour=12, minute=0) + dt.timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_appointment_reminders")
    assert "0 SMS, 1 e-mail(s)" in capsys.readouterr().out
    call_command("send_appointment_reminders")
    assert "0 SMS, 0 e-mail(s)" in capsys.readouterr().out
    assert len(mail.outbox) == 1
