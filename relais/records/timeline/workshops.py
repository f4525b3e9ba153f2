"""What the projects module contributes to a person's timeline: their attendance at each
workshop session (present, excused, absent), one query."""

from __future__ import annotations

from django.utils import timezone

from relais.core.links import link
from relais.people.models import Person
from relais.projects.models import Attendance, AttendanceStatus
from relais.records.timeline.items import TimelineItem, TimelineKind, by_person

_LEVEL = {
    AttendanceStatus.PRESENT: "success",
    AttendanceStatus.EXCUSED: "warning",
    AttendanceStatus.ABSENT: "error",
}


@by_person
def _attendances_rows(person_id, n):
    return (
        Attendance.objects.filter(person_id=person_id)
        .order_by("-session__starts_at", "-id")
        .values(
            "id",
            "status",
            "session__starts_at",
            "session__place",
            "session__workshop_id",
            "session__workshop__title",
        )[:n]
    )


def _attendances(person: Person, membership, n: int) -> list[TimelineItem]:
    rows = _attendances_rows(person.pk, n)
    items = []
    for r in rows:
        local = timezone.localtime(r["session__starts_at"])
        status = AttendanceStatus(r["status"])
        items.append(
            TimelineItem(
                kind=TimelineKind.WORKSHOP,
                on=local.date(),
                at=local.time().replace(microsecond=0),
                title=f"Atelier : {r['session__workshop__title']}",
                detail=r["session__place"],
                badge=status.label,
                badge_level=_LEVEL[status],
                url=link("workshop", r["session__workshop_id"]) or "#chronologie",
                key=f"attendance-{r['id']}",
            )
        )
    return items
