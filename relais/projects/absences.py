"""Who missed a session without excuse: the provider of the caseload's no-show alert
(`relais.pathways.no_shows`, registered in `ProjectsConfig.ready`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from relais.projects.models import Attendance, AttendanceStatus


def persons_with_recent_no_show(persons: Any, *, since: dt.datetime) -> set[int]:
    """One query on the (person, status) index, whatever the number of persons."""
    return set(
        Attendance.objects.filter(
            person__in=persons, status=AttendanceStatus.ABSENT, session__starts_at__gte=since
        ).values_list("person_id", flat=True)
    )
