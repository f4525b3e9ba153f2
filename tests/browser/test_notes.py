"""Professional writing in a real browser: the writing check before saving, drafts kept
through a reload and an expired session, appointments and the timeline."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from relais.pathways.models import Note, NoteDraft
from relais.web.pathways import notes as notes_views
from tests.factories import AppointmentFactory, MembershipFactory, NoteFactory, PersonFactory
from tests.helpers import open_person_section


@pytest.fixture
def referent(organisation):
    return MembershipFactory(
        organisation=organisation, role="referent", user__first_name="Awa", user__last_name="Diallo"
    ).user


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(
        organisation=organisation, referent=referent, birth_name="Dupré", first_names="Hélène"
    )


@pytest.fixture
def fast_drafts(monkeypatch):
    monkeypatch.setattr(notes_views, "DRAFT_INTERVAL_MS", 500)


def local_drafts(page) -> list[str]:
    """The note drafts kept in the browser (DSFR keeps its own keys in localStorage too)."""
    return page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('relais-note-draft:'))"
    )


def open_new_note(page, person):
    page.goto(f"/personnes/{person.pk}/")
    open_person_section(page, "ecrits")
    page.get_by_role("link", name="Nouvel écrit").click()
    expect(page.get_by_role("heading", name=re.compile("Nouvel écrit"))).to_be_visible()
    # The draft script runs once the page is loaded: typing before would not be kept (on a
    # loaded machine the heading shows well before that).
    page.wait_for_load_state("load")


def test_writing_check_fires_then_the_rephrased_note_is_saved(
    page, login_as, organisation, person, referent
):
    login_as(referent, organisation)
    open_new_note(page, person)
    page.get_by_label("Type d'écrit").select_option(label="Appel téléphonique")
    page.get_by_label("Contenu").fill("Monsieur est fainéant, il ne vient jamais.")
    page.get_by_role("button", name="Enregistrer l'écrit").click()

    check = page.get_by_test_id("writing-check")
    expect(check).to_contain_text("1 mot à reconsidérer")
    flags = page.get_by_test_id("writing-flags")
    expect(flags).to_contain_text("« fainéant »")
    expect(flags).to_contain_text("Jugement de valeur")
    expect(flags).to_contain_text("appréciation subjective")
    expect(flags).to_contain_text("ne s'est pas présenté aux trois derniers rendez-vous")
    expect(page.get_by_test_id("writing-preview").locator("mark")).to_have_text("fainéant")
    # The typed text and choices are kept.
    expect(page.get_by_label("Contenu")).to_have_value("Monsieur est fainéant, il ne vient jamais.")
    expect(page.get_by_label("Type d'écrit")).to_have_value("phone")
    assert not Note.objects.exists()

    page.get_by_role("link", name="Modifier le texte").click()
    expect(page.get_by_label("Contenu")).to_be_focused()
    page.get_by_label("Contenu").fill(
        "Monsieur ne s'est pas présenté aux trois derniers rendez-vous (12/03, 19/03, 26/03)."
    )
    page.get_by_role("button", name="Relire et enregistrer").click()

    expect(page.get_by_text("Écrit enregistré.")).to_be_visible()
    expect(page.get_by_test_id("notes-list")).to_contain_text("trois derniers rendez-vous")
    note = Note.objects.get()
    assert note.kind == "phone"
    assert note.writing_flags == []
    assert note.author == referent


def test_save_anyway_keeps_the_flags(page, login_as, organisation, person, referent):
    login_as(referent, organisation)
    open_new_note(page, person)
    page.get_by_label("Contenu").fill("Selon lui, il est « syndiqué à la CGT ».")
    page.get_by_role("button", name="Enregistrer l'écrit").click()
    expect(page.get_by_test_id("writing-check")).to_contain_text("2 mots à reconsidérer")
    expect(page.get_by_test_id("writing-flags")).to_contain_text("Opinion politique ou syndicale")
    page.get_by_role("button", name="Enregistrer quand même").click()
    expect(page.get_by_text("Écrit enregistré.")).to_be_visible()
    expect(page.get_by_test_id("notes-list")).to_contain_text("Relecture : 2 mots conservés")
    assert [f["term"] for f in Note.objects.get().writing_flags] == ["syndiqué", "CGT"]


def test_draft_survives_a_reload_and_an_expired_session(
    page, login_as, organisation, person, referent, fast_drafts
):
    login_as(referent, organisation)
    open_new_note(page, person)
    body = page.get_by_label("Contenu")
    body.fill("Compte rendu très long, commencé avant la pause…")

    # Reload at once: the copy kept in the browser is put back.
    page.reload()
    expect(page.get_by_role("heading", name="Brouillon restauré")).to_be_visible()
    expect(page.get_by_label("Contenu")).to_have_value(
        "Compte rendu très long, commencé avant la pause…"
    )

    # The server receives it too (every few seconds), then the local copy is dropped.
    expect(page.locator("[data-draft-status]")).to_contain_text(
        "Brouillon enregistré à", timeout=15_000
    )
    assert (
        NoteDraft.objects.get().data["body"] == "Compte rendu très long, commencé avant la pause…"
    )
    assert local_drafts(page) == []

    # The network drops: the text stays on the device, and is sent when it comes back.
    page.context.set_offline(True)
    page.get_by_label("Contenu").fill(
        "Compte rendu très long, commencé avant la pause… (hors ligne)"
    )
    expect(page.locator("[data-draft-status]")).to_contain_text("Pas de connexion")
    assert len(local_drafts(page)) == 1
    page.context.set_offline(False)
    expect(page.locator("[data-draft-status]")).to_contain_text(
        "Brouillon enregistré à", timeout=15_000
    )
    page.wait_for_function(
        "() => !Object.keys(localStorage).some(k => k.startsWith('relais-note-draft:'))"
    )
    assert NoteDraft.objects.get().data["body"].endswith("(hors ligne)")

    # The session expires (on the server) while typing: the draft endpoint answers 401 and
    # the text stays on the device.
    Session.objects.all().delete()
    page.get_by_label("Contenu").fill(
        "Compte rendu très long, commencé avant la pause… et la suite."
    )
    expect(page.locator("[data-draft-status]")).to_contain_text("Votre session a expiré")
    assert len(local_drafts(page)) == 1

    # Submitting now leads to the login page; once logged in again, the form gives the
    # latest text back.
    page.get_by_role("button", name="Enregistrer l'écrit").click()
    expect(page).to_have_url(re.compile(r"/connexion/"))
    assert not Note.objects.exists()
    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/ecrits/nouveau/")
    expect(page.get_by_role("heading", name="Brouillon restauré")).to_be_visible()
    expect(page.get_by_label("Contenu")).to_have_value(
        "Compte rendu très long, commencé avant la pause… et la suite."
    )

    # Saving the note deletes the draft, on the server and in the browser.
    page.get_by_role("button", name="Enregistrer l'écrit").click()
    expect(page.get_by_text("Écrit enregistré.")).to_be_visible()
    assert not NoteDraft.objects.exists()
    page.wait_for_function(
        "() => !Object.keys(localStorage).some(k => k.startsWith('relais-note-draft:'))"
    )
    page.goto(f"/personnes/{person.pk}/ecrits/nouveau/")
    expect(page.get_by_role("heading", name="Brouillon restauré")).to_be_hidden()
    expect(page.get_by_label("Contenu")).to_have_value("")


def test_discard_a_draft(page, login_as, organisation, person, referent):
    login_as(referent, organisation)
    NoteDraft.objects.create(person=person, author=referent, data={"body": "À jeter", "note": ""})
    page.goto(f"/personnes/{person.pk}/")
    open_person_section(page, "ecrits")
    page.get_by_role("link", name=re.compile("Reprendre le brouillon")).click()
    expect(page.get_by_label("Contenu")).to_have_value("À jeter")
    page.get_by_role("button", name="Supprimer le brouillon").click()
    expect(page.get_by_text("Brouillon supprimé.")).to_be_visible()
    expect(page.get_by_label("Contenu")).to_have_value("")
    assert not NoteDraft.objects.exists()


def test_appointment_participation_and_timeline(page, login_as, organisation, person, referent):
    NoteFactory(person=person, author=referent, body="Premier entretien d'accueil")
    AppointmentFactory(
        person=person,
        with_user=referent,
        purpose="Bilan de la semaine",
        starts_at=timezone.now() - dt.timedelta(days=1),
    )
    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/")
    open_person_section(page, "rendez-vous")
    page.get_by_role("link", name="Nouveau rendez-vous").click()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.get_by_label("Date", exact=True).fill(tomorrow.isoformat())
    page.get_by_label("Heure").fill("09:30")
    page.get_by_label("Objet").fill("Atelier CV")
    page.get_by_label(re.compile("^Lieu")).fill("Salle 2")
    page.get_by_role("button", name="Enregistrer le rendez-vous").click()
    expect(page.get_by_text("Rendez-vous enregistré.")).to_be_visible()
    expect(page.get_by_test_id("appointments-upcoming")).to_contain_text("09:30")
    expect(page.get_by_test_id("appointments-upcoming")).to_contain_text("Atelier CV")

    past = page.get_by_test_id("appointments-past")
    past.get_by_label(re.compile("Participation au rendez-vous")).select_option(label="Honoré")
    past.get_by_role("button", name=re.compile("Noter")).click()
    expect(page.get_by_text("notée : honoré")).to_be_visible()

    open_person_section(page, "chronologie")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Premier entretien d'accueil")
    expect(timeline).to_contain_text("Atelier CV")
    expect(timeline).to_contain_text("Honoré")
    # Filter: appointments only (htmx swaps the list in place).
    filters = page.get_by_test_id("timeline-filters")
    filters.locator("label", has_text=re.compile("^Rendez-vous$")).click()
    expect(filters.get_by_label("Rendez-vous")).to_be_checked()
    filters.get_by_role("button", name="Filtrer la chronologie").click()
    expect(page.get_by_test_id("timeline")).not_to_contain_text("Premier entretien d'accueil")
    expect(page.get_by_test_id("timeline")).to_contain_text("Bilan de la semaine")


def test_long_timeline_shows_a_page_and_the_next_on_demand(
    page, login_as, organisation, person, referent
):
    for i in range(60):
        NoteFactory(
            person=person,
            author=referent,
            body=f"Entretien numéro {i}",
            occurred_on=timezone.localdate() - dt.timedelta(days=i),
        )
    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/")
    open_person_section(page, "chronologie")
    items = page.locator("#chronologie .relais-chrono__item")
    expect(items).to_have_count(50)
    expect(page.get_by_test_id("timeline")).to_contain_text("Entretien numéro 0")
    expect(page.get_by_test_id("timeline")).not_to_contain_text("Entretien numéro 59")
    page.get_by_test_id("timeline-more").click()
    # The next items are added below, without leaving the person page.
    expect(page.get_by_test_id("timeline-next")).to_contain_text("Entretien numéro 59")
    expect(items).to_have_count(60 + 1)  # and the record's opening
    expect(page.get_by_test_id("timeline-more")).to_have_count(0)
    assert page.url.endswith(f"/personnes/{person.pk}/")
