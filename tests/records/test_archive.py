"""Archiving a record: who may, what it refuses, and that an archived record is read-only
whichever service writes to it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import AccessLogEntry
from relais.pathways.notes import note_create
from relais.people.archive import ARCHIVED_MESSAGE, RecordArchived, person_id_of
from relais.people.models import Person
from relais.people.services import life_event_add, person_update
from relais.records.archive import person_archive, person_unarchive
from tests.factories import (
    AppointmentFactory,
    ExitFactory,
    GoalFactory,
    MembershipFactory,
    PathwayFactory,
    PersonFactory,
    ReferralFactory,
)
from tests.records.test_erasure import full_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


def archived(person):
    Person.objects.filter(pk=person.pk).update(archived_at=timezone.now())
    return Person.objects.get(pk=person.pk)


class TestWhoMay:
    def test_the_persons_referent_archives(self, person, referent):
        person_archive(person=person, actor=referent)
        assert Person.objects.get(pk=person.pk).archived_at is not None
        assert AccessLogEntry.objects.filter(summary="dossier archivé", person_id=person.pk)

    def test_a_manager_archives_and_unarchives(self, person, manager):
        person_archive(person=person, actor=manager)
        person_unarchive(person=person, actor=manager)
        assert Person.objects.get(pk=person.pk).archived_at is None
        assert AccessLogEntry.objects.filter(summary="dossier désarchivé")

    def test_another_referent_may_not_archive(self, person, organisation):
        other = MembershipFactory(organisation=organisation, role="referent").user
        with pytest.raises(PermissionDenied):
            person_archive(person=person, actor=other)

    def test_staff_may_not_archive(self, person, staff_member):
        with pytest.raises(PermissionDenied):
            person_archive(person=person, actor=staff_member)

    def test_the_referent_may_not_unarchive(self, person, referent):
        person = archived(person)
        with pytest.raises(PermissionDenied):
            person_unarchive(person=person, actor=referent)

    def test_a_manager_of_another_organisation_may_not(self, person, other_organisation):
        outsider = MembershipFactory(organisation=other_organisation, role="manager").user
        with pytest.raises(PermissionDenied):
            person_archive(person=person, actor=outsider)


class TestPreconditions:
    def test_twice_is_refused(self, person, manager):
        person_archive(person=person, actor=manager)
        with pytest.raises(DomainError, match="déjà archivé"):
            person_archive(person=person, actor=manager)

    def test_unarchiving_a_live_record_is_refused(self, person, manager):
        with pytest.raises(DomainError, match="n'est pas archivé"):
            person_unarchive(person=person, actor=manager)

    def test_an_open_pathway_is_closed_first(self, person, manager):
        PathwayFactory(person=person)
        with pytest.raises(DomainError, match="parcours est en cours"):
            person_archive(person=person, actor=manager)

    def test_a_closed_pathway_does_not_prevent_it(self, person, manager):
        ExitFactory(pathway__person=person)
        person_archive(person=person, actor=manager)

    def test_a_planned_appointment_is_cancelled_first(self, person, manager):
        AppointmentFactory(person=person, starts_at=timezone.now() + dt.timedelta(days=3))
        with pytest.raises(DomainError, match="rendez-vous est prévu"):
            person_archive(person=person, actor=manager)

    def test_a_past_appointment_does_not_prevent_it(self, person, manager):
        AppointmentFactory(person=person, starts_at=timezone.now() - dt.timedelta(days=3))
        person_archive(person=person, actor=manager)

    def test_a_running_referral_is_ended_first(self, person, manager):
        ReferralFactory(person=person)
        with pytest.raises(DomainError, match="orientation est en cours"):
            person_archive(person=person, actor=manager)


class TestReadOnly:
    """The guard (relais.people.archive) refuses every write on an archived record."""

    def test_identity(self, person, referent):
        person = archived(person)
        with pytest.raises(RecordArchived, match="lecture seule"):
            person_update(person=person, actor=referent, expected_version=person.version, data={})

    def test_a_child_record(self, person, referent):
        person = archived(person)
        with pytest.raises(RecordArchived):
            life_event_add(
                person=person, actor=referent, kind="move", occurred_on=dt.date(2024, 1, 1)
            )

    def test_a_note(self, person, referent):
        person = archived(person)
        with pytest.raises(RecordArchived):
            note_create(
                person=person,
                author=referent,
                kind="interview",
                occurred_on=timezone.localdate(),
                body="Entretien.",
            )

    def test_a_grandchild_record_through_its_pathway(self, person):
        goal = GoalFactory(pathway=ExitFactory(pathway__person=person).pathway)
        archived(person)
        goal.text = "Autre objectif"
        with pytest.raises(RecordArchived):
            goal.save()

    def test_deleting(self, person):
        goal = GoalFactory(pathway=ExitFactory(pathway__person=person).pathway)
        archived(person)
        with pytest.raises(RecordArchived):
            goal.delete()

    def test_writes_resume_after_unarchiving(self, person, manager):
        person = archived(person)
        person_unarchive(person=person, actor=manager)
        life_event_add(person=person, actor=manager, kind="move", occurred_on=dt.date(2024, 1, 1))

    def test_the_message_is_french_and_says_who_can_undo(self):
        assert "responsable" in ARCHIVED_MESSAGE and "désarchiver" in ARCHIVED_MESSAGE


def _rooted_at_a_person(model) -> bool:
    """Whether `journal_parent` leads from `model` to a person's record. The certification
    candidates are personal data of another subject (a trainee, not an accompanied person):
    their rows lead to the candidate, and the record's archive does not govern them."""
    label = model._meta.label_lower
    for _ in range(10):
        if label == "people.person":
            return True
        link = getattr(apps.get_model(label), "journal_parent", None)
        if link is None:
            return False
        label = link[0]
    return False


def test_the_guard_reaches_the_person_from_every_personal_model():
    """Every model that holds personal data leads to its person through `journal_parent`,
    so the guard refuses writes on each of them (a new model without it fails here)."""
    person, _ = full_record()
    for model in apps.get_models():
        if not getattr(model, "holds_personal_data", False) or not _rooted_at_a_person(model):
            continue
        rows = list(model._base_manager.all()[:50])
        assert rows, f"full_record() creates no {model._meta.label}"
        # The record has namesakes and a merged twin: one row at least leads to the person.
        assert str(person.pk) in {str(person_id_of(row)) for row in rows}, model._meta.label
