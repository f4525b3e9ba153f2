"""The situation at the top of the person page: urgency, current pathway, next step, next
review, alerts, last contact, open referrals and next appointment — what a professional
needs before anything else. The sections below load on demand (`person_section`).

The facts are the caseload's (`relais.pathways.caseload`: same definitions, same alerts),
read for one person; a fixed number of queries whatever the size of the record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils import timezone

from relais.core.compiled import CompiledQuery
from relais.network.referrals.models import Referral
from relais.pathways import caseload, safety
from relais.pathways.models import Appointment, Participation, Pathway
from relais.pathways.safety_models import SafetyFlag
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.web.links import fast_reverse

OPEN_REFERRALS_SHOWN = 5


@dataclass
class Summary:
    person: Person
    accompaniment: bool
    appointments: bool = False
    row: caseload.CaseloadRow | None = None
    pathway: Pathway | None = None
    other_pathways: int = 0
    pathway_url: str = ""
    referrals: list[Referral] = field(default_factory=list)
    more_referrals: bool = False
    next_appointment: Appointment | None = None
    today: dt.date | None = None
    flags: list[SafetyFlag] = field(default_factory=list)

    @property
    def next_step_overdue(self) -> bool:
        on = self.row.person.next_step_on if self.row else None
        return on is not None and on < self.today

    @property
    def next_review_overdue(self) -> bool:
        on = self.row.person.next_review_on if self.row else None
        return on is not None and on < self.today


# The summary's lookups by person, compiled once (relais.core.compiled): read at every
# person page, they cost more to build than to run.
_current_pathways = CompiledQuery(
    lambda person_id: (
        Pathway.objects.active()
        .filter(person_id=person_id)
        .select_related("referent")
        .order_by("-started_on", "-id")[:2]
    ),
    ids=("person_id",),
)
_open_referrals = CompiledQuery(
    lambda person_id: (
        Referral.objects.open()
        .filter(person_id=person_id)
        .select_related("service", "receiver_organisation")
        .order_by("-sent_at", "-id")[: OPEN_REFERRALS_SHOWN + 1]
    ),
    ids=("person_id",),
)
_active_flags = CompiledQuery(safety.active_flags_of, ids=("person_id",))
_next_appointment = CompiledQuery(
    lambda person_id, now: (
        Appointment.objects.filter(
            person_id=person_id, starts_at__gte=now, participation=Participation.PLANNED
        )
        .select_related("with_user")
        .order_by("starts_at", "id")[:1]
    ),
    ids=("person_id",),
    moments=("now",),
)


def person_summary(request: HttpRequest, person: Person) -> Summary:
    """What the summary shows to this user: the accompaniment facts to those who may read
    them, the next appointment to those who manage appointments (reception too)."""
    today = timezone.localdate()
    summary = Summary(
        person=person,
        accompaniment=can(request.membership, Capability.ACCOMPANIMENT, person),
        today=today,
    )
    # Safety flags go to whoever receives the person (reception included), without the
    # incident behind them.
    if can(request.membership, Capability.VIEW, person):
        summary.flags = _active_flags(person_id=person.pk)
    if summary.accompaniment:
        rows = caseload.rows(caseload.with_columns([person]), today)
        summary.row = rows[0] if rows else None
        pathways = _current_pathways(person_id=person.pk)
        if pathways:
            summary.pathway = pathways[0]
            summary.other_pathways = len(pathways) - 1
            summary.pathway_url = fast_reverse("pathways:detail", person.pk, pathways[0].pk)
        referrals = _open_referrals(person_id=person.pk)
        summary.referrals = referrals[:OPEN_REFERRALS_SHOWN]
        summary.more_referrals = len(referrals) > OPEN_REFERRALS_SHOWN
    summary.appointments = can(request.membership, Capability.APPOINTMENTS, person)
    if summary.appointments:
        found = _next_appointment(person_id=person.pk, now=timezone.now())
        summary.next_appointment = found[0] if found else None
    return summary
