"""Who missed a session without excuse: the provider of the caseload's no-show alert
(`relais.pathways.no_shows`, registered in `ProjectsConfig.ready`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from relais.core.compiled import CompiledQuery
from relais.projects.models import Attendance, AttendanceStatus


def _absent(persons: Any, since: dt.datetime):
    return Attendance.objects.filter(
        person__in=persons, status=AttendanceStatus.ABSENT, session__starts_at__gte=since
    ).values_list("person_id", flat=True)


# Asked by every caseload page and person page for its persons: compiled once.
_compiled_absent = CompiledQuery(_absent, id_lists=("persons",), moments=("since",), flat=True)


def persons_with_recent_no_show(persons: Any, *, since: dt.datetime) -> set[int]:
    """One query on the (person, status) index, whatever the number of persons."""
    if isinstance(persons, list | tuple):
        return set(_compiled_absent(persons=list(persons), since=since))
    return set(_absent(persons, since))
