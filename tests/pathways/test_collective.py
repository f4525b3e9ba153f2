"""Information collective: capacity, registering twice, partners, attendance, « créer la
fiche » through the intake service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.pathways import collective
from relais.pathways.collective_models import Attendance, InfoSessionStatus
from relais.people.models import Person
from relais.people.services import DuplicatesFound
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def new_session(organisation, actor, **changes):
    values = {
        "title": "Découvrir le PLIE",
        "scheme": "plie",
        "starts_at": timezone.now() + dt.timedelta(days=3),
        "place": "Salle du conseil, 2 rue Haute",
        "capacity": 2,
    }
    values.update(changes)
    return collective.info_session_create(organisation=organisation, actor=actor, **values)


def membership_of(user):
    return user.memberships.get()


def register(session, user, **data):
    values = {"birth_name": "Martin", "first_names": "Léa", "birth_date": dt.date(1990, 4, 2)}
    values.update(data)
    return collective.registration_add(
        session=session, actor=user, membership=membership_of(user), data=values
    )


def started(session):
    type(session).objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    session.refresh_from_db()
    return session


def test_over_capacity_refused(organisation, staff_member):
    session = new_session(organisation, staff_member)
    register(session, staff_member)
    register(session, staff_member, birth_name="Durand")
    with pytest.raises(DomainError, match="complète"):
        register(session, staff_member, birth_name="Petit")
    assert session.registrations.count() == 2


def test_registered_twice_refused(organisation, referent):
    session = new_session(organisation, referent, capacity=10)
    register(session, referent)
    with pytest.raises(DomainError, match="déjà inscrite"):
        register(session, referent, birth_name="MARTÍN", first_names="lea")


def test_bad_identity_refused(organisation, referent):
    session = new_session(organisation, referent)
    with pytest.raises(DomainError):
        register(session, referent, birth_date=dt.date(1850, 1, 1))
    with pytest.raises(DomainError):
        register(session, referent, birth_name="")


def test_session_in_the_past_refused(organisation, referent):
    with pytest.raises(DomainError) as error:
        new_session(organisation, referent, starts_at=timezone.now() - dt.timedelta(days=1))
    assert error.value.field == "starts_at"


def test_partner_registers_only_if_open(organisation, referent, other_organisation):
    partner = MembershipFactory(organisation=other_organisation, role="referent").user
    closed = new_session(organisation, referent)
    with pytest.raises(PermissionDenied):
        register(closed, partner)
    opened = new_session(organisation, referent, open_to_partners=True)
    registration = register(opened, partner)
    assert registration.registered_by_organisation == other_organisation
    assert list(collective.registrations_seen_by(membership_of(partner), opened)) == [registration]
    register(opened, referent, birth_name="Durand")
    assert collective.registrations_seen_by(membership_of(referent), opened).count() == 2


def test_attendance_needs_everyone_and_a_started_session(organisation, referent):
    session = new_session(organisation, referent, capacity=5)
    first = register(session, referent)
    second = register(session, referent, birth_name="Durand")
    with pytest.raises(DomainError, match="jour de la session"):
        collective.attendance_record(
            session=session, actor=referent, attendance={first.pk: "present"}
        )
    started(session)
    with pytest.raises(DomainError, match="DURAND"):
        collective.attendance_record(
            session=session, actor=referent, attendance={first.pk: "present"}
        )
    collective.attendance_record(
        session=session,
        actor=referent,
        attendance={first.pk: Attendance.PRESENT, second.pk: Attendance.ABSENT},
    )
    session.refresh_from_db()
    assert session.status == InfoSessionStatus.HELD
    assert [r.pk for r in collective.no_shows(organisation)] == [second.pk]


def test_create_person_keeps_what_was_collected(organisation, referent):
    session = new_session(organisation, referent)
    registration = register(session, referent, phone="06 12 34 56 78", email="lea@exemple.fr")
    started(session)
    collective.attendance_record(
        session=session, actor=referent, attendance={registration.pk: Attendance.PRESENT}
    )
    person = collective.registration_create_person(registration=registration, actor=referent)
    assert (person.birth_name, person.first_names, person.birth_date) == (
        "Martin",
        "Léa",
        dt.date(1990, 4, 2),
    )
    assert person.phone and person.email == "lea@exemple.fr"
    registration.refresh_from_db()
    assert registration.person == person
    with pytest.raises(DomainError, match="existe déjà"):
        collective.registration_create_person(registration=registration, actor=referent)


def test_create_person_duplicate_check_then_link(organisation, referent):
    known = PersonFactory(
        organisation=organisation,
        birth_name="Martin",
        first_names="Léa",
        birth_date=dt.date(1990, 4, 2),
    )
    session = new_session(organisation, referent)
    registration = register(session, referent)
    started(session)
    collective.attendance_record(
        session=session, actor=referent, attendance={registration.pk: Attendance.PRESENT}
    )
    with pytest.raises(DuplicatesFound):
        collective.registration_create_person(registration=registration, actor=referent)
    assert Person.objects.count() == 1
    linked = collective.registration_create_person(
        registration=registration, actor=referent, existing=known
    )
    assert linked == known


def test_absent_attendee_gets_no_record(organisation, referent):
    session = new_session(organisation, referent)
    registration = register(session, referent)
    started(session)
    collective.attendance_record(
        session=session, actor=referent, attendance={registration.pk: Attendance.ABSENT}
    )
    with pytest.raises(DomainError, match="présente"):
        collective.registration_create_person(registration=registration, actor=referent)


def test_capacity_cannot_drop_under_registrations(organisation, referent):
    session = new_session(organisation, referent, capacity=3)
    register(session, referent)
    register(session, referent, birth_name="Durand")
    with pytest.raises(DomainError, match="déjà inscrites"):
        collective.info_session_update(
            session=session,
            actor=referent,
            expected_version=session.version,
            title=session.title,
            scheme=session.scheme,
            starts_at=session.starts_at,
            place=session.place,
            capacity=1,
        )


def test_partner_cannot_take_attendance(organisation, referent, other_organisation):
    partner = MembershipFactory(organisation=other_organisation, role="manager").user
    session = started(new_session(organisation, referent, open_to_partners=True))
    with pytest.raises(PermissionDenied):
        collective.attendance_record(session=session, actor=partner, attendance={})
