"""A référent designs a training sequence, schedules a session, enrols three persons of
their caseload (with their consent), prints the attendance sheet, records attendance, and
finds it in a person's timeline."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from relais.pathways.models import Step
from relais.projects.models import Session, Workshop
from tests.factories import MembershipFactory, PathwayFactory, PersonFactory
from tests.helpers import open_person_section


def label(page, text: str):
    return page.get_by_label(re.compile(f"^{re.escape(text)}"))


def test_workshop_enrolment_attendance_and_timeline(page, login_as, organisation):
    referent = MembershipFactory(
        organisation=organisation,
        role="referent",
        user__first_name="Nadia",
        user__last_name="Haddad",
    ).user
    persons = []
    for name, first in (("Lefèvre", "Amélie"), ("Martin", "Karim"), ("Nguyen", "Linh")):
        person = PersonFactory(
            organisation=organisation, referent=referent, birth_name=name, first_names=first
        )
        PathwayFactory(person=person, referent=referent)
        persons.append(person)
    login_as(referent, organisation)

    page.goto("/projets/ateliers/")
    page.get_by_test_id("workshop-create").click()
    label(page, "Intitulé").fill("Préparer un entretien d'embauche")
    label(page, "Objectifs pédagogiques").fill("Savoir présenter son parcours en trois minutes.")
    label(page, "Durée totale").fill("6")
    label(page, "Méthodes pédagogiques").fill("Mises en situation filmées.")
    page.get_by_role("button", name="Enregistrer l'atelier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Préparer un entretien d'embauche")
    workshop = Workshop.objects.get()

    # A session this afternoon (already started, so attendance can be recorded).
    page.get_by_test_id("session-create").click()
    now = timezone.localtime()
    start = (now - dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    label(page, "Date").fill(start.date().isoformat())
    label(page, "Heure de début").fill(start.strftime("%H:%M"))
    end = start + dt.timedelta(hours=2)
    if end.date() != start.date():  # near midnight: keep the session within the day
        start = start.replace(hour=21, minute=0) - dt.timedelta(days=1)
        end = start + dt.timedelta(hours=2)
        label(page, "Date").fill(start.date().isoformat())
        label(page, "Heure de début").fill(start.strftime("%H:%M"))
    label(page, "Heure de fin").fill(end.strftime("%H:%M"))
    label(page, "Lieu").fill("Salle 2, CCAS")
    label(page, "Nombre de places").fill("12")
    page.get_by_role("button", name="Programmer la séance").click()
    expect(page.get_by_test_id("sessions")).to_contain_text("Salle 2, CCAS")
    session = Session.objects.get()

    # Enrol three persons: without the consent box, refused; then enrolled.
    page.get_by_test_id("enrol").click()
    for person in persons:
        page.locator(f"label[for=personne-{person.pk}]").click()
    page.get_by_test_id("enrol-submit").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Confirmez que chaque personne")
    page.locator("label[for=id_consent_confirmed]").click()
    page.get_by_test_id("enrol-submit").click()
    expect(page.get_by_text("3 personnes inscrites")).to_be_visible()
    assert Step.objects.filter(kind="workshop", pathway__person__in=persons).count() == 3

    # The attendance sheet to sign.
    with page.expect_download() as download_info:
        page.get_by_test_id(f"sheet-{session.pk}").click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")

    # Attendance: two present, one absent.
    page.get_by_test_id(f"attendance-{session.pk}").click()
    for person, status in zip(persons, ("Présent·e", "Présent·e", "Absent·e"), strict=True):
        enrolment = workshop.enrolments.get(person=person)
        page.locator(f"#presence-{enrolment.pk}").locator(
            "label.fr-label", has_text=re.compile(f"^{status}$")
        ).click()
    page.get_by_test_id("attendance-submit").click()
    expect(page.get_by_text("Émargement enregistré.")).to_be_visible()
    expect(page.get_by_test_id("participants")).to_contain_text("Absent·e")

    # The absence is in the third person's timeline.
    page.goto(f"/personnes/{persons[2].pk}/")
    section = open_person_section(page, "chronologie")
    expect(
        section.get_by_role("link", name="Atelier : Préparer un entretien d'embauche", exact=True)
    ).to_be_visible()
    expect(section.get_by_text("Absent·e").first).to_be_visible()
