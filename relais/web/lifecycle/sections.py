"""The person page's « Conservation et droits » section: archived or not (and who may
change it), when the record falls due for erasure, postponements, the person's requests.
A fixed number of queries."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.records import retention, rights
from relais.records.models import RetentionHold, RightsRequest
from relais.records.policies import (
    can_archive,
    can_manage_lifecycle,
    can_record_request,
    can_unarchive,
)
from relais.web.people.sections import Section


def lifecycle(request: HttpRequest, person: Person) -> dict | None:
    membership = request.membership
    if not can(membership, Capability.ACCOMPANIMENT, person):
        return None
    today = timezone.localdate()
    requests = list(RightsRequest.objects.filter(person=person).select_related("recorded_by")[:50])
    is_manager = can_manage_lifecycle(membership, person.organisation_id)
    policy = retention.policy_of(person.organisation_id)
    return {
        "person": person,
        "today": today,
        "due": retention.due_on_of(person, today=today, policy=policy),
        "policy": policy,
        "holds": list(RetentionHold.objects.filter(person=person, until__gte=today)[:20])
        if is_manager
        else [],
        "requests": [(r, rights.is_overdue(r, today=today)) for r in requests],
        "can_archive": person.archived_at is None and can_archive(membership, person),
        "can_unarchive": person.archived_at is not None and can_unarchive(membership, person),
        "can_hold": is_manager,
        "can_record_request": can_record_request(membership, person),
        "is_manager": is_manager,
    }


SECTIONS = [
    Section(
        key="conservation",
        title="Conservation et droits",
        template="lifecycle/section.html",
        context=lifecycle,
        # Loaded when opened, like every section below the summary: its due date reads the
        # record's last activity of every kind, a cost the first screen need not pay.
        capability=Capability.ACCOMPANIMENT,
    ),
]
