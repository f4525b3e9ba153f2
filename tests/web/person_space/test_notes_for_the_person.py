"""Notes written for the person (visibility « la personne », decision 0065): chosen in the
note form, labelled for the professional, shown in the person's space — and no other note
is (author-only, organisation, team, another person's)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.errors import DomainError
from relais.core.models import AccessLogEntry
from relais.pathways import notes as note_services
from relais.pathways.models import Note, NoteVisibility
from relais.records.export import person_export
from tests.factories import NoteFactory, PersonFactory, co_follower
from tests.factories.person_space import SpaceAccessFactory, space_client
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db

FOR_THE_PERSON = "Rendez-vous pris à la CAF le 12 : apportez votre avis d'imposition."
OTHER_VISIBILITIES = [v for v in NoteVisibility.values if v != NoteVisibility.PERSON]


@pytest.fixture
def access():
    return SpaceAccessFactory()


def _note(person, author, visibility, body):
    return NoteFactory(person=person, author=author, visibility=visibility, body=body)


@pytest.fixture
def notes(access):
    """One note of each visibility, plus a note for another person of the same référent."""
    person, author = access.person, access.invited_by
    made = {v: _note(person, author, v, f"ÉCRIT-{v.upper()}") for v in OTHER_VISIBILITIES}
    made["person"] = _note(person, author, NoteVisibility.PERSON, FOR_THE_PERSON)
    other = PersonFactory(organisation=person.organisation, referent=author)
    made["other_person"] = _note(other, author, NoteVisibility.PERSON, "ÉCRIT-AUTRE-PERSONNE")
    return made


class TestProfessionalSide:
    def test_the_form_offers_it_with_a_clear_label(self, client, access):
        login_verified(client, access.invited_by)
        text = page_text(client.get(reverse("pathways:note_create", args=[access.person_id])))
        assert "La personne, dans son espace personnel (et ma structure)" in text
        assert "elle le lit dans son espace personnel" in text

    def test_a_note_for_the_person_is_written_from_the_form(self, client, access):
        login_verified(client, access.invited_by)
        response = client.post(
            reverse("pathways:note_create", args=[access.person_id]),
            {
                "kind": "interview",
                "occurred_on": timezone.localdate().isoformat(),
                "visibility": "person",
                "body": FOR_THE_PERSON,
                "pathway": "",
            },
        )
        assert response.status_code == 302
        note = Note.objects.get()
        assert note.visibility == NoteVisibility.PERSON
        text = page_text(
            client.get(reverse("pathways:note_detail", args=[note.person_id, note.pk]))
        )
        assert "Pour la personne : visible dans son espace personnel" in text

    def test_an_unknown_visibility_is_refused(self, access):
        with pytest.raises(DomainError, match="qui peut lire"):
            note_services.note_create(
                person=access.person,
                author=access.invited_by,
                kind="interview",
                occurred_on=timezone.localdate(),
                body="Texte",
                visibility="everyone",
            )

    def test_timeline_and_notes_section_label_it(self, client, access, notes):
        login_verified(client, access.invited_by)
        url = reverse("pathways:timeline", args=[access.person_id])
        assert "Pour la personne" in page_text(client.get(url))

    def test_the_coordination_team_never_reads_it(self, client, access, notes):
        member = co_follower(access.person, categories=("identity", "notes"))
        login_verified(client, member.user)
        response = client.get(reverse("teams:shared_notes", args=[access.person_id]))
        assert response.status_code == 200
        text = page_text(response)
        assert "ÉCRIT-TEAM" in text
        assert FOR_THE_PERSON not in text


class TestTheSpace:
    def test_shows_exactly_the_notes_written_for_the_person(self, client, access, notes):
        space_client(client, access)
        text = page_text(client.get(reverse("space:notes")))
        assert FOR_THE_PERSON in text
        for visibility in OTHER_VISIBILITIES:
            assert f"ÉCRIT-{visibility.upper()}" not in text
        assert "ÉCRIT-AUTRE-PERSONNE" not in text
        entry = AccessLogEntry.objects.order_by("-id").first()
        assert entry.actor is None
        assert entry.actor_email.startswith("personne (espace personnel)")
        assert entry.summary == "espace personnel : écrits pour moi"

    @pytest.mark.parametrize(
        "name",
        [
            "space:home",
            "space:pathway",
            "space:appointments",
            "space:contracts",
            "space:consents",
            "space:documents",
            "space:diagnostic",
            "space:messages",
            "space:rights",
            "space:notes",
        ],
    )
    def test_no_other_note_on_any_page(self, client, access, notes, name):
        space_client(client, access)
        text = page_text(client.get(reverse(name)))
        assert "ÉCRIT-" not in text

    def test_home_points_to_the_latest(self, client, access, notes):
        space_client(client, access)
        text = page_text(client.get(reverse("space:home")))
        assert 'data-testid="latest-note"' in text
        assert f"#ecrit-{notes['person'].pk}" in text

    def test_nothing_written_for_the_person(self, client, access):
        _note(access.person, access.invited_by, NoteVisibility.ORGANISATION, "ÉCRIT-ORG")
        space_client(client, access)
        assert "Rien pour l'instant." in page_text(client.get(reverse("space:notes")))
        assert 'data-testid="latest-note"' not in page_text(client.get(reverse("space:home")))

    def test_the_export_holds_the_same_notes(self, client, access, notes):
        space_client(client, access)
        body = client.get(reverse("space:export_json")).content.decode()
        assert FOR_THE_PERSON in json.dumps(json.loads(body), ensure_ascii=False)
        assert "ÉCRIT-" not in body
        pdf = client.get(reverse("space:export_pdf"))
        assert pdf["Content-Type"] == "application/pdf"

    def test_the_organisations_full_copy_keeps_every_note(self, access, notes):
        export = person_export(access.person, actor=None, for_the_person=True)
        group = next(g for g in export.groups if g.key == "ecrits")
        assert len(group.items) == len(NoteVisibility.values)

    def test_query_count_does_not_grow(self, client, access):
        space_client(client, access)
        _note(access.person, access.invited_by, NoteVisibility.PERSON, "un")
        client.get(reverse("space:notes"))
        few = count_queries(lambda: client.get(reverse("space:notes")))
        for i in range(20):
            _note(access.person, access.invited_by, NoteVisibility.PERSON, f"écrit {i}")
        assert count_queries(lambda: client.get(reverse("space:notes"))) == few
