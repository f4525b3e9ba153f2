"""Notes (écrits professionnels): creation, edition with optimistic locking, drafts, and the
visibility rule (author only / organisation) for every role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.pathways import notes as services
from relais.pathways.models import Note, NoteDraft
from relais.people.policies import can_read_note
from tests.factories import (
    MembershipFactory,
    NoteFactory,
    PathwayFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


def make(person, author, **kwargs):
    values = {
        "kind": "interview",
        "occurred_on": timezone.localdate(),
        "body": "Entretien : point sur la recherche de logement.",
        "visibility": "organisation",
    }
    values.update(kwargs)
    return services.note_create(person=person, author=author, **values)


class TestNoteCreate:
    def test_creates_the_note_and_keeps_accepted_flags(self, person, referent):
        note = make(
            person,
            referent,
            body="  Il se dit « fainéant ».  ",
            writing_flags=[{"word": "fainéant", "term": "fainéant", "category": "judgement"}],
        )
        note.refresh_from_db()
        assert note.body == "Il se dit « fainéant »."
        assert note.author == referent
        assert note.updated_by == referent
        assert note.version == 1
        assert note.writing_flags == [
            {"word": "fainéant", "term": "fainéant", "category": "judgement"}
        ]

    def test_saving_the_note_deletes_the_authors_draft_only(self, person, referent, organisation):
        colleague = MembershipFactory(organisation=organisation).user
        services.note_draft_save(person=person, author=referent, data={"body": "brouillon"})
        services.note_draft_save(person=person, author=colleague, data={"body": "le sien"})
        make(person, referent)
        assert not NoteDraft.objects.filter(author=referent).exists()
        assert NoteDraft.objects.filter(author=colleague).exists()

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"body": "   "}, "body"),
            ({"body": "x" * 20001}, "body"),
            ({"kind": "poeme"}, "kind"),
            ({"visibility": "everyone"}, "visibility"),
            ({"occurred_on": timezone.localdate() + dt.timedelta(days=1)}, "occurred_on"),
        ],
    )
    def test_bad_input(self, person, referent, changes, field):
        with pytest.raises(DomainError) as error:
            make(person, referent, **changes)
        assert error.value.field == field
        assert not Note.objects.exists()

    def test_pathway_must_be_the_persons(self, person, referent):
        other = PathwayFactory()
        with pytest.raises(DomainError) as error:
            make(person, referent, pathway=other)
        assert error.value.field == "pathway"
        own = PathwayFactory(person=person)
        assert make(person, referent, pathway=own).pathway == own


class TestNoteUpdate:
    def test_author_updates_with_the_current_version(self, person, referent):
        note = make(person, referent)
        updated = services.note_update(
            note=note,
            actor=referent,
            expected_version=1,
            kind="phone",
            occurred_on=note.occurred_on,
            body="Appel : rendez-vous fixé.",
            visibility="author",
        )
        assert updated.version == 2
        assert updated.body == "Appel : rendez-vous fixé."
        assert updated.visibility == "author"

    def test_stale_version_is_refused_naming_who_changed_it(self, person, referent):
        note = make(person, referent)
        fields = {
            "kind": "interview",
            "occurred_on": note.occurred_on,
            "visibility": "organisation",
        }
        services.note_update(
            note=note, actor=referent, expected_version=1, body="Première version.", **fields
        )
        stale = Note.objects.get(pk=note.pk)
        stale.version = 1
        with pytest.raises(StaleObjectError) as error:
            services.note_update(
                note=stale, actor=referent, expected_version=1, body="Écrase ?", **fields
            )
        assert "Modifié entre-temps par" in error.value.message
        assert Note.objects.get(pk=note.pk).body == "Première version."

    def test_only_the_author_edits(self, person, referent, manager):
        note = make(person, referent)
        with pytest.raises(PermissionDenied):
            services.note_update(
                note=note,
                actor=manager,
                expected_version=1,
                kind="interview",
                occurred_on=note.occurred_on,
                body="Réécrit par le responsable.",
                visibility="organisation",
            )

    def test_update_deletes_the_draft(self, person, referent):
        note = make(person, referent)
        services.note_draft_save(
            person=person, author=referent, data={"body": "en cours", "note": str(note.pk)}
        )
        services.note_update(
            note=note,
            actor=referent,
            expected_version=1,
            kind="interview",
            occurred_on=note.occurred_on,
            body="Version finale.",
            visibility="organisation",
        )
        assert not NoteDraft.objects.exists()


class TestDrafts:
    def test_one_draft_per_author_and_person_updated_in_place(self, person, referent):
        first = services.note_draft_save(person=person, author=referent, data={"body": "Un"})
        second = services.note_draft_save(
            person=person, author=referent, data={"body": "Un deux", "kind": "phone"}
        )
        assert first.pk == second.pk
        assert NoteDraft.objects.count() == 1
        assert NoteDraft.objects.get().data == {
            "kind": "phone",
            "occurred_on": "",
            "body": "Un deux",
            "visibility": "",
            "pathway": "",
            "note": "",
        }

    def test_unknown_keys_are_dropped_and_values_made_text(self, person, referent):
        draft = services.note_draft_save(
            person=person, author=referent, data={"body": 12, "evil": "x", "pathway": None}
        )
        assert draft.data["body"] == "12"
        assert draft.data["pathway"] == ""
        assert "evil" not in draft.data

    def test_too_long_is_refused(self, person, referent):
        with pytest.raises(DomainError):
            services.note_draft_save(person=person, author=referent, data={"body": "x" * 20001})
        with pytest.raises(DomainError):
            services.note_draft_save(person=person, author=referent, data=["not", "a", "dict"])

    def test_a_late_draft_identical_to_the_saved_note_is_not_kept(self, person, referent):
        note = make(person, referent, body="Texte final.")
        assert (
            services.note_draft_save(person=person, author=referent, data={"body": "Texte final."})
            is None
        )
        assert not NoteDraft.objects.exists()
        # A different text is a real draft.
        assert services.note_draft_save(
            person=person, author=referent, data={"body": "Texte final. Et une suite."}
        )
        # Another author's note does not count.
        other = MembershipFactory(organisation=person.organisation).user
        assert services.note_draft_save(person=person, author=other, data={"body": note.body})

    def test_discard(self, person, referent):
        services.note_draft_save(person=person, author=referent, data={"body": "x"})
        assert services.note_draft_discard(person=person, author=referent) is True
        assert services.note_draft_discard(person=person, author=referent) is False


class TestVisibilityMatrix:
    """can_read_note: author-only notes are read by their author alone, whatever the role;
    organisation notes by référents and managers of the organisation, never by the staff
    role nor by another organisation."""

    @pytest.fixture
    def cast(self, organisation, other_organisation):
        author = MembershipFactory(organisation=organisation, role="referent")
        return {
            "author": author,
            "colleague": MembershipFactory(organisation=organisation, role="referent"),
            "manager": MembershipFactory(organisation=organisation, role="manager"),
            "staff": MembershipFactory(organisation=organisation, role="staff"),
            "other organisation": MembershipFactory(
                organisation=other_organisation, role="manager"
            ),
            "deactivated author": None,  # filled below
        }

    @pytest.mark.parametrize(
        ("reader", "organisation_note", "author_note"),
        [
            ("author", True, True),
            ("colleague", True, False),
            ("manager", True, False),
            ("staff", False, False),
            ("other organisation", False, False),
        ],
    )
    def test_matrix(self, cast, organisation, reader, organisation_note, author_note):
        author = cast["author"].user
        person = PersonFactory(organisation=organisation)
        shared = NoteFactory(person=person, author=author, visibility="organisation")
        private = NoteFactory(person=person, author=author, visibility="author")
        membership = cast[reader]
        assert can_read_note(membership, shared) is organisation_note
        assert can_read_note(membership, private) is author_note

    def test_no_membership_reads_nothing(self, organisation):
        note = NoteFactory(person=PersonFactory(organisation=organisation))
        assert can_read_note(None, note) is False

    def test_a_deactivated_author_no_longer_reads_even_their_own_note(self, organisation):
        membership = MembershipFactory(organisation=organisation, role="referent", inactive=True)
        note = NoteFactory(
            person=PersonFactory(organisation=organisation),
            author=membership.user,
            visibility="author",
        )
        assert can_read_note(membership, note) is False
