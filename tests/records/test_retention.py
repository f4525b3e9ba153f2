"""The retention policy and the scheduled job: due dates, floors and ceilings, warnings a
month ahead, erasure, postponement, documents' own retention, the command end to end."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import AccessLogEntry, JournalAction
from relais.notifications.models import Notification
from relais.pathways.models import Note
from relais.people.models import Document, Person
from relais.records.models import ErasedRecord, RetentionPolicy, RetentionWarning
from relais.records.retention import (
    apply_retention,
    apply_retention_task,
    due_on_of,
    due_records,
    policy_of,
    retention_hold_add,
    retention_policy_update,
)
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    DocumentFactory,
    ExitFactory,
    NoteFactory,
    PathwayFactory,
    PersonFactory,
    ReferralFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 6, 15)


def opened_on(day: dt.date, **kwargs) -> Person:
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    person = PersonFactory(**kwargs)
    Person.objects.filter(pk=person.pk).update(created_at=when)
    return Person.objects.get(pk=person.pk)


class TestPolicy:
    def test_defaults_without_a_row(self, organisation):
        policy = policy_of(organisation)
        assert policy.months_after_last_activity == 24
        assert policy.document_months_after_expiry == 3

    def test_a_manager_sets_it(self, organisation, manager):
        retention_policy_update(
            organisation=organisation, actor=manager, months=36, document_months=6
        )
        assert (
            RetentionPolicy.objects.get(organisation=organisation).months_after_last_activity == 36
        )

    @pytest.mark.parametrize("months", [0, 11, 61, 1000, -1])
    def test_out_of_bounds(self, organisation, manager, months):
        with pytest.raises(DomainError, match="entre 12 et 60 mois") as error:
            retention_policy_update(
                organisation=organisation, actor=manager, months=months, document_months=3
            )
        assert error.value.field == "months"

    @pytest.mark.parametrize("months", [0, 25])
    def test_documents_out_of_bounds(self, organisation, manager, months):
        with pytest.raises(DomainError, match="entre 1 et 24 mois"):
            retention_policy_update(
                organisation=organisation, actor=manager, months=24, document_months=months
            )

    def test_not_a_number(self, organisation, manager):
        with pytest.raises(DomainError, match="nombre de mois"):
            retention_policy_update(
                organisation=organisation, actor=manager, months="24", document_months=3
            )

    def test_a_referent_may_not(self, organisation, referent):
        with pytest.raises(PermissionDenied):
            retention_policy_update(
                organisation=organisation, actor=referent, months=24, document_months=3
            )


class TestDueDates:
    def test_from_the_opening_without_anything_else(self, organisation):
        person = opened_on(dt.date(2025, 5, 1), organisation=organisation)
        assert due_on_of(person, today=TODAY).due_on == dt.date(2027, 5, 1)

    def test_the_latest_activity_counts(self, organisation):
        person = opened_on(dt.date(2020, 1, 1), organisation=organisation)
        ExitFactory(pathway__person=person, exited_on=dt.date(2024, 3, 31))
        NoteFactory(person=person, occurred_on=dt.date(2021, 1, 1))
        Note.objects.filter(person=person).update(
            created_at=timezone.make_aware(dt.datetime(2021, 1, 1, 10))
        )
        AppointmentFactory(
            person=person, starts_at=timezone.make_aware(dt.datetime(2025, 2, 10, 9))
        )
        due = due_on_of(person, today=TODAY)
        assert due.last_activity == dt.date(2025, 2, 10)
        assert due.due_on == dt.date(2027, 2, 10)

    def test_a_future_appointment_is_not_a_contact(self, organisation):
        person = opened_on(dt.date(2020, 1, 1), organisation=organisation)
        AppointmentFactory(person=person, starts_at=timezone.now() + dt.timedelta(days=400))
        assert due_on_of(person).last_activity == dt.date(2020, 1, 1)

    def test_end_of_month_is_clamped(self, organisation):
        person = opened_on(dt.date(2024, 2, 29), organisation=organisation)
        assert due_on_of(person, today=TODAY).due_on == dt.date(2026, 2, 28)

    def test_an_open_pathway_is_never_due(self, organisation):
        person = opened_on(dt.date(2015, 1, 1), organisation=organisation)
        PathwayFactory(person=person)
        assert due_on_of(person, today=TODAY) is None
        assert due_records(organisation, today=TODAY) == []

    def test_a_running_referral_is_never_due(self, organisation):
        person = opened_on(dt.date(2015, 1, 1), organisation=organisation)
        ReferralFactory(person=person)
        assert due_records(organisation, today=TODAY) == []

    def test_the_policy_of_the_organisation(self, organisation, manager):
        retention_policy_update(
            organisation=organisation, actor=manager, months=12, document_months=3
        )
        person = opened_on(dt.date(2026, 6, 1), organisation=organisation)
        assert [d.person_id for d in due_records(organisation, today=TODAY)] == [person.pk]

    def test_within_the_warning_window_only(self, organisation):
        opened_on(dt.date(2025, 8, 1), organisation=organisation)  # due 2027-08-01
        assert due_records(organisation, today=TODAY) == []
        assert len(due_records(organisation, today=dt.date(2027, 7, 2))) == 1


class TestHold:
    def test_postpones(self, organisation, manager):
        person = opened_on(dt.date(2020, 1, 1), organisation=organisation)
        retention_hold_add(
            person=person,
            actor=manager,
            until=dt.date(2028, 1, 1),
            reason="Contentieux en cours",
            today=TODAY,
        )
        due = due_on_of(person, today=TODAY)
        assert due.due_on == dt.date(2028, 1, 2) and due.held_until == dt.date(2028, 1, 1)
        entry = AccessLogEntry.objects.get(summary__startswith="effacement reporté")
        assert "Contentieux" not in entry.summary

    @pytest.mark.parametrize(
        ("until", "reason", "message"),
        [
            (TODAY, "Motif", "dans le futur"),
            (dt.date(2033, 1, 1), "Motif", "5 ans au plus"),
            (dt.date(2028, 1, 1), "   ", "motif du report"),
            ("2028-01-01", "Motif", "jusqu'à quand"),
        ],
    )
    def test_bad_input(self, organisation, manager, until, reason, message):
        person = opened_on(dt.date(2020, 1, 1), organisation=organisation)
        with pytest.raises(DomainError, match=message):
            retention_hold_add(
                person=person, actor=manager, until=until, reason=reason, today=TODAY
            )

    def test_a_referent_may_not(self, organisation, referent):
        person = opened_on(dt.date(2020, 1, 1), organisation=organisation, referent=referent)
        with pytest.raises(PermissionDenied):
            retention_hold_add(
                person=person, actor=referent, until=dt.date(2028, 1, 1), reason="X", today=TODAY
            )


class TestTheJob:
    def test_warns_then_erases_a_month_later(
        self, organisation, manager, django_capture_on_commit_callbacks
    ):
        person = opened_on(dt.date(2025, 1, 1), organisation=organisation)  # due 2027-01-01
        with django_capture_on_commit_callbacks(execute=True):
            run = apply_retention(today=TODAY)
        assert (run.warned, run.erased) == (1, 0)  # never erased without a month's warning
        notice = Notification.objects.get(organisation=organisation)
        assert "1 dossier arrive au terme" in notice.message
        assert [m.to for m in mail.outbox] == [[manager.email]]
        assert person.birth_name not in mail.outbox[0].body
        assert person.first_names not in mail.outbox[0].body
        # The next day: nothing new (warned once per due date).
        assert apply_retention(today=TODAY + dt.timedelta(days=1)).warned == 0
        # A month later: erased.
        RetentionWarning.objects.update(sent_at=timezone.now() - dt.timedelta(days=31))
        run = apply_retention(today=TODAY + dt.timedelta(days=31))
        assert run.erased == 1
        assert not Person.objects.filter(pk=person.pk).exists()
        assert ErasedRecord.objects.get().cause == "retention"
        assert Notification.objects.filter(message__startswith="1 dossier effacé").exists()
        entry = AccessLogEntry.objects.get(action=JournalAction.DELETE, person_id=person.pk)
        assert entry.actor is None and entry.actor_email == "système"

    def test_a_held_record_is_kept(self, organisation, manager):
        person = opened_on(dt.date(2025, 1, 1), organisation=organisation)
        apply_retention(today=TODAY)
        RetentionWarning.objects.update(sent_at=timezone.now() - dt.timedelta(days=40))
        retention_hold_add(
            person=person,
            actor=manager,
            until=TODAY + dt.timedelta(days=200),
            reason="Contentieux",
            today=TODAY,
        )
        assert apply_retention(today=TODAY + dt.timedelta(days=35)).erased == 0
        assert Person.objects.filter(pk=person.pk).exists()

    def test_a_new_due_date_needs_its_own_warning(self, organisation):
        person = opened_on(dt.date(2025, 1, 1), organisation=organisation)
        # An old warning, for another due date (the record had activity since).
        RetentionWarning.objects.create(
            person=person,
            due_on=dt.date(2024, 1, 1),
            sent_at=timezone.now() - dt.timedelta(days=400),
        )
        run = apply_retention(today=TODAY)
        assert (run.warned, run.erased) == (1, 0)
        assert Person.objects.filter(pk=person.pk).exists()

    def test_a_postponement_is_followed_by_a_new_warning(self, organisation, manager):
        person = opened_on(dt.date(2025, 1, 1), organisation=organisation)
        apply_retention(today=TODAY)
        RetentionWarning.objects.update(sent_at=timezone.now() - dt.timedelta(days=40))
        retention_hold_add(
            person=person,
            actor=manager,
            until=TODAY + dt.timedelta(days=10),
            reason="Contentieux",
            today=TODAY,
        )
        assert not RetentionWarning.objects.exists()
        # The postponement is over: warned again, not erased at once.
        run = apply_retention(today=TODAY + dt.timedelta(days=11))
        assert (run.warned, run.erased) == (1, 0)

    def test_an_active_record_is_kept(self, organisation):
        person = opened_on(dt.date(2015, 1, 1), organisation=organisation)
        PathwayFactory(person=person)
        run = apply_retention(today=TODAY)
        assert (run.warned, run.erased) == (0, 0)

    def test_expired_documents(self, organisation, django_capture_on_commit_callbacks):
        person = PersonFactory(organisation=organisation)
        old = DocumentFactory(person=person, expires_on=dt.date(2027, 3, 14))
        recent = DocumentFactory(person=person, expires_on=dt.date(2027, 3, 16))
        signed = DocumentFactory(person=person, expires_on=dt.date(2020, 1, 1))
        ConsentFactory(person=person, method="signed_form", witness_name="", document=signed)
        name = old.file.name
        with django_capture_on_commit_callbacks(execute=True):
            run = apply_retention(today=TODAY)  # 3 months after 14/03: 14/06
        assert run.documents_deleted == 1
        assert set(Document.objects.values_list("pk", flat=True)) == {recent.pk, signed.pk}
        assert not default_storage.exists(name)
        entry = AccessLogEntry.objects.get(target_type="people.document", target_id=str(old.pk))
        assert entry.action == JournalAction.DELETE and entry.person_id == person.pk

    def test_expired_documents_of_an_archived_record(self, organisation):
        person = PersonFactory(organisation=organisation)
        DocumentFactory(person=person, expires_on=dt.date(2020, 1, 1))
        Person.objects.filter(pk=person.pk).update(archived_at=timezone.now())
        assert apply_retention(today=TODAY).documents_deleted == 1

    def test_the_command(self, organisation):
        opened_on(dt.date(2010, 1, 1), organisation=organisation)
        out = StringIO()
        call_command("apply_retention", stdout=out)
        assert "1 dossier(s) signalé(s)" in out.getvalue()

    def test_the_task(self, organisation):
        opened_on(dt.date(2010, 1, 1), organisation=organisation)
        result = apply_retention_task.enqueue()
        assert result.return_value["warned"] == 1
