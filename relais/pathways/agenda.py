"""The agenda: appointments of a week across persons, their conflicts (one professional
booked twice at the same time), calendar files (ICS) and the reminders sent to the person
the day before.

Reads here make a fixed number of queries whatever the number of appointments (the agenda
page has a query-count test); conflicts are found in one pass over the week's rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import hash_token
from relais.core import journal
from relais.core.links import absolute, link
from relais.core.mail import queue_email
from relais.core.models import JournalAction
from relais.core.sms import normalise_number, queue_sms
from relais.pathways.models import Appointment, CalendarFeed, Participation
from relais.pathways.notes import APPOINTMENT_MAX_MINUTES
from relais.people.models import Consent, ConsentPurpose, ConsentStatus

logger = logging.getLogger(__name__)

# Appointments that will not take place do not make a conflict.
NOT_TAKING_PLACE = (Participation.CANCELLED, Participation.EXCUSED)
FEED_PAST_DAYS = 90
FEED_MAX_EVENTS = 2000
FEED_TOKEN_PREFIX = "cal_"


# --- The week ----------------------------------------------------------------------------------


def week_start(day: dt.date) -> dt.date:
    """The Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def ends_at(appointment: Appointment) -> dt.datetime:
    return appointment.starts_at + dt.timedelta(minutes=appointment.duration_minutes)


def overlaps(appointments: Iterable[Appointment]) -> dict[int, list[Appointment]]:
    """For each appointment that overlaps another of the same professional, the others it
    overlaps (soonest first). One pass per professional over the rows sorted by start,
    keeping the appointments still running; cancelled and excused ones are left out."""
    by_user: dict[int, list[Appointment]] = defaultdict(list)
    for appointment in appointments:
        if appointment.participation not in NOT_TAKING_PLACE:
            by_user[appointment.with_user_id].append(appointment)
    found: dict[int, list[Appointment]] = defaultdict(list)
    for rows in by_user.values():
        rows.sort(key=lambda a: (a.starts_at, a.pk))
        running: list[Appointment] = []
        for appointment in rows:
            running = [r for r in running if ends_at(r) > appointment.starts_at]
            for other in running:
                found[other.pk].append(appointment)
                found[appointment.pk].append(other)
            running.append(appointment)
    return dict(found)


@dataclass
class AgendaDay:
    day: dt.date
    is_today: bool
    appointments: list[Appointment] = field(default_factory=list)


@dataclass
class AgendaWeek:
    start: dt.date
    days: list[AgendaDay]
    conflicts: dict[int, list[Appointment]]
    # Every appointment read: those of the week, and those begun the evening before, read
    # to find the conflicts (the journal entry covers them all).
    read: list[Appointment] = field(default_factory=list)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def appointments(self) -> list[Appointment]:
        return [a for d in self.days for a in d.appointments]

    @property
    def conflict_count(self) -> int:
        return len(self.conflicts)


AGENDA_COLUMNS = (
    "person_id",
    "with_user_id",
    "starts_at",
    "duration_minutes",
    "purpose",
    "location",
    "participation",
    "person__organisation_id",
    "person__birth_name",
    "person__usage_name",
    "person__first_names",
    "with_user__first_name",
    "with_user__last_name",
    "with_user__email",
)


def agenda_week(
    *,
    organisation_id: int,
    start: dt.date,
    with_user_id: int | None = None,
    today: dt.date | None = None,
) -> AgendaWeek:
    """The appointments of the organisation's persons in the week starting on Monday
    `start` (local time), of one professional or of all, by day, with their conflicts.
    One query. An appointment begun the evening before the week and still running counts
    for the conflicts, not in the days."""
    today = today or timezone.localdate()
    first = _local_midnight(start)
    after = _local_midnight(start + dt.timedelta(days=7))
    rows = Appointment.objects.filter(
        person__organisation_id=organisation_id,
        starts_at__gte=first - dt.timedelta(minutes=APPOINTMENT_MAX_MINUTES),
        starts_at__lt=after,
    ).select_related("person", "with_user")
    # Only what the week's page shows (the persons' and users' other columns would be read
    # and converted for nothing, 100 rows a week).
    rows = rows.only(*AGENDA_COLUMNS)
    if with_user_id is not None:
        rows = rows.filter(with_user_id=with_user_id)
    rows = list(rows.order_by("starts_at", "pk"))
    days = [
        AgendaDay(day=start + dt.timedelta(days=i), is_today=start + dt.timedelta(days=i) == today)
        for i in range(7)
    ]
    for appointment in rows:
        if appointment.starts_at >= first:
            index = (timezone.localtime(appointment.starts_at).date() - start).days
            days[index].appointments.append(appointment)
    shown = {a.pk for d in days for a in d.appointments}
    conflicts = {pk: others for pk, others in overlaps(rows).items() if pk in shown}
    return AgendaWeek(start=start, days=days, conflicts=conflicts, read=rows)


# --- Calendar files (ICS) ----------------------------------------------------------------------


def _event(appointment: Appointment, *, with_name: bool, stamp: dt.datetime) -> Any:
    from icalendar import Event

    person = appointment.person
    if with_name:
        who = person.display_name
    else:
        # A subscribed calendar is read by a calendar service outside Relais: the person is
        # named by initials and file number only.
        last = (person.usage_name or person.birth_name)[:1].upper()
        who = f"{person.first_names[:1].upper()}. {last}. (dossier n° {person.pk})"
    event = Event()
    event.add("uid", f"relais-appointment-{appointment.pk}")
    event.add("dtstamp", stamp)
    event.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
    event.add("dtend", ends_at(appointment).astimezone(dt.UTC))
    event.add("summary", f"Rendez-vous — {who}")
    if appointment.location:
        event.add("location", appointment.location)
    description = [appointment.purpose if with_name else "Rendez-vous"]
    if appointment.with_user_id:
        description.append(f"Avec : {appointment.with_user.get_full_name()}")
    path = link("person", person.pk, anchor="#rendez-vous")
    if path:
        description.append(absolute(path))
        event.add("url", absolute(path))
    event.add("description", "\n".join(description))
    if appointment.participation in NOT_TAKING_PLACE:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    event.add("sequence", int(appointment.updated_at.timestamp()) % 2_000_000_000)
    return event


def _calendar(name: str) -> Any:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//Relais//Agenda//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    return calendar


def appointment_ics(appointment: Appointment) -> bytes:
    """One appointment as a calendar file, to import by hand (downloaded by a professional
    who may read it: it names the person and the purpose)."""
    calendar = _calendar("Relais — rendez-vous")
    calendar.add("method", "PUBLISH")
    calendar.add_component(_event(appointment, with_name=True, stamp=timezone.now()))
    return calendar.to_ical()


def feed_ics(feed: CalendarFeed, *, now: dt.datetime | None = None) -> tuple[bytes, list]:
    """The calendar of a subscription: the professional's appointments in the feed's
    organisation, from three months back, without the person's name nor the purpose.
    Returns the file and the appointments it holds (to journal). One query."""
    now = now or timezone.now()
    rows = list(
        Appointment.objects.filter(
            with_user_id=feed.user_id,
            person__organisation_id=feed.organisation_id,
            starts_at__gte=now - dt.timedelta(days=FEED_PAST_DAYS),
        )
        .select_related("person", "with_user")
        .order_by("starts_at")[:FEED_MAX_EVENTS]
    )
    calendar = _calendar("Relais — mes rendez-vous")
    for appointment in rows:
        calendar.add_component(_event(appointment, with_name=False, stamp=now))
    return calendar.to_ical(), rows


# --- Subscriptions -----------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, user: Any, organisation: Any) -> tuple[CalendarFeed, str]:
    """A new subscription link for `user` in `organisation`; the previous one stops
    working. Returns the feed and its secret, which is shown once and never stored."""
    calendar_feed_revoke(user=user, organisation=organisation)
    raw = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        user=user,
        organisation=organisation,
        token_hash=hash_token(raw),
        prefix=raw[len(FEED_TOKEN_PREFIX) :][:8],
    )
    return feed, raw


@transaction.atomic
def calendar_feed_revoke(*, user: Any, organisation: Any) -> int:
    """Stop the subscription link of `user` in `organisation`. Returns how many were."""
    return CalendarFeed.objects.filter(
        user=user, organisation=organisation, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def active_feed(*, user: Any, organisation: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(
        user=user, organisation=organisation, revoked_at__isnull=True
    ).first()


def feed_for_token(raw: str) -> CalendarFeed | None:
    """The active subscription whose secret is `raw`, if its user is still an active member
    of the organisation (a departed professional's link stops working)."""
    if not raw.startswith(FEED_TOKEN_PREFIX) or len(raw) > 100:
        return None
    feed = (
        CalendarFeed.objects.filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .select_related("user", "organisation")
        .first()
    )
    if feed is None:
        return None
    from relais.accounts.models import Membership

    is_member = (
        Membership.objects.active()
        .filter(user_id=feed.user_id, organisation_id=feed.organisation_id)
        .exists()
    )
    return feed if is_member else None


def feed_mark_used(feed: CalendarFeed, *, now: dt.datetime | None = None) -> None:
    """Remember when the link was last read, at most once an hour (calendar services poll)."""
    now = now or timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > dt.timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)


# --- Reminders ---------------------------------------------------------------------------------


@dataclass
class ReminderReport:
    emails: int = 0
    sms: int = 0
    without_consent: int = 0


def _contact_consents(person_ids: list[int]) -> set[tuple[int, str]]:
    """(person id, purpose) of the contact consents in force: given, and not replaced by a
    later decision. One query."""
    return set(
        Consent.objects.filter(
            person_id__in=person_ids,
            purpose__in=(ConsentPurpose.CONTACT_SMS, ConsentPurpose.CONTACT_EMAIL),
            status=ConsentStatus.GIVEN,
            superseded_by__isnull=True,
        ).values_list("person_id", "purpose")
    )


def reminder_text(appointment: Appointment) -> str:
    """What the person receives: when, where, with whom, and nothing of the purpose (an SMS
    or e-mail may be read by someone else)."""
    start = timezone.localtime(appointment.starts_at)
    organisation = appointment.person.organisation
    parts = [
        f"Bonjour, rappel de votre rendez-vous demain {start:%d/%m/%Y} à {start:%H}h{start:%M}",
        f"avec {appointment.with_user.get_full_name() or organisation.name}",
        f"({organisation.name})",
    ]
    text = " ".join(parts)
    if appointment.location:
        text += f", {appointment.location}"
    text += "."
    if organisation.phone:
        text += f" En cas d’empêchement, appelez le {organisation.phone}."
    else:
        text += " En cas d’empêchement, merci de prévenir."
    return text


def appointment_reminders_send(*, now: dt.datetime | None = None) -> ReminderReport:
    """Remind the persons of their appointments of tomorrow (local time), by SMS and/or
    e-mail as they consented to (« Être contacté·e par SMS / par e-mail »). Scheduled daily
    (`manage.py send_appointment_reminders`).

    Idempotent: each appointment is claimed by setting `reminder_sent_at` where it was
    empty, in the transaction that queues its messages, so a second run (or two workers)
    sends nothing again. The messages are tasks queued on commit: an operator that fails
    is retried and never stops the other reminders. Each reminder is journaled (the
    person's contact details leave for the operator)."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    rows = list(
        Appointment.objects.filter(
            starts_at__gte=_local_midnight(tomorrow),
            starts_at__lt=_local_midnight(tomorrow + dt.timedelta(days=1)),
            participation=Participation.PLANNED,
            reminder_sent_at__isnull=True,
            person__archived_at__isnull=True,
        ).select_related("person", "person__organisation", "with_user")
    )
    consents = _contact_consents([a.person_id for a in rows])
    report = ReminderReport()
    for appointment in rows:
        person = appointment.person
        phone = normalise_number(person.phone)
        by_sms = bool(phone) and (person.pk, ConsentPurpose.CONTACT_SMS) in consents
        by_email = bool(person.email) and (person.pk, ConsentPurpose.CONTACT_EMAIL) in consents
        if not (by_sms or by_email):
            report.without_consent += 1
            continue
        with transaction.atomic():
            claimed = Appointment.objects.filter(
                pk=appointment.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            text = reminder_text(appointment)
            channels = []
            if by_sms:
                queue_sms(to=phone, body=text)
                report.sms += 1
                channels.append("SMS")
            if by_email:
                queue_email(
                    subject=f"Rappel : rendez-vous demain ({person.organisation.name})",
                    body=text,
                    to=[person.email],
                )
                report.emails += 1
                channels.append("e-mail")
            journal.record(
                actor=None,
                action=JournalAction.EXPORT,
                target=appointment,
                organisation=person.organisation_id,
                summary=f"rappel de rendez-vous envoyé ({', '.join(channels)})",
            )
    return report
