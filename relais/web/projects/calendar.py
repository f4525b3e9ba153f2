"""The organisation's calendar of workshop sessions (month or week) and its ICS file."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from relais.projects import calendar as services
from relais.web.organisations.views import organisation_required

WEEK, MONTH = "semaine", "mois"


def _day(value: str, today: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else today
    except ValueError:
        return today


@organisation_required
def calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    view = WEEK if request.GET.get("vue") == WEEK else MONTH
    day = _day(request.GET.get("jour", ""), today)
    if view == WEEK:
        period = services.week(request.organisation.pk, day, today)
        previous_day, next_day = (
            period.start - dt.timedelta(days=7),
            period.start + dt.timedelta(days=7),
        )
    else:
        period = services.month(request.organisation.pk, day, today)
        previous_day, next_day = (
            services.previous_month(period.start),
            services.next_month(period.start),
        )

    def url(target: dt.date, wanted: str = view) -> str:
        return f"{reverse('projects:calendar')}?{urlencode({'vue': wanted, 'jour': target.isoformat()})}"

    return render(
        request,
        "projects/calendar.html",
        {
            "period": period,
            "view": view,
            "week_view": view == WEEK,
            "previous_url": url(previous_day),
            "next_url": url(next_day),
            "today_url": url(today),
            "week_url": url(period.start, WEEK),
            "month_url": url(period.start, MONTH),
            "workshops_url": reverse("projects:workshops"),
            "weekdays": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
        },
    )


@require_GET
@organisation_required
def calendar_ics(request: HttpRequest) -> HttpResponse:
    body, _count = services.sessions_ics(request.organisation.pk)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="seances-ateliers.ics"'
    return response
