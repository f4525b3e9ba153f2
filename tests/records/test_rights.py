"""A person's erasure and rectification requests: deadlines, extension, decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.people.models import Person
from relais.records.erasure import ERASED_TEXT
from relais.records.models import ErasedRecord, RequestStatus, RightsRequest
from relais.records.rights import (
    is_overdue,
    open_requests,
    rights_request_close,
    rights_request_extend,
    rights_request_record,
)
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 1, 31)


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


def record(person, actor, kind="erasure", received_on=dt.date(2027, 1, 31), details="Tout effacer"):
    return rights_request_record(
        person=person,
        actor=actor,
        kind=kind,
        received_on=received_on,
        details=details,
        today=TODAY,
    )


class TestRecording:
    def test_one_month_deadline(self, person, referent):
        request = record(person, referent)
        assert request.due_on == dt.date(2027, 2, 28)  # clamped to the month's end
        assert request.status == RequestStatus.OPEN

    @pytest.mark.parametrize(
        ("kind", "received_on", "details", "field"),
        [
            ("other", dt.date(2027, 1, 1), "X", "kind"),
            ("erasure", dt.date(2027, 2, 1), "X", "received_on"),
            ("erasure", dt.date(2017, 1, 1), "X", "received_on"),
            ("erasure", None, "X", "received_on"),
            ("erasure", dt.date(2027, 1, 1), "  ", "details"),
            ("erasure", dt.date(2027, 1, 1), "x" * 3001, "details"),
        ],
    )
    def test_bad_input(self, person, referent, kind, received_on, details, field):
        with pytest.raises(DomainError) as error:
            record(person, referent, kind=kind, received_on=received_on, details=details)
        assert error.value.field == field

    def test_staff_may_not(self, person, staff_member):
        with pytest.raises(PermissionDenied):
            record(person, staff_member)

    def test_another_organisation_may_not(self, person, other_organisation):
        outsider = MembershipFactory(organisation=other_organisation, role="manager").user
        with pytest.raises(PermissionDenied):
            record(person, outsider)

    def test_on_an_archived_record(self, person, referent):
        Person.objects.filter(pk=person.pk).update(archived_at=timezone.now())
        assert record(Person.objects.get(pk=person.pk), referent).pk


class TestDeadline:
    def test_overdue(self, person, referent):
        request = record(person, referent, received_on=dt.date(2026, 12, 1))
        assert not is_overdue(request, today=dt.date(2027, 1, 1))
        assert is_overdue(request, today=dt.date(2027, 1, 2))

    def test_extended_by_two_months_with_a_reason(self, person, referent, manager):
        request = record(person, referent, received_on=dt.date(2027, 1, 10))
        request = rights_request_extend(
            request=request, actor=manager, reason="Demande complexe", today=TODAY
        )
        assert request.due_on == dt.date(2027, 4, 10)

    def test_extension_needs_a_reason(self, person, referent, manager):
        request = record(person, referent)
        with pytest.raises(DomainError, match="motif"):
            rights_request_extend(request=request, actor=manager, reason=" ", today=TODAY)

    def test_extended_once(self, person, referent, manager):
        request = record(person, referent)
        rights_request_extend(request=request, actor=manager, reason="Complexe", today=TODAY)
        with pytest.raises(DomainError, match="qu'une fois"):
            rights_request_extend(request=request, actor=manager, reason="Encore", today=TODAY)

    def test_extension_within_the_first_month(self, person, referent, manager):
        request = record(person, referent, received_on=dt.date(2026, 12, 1))
        with pytest.raises(DomainError, match="premier mois"):
            rights_request_extend(request=request, actor=manager, reason="Complexe", today=TODAY)

    def test_a_referent_may_not_extend(self, person, referent):
        request = record(person, referent)
        with pytest.raises(PermissionDenied):
            rights_request_extend(request=request, actor=referent, reason="X", today=TODAY)


class TestClosing:
    def test_refused_needs_a_reason(self, person, referent, manager):
        request = record(person, referent)
        with pytest.raises(DomainError, match="motivé") as error:
            rights_request_close(request=request, actor=manager, decision="refused", reason="")
        assert error.value.field == "reason"
        assert RightsRequest.objects.get(pk=request.pk).status == RequestStatus.OPEN

    def test_refused(self, person, referent, manager):
        request = record(person, referent)
        request = rights_request_close(
            request=request, actor=manager, decision="refused", reason="Obligation légale"
        )
        assert request.status == RequestStatus.REFUSED
        assert Person.objects.filter(pk=person.pk).exists()

    def test_unknown_decision(self, person, referent, manager):
        request = record(person, referent)
        with pytest.raises(DomainError, match="décision"):
            rights_request_close(request=request, actor=manager, decision="open")

    def test_accepted_erasure_erases_the_record(self, person, referent, manager):
        request = record(person, referent)
        request = rights_request_close(request=request, actor=manager, decision="done", today=TODAY)
        assert not Person.objects.filter(pk=person.pk).exists()
        request.refresh_from_db()
        assert request.status == RequestStatus.DONE and request.person_id is None
        assert request.details == ERASED_TEXT
        assert request.erased_record == ErasedRecord.objects.get(cause="request")

    def test_accepted_rectification_keeps_the_record(self, person, referent, manager):
        request = record(person, referent, kind="rectification", details="Corriger l'adresse")
        rights_request_close(request=request, actor=manager, decision="done")
        assert Person.objects.filter(pk=person.pk).exists()

    def test_closed_twice(self, person, referent, manager):
        request = record(person, referent, kind="rectification")
        rights_request_close(request=request, actor=manager, decision="done")
        with pytest.raises(DomainError, match="déjà close"):
            rights_request_close(request=request, actor=manager, decision="done")

    def test_a_referent_may_not_close(self, person, referent):
        request = record(person, referent)
        with pytest.raises(PermissionDenied):
            rights_request_close(request=request, actor=referent, decision="done")

    def test_the_list_puts_the_most_urgent_first(self, person, referent, organisation):
        late = record(person, referent, received_on=dt.date(2026, 11, 1))
        soon = record(person, referent, received_on=dt.date(2027, 1, 20))
        assert list(open_requests(organisation.pk)) == [late, soon]
