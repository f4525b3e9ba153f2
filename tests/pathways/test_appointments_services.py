"""Appointments: creation, rescheduling, participation (seen, excused, cancelled, no-show)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, StaleObjectError
from relais.pathways import notes as services
from relais.pathways.models import Appointment, Participation
from tests.factories import AppointmentFactory, MembershipFactory, PathwayFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


def create(person, actor, **kwargs):
    values = {
        "starts_at": timezone.now() + dt.timedelta(days=3),
        "purpose": "Point sur les candidatures",
        "with_user": actor,
        "duration_minutes": 45,
        "location": "Bureau 2",
    }
    values.update(kwargs)
    return services.appointment_create(person=person, actor=actor, **values)


class TestCreate:
    def test_creates_a_planned_appointment(self, person, referent):
        appointment = create(person, referent)
        assert appointment.participation == Participation.PLANNED
        assert appointment.with_user == referent
        assert appointment.location == "Bureau 2"

    def test_staff_may_book_with_a_colleague(self, person, staff_member, referent):
        appointment = create(person, staff_member, with_user=referent)
        assert appointment.with_user == referent

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"duration_minutes": 0}, "duration_minutes"),
            ({"duration_minutes": 481}, "duration_minutes"),
            ({"purpose": "  "}, "purpose"),
            ({"starts_at": dt.datetime(2030, 1, 1, 10, 0)}, "starts_at"),  # naive
        ],
    )
    def test_bad_input(self, person, referent, changes, field):
        with pytest.raises(DomainError) as error:
            create(person, referent, **changes)
        assert error.value.field == field
        assert not Appointment.objects.exists()

    def test_with_whom_must_be_an_active_member_of_the_organisation(
        self, person, referent, other_organisation, organisation
    ):
        outsider = MembershipFactory(organisation=other_organisation).user
        gone = MembershipFactory(organisation=organisation, inactive=True).user
        for user in (outsider, gone):
            with pytest.raises(DomainError) as error:
                create(person, referent, with_user=user)
            assert error.value.field == "with_user"

    def test_pathway_must_be_the_persons(self, person, referent):
        with pytest.raises(DomainError):
            create(person, referent, pathway=PathwayFactory())
        own = PathwayFactory(person=person)
        assert create(person, referent, pathway=own).pathway == own


class TestParticipation:
    @pytest.mark.parametrize("value", Participation.values)
    def test_any_participation_for_a_past_appointment(self, person, referent, value):
        appointment = AppointmentFactory(
            person=person, with_user=referent, starts_at=timezone.now() - dt.timedelta(hours=2)
        )
        services.appointment_set_participation(
            appointment=appointment, actor=referent, participation=value
        )
        appointment.refresh_from_db()
        assert appointment.participation == value

    @pytest.mark.parametrize("value", [Participation.SEEN, Participation.NO_SHOW])
    def test_seen_or_no_show_refused_before_it_happens(self, person, referent, value):
        appointment = AppointmentFactory(person=person, with_user=referent)
        with pytest.raises(DomainError) as error:
            services.appointment_set_participation(
                appointment=appointment, actor=referent, participation=value
            )
        assert "pas encore eu lieu" in error.value.message
        appointment.refresh_from_db()
        assert appointment.participation == Participation.PLANNED

    @pytest.mark.parametrize("value", [Participation.EXCUSED, Participation.CANCELLED])
    def test_excused_or_cancelled_in_advance(self, person, referent, value):
        appointment = AppointmentFactory(person=person, with_user=referent)
        services.appointment_set_participation(
            appointment=appointment, actor=referent, participation=value
        )
        assert Appointment.objects.get().participation == value

    def test_boundary_at_the_start_time(self, person, referent):
        start = timezone.now()
        appointment = AppointmentFactory(person=person, with_user=referent, starts_at=start)
        services.appointment_set_participation(
            appointment=appointment, actor=referent, participation="seen", now=start
        )
        assert Appointment.objects.get().participation == "seen"

    def test_unknown_value(self, person, referent):
        appointment = AppointmentFactory(person=person, with_user=referent)
        with pytest.raises(DomainError):
            services.appointment_set_participation(
                appointment=appointment, actor=referent, participation="maybe"
            )


class TestUpdate:
    def test_reschedule(self, person, referent):
        appointment = create(person, referent)
        later = appointment.starts_at + dt.timedelta(days=1)
        services.appointment_update(
            appointment=appointment,
            actor=referent,
            expected_version=1,
            starts_at=later,
            purpose="Nouvel objet",
            with_user=referent,
            duration_minutes=30,
        )
        appointment.refresh_from_db()
        assert appointment.starts_at == later
        assert appointment.purpose == "Nouvel objet"
        assert appointment.duration_minutes == 30

    def test_an_honoured_appointment_keeps_its_date(self, person, referent):
        appointment = AppointmentFactory(
            person=person,
            with_user=referent,
            starts_at=timezone.now() - dt.timedelta(days=1),
            participation="seen",
        )
        with pytest.raises(DomainError) as error:
            services.appointment_update(
                appointment=appointment,
                actor=referent,
                expected_version=1,
                starts_at=appointment.starts_at + dt.timedelta(hours=1),
                purpose="x",
                with_user=referent,
                duration_minutes=45,
            )
        assert error.value.field == "starts_at"

    def test_a_colleague_s_change_is_not_overwritten(self, person, referent):
        """#11, 3: appointments are edited by several people (référent, reception)."""
        appointment = create(person, referent)
        fields = {"with_user": referent, "duration_minutes": 45}
        services.appointment_update(
            appointment=appointment,
            actor=referent,
            expected_version=1,
            starts_at=appointment.starts_at,
            purpose="Déplacé par l'accueil",
            **fields,
        )
        with pytest.raises(StaleObjectError):
            services.appointment_update(
                appointment=appointment,
                actor=referent,
                expected_version=1,
                starts_at=appointment.starts_at,
                purpose="Version périmée",
                **fields,
            )
        appointment.refresh_from_db()
        assert appointment.purpose == "Déplacé par l'accueil"


def test_overlapping_appointments(referent):
    """The seam the agenda reuses: the professional's appointments that overlap a slot."""
    from relais.pathways.selectors import overlapping_appointments

    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    long = AppointmentFactory(with_user=referent, starts_at=start - dt.timedelta(hours=7))
    long.duration_minutes = 8 * 60
    long.save()
    inside = AppointmentFactory(with_user=referent, starts_at=start + dt.timedelta(minutes=10))
    AppointmentFactory(with_user=referent, starts_at=start + dt.timedelta(hours=1))  # after
    AppointmentFactory(with_user=referent, starts_at=start, participation=Participation.CANCELLED)
    AppointmentFactory(starts_at=start)  # someone else
    end = start + dt.timedelta(hours=1)
    assert overlapping_appointments(referent, start, end) == [long, inside]
    assert overlapping_appointments(referent.pk, start, end, exclude=long) == [inside]
    assert overlapping_appointments(referent, start, end, exclude=inside.pk) == [long]
