"""Incidents and safety flags: the rules of the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.pathways import safety
from relais.pathways.safety_models import IncidentStatus, SafetyFlag, SafetyFlagKind
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


def record(person, actor, **changes):
    values = {
        "occurred_on": timezone.localdate(),
        "description": "M. X a haussé le ton et frappé la table à l'accueil.",
        "follow_up": "Entretien de recadrage la semaine prochaine, à deux.",
    }
    values.update(changes)
    return safety.incident_record(person=person, actor=actor, **values)


def test_incident_with_flag(person, referent):
    incident = record(person, referent, flag_kind=SafetyFlagKind.NOT_ALONE)
    assert incident.status == IncidentStatus.OPEN
    flags = safety.active_flags(person)
    assert [f.kind for f in flags] == [SafetyFlagKind.NOT_ALONE]
    assert flags[0].incident == incident
    assert flags[0].label == "Ne pas recevoir seul·e"


def test_incident_in_the_future_refused(person, referent):
    with pytest.raises(DomainError) as error:
        record(person, referent, occurred_on=timezone.localdate() + dt.timedelta(days=2))
    assert error.value.field == "occurred_on"


def test_incident_without_description_refused(person, referent):
    with pytest.raises(DomainError, match="Décrivez"):
        record(person, referent, description="   ")


def test_staff_cannot_record(person, staff_member):
    with pytest.raises(PermissionDenied):
        record(person, staff_member)


def test_other_organisation_cannot_record(person):
    outsider = MembershipFactory(role="referent").user
    with pytest.raises(PermissionDenied):
        record(person, outsider)


def test_flag_lifted_without_reason_refused(person, referent):
    flag = safety.flag_raise(person=person, actor=referent, kind=SafetyFlagKind.TWO_PROFESSIONALS)
    with pytest.raises(DomainError, match="sans motif"):
        safety.flag_lift(flag=flag, actor=referent, reason="  ")
    flag.refresh_from_db()
    assert flag.is_active


def test_flag_lifted_once_with_reason(person, referent):
    flag = safety.flag_raise(person=person, actor=referent, kind=SafetyFlagKind.NOT_ALONE)
    safety.flag_lift(flag=flag, actor=referent, reason="Situation apaisée depuis trois mois.")
    assert safety.active_flags(person) == []
    with pytest.raises(DomainError, match="déjà été levée"):
        safety.flag_lift(flag=flag, actor=referent, reason="Encore une fois.")


def test_database_refuses_a_lift_without_reason(person, referent):
    flag = safety.flag_raise(person=person, actor=referent, kind=SafetyFlagKind.NOT_ALONE)
    with pytest.raises(IntegrityError):
        SafetyFlag.objects.filter(pk=flag.pk).update(lifted_at=timezone.now())


def test_same_active_flag_twice_refused(person, referent):
    safety.flag_raise(person=person, actor=referent, kind=SafetyFlagKind.NOT_ALONE)
    with pytest.raises(DomainError, match="déjà active"):
        safety.flag_raise(person=person, actor=referent, kind=SafetyFlagKind.NOT_ALONE)


def test_other_kind_needs_instruction(person, referent):
    with pytest.raises(DomainError) as error:
        safety.flag_raise(person=person, actor=referent, kind=SafetyFlagKind.OTHER)
    assert error.value.field == "instruction"


def test_unknown_kind_refused(person, referent):
    with pytest.raises(DomainError):
        safety.flag_raise(person=person, actor=referent, kind="bogus")


def test_close_incident_follow_up(person, referent, manager, organisation):
    incident = record(person, referent)
    assert list(safety.open_incidents(organisation)) == [incident]
    with pytest.raises(DomainError, match="bilan"):
        safety.incident_close(incident=incident, actor=manager, closing_note="")
    safety.incident_close(incident=incident, actor=manager, closing_note="Recadrage fait.")
    assert list(safety.open_incidents(organisation)) == []
    with pytest.raises(DomainError, match="déjà terminé"):
        safety.incident_close(incident=incident, actor=manager, closing_note="Encore.")
