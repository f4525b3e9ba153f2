"""Note pages: writing check before saving, drafts (including an expired session), edition
with optimistic locking, visibility, journal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AccessLogEntry
from relais.pathways.models import Note, NoteDraft
from relais.pathways.writing_check import check_text, flags_fingerprint
from tests.factories import MembershipFactory, NoteFactory, PersonFactory
from tests.helpers import login_verified, page_text, person_page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(
        organisation=organisation, referent=referent, birth_name="Dupré", first_names="Hélène"
    )


def create_url(person):
    return reverse("pathways:note_create", args=[person.pk])


def draft_url(person):
    return reverse("pathways:note_draft", args=[person.pk])


def note_data(**changes):
    data = {
        "kind": "interview",
        "occurred_on": timezone.localdate().isoformat(),
        "visibility": "organisation",
        "body": "Entretien : Mme D. a envoyé trois candidatures.",
        "pathway": "",
    }
    data.update(changes)
    return data


class TestCreate:
    def test_form_page(self, referent_client, person):
        response = referent_client.get(create_url(person))
        assert response.status_code == 200
        text = page_text(response)
        assert "Nouvel écrit" in text
        assert 'data-note-draft="relais-note-draft:' in text
        assert "relais/note-draft.js" in text
        assert "<script>" not in text  # no inline script (CSP)
        entry = AccessLogEntry.objects.get(action="view")
        assert entry.person_id == person.pk

    def test_a_double_click_saves_one_note(self, referent_client, person):
        page = page_text(referent_client.get(create_url(person)))
        token = page.split('name="submission" value="')[1].split('"')[0]
        assert len(token) >= 24
        first = referent_client.post(create_url(person), note_data(submission=token))
        second = referent_client.post(create_url(person), note_data(submission=token))
        assert first.status_code == second.status_code == 302
        assert first["Location"] == second["Location"]
        assert Note.objects.count() == 1
        assert (
            AccessLogEntry.objects.filter(action="create", target_type="pathways.note").count() == 1
        )
        # A new form (a new token) is a new note.
        referent_client.post(create_url(person), note_data(submission="autre-jeton-" + "x" * 20))
        assert Note.objects.count() == 2

    def test_clean_text_is_saved_at_once(self, referent_client, referent, person):
        response = referent_client.post(create_url(person), note_data())
        assert response.status_code == 302
        assert response["Location"].endswith(f"/personnes/{person.pk}/#ecrits")
        note = Note.objects.get()
        assert note.author == referent
        assert note.writing_flags == []
        assert AccessLogEntry.objects.filter(action="create", target_type="pathways.note").exists()

    def test_writing_check_fires_before_saving(self, referent_client, person):
        body = "Monsieur est fainéant et <b>menteur</b>, il est alcoolique."
        response = referent_client.post(create_url(person), note_data(body=body))
        assert response.status_code == 200
        assert not Note.objects.exists()
        text = page_text(response)
        assert "Relecture : 3 mots à reconsidérer" in text
        assert "« fainéant »" in text
        assert "Jugement de valeur" in text
        assert "Terme de diagnostic médical" in text
        assert "Modifier le texte" in text
        assert "Enregistrer quand même" in text
        # The text is kept, escaped, and highlighted.
        assert '<mark class="relais-flag">fainéant</mark>' in response.content.decode()
        assert "<b>menteur</b>" not in response.content.decode()
        escaped = body.replace("<", "&lt;").replace(">", "&gt;")
        assert escaped + "</textarea>" in response.content.decode()
        fingerprint = flags_fingerprint(check_text(body))
        assert f'value="{fingerprint}"' in response.content.decode()

    def test_save_anyway_stores_the_accepted_flags(self, referent_client, person):
        body = "Monsieur est fainéant, fainéant !"
        fingerprint = flags_fingerprint(check_text(body))
        response = referent_client.post(
            create_url(person), note_data(body=body, flags_seen=fingerprint, save_anyway="1")
        )
        assert response.status_code == 302
        assert Note.objects.get().writing_flags == [
            {"word": "fainéant", "term": "fainéant", "category": "judgement"}
        ]

    def test_a_new_word_after_the_check_is_shown_before_saving(self, referent_client, person):
        first = "Monsieur est fainéant."
        fingerprint = flags_fingerprint(check_text(first))
        response = referent_client.post(
            create_url(person),
            note_data(body=first + " Et menteur.", flags_seen=fingerprint, save_anyway="1"),
        )
        assert response.status_code == 200
        assert not Note.objects.exists()
        assert "« menteur »" in page_text(response)

    def test_rephrased_text_is_saved_without_flags(self, referent_client, person):
        referent_client.post(create_url(person), note_data(body="Il est fainéant."))
        response = referent_client.post(
            create_url(person),
            note_data(body="Ne s'est pas présenté aux trois derniers rendez-vous."),
        )
        assert response.status_code == 302
        assert Note.objects.get().writing_flags == []

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"body": ""}, "Écrivez le contenu de l'écrit."),
            ({"occurred_on": "31/02/2026"}, "Cette date n'existe pas"),
            (
                {"occurred_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat()},
                "ne peut pas être dans le futur",
            ),
            ({"body": "x" * 20001}, "20000"),
            ({"kind": "roman"}, "Sélectionnez un choix valide"),
        ],
    )
    def test_bad_input_keeps_what_was_typed(self, referent_client, person, changes, message):
        data = note_data(**changes)
        response = referent_client.post(create_url(person), data)
        assert response.status_code == 200
        assert message in page_text(response)
        assert not Note.objects.exists()

    def test_staff_is_refused(self, client, staff_member, person):
        login_verified(client, staff_member)
        assert client.get(create_url(person)).status_code == 403
        assert client.post(create_url(person), note_data()).status_code == 403
        assert AccessLogEntry.objects.filter(action="denied").count() == 2

    def test_other_organisation_gets_404(self, client, other_organisation, person):
        login_verified(client, MembershipFactory(organisation=other_organisation).user)
        assert client.get(create_url(person)).status_code == 404


class TestDrafts:
    def test_save_and_restore(self, referent_client, referent, person):
        response = referent_client.post(
            draft_url(person), {"body": "Long texte en cours…", "kind": "phone", "note": ""}
        )
        assert response.status_code == 200
        payload = response.json()
        assert payload["ok"] is True
        assert payload["message"].startswith("Brouillon enregistré à ")
        draft = NoteDraft.objects.get()
        assert draft.author == referent
        assert draft.data["body"] == "Long texte en cours…"
        assert AccessLogEntry.objects.filter(
            action="update", target_type="pathways.notedraft"
        ).exists()

        page = referent_client.get(create_url(person))
        text = page_text(page)
        assert "Brouillon restauré" in text
        assert "Long texte en cours…</textarea>" in text
        assert "Supprimer le brouillon" in text

    def test_saving_the_note_deletes_the_draft_and_tells_the_browser(self, referent_client, person):
        referent_client.post(draft_url(person), {"body": "brouillon"})
        referent_client.post(create_url(person), note_data())
        assert not NoteDraft.objects.exists()
        detail = person_page_text(referent_client, person, "ecrits")
        assert "data-note-draft-clear=" in detail
        # Only once: the next visit leaves the browser's copy alone.
        again = person_page_text(referent_client, person, "ecrits")
        assert "data-note-draft-clear=" not in again

    def test_person_page_offers_to_resume_the_draft(self, referent_client, person):
        referent_client.post(draft_url(person), {"body": "repris plus tard"})
        text = person_page_text(referent_client, person, "ecrits")
        assert "Reprendre le brouillon du" in text

    def test_expired_session_answers_401_json(self, client, person):
        response = client.post(draft_url(person), {"body": "perdu ?"})
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"] == "session_expired"
        assert "gardé sur cet appareil" in response.json()["message"]
        assert not NoteDraft.objects.exists()

    def test_after_login_the_form_restores_the_draft(self, client, referent, person):
        login_verified(client, referent)
        client.post(draft_url(person), {"body": "Avant expiration"})
        client.logout()
        assert client.post(draft_url(person), {"body": "Après"}).status_code == 401
        login_verified(client, referent)
        assert "Avant expiration</textarea>" in page_text(client.get(create_url(person)))

    def test_staff_gets_403_json(self, client, staff_member, person):
        login_verified(client, staff_member)
        response = client.post(draft_url(person), {"body": "x"})
        assert response.status_code == 403
        assert response.json()["error"] == "forbidden"

    def test_unknown_person_404_json(self, referent_client):
        response = referent_client.post(reverse("pathways:note_draft", args=[999999]), {})
        assert response.status_code == 404
        assert response.json()["ok"] is False

    def test_too_long_400_json(self, referent_client, person):
        response = referent_client.post(draft_url(person), {"body": "x" * 20001})
        assert response.status_code == 400
        assert "trop long" in response.json()["message"]

    def test_get_not_allowed(self, referent_client, person):
        assert referent_client.get(draft_url(person)).status_code == 405

    def test_csrf_is_required(self, client, referent, person):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        login_verified(strict, referent)
        assert strict.post(draft_url(person), {"body": "x"}).status_code == 403
        assert not NoteDraft.objects.exists()

    def test_discard(self, referent_client, person):
        referent_client.post(draft_url(person), {"body": "à jeter"})
        response = referent_client.post(
            reverse("pathways:note_draft_discard", args=[person.pk]), {"note": ""}
        )
        assert response.status_code == 302
        assert response["Location"] == create_url(person)
        assert not NoteDraft.objects.exists()
        json_response = referent_client.post(
            reverse("pathways:note_draft_discard", args=[person.pk]),
            HTTP_ACCEPT="application/json",
        )
        assert json_response.json() == {"ok": True, "message": "Brouillon supprimé."}

    def test_draft_of_another_note_is_not_poured_into_this_form(
        self, referent_client, referent, person
    ):
        note = NoteFactory(person=person, author=referent)
        referent_client.post(draft_url(person), {"body": "Modif en cours", "note": str(note.pk)})
        text = page_text(referent_client.get(create_url(person)))
        assert "Modif en cours" not in text
        assert "brouillon en cours pour un autre écrit" in text
        edit = page_text(
            referent_client.get(reverse("pathways:note_update", args=[person.pk, note.pk]))
        )
        assert "Modif en cours</textarea>" in edit


class TestDetailAndVisibility:
    def test_author_only_note_is_404_for_a_colleague_and_the_manager(
        self, client, organisation, referent, manager, person
    ):
        private = NoteFactory(person=person, author=referent, visibility="author")
        url = reverse("pathways:note_detail", args=[person.pk, private.pk])
        colleague = MembershipFactory(organisation=organisation, role="referent").user
        for user in (colleague, manager):
            login_verified(client, user)
            assert client.get(url).status_code == 404
        assert (
            AccessLogEntry.objects.filter(action="denied", target_type="pathways.note").count() == 2
        )
        login_verified(client, referent)
        response = client.get(url)
        assert response.status_code == 200
        assert "Visible par moi seul·e" in page_text(response)

    def test_notes_section_lists_readable_notes_only(
        self, client, organisation, referent, manager, person
    ):
        NoteFactory(person=person, author=referent, visibility="author", body="Secret perso")
        NoteFactory(person=person, author=referent, visibility="organisation", body="Partagé")
        login_verified(client, manager)
        text = person_page_text(client, person, "ecrits")
        assert "Partagé" in text
        assert "Secret perso" not in text
        login_verified(client, referent)
        text = person_page_text(client, person, "ecrits")
        assert "Secret perso" in text

    def test_body_is_escaped(self, referent_client, referent, person):
        note = NoteFactory(person=person, author=referent, body="<script>alert(1)</script>")
        response = referent_client.get(reverse("pathways:note_detail", args=[person.pk, note.pk]))
        assert b"<script>alert(1)</script>" not in response.content
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
        section = person_page_text(referent_client, person, "ecrits")
        assert "Partagé" not in section  # (the note's text is escaped, not run)
        assert (
            "&lt;script&gt;alert(1)"
            in referent_client.get(
                reverse("people:section", args=[person.pk, "ecrits"])
            ).content.decode()
        )


class TestUpdate:
    def url(self, note):
        return reverse("pathways:note_update", args=[note.person_id, note.pk])

    def test_author_edits(self, referent_client, referent, person):
        note = NoteFactory(person=person, author=referent)
        response = referent_client.post(
            self.url(note), note_data(body="Nouveau texte.", version=note.version)
        )
        assert response.status_code == 302
        note.refresh_from_db()
        assert note.body == "Nouveau texte."
        assert note.version == 2

    def test_someone_else_cannot_edit(self, client, manager, referent, person):
        note = NoteFactory(person=person, author=referent)
        login_verified(client, manager)
        assert client.get(self.url(note)).status_code == 403
        assert client.post(self.url(note), note_data(version=1)).status_code == 403

    def test_stale_version_keeps_the_input_and_names_the_editor(
        self, referent_client, referent, person
    ):
        note = NoteFactory(person=person, author=referent, body="Original")
        Note.objects.filter(pk=note.pk).update(version=2, updated_by=referent)
        response = referent_client.post(
            self.url(note), note_data(body="Mon ajout précieux", version=1)
        )
        assert response.status_code == 200
        text = page_text(response)
        assert "Modifié entre-temps par" in text
        assert "Mon ajout précieux</textarea>" in text
        assert 'name="version" value="2"' in response.content.decode()
        assert Note.objects.get(pk=note.pk).body == "Original"

    def test_writing_check_on_edit_too(self, referent_client, referent, person):
        note = NoteFactory(person=person, author=referent)
        response = referent_client.post(
            self.url(note), note_data(body="Elle est hystérique.", version=1)
        )
        assert response.status_code == 200
        assert "« hystérique »" in page_text(response)
        assert Note.objects.get(pk=note.pk).version == 1
