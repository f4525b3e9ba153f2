"""Workshops: sessions, enrolment from caseloads (step on the pathway, consent), capacity,
attendance with optimistic locking, evaluations, the caseload's no-show alert."""

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.pathways import caseload
from relais.pathways.models import PathwayStatus, Step, StepKind
from relais.projects import workshops
from relais.projects.models import Attendance, AttendanceStatus, Enrolment
from tests.factories import PathwayFactory, PersonFactory
from tests.factories.projects import EnrolmentFactory, SessionFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(organisation):
    return WorkshopFactory(organisation=organisation)


def followed(organisation, referent, n=1):
    persons = []
    for _ in range(n):
        person = PersonFactory(organisation=organisation, referent=referent)
        PathwayFactory(person=person, referent=referent)
        persons.append(person)
    return persons


def test_enrol_creates_a_workshop_step_on_each_pathway(workshop, organisation, referent):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    persons = followed(organisation, referent, 3)
    enrolments = workshops.enrol(
        workshop=workshop, actor=referent, persons=persons, consent_confirmed=True
    )
    assert len(enrolments) == 3
    steps = Step.objects.filter(pathway__person__in=persons)
    assert steps.count() == 3
    step = steps.first()
    assert step.kind == StepKind.WORKSHOP
    assert step.planned_on == timezone.localtime(session.starts_at).date()
    assert all(e.consent_on == timezone.localdate() for e in Enrolment.objects.all())


def test_enrol_without_consent_refused(workshop, organisation, referent):
    persons = followed(organisation, referent)
    with pytest.raises(DomainError) as error:
        workshops.enrol(workshop=workshop, actor=referent, persons=persons, consent_confirmed=False)
    assert error.value.field == "consent_confirmed"
    assert not Enrolment.objects.exists()


def test_person_enrolled_twice_refused_and_nothing_written(workshop, organisation, referent):
    first, second = followed(organisation, referent, 2)
    workshops.enrol(workshop=workshop, actor=referent, persons=[first], consent_confirmed=True)
    with pytest.raises(DomainError, match="déjà inscrit") as error:
        workshops.enrol(
            workshop=workshop, actor=referent, persons=[second, first], consent_confirmed=True
        )
    assert first.display_name in error.value.message
    assert Enrolment.objects.count() == 1
    assert not Step.objects.filter(pathway__person=second).exists()


def test_over_capacity_refused_naming_the_session(workshop, organisation, referent):
    SessionFactory(workshop=workshop, facilitator=referent, capacity=2)
    persons = followed(organisation, referent, 3)
    with pytest.raises(DomainError, match="complète : 2 places, 3 personnes"):
        workshops.enrol(workshop=workshop, actor=referent, persons=persons, consent_confirmed=True)
    assert not Enrolment.objects.exists()


def test_person_without_open_pathway_refused(workshop, organisation, referent):
    person = PersonFactory(organisation=organisation, referent=referent)
    PathwayFactory(person=person, status=PathwayStatus.CLOSED)
    with pytest.raises(DomainError, match="pas de parcours en cours"):
        workshops.enrol(workshop=workshop, actor=referent, persons=[person], consent_confirmed=True)


def test_person_of_another_organisation_cannot_be_enrolled(workshop, referent):
    stranger = PersonFactory()
    PathwayFactory(person=stranger)
    with pytest.raises(PermissionDenied):
        workshops.enrol(
            workshop=workshop, actor=referent, persons=[stranger], consent_confirmed=True
        )


def test_staff_cannot_enrol(workshop, organisation, referent, staff_member):
    with pytest.raises(PermissionDenied):
        workshops.enrol(
            workshop=workshop,
            actor=staff_member,
            persons=followed(organisation, referent),
            consent_confirmed=True,
        )


def test_session_capacity_below_enrolled_refused(workshop, referent):
    EnrolmentFactory.create_batch(3, workshop=workshop)
    now = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(DomainError, match="3 personnes sont déjà inscrites") as error:
        workshops.session_create(
            workshop=workshop,
            actor=referent,
            starts_at=now,
            ends_at=now + dt.timedelta(hours=2),
            place="Salle",
            facilitator=referent,
            capacity=2,
        )
    assert error.value.field == "capacity"


@pytest.mark.parametrize(
    ("hours", "capacity", "field"),
    [(-1, 10, "ends_at"), (13, 10, "ends_at"), (2, 0, "capacity"), (2, None, "capacity")],
)
def test_session_bad_input(workshop, referent, hours, capacity, field):
    start = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(DomainError) as error:
        workshops.session_create(
            workshop=workshop,
            actor=referent,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
            place="Salle",
            facilitator=referent,
            capacity=capacity,
        )
    assert error.value.field == field


def test_facilitator_must_belong_to_the_organisation(workshop, referent):
    from tests.factories import UserFactory

    start = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(DomainError) as error:
        workshops.session_create(
            workshop=workshop,
            actor=referent,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place="Salle",
            facilitator=UserFactory(),
            capacity=10,
        )
    assert error.value.field == "facilitator"


def test_attendance_recorded_and_second_facilitator_refused(workshop, referent, manager):
    session = SessionFactory(workshop=workshop, past=True, facilitator=referent)
    a, b = EnrolmentFactory.create_batch(2, workshop=workshop)
    workshops.attendance_record(
        session=session,
        actor=referent,
        expected_version=1,
        statuses={a.pk: AttendanceStatus.PRESENT, b.pk: AttendanceStatus.ABSENT},
    )
    with pytest.raises(StaleObjectError):
        workshops.attendance_record(
            session=session,
            actor=manager,
            expected_version=1,
            statuses={a.pk: AttendanceStatus.ABSENT, b.pk: AttendanceStatus.ABSENT},
        )
    assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {
        a.pk: "present",
        b.pk: "absent",
    }
    session.refresh_from_db()
    workshops.attendance_record(
        session=session,
        actor=manager,
        expected_version=session.version,
        statuses={a.pk: AttendanceStatus.EXCUSED, b.pk: AttendanceStatus.ABSENT},
    )
    assert Attendance.objects.get(enrolment=a).status == "excused"


def test_attendance_must_cover_everyone_and_not_before_the_session(workshop, referent):
    future = SessionFactory(workshop=workshop, facilitator=referent)
    a, b = EnrolmentFactory.create_batch(2, workshop=workshop)
    with pytest.raises(DomainError, match="pas encore commencé"):
        workshops.attendance_record(
            session=future,
            actor=referent,
            expected_version=1,
            statuses={a.pk: "present", b.pk: "present"},
        )
    past = SessionFactory(workshop=workshop, past=True, facilitator=referent)
    with pytest.raises(DomainError, match="1 sans réponse"):
        workshops.attendance_record(
            session=past, actor=referent, expected_version=1, statuses={a.pk: "present"}
        )
    with pytest.raises(DomainError, match="Présence inconnue"):
        workshops.attendance_record(
            session=past,
            actor=referent,
            expected_version=1,
            statuses={a.pk: "present", b.pk: "late"},
        )
    assert not Attendance.objects.exists()


def test_no_show_appears_in_the_caseload_alerts(workshop, organisation, referent):
    session = SessionFactory(workshop=workshop, past=True, facilitator=referent)
    absent, present = EnrolmentFactory.create_batch(2, workshop=workshop)
    workshops.attendance_record(
        session=session,
        actor=referent,
        expected_version=1,
        statuses={absent.pk: "absent", present.pk: "present"},
    )
    today = timezone.localdate()
    persons = list(
        caseload.with_caseload(
            type(absent.person).objects.filter(pk__in=[absent.person_id, present.person_id])
        )
    )
    rows = {r.person.pk: r.alerts for r in caseload.rows(persons, today)}
    assert caseload.Alert.WORKSHOP_NO_SHOW in rows[absent.person_id]
    assert caseload.Alert.WORKSHOP_NO_SHOW not in rows[present.person_id]
    flagged = caseload.with_alerts(caseload.with_caseload(type(absent.person).objects.all()), today)
    assert set(flagged.filter(alert_workshop_no_show=1).values_list("pk", flat=True)) == {
        absent.person_id
    }


def test_participant_and_facilitator_evaluations(workshop, referent):
    enrolment = EnrolmentFactory(workshop=workshop)
    with pytest.raises(DomainError):
        workshops.enrolment_evaluate(enrolment=enrolment, actor=referent, rating=6, evaluation="")
    workshops.enrolment_evaluate(enrolment=enrolment, actor=referent, rating=4, evaluation="Utile")
    enrolment.refresh_from_db()
    assert (enrolment.rating, enrolment.evaluation) == (4, "Utile")
    updated = workshops.workshop_evaluate(
        workshop=workshop,
        actor=referent,
        expected_version=1,
        facilitator_evaluation="Groupe motivé",
    )
    assert updated.version == 2
