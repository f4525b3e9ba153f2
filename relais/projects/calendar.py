"""The organisation's calendar of workshop sessions: a month or a week, and the calendar
file (ICS) to import in a professional's own calendar.

Sessions name no participant: the calendar and its file show the workshop, the place, the
facilitator and how many persons are enrolled, so any member of the organisation reads them
and the file can leave Relais."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone

from relais.core.links import absolute, link
from relais.projects.models import Session
from relais.projects.selectors import sessions_between

PARIS = ZoneInfo("Europe/Paris")
ICS_PAST_DAYS = 90
ICS_FUTURE_DAYS = 366
ICS_MAX = 2000


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _bound(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, PARIS)


@dataclass
class CalendarDay:
    day: dt.date
    in_period: bool
    is_today: bool
    sessions: list[Session] = field(default_factory=list)


@dataclass
class CalendarPeriod:
    start: dt.date  # first day of the month or week
    end: dt.date  # last day
    weeks: list[list[CalendarDay]]
    count: int
    cancelled: int = 0


def calendar_period(
    organisation_id: int, *, start: dt.date, end: dt.date, today: dt.date, whole_weeks: bool
) -> CalendarPeriod:
    """Days from `start` to `end` (whole weeks around them for a month). One query."""
    first = week_start(start) if whole_weeks else start
    last = end + dt.timedelta(days=6 - end.weekday()) if whole_weeks else end
    sessions = list(
        sessions_between(organisation_id, _bound(start), _bound(end + dt.timedelta(days=1)))
    )
    days = {}
    day = first
    while day <= last:
        days[day] = CalendarDay(day, start <= day <= end, day == today)
        day += dt.timedelta(days=1)
    for session in sessions:
        local = timezone.localtime(session.starts_at)
        # Formatted once here: a month of 200 sessions through the `time` filter cost more
        # than its query.
        session.time_label = local.strftime("%H:%M")
        if local.date() in days:
            days[local.date()].sessions.append(session)
    ordered = list(days.values())
    weeks = [ordered[i : i + 7] for i in range(0, len(ordered), 7)]
    cancelled = sum(1 for s in sessions if s.cancelled_at is not None)
    return CalendarPeriod(start, end, weeks, len(sessions), cancelled)


def month(organisation_id: int, day: dt.date, today: dt.date) -> CalendarPeriod:
    start = month_start(day)
    return calendar_period(
        organisation_id,
        start=start,
        end=next_month(start) - dt.timedelta(days=1),
        today=today,
        whole_weeks=True,
    )


def week(organisation_id: int, day: dt.date, today: dt.date) -> CalendarPeriod:
    start = week_start(day)
    return calendar_period(
        organisation_id,
        start=start,
        end=start + dt.timedelta(days=6),
        today=today,
        whole_weeks=False,
    )


def sessions_ics(organisation_id: int, *, now: dt.datetime | None = None) -> tuple[bytes, int]:
    """The organisation's sessions from three months back to a year ahead, as a calendar."""
    from icalendar import Calendar, Event

    now = now or timezone.now()
    sessions = list(
        sessions_between(
            organisation_id,
            now - dt.timedelta(days=ICS_PAST_DAYS),
            now + dt.timedelta(days=ICS_FUTURE_DAYS),
        )[:ICS_MAX]
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Relais//Ateliers//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Relais — séances d'ateliers")
    calendar.add("x-wr-timezone", "Europe/Paris")
    for session in sessions:
        event = Event()
        event.add("uid", f"relais-session-{session.pk}")
        event.add("dtstamp", now)
        event.add("dtstart", session.starts_at.astimezone(dt.UTC))
        event.add("dtend", session.ends_at.astimezone(dt.UTC))
        facilitator = session.facilitator.get_full_name() or session.facilitator.email
        if session.is_cancelled:
            # Calendars that imported the session mark it cancelled (RFC 5545, with the
            # sequence bumped by the cancellation) rather than keep it or lose it silently.
            event.add("status", "CANCELLED")
            event.add("summary", f"ANNULÉE — Atelier — {session.workshop.title}")
            lines = [
                f"Séance annulée : {session.cancellation_reason}",
                f"Animation : {facilitator}",
            ]
        else:
            event.add("status", "CONFIRMED")
            event.add("summary", f"Atelier — {session.workshop.title}")
            lines = [
                f"Animation : {facilitator}",
                f"Inscrits : {session.enrolled or 0} / {session.capacity} places",
            ]
        event.add("location", session.place)
        path = link("workshop", session.workshop_id)
        if path:
            lines.append(absolute(path))
            event.add("url", absolute(path))
        event.add("description", "\n".join(lines))
        event.add("sequence", session.version)
        calendar.add_component(event)
    return calendar.to_ical(), len(sessions)
