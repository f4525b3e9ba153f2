"""Reporting: a small world whose figures were computed by hand (see each test), over the
first half of 2026: five persons of one organisation (four with records), one of another, their pathways, appointments,
notes, diagnostics, goals, referrals."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from relais.accounts.models import Membership, Role
from relais.network.referrals.models import RedundancyWarning
from relais.pathways.models import Step
from relais.reporting.filters import ReportFilter
from tests.factories import (
    AppointmentFactory,
    DiagnosticFactory,
    ExitFactory,
    GoalFactory,
    MembershipFactory,
    NoteFactory,
    OrganisationFactory,
    PathwayFactory,
    PersonFactory,
    ReviewFactory,
    StepFactory,
)
from tests.factories.diagnostics import DomainAssessmentFactory
from tests.factories.network.coordination import co_follower
from tests.factories.network.directory import ServiceFactory
from tests.factories.network.referrals import ReferralFactory

PARIS = ZoneInfo("Europe/Paris")
START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
TODAY = dt.date(2026, 12, 5)


def at(year, month, day, hour=10):
    return dt.datetime(year, month, day, hour, tzinfo=PARIS)


def period(**changes) -> ReportFilter:
    return ReportFilter(start=START, end=END, **changes)


def reporting_world() -> SimpleNamespace:
    org = OrganisationFactory()
    manager = MembershipFactory(organisation=org, role=Role.MANAGER)
    r1 = MembershipFactory(organisation=org, role=Role.REFERENT)
    r2 = MembershipFactory(organisation=org, role=Role.REFERENT)
    p1 = PersonFactory(
        organisation=org, referent=r1.user, birth_date=dt.date(1990, 5, 1), commune_code="59350"
    )
    p2 = PersonFactory(organisation=org, referent=r1.user, birth_date=dt.date(2005, 3, 1))
    p3 = PersonFactory(organisation=org, referent=r2.user, birth_date=dt.date(1965, 1, 1))
    p4 = PersonFactory(organisation=org, referent=r2.user, birth_date=dt.date(1980, 1, 1))
    # A fifth person with no record: five persons in the organisation, so that its
    # dashboard shows figures (below five persons in scope, none is shown).
    p5 = PersonFactory(organisation=org, referent=r2.user, birth_date=dt.date(1970, 6, 1))
    other = PersonFactory()  # another organisation: never counted
    # Pathways: A (P1, RSA) exits in March (165 days, sustainable employment); B (P2, PLIE)
    # starts in February, review late, next review overdue; C (P3, RSA) exits in May after
    # 851 days (moved: neutral); D (P4, IAE) exits in June after 507 days (lost contact).
    a = PathwayFactory(person=p1, referent=r1.user, scheme="rsa", started_on=dt.date(2025, 10, 1))
    b = PathwayFactory(
        person=p2,
        referent=r1.user,
        scheme="plie",
        started_on=dt.date(2026, 2, 1),
        review_every_months=1,
        next_review_on=dt.date(2026, 4, 5),
    )
    c = PathwayFactory(person=p3, referent=r2.user, scheme="rsa", started_on=dt.date(2024, 1, 1))
    d = PathwayFactory(person=p4, referent=r2.user, scheme="iae", started_on=dt.date(2025, 1, 10))
    PathwayFactory(person=other, started_on=dt.date(2026, 3, 1))
    for pathway, on, category in (
        (a, dt.date(2026, 3, 15), "sustainable_employment"),
        (c, dt.date(2026, 5, 1), "moved"),
        (d, dt.date(2026, 6, 1), "lost_contact"),
    ):
        ExitFactory(pathway=pathway, exited_on=on, category=category)
        pathway.status = "closed"
        pathway.save(update_fields=["status"])
    # Reviews: A's second review on time (due 20/03 by the first), B's first late (due 01/03).
    ReviewFactory(pathway=a, held_on=dt.date(2025, 12, 20), next_review_on=dt.date(2026, 3, 20))
    ReviewFactory(pathway=a, held_on=dt.date(2026, 3, 10), next_review_on=dt.date(2026, 6, 10))
    ReviewFactory(pathway=b, held_on=dt.date(2026, 3, 5), next_review_on=dt.date(2026, 4, 5))
    # Goals: in progress 1, achieved 2, abandoned 1.
    GoalFactory(pathway=a, status="achieved")
    GoalFactory(pathway=b, status="in_progress")
    GoalFactory(pathway=b, status="abandoned")
    GoalFactory(pathway=c, status="achieved")
    step = StepFactory(pathway=b, status="abandoned")
    Step.objects.filter(pk=step.pk).update(updated_at=at(2026, 3, 1))
    # Appointments: in the period, one honoured and one missed.
    AppointmentFactory(person=p1, starts_at=at(2026, 2, 10), participation="seen")
    AppointmentFactory(person=p2, starts_at=at(2026, 4, 1), participation="no_show")
    AppointmentFactory(person=p2, starts_at=at(2026, 7, 2), participation="seen")
    AppointmentFactory(person=other, starts_at=at(2026, 2, 10), participation="seen")
    # Notes: interview, phone, other (shared with the team); one before the period.
    NoteFactory(person=p1, kind="interview", occurred_on=dt.date(2026, 1, 15))
    NoteFactory(person=p1, kind="other", occurred_on=dt.date(2026, 1, 20), visibility="team")
    NoteFactory(person=p2, kind="phone", occurred_on=dt.date(2026, 4, 20))
    NoteFactory(person=p3, kind="interview", occurred_on=dt.date(2025, 12, 31))
    # Diagnostics: housing P1 3 → 1 (better), P3 1 → 2 (worse); mobility P1 2 → 2.
    d11 = DiagnosticFactory(person=p1, assessed_on=dt.date(2025, 9, 1))
    d12 = DiagnosticFactory(person=p1, assessed_on=dt.date(2026, 3, 1))
    d2 = DiagnosticFactory(person=p2, assessed_on=dt.date(2026, 2, 2))
    d31 = DiagnosticFactory(person=p3, assessed_on=dt.date(2026, 1, 10))
    d32 = DiagnosticFactory(person=p3, assessed_on=dt.date(2026, 2, 10))
    for diagnostic, domain, level in (
        (d11, "housing", 3),
        (d11, "mobility", 2),
        (d12, "housing", 1),
        (d12, "mobility", 2),
        (d2, "housing", 2),
        (d31, "housing", 1),
        (d32, "housing", 2),
    ):
        DomainAssessmentFactory(diagnostic=diagnostic, domain=domain, difficulty=level)
    # Referrals: to X (accepted after 2 + 2 days, appointment 10 days after sending),
    # to Y (refused), to X waiting, to X expired.
    x = ServiceFactory(organisation=OrganisationFactory(name="Partenaire X"))
    y = ServiceFactory(organisation=OrganisationFactory(name="Partenaire Y"))
    accepted = ReferralFactory(
        person=p1,
        service=x,
        status="accepted",
        sent_at=at(2026, 2, 1),
        seen_at=at(2026, 2, 3),
        answered_at=at(2026, 2, 5),
        first_appointment_on=dt.date(2026, 2, 11),
    )
    refused = ReferralFactory(
        person=p1,
        service=y,
        status="refused",
        refusal_reason="no_capacity",
        sent_at=at(2026, 3, 1),
        seen_at=at(2026, 3, 2),
        answered_at=at(2026, 3, 4),
    )
    waiting = ReferralFactory(person=p2, service=x, status="sent", sent_at=at(2026, 4, 1))
    # Redundancy warnings, as the referral service stores them: the refused referral to Y
    # was sent while the one to X ran (resolved: Y refused); the waiting one while the
    # accepted one ran (both still running: open); one raised before the period.
    for new, other, raised in (
        (refused, accepted, at(2026, 3, 1)),
        (waiting, accepted, at(2026, 4, 1)),
        (waiting, accepted, at(2025, 6, 1)),
    ):
        RedundancyWarning.objects.create(
            organisation=org,
            person=new.person,
            raised_at=raised,
            kind="referral",
            referral=new,
            other_kind="referral",
            other_referral=other,
            other_organisation=other.receiver_organisation,
        )
    ReferralFactory(
        person=p3,
        service=x,
        status="expired",
        sent_at=at(2026, 1, 5),
        expires_at=at(2026, 2, 4),
    )
    # A professional of another organisation co-follows P1, sharing notes.
    member = co_follower(p1, categories=("identity", "notes"))
    team_membership = Membership.objects.get(user=member.user, organisation=member.organisation)
    # The same professional co-follows the four others (identity and notes shared): five
    # co-followed persons, so that the coordination dashboard shows figures.
    for person in (p2, p3, p4, p5):
        co_follower(
            person,
            categories=("identity", "notes"),
            organisation=member.organisation,
            user=member.user,
        )
    return SimpleNamespace(
        org=org,
        manager=manager,
        r1=r1,
        r2=r2,
        persons=(p1, p2, p3, p4, p5),
        other=other,
        team=team_membership,
    )
