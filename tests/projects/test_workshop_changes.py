"""Changes to a workshop once it exists (relais.projects.workshop_changes): the design and a
session edited against their version, a session cancelled (steps, notice, no attendance nor
enrolment), an enrolment withdrawn (history kept, seat freed, step abandoned)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.notifications.models import Notification
from relais.pathways.models import Pathway, PathwayStatus, Step, StepStatus
from relais.projects import calendar, workshop_changes, workshops
from relais.projects.models import Enrolment, Session
from tests.factories import PathwayFactory, PersonFactory
from tests.factories.projects import (
    AttendanceFactory,
    EnrolmentFactory,
    ProjectFactory,
    SessionFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(organisation):
    return WorkshopFactory(organisation=organisation)


def enrolled(workshop, referent, n=1):
    persons = []
    for _ in range(n):
        person = PersonFactory(organisation=workshop.organisation, referent=referent)
        PathwayFactory(person=person, referent=referent)
        persons.append(person)
    return workshops.enrol(
        workshop=workshop, actor=referent, persons=persons, consent_confirmed=True
    )


def design(**changes):
    values = {
        "title": "Préparer un entretien",
        "objectives": "Se présenter en trois minutes.",
        "duration_hours": Decimal("6"),
        "content": "Pitch, questions difficiles.",
        "methods": "Mises en situation.",
        "materials": "Caméra.",
        "evaluation": "Grille d'observation.",
    }
    values.update(changes)
    return values


def session_values(session, **changes):
    values = {
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "place": session.place,
        "facilitator": session.facilitator,
        "capacity": session.capacity,
    }
    values.update(changes)
    return values


# --- The design ------------------------------------------------------------------------


def test_design_updated_and_stale_save_refused(workshop, referent, manager):
    project = ProjectFactory(organisation=workshop.organisation)
    updated = workshop_changes.workshop_update(
        workshop=workshop, actor=referent, expected_version=1, project=project, **design()
    )
    assert (updated.version, updated.methods, updated.project_id) == (
        2,
        "Mises en situation.",
        project.pk,
    )
    with pytest.raises(StaleObjectError, match="Modifié entre-temps"):
        workshop_changes.workshop_update(
            workshop=workshop, actor=manager, expected_version=1, **design(methods="Autre")
        )
    workshop.refresh_from_db()
    assert workshop.methods == "Mises en situation."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"duration_hours": Decimal("0")}, "duration_hours"),
        ({"duration_hours": "beaucoup"}, "duration_hours"),
        ({"duration_hours": Decimal("2001")}, "duration_hours"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"objectives": "x" * 3001}, "objectives"),
    ],
)
def test_design_bad_input(workshop, referent, changes, field):
    with pytest.raises(DomainError) as error:
        workshop_changes.workshop_update(
            workshop=workshop, actor=referent, expected_version=1, **design(**changes)
        )
    assert error.value.field == field
    workshop.refresh_from_db()
    assert workshop.version == 1


def test_design_project_of_another_organisation_refused(workshop, referent):
    with pytest.raises(DomainError, match="pas celui de votre structure"):
        workshop_changes.workshop_update(
            workshop=workshop,
            actor=referent,
            expected_version=1,
            project=ProjectFactory(),
            **design(),
        )


def test_staff_cannot_change_the_design(workshop, staff_member):
    with pytest.raises(PermissionDenied):
        workshop_changes.workshop_update(
            workshop=workshop, actor=staff_member, expected_version=1, **design()
        )


def test_renaming_renames_the_steps_not_retitled_by_hand(workshop, referent):
    SessionFactory(workshop=workshop, facilitator=referent)
    first, second = enrolled(workshop, referent, 2)
    Step.objects.filter(pk=second.step_id).update(title="Atelier entretien (choisi)")
    workshop_changes.workshop_update(
        workshop=workshop, actor=referent, expected_version=1, **design(title="Oser l'entretien")
    )
    assert Step.objects.get(pk=first.step_id).title == "Atelier : Oser l'entretien"
    assert Step.objects.get(pk=second.step_id).title == "Atelier entretien (choisi)"


# --- A session ---------------------------------------------------------------------------


def test_session_updated_and_the_steps_replanned(workshop, referent, manager):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    (enrolment,) = enrolled(workshop, referent)
    later = session.starts_at + dt.timedelta(days=5)
    updated = workshop_changes.session_update(
        session=session,
        actor=referent,
        expected_version=1,
        **session_values(
            session,
            starts_at=later,
            ends_at=later + dt.timedelta(hours=3),
            place="Salle 4",
            facilitator=manager,
            capacity=8,
        ),
    )
    assert (updated.version, updated.place, updated.facilitator, updated.capacity) == (
        2,
        "Salle 4",
        manager,
        8,
    )
    step = Step.objects.get(pk=enrolment.step_id)
    assert step.planned_on == timezone.localtime(later).date()
    assert step.version == 2


def test_session_stale_edit_refused(workshop, referent, manager):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    workshop_changes.session_update(
        session=session, actor=referent, expected_version=1, **session_values(session, place="A")
    )
    with pytest.raises(StaleObjectError):
        workshop_changes.session_update(
            session=session,
            actor=manager,
            expected_version=1,
            **session_values(session, place="B"),
        )
    session.refresh_from_db()
    assert session.place == "A"


def test_capacity_cannot_go_below_the_persons_enrolled(workshop, referent):
    session = SessionFactory(workshop=workshop, facilitator=referent, capacity=10)
    enrolled(workshop, referent, 3)
    with pytest.raises(DomainError, match="3 personnes sont déjà inscrites") as error:
        workshop_changes.session_update(
            session=session,
            actor=referent,
            expected_version=1,
            **session_values(session, capacity=2),
        )
    assert error.value.field == "capacity"
    # A withdrawn person frees their seat.
    first = Enrolment.objects.filter(workshop=workshop).first()
    workshop_changes.enrolment_withdraw(enrolment=first, actor=referent, reason="Déménagement")
    updated = workshop_changes.session_update(
        session=session, actor=referent, expected_version=1, **session_values(session, capacity=2)
    )
    assert updated.capacity == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": "start"}, "ends_at"),
        ({"ends_at": "start+13h"}, "ends_at"),
        ({"starts_at": None}, "starts_at"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 501}, "capacity"),
        ({"facilitator": None}, "facilitator"),
        ({"place": ""}, "place"),
        ({"place": "x" * 201}, "place"),
    ],
)
def test_session_bad_input(workshop, referent, changes, field):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    values = session_values(session, **changes)
    if values["ends_at"] == "start":
        values["ends_at"] = session.starts_at
    elif values["ends_at"] == "start+13h":
        values["ends_at"] = session.starts_at + dt.timedelta(hours=13)
    with pytest.raises(DomainError) as error:
        workshop_changes.session_update(
            session=session, actor=referent, expected_version=1, **values
        )
    assert error.value.field == field
    session.refresh_from_db()
    assert session.version == 1


def test_a_session_with_attendance_cannot_move_to_the_future_nor_be_cancelled(workshop, referent):
    attendance = AttendanceFactory(session__workshop=workshop, session__facilitator=referent)
    session = attendance.session
    Session.objects.filter(pk=session.pk).update(attendance_recorded_at=timezone.now())
    session.refresh_from_db()
    future = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(DomainError, match="ne peut pas être déplacée") as error:
        workshop_changes.session_update(
            session=session,
            actor=referent,
            expected_version=session.version,
            **session_values(session, starts_at=future, ends_at=future + dt.timedelta(hours=2)),
        )
    assert error.value.field == "starts_at"
    with pytest.raises(DomainError, match="ne peut plus être annulée"):
        workshop_changes.session_cancel(
            session=session, actor=referent, expected_version=session.version, reason="Erreur"
        )


# --- Cancelling a session -----------------------------------------------------------------


def test_cancel_one_of_two_sessions_replans_the_steps_and_tells(workshop, referent, manager):
    first = SessionFactory(workshop=workshop, facilitator=manager)
    second = SessionFactory(
        workshop=workshop, facilitator=manager, starts_at=first.starts_at + dt.timedelta(days=7)
    )
    (enrolment,) = enrolled(workshop, referent)
    assert Step.objects.get(pk=enrolment.step_id).planned_on == (
        timezone.localtime(first.starts_at).date()
    )
    cancelled = workshop_changes.session_cancel(
        session=first, actor=referent, expected_version=1, reason="Salle indisponible"
    )
    assert cancelled.is_cancelled and cancelled.cancellation_reason == "Salle indisponible"
    assert cancelled.cancelled_by == referent and cancelled.version == 2
    step = Step.objects.get(pk=enrolment.step_id)
    assert step.status == StepStatus.PLANNED
    assert step.planned_on == timezone.localtime(second.starts_at).date()
    notice = Notification.objects.get(organisation=workshop.organisation)
    assert workshop.title in notice.message and "annulée" in notice.message
    assert enrolment.person.display_name not in notice.message
    assert "Salle indisponible" not in notice.message


def test_cancelling_every_session_cancels_the_steps(workshop, referent):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    enrolments = enrolled(workshop, referent, 2)
    done = enrolments[1]
    Step.objects.filter(pk=done.step_id).update(
        status=StepStatus.DONE, done_on=timezone.localdate()
    )
    workshop_changes.session_cancel(
        session=session, actor=referent, expected_version=1, reason="Animateur absent"
    )
    step = Step.objects.get(pk=enrolments[0].step_id)
    assert step.status == StepStatus.CANCELLED
    assert "Atelier annulé" in step.outcome and "Animateur absent" in step.outcome
    assert Step.objects.get(pk=done.step_id).status == StepStatus.DONE  # a done step stays


def test_a_closed_pathway_step_is_left_as_it_is(workshop, referent):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    (enrolment,) = enrolled(workshop, referent)
    Pathway.objects.filter(steps=enrolment.step_id).update(status=PathwayStatus.CLOSED)
    workshop_changes.session_cancel(
        session=session, actor=referent, expected_version=1, reason="Annulé"
    )
    assert Step.objects.get(pk=enrolment.step_id).status == StepStatus.PLANNED


def test_cancel_bad_input_and_twice(workshop, referent, staff_member):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    for reason, message in (("", "Indiquez le motif"), ("x" * 301, "300 caractères")):
        with pytest.raises(DomainError, match=message):
            workshop_changes.session_cancel(
                session=session, actor=referent, expected_version=1, reason=reason
            )
    with pytest.raises(PermissionDenied):
        workshop_changes.session_cancel(
            session=session, actor=staff_member, expected_version=1, reason="Non"
        )
    workshop_changes.session_cancel(
        session=session, actor=referent, expected_version=1, reason="Grève"
    )
    with pytest.raises(StaleObjectError):
        workshop_changes.session_cancel(
            session=session, actor=referent, expected_version=1, reason="Encore"
        )
    with pytest.raises(DomainError, match="déjà annulée"):
        workshop_changes.session_cancel(
            session=session, actor=referent, expected_version=2, reason="Encore"
        )
    with pytest.raises(DomainError, match="ne se modifie plus"):
        workshop_changes.session_update(
            session=session, actor=referent, expected_version=2, **session_values(session)
        )


def test_a_cancelled_session_takes_no_attendance_nor_capacity(workshop, referent):
    past = SessionFactory(workshop=workshop, past=True, facilitator=referent, capacity=1)
    SessionFactory(workshop=workshop, facilitator=referent, capacity=5)
    small = SessionFactory(workshop=workshop, facilitator=referent, capacity=1)
    workshop_changes.session_cancel(
        session=small, actor=referent, expected_version=1, reason="Doublon"
    )
    # Two persons: the cancelled one-seat session does not count any more.
    enrolments = enrolled(workshop, referent, 2)
    workshop_changes.session_cancel(
        session=past, actor=referent, expected_version=1, reason="Pas eu lieu"
    )
    with pytest.raises(DomainError, match="annulée"):
        workshops.attendance_record(
            session=past,
            actor=referent,
            expected_version=2,
            statuses={e.pk: "present" for e in enrolments},
        )


def test_no_enrolment_when_every_session_is_cancelled(workshop, referent):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    workshop_changes.session_cancel(
        session=session, actor=referent, expected_version=1, reason="Reporté"
    )
    with pytest.raises(DomainError, match="Toutes les séances de cet atelier sont annulées"):
        enrolled(workshop, referent)


def test_ics_marks_the_cancelled_session(workshop, referent):
    kept = SessionFactory(workshop=workshop, facilitator=referent)
    gone = SessionFactory(workshop=workshop, facilitator=referent)
    workshop_changes.session_cancel(
        session=gone, actor=referent, expected_version=1, reason="Salle fermée"
    )
    body, count = calendar.sessions_ics(workshop.organisation_id)
    text = body.decode().replace("\r\n ", "")
    assert count == 2
    events = text.split("BEGIN:VEVENT")[1:]
    by_uid = {next(line for line in e.splitlines() if line.startswith("UID")): e for e in events}
    assert "STATUS:CANCELLED" in by_uid[f"UID:relais-session-{gone.pk}"]
    assert "SEQUENCE:2" in by_uid[f"UID:relais-session-{gone.pk}"]
    assert "STATUS:CONFIRMED" in by_uid[f"UID:relais-session-{kept.pk}"]
    day = timezone.localtime(gone.starts_at).date()
    period = calendar.month(workshop.organisation_id, day, day)
    assert period.cancelled == 1


# --- Reinstating a cancelled session -------------------------------------------------------


def test_reinstating_the_only_session_reopens_the_steps_and_tells(workshop, referent, manager):
    session = SessionFactory(workshop=workshop, facilitator=manager)
    (enrolment,) = enrolled(workshop, referent)
    workshop_changes.session_cancel(
        session=session, actor=referent, expected_version=1, reason="Salle fermée"
    )
    assert Step.objects.get(pk=enrolment.step_id).status == StepStatus.CANCELLED
    Notification.objects.all().delete()
    back = workshop_changes.session_reinstate(session=session, actor=referent, expected_version=2)
    assert not back.is_cancelled and back.cancellation_reason == "" and back.version == 3
    step = Step.objects.get(pk=enrolment.step_id)
    assert step.status == StepStatus.PLANNED
    assert step.planned_on == timezone.localtime(session.starts_at).date()
    assert "Atelier annulé" in step.outcome and "Atelier rétabli" in step.outcome
    notice = Notification.objects.get(organisation=workshop.organisation)
    assert "rétablie" in notice.message and workshop.title in notice.message
    assert enrolment.person.display_name not in notice.message
    # Enrolling works again, and the session takes attendance and counts for capacity.
    assert enrolled(workshop, referent)


def test_reinstating_an_earlier_session_dates_the_steps_on_it(workshop, referent):
    first = SessionFactory(workshop=workshop, facilitator=referent)
    second = SessionFactory(
        workshop=workshop, facilitator=referent, starts_at=first.starts_at + dt.timedelta(days=7)
    )
    workshop_changes.session_cancel(
        session=first, actor=referent, expected_version=1, reason="Grève"
    )
    (enrolment,) = enrolled(workshop, referent)
    step = Step.objects.get(pk=enrolment.step_id)
    assert step.planned_on == timezone.localtime(second.starts_at).date()
    workshop_changes.session_reinstate(session=first, actor=referent, expected_version=2)
    step.refresh_from_db()
    assert step.status == StepStatus.PLANNED
    assert step.planned_on == timezone.localtime(first.starts_at).date()
    assert "rétabli" not in step.outcome  # it was never cancelled


def test_reinstate_refusals(workshop, referent, manager, staff_member):
    from relais.accounts.models import Membership

    kept = SessionFactory(workshop=workshop, facilitator=referent, capacity=5)
    small = SessionFactory(workshop=workshop, facilitator=referent, capacity=1)
    workshop_changes.session_cancel(
        session=small, actor=referent, expected_version=1, reason="Trop petite"
    )
    with pytest.raises(DomainError, match="n'est pas annulée"):
        workshop_changes.session_reinstate(session=kept, actor=referent, expected_version=1)
    with pytest.raises(PermissionDenied):
        workshop_changes.session_reinstate(session=small, actor=staff_member, expected_version=2)
    with pytest.raises(StaleObjectError):
        workshop_changes.session_reinstate(session=small, actor=referent, expected_version=1)
    enrolled(workshop, referent, 2)  # the cancelled one-seat session does not count
    with pytest.raises(DomainError, match="2 personnes sont inscrites pour 1 place dans"):
        workshop_changes.session_reinstate(session=small, actor=referent, expected_version=2)
    gone = SessionFactory(workshop=workshop, facilitator=manager, capacity=5)
    workshop_changes.session_cancel(
        session=gone, actor=referent, expected_version=1, reason="Animateur parti"
    )
    Membership.objects.filter(user=manager, organisation=workshop.organisation).update(
        is_active=False
    )
    with pytest.raises(DomainError, match="n'est plus membre"):
        workshop_changes.session_reinstate(session=gone, actor=referent, expected_version=2)
    past = SessionFactory(workshop=workshop, past=True, facilitator=referent, capacity=5)
    workshop_changes.session_cancel(
        session=past, actor=referent, expected_version=1, reason="Pas eu lieu"
    )
    with pytest.raises(DomainError, match="une séance passée ne se rétablit pas"):
        workshop_changes.session_reinstate(session=past, actor=referent, expected_version=2)
    for session in (small, gone, past):
        session.refresh_from_db()
        assert session.is_cancelled  # nothing half-done


# --- Withdrawing an enrolment ------------------------------------------------------------


def test_withdraw_keeps_history_frees_the_seat_and_abandons_the_step(workshop, referent):
    SessionFactory(workshop=workshop, facilitator=referent, capacity=1)
    (enrolment,) = enrolled(workshop, referent)
    withdrawn = workshop_changes.enrolment_withdraw(
        enrolment=enrolment, actor=referent, reason="A trouvé un emploi"
    )
    assert withdrawn.is_withdrawn and withdrawn.withdrawn_by == referent
    assert withdrawn.withdrawal_reason == "A trouvé un emploi"
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()  # kept in history
    step = Step.objects.get(pk=enrolment.step_id)
    assert step.status == StepStatus.ABANDONED
    assert "Désinscrit·e de l'atelier" in step.outcome and "A trouvé un emploi" in step.outcome
    assert workshops.enrolled_count(workshop) == 0
    # The seat is free: another person takes it; the same person may come back later.
    (other,) = enrolled(workshop, referent)
    assert workshops.enrolled_count(workshop) == 1
    workshop_changes.enrolment_withdraw(enrolment=other, actor=referent, reason="Malade")
    again = workshops.enrol(
        workshop=workshop, actor=referent, persons=[enrolment.person], consent_confirmed=True
    )
    assert again[0].pk != enrolment.pk
    assert Enrolment.objects.filter(workshop=workshop, person=enrolment.person).count() == 2


def test_withdraw_bad_input_twice_and_permissions(workshop, referent, staff_member):
    (enrolment,) = enrolled(workshop, referent)
    for reason, message in (("   ", "Indiquez le motif"), ("x" * 301, "300 caractères")):
        with pytest.raises(DomainError, match=message):
            workshop_changes.enrolment_withdraw(enrolment=enrolment, actor=referent, reason=reason)
    with pytest.raises(PermissionDenied):
        workshop_changes.enrolment_withdraw(enrolment=enrolment, actor=staff_member, reason="x")
    workshop_changes.enrolment_withdraw(enrolment=enrolment, actor=referent, reason="Départ")
    with pytest.raises(DomainError, match="déjà désinscrit"):
        workshop_changes.enrolment_withdraw(enrolment=enrolment, actor=referent, reason="Départ")


def test_withdrawn_person_leaves_the_attendance_sheet(workshop, referent):
    session = SessionFactory(workshop=workshop, past=True, facilitator=referent)
    stays, leaves = EnrolmentFactory.create_batch(2, workshop=workshop)
    workshop_changes.enrolment_withdraw(enrolment=leaves, actor=referent, reason="Départ")
    workshops.attendance_record(
        session=session, actor=referent, expected_version=1, statuses={stays.pk: "present"}
    )
    with pytest.raises(DomainError, match="pas inscrite"):
        workshops.attendance_record(
            session=session,
            actor=referent,
            expected_version=2,
            statuses={stays.pk: "present", leaves.pk: "absent"},
        )
