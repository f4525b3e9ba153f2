"""The person's own actions in the timeline of their record: read from the access journal,
where each of them is written as the person (messages, documents, consents, signatures,
sign-ins are left out — they are reads). One query, whatever the number of items."""

from __future__ import annotations

from django.utils import timezone

from relais.core.models import AccessLogEntry
from relais.records.timeline.items import TimelineItem, TimelineKind, by_person

ACTOR_PREFIX = "personne (espace personnel)"


@by_person(ids=("organisation_id",))
def _person_space_items_rows(person_id, n, organisation_id):
    return (
        AccessLogEntry.objects.filter(
            organisation_id=organisation_id,
            person_id=person_id,
            actor__isnull=True,
            actor_email__startswith=ACTOR_PREFIX,
            action__in=("create", "update"),
        )
        .order_by("-created_at", "-id")
        .values("id", "created_at", "summary")[:n]
    )


def person_space_items(person, membership, n: int) -> list[TimelineItem]:
    rows = _person_space_items_rows(person.pk, n, organisation_id=person.organisation_id)
    items = []
    for r in rows:
        at = timezone.localtime(r["created_at"])
        summary = r["summary"]
        items.append(
            TimelineItem(
                kind=TimelineKind.PERSON_SPACE,
                on=at.date(),
                at=at.time().replace(second=0, microsecond=0),
                title=f"Dans son espace : {summary[:1].lower()}{summary[1:]}",
                badge="La personne",
                badge_level="new",
                url="#espace-personnel",
                key=f"space-{r['id']}",
            )
        )
    return items


def register() -> None:
    from relais.records.timeline import register_reader

    register_reader(TimelineKind.PERSON_SPACE, person_space_items)
