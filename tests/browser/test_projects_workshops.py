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


def test_edit_a_session_cancel_another_and_withdraw_a_person(page, login_as, organisation):
    """The design and a session changed, another session cancelled (shown as such in the
    workshop and the calendar), a person withdrawn (history kept, step abandoned)."""
    from relais.pathways.models import StepStatus
    from relais.projects import workshops
    from tests.factories.projects import SessionFactory, WorkshopFactory

    referent = MembershipFactory(
        organisation=organisation,
        role="referent",
        user__first_name="Nadia",
        user__last_name="Haddad",
    ).user
    workshop = WorkshopFactory(organisation=organisation, title="Oser l'entretien")
    soon = (timezone.localtime() + dt.timedelta(days=3)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    first = SessionFactory(
        workshop=workshop,
        facilitator=referent,
        starts_at=soon,
        ends_at=soon + dt.timedelta(hours=2),
        place="Salle 1",
    )
    second = SessionFactory(
        workshop=workshop,
        facilitator=referent,
        starts_at=soon + dt.timedelta(days=7),
        ends_at=soon + dt.timedelta(days=7, hours=2),
        place="Salle 1",
    )
    persons = []
    for name, first_name in (("Lefèvre", "Amélie"), ("Martin", "Karim"), ("Nguyen", "Linh")):
        person = PersonFactory(
            organisation=organisation, referent=referent, birth_name=name, first_names=first_name
        )
        PathwayFactory(person=person, referent=referent)
        persons.append(person)
    enrolments = workshops.enrol(
        workshop=workshop, actor=referent, persons=persons, consent_confirmed=True
    )
    login_as(referent, organisation)

    # The design.
    page.goto(f"/projets/ateliers/{workshop.pk}/")
    page.get_by_test_id("workshop-edit").click()
    label(page, "Méthodes pédagogiques").fill("Jeux de rôle filmés, retours du groupe.")
    page.get_by_test_id("workshop-submit").click()
    expect(page.get_by_text("Conception de l'atelier enregistrée.")).to_be_visible()
    expect(page.get_by_text("Jeux de rôle filmés, retours du groupe.")).to_be_visible()

    # The first session: fewer places than persons enrolled and an end before the start are
    # both refused at once, the input kept; then saved.
    page.get_by_test_id(f"session-edit-{first.pk}").click()
    label(page, "Lieu").fill("Salle 4, CCAS")
    label(page, "Heure de fin").fill("08:00")
    label(page, "Nombre de places").fill("2")
    page.get_by_test_id("session-submit").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("La fin de la séance doit suivre son début.")
    expect(summary).to_contain_text("3 personnes sont déjà inscrites")
    expect(label(page, "Lieu")).to_have_value("Salle 4, CCAS")
    label(page, "Heure de fin").fill("12:00")
    label(page, "Nombre de places").fill("10")
    page.get_by_test_id("session-submit").click()
    expect(page.get_by_test_id(f"session-{first.pk}")).to_contain_text("Salle 4, CCAS")
    expect(page.get_by_test_id(f"session-{first.pk}")).to_contain_text("3 / 10")

    # The second session cancelled, with its reason.
    page.get_by_test_id(f"session-cancel-{second.pk}").click()
    page.get_by_test_id("session-cancel-submit").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Indiquez le motif")
    label(page, "Motif de l'annulation").fill("Salle indisponible (travaux).")
    page.get_by_test_id("session-cancel-submit").click()
    expect(page.get_by_test_id(f"cancelled-{second.pk}")).to_be_visible()
    expect(page.get_by_test_id(f"session-{second.pk}")).to_contain_text("Salle indisponible")
    expect(page.get_by_test_id(f"sheet-{second.pk}")).to_have_count(0)
    page.goto(
        f"/projets/calendrier/?vue=semaine&jour={timezone.localtime(second.starts_at).date().isoformat()}"
    )
    expect(page.get_by_test_id("calendar-cancelled")).to_contain_text("Oser l'entretien")

    # A person leaves the sequence.
    leaving = enrolments[1]
    page.goto(f"/projets/ateliers/{workshop.pk}/")
    page.get_by_test_id(f"withdraw-{leaving.pk}").click()
    label(page, "Motif de la désinscription").fill("A repris un emploi à temps plein.")
    page.get_by_test_id("withdraw-submit").click()
    expect(page.get_by_text("sa place est libérée")).to_be_visible()
    expect(page.get_by_test_id("participants")).not_to_contain_text("Martin")
    expect(page.get_by_test_id("withdrawn")).to_contain_text("A repris un emploi à temps plein.")
    expect(page.get_by_test_id(f"session-{first.pk}")).to_contain_text("2 / 10")
    leaving.step.refresh_from_db()
    assert leaving.step.status == StepStatus.ABANDONED
    assert Session.objects.get(pk=second.pk).is_cancelled

    # The cancellation undone: the session is back, with its sheet to sign.
    page.get_by_test_id(f"session-reinstate-{second.pk}").click()
    expect(page.get_by_text(re.compile(r"rétablie\. L'animateur"))).to_be_visible()
    expect(page.get_by_test_id(f"cancelled-{second.pk}")).to_have_count(0)
    expect(page.get_by_test_id(f"sheet-{second.pk}")).to_be_visible()
    assert not Session.objects.get(pk=second.pk).is_cancelled
