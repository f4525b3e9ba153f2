"""The scheduled written files and orals as a calendar (ICS): one candidate's, to send
them, and the organisation's, for the evaluators' diaries. Whole-day events: the
referential dates an evaluation, the time is the organiser's."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from relais.certification.models import Evaluation
from relais.core.links import absolute, link

PAST_DAYS = 90
FUTURE_DAYS = 400
MAX_EVENTS = 2000


def scheduled(queryset=None):
    return (
        (queryset if queryset is not None else Evaluation.objects.all())
        .filter(scheduled_on__isnull=False)
        .select_related("modality__block", "enrolment__candidate", "enrolment__certification")
        .order_by("scheduled_on", "pk")
    )


def of_organisation(organisation_id: int, *, today: dt.date | None = None):
    """The organisation's scheduled evaluations, three months back to a year ahead."""
    today = today or timezone.localdate()
    return scheduled(
        Evaluation.objects.filter(
            enrolment__organisation_id=organisation_id,
            scheduled_on__gte=today - dt.timedelta(days=PAST_DAYS),
            scheduled_on__lte=today + dt.timedelta(days=FUTURE_DAYS),
        )
    )[:MAX_EVENTS]


def summary(evaluation: Evaluation) -> str:
    modality = evaluation.modality
    size = f" ({modality.format_label})" if modality.format_label else ""
    return (
        f"{modality.get_kind_display()}{size} — {modality.block.code} — "
        f"{evaluation.enrolment.candidate.display_name}"
    )


def as_ics(evaluations, *, name: str) -> bytes:
    from icalendar import Calendar, Event

    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Relais//Certification//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    for evaluation in evaluations:
        event = Event()
        event.add("uid", f"relais-certification-evaluation-{evaluation.pk}")
        event.add("dtstamp", now)
        event.add("dtstart", evaluation.scheduled_on)
        event.add("dtend", evaluation.scheduled_on + dt.timedelta(days=1))
        event.add("summary", summary(evaluation))
        lines = [f"{evaluation.enrolment.certification.code} — {evaluation.modality.title}"]
        path = link("certification_candidate", evaluation.enrolment.candidate_id)
        if path:
            lines.append(absolute(path))
            event.add("url", absolute(path))
        event.add("description", "\n".join(lines))
        event.add("sequence", evaluation.version)
        calendar.add_component(event)
    return calendar.to_ical()
