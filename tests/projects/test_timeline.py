"""Attendance at workshop sessions shows in the person's timeline."""

import pytest

from relais.accounts.models import Membership
from relais.records.timeline import TimelineKind, build_timeline
from tests.factories.projects import AttendanceFactory

pytestmark = pytest.mark.django_db


def test_attendance_in_timeline(organisation, referent):
    present = AttendanceFactory(
        session__workshop__organisation=organisation, session__workshop__title="Atelier CV"
    )
    absent = AttendanceFactory(session=present.session, person__referent=referent, status="absent")
    membership = Membership.objects.get(user=referent, organisation=organisation)
    items = build_timeline(absent.person, membership, kinds=[TimelineKind.WORKSHOP]).items
    assert [(i.title, i.badge, i.badge_level) for i in items] == [
        ("Atelier : Atelier CV", "Absent·e", "error")
    ]
    assert items[0].url.startswith("/projets/ateliers/")
    everything = build_timeline(present.person, membership).items
    assert any(i.kind == TimelineKind.WORKSHOP and i.badge == "Présent·e" for i in everything)


def test_workshops_in_the_right_of_access_export(organisation, referent):
    from relais.records.export import as_json, person_export

    attendance = AttendanceFactory(
        session__workshop__organisation=organisation,
        session__workshop__title="Atelier CV",
        person__referent=referent,
        status="excused",
    )
    export = as_json(person_export(attendance.person, actor=referent, for_the_person=True))
    text = str(export)
    assert "Atelier CV" in text and "Ateliers et séquences de formation" in text
    assert "Absent·e excusé·e" in text
