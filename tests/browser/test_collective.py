"""Information collective in a real browser: a session is programmed, two people are
registered (the second one recognised by the duplicate check and set aside), the
attendance is taken, and the attendee who goes on becomes a person record with what was
collected; the absent one is listed for a reminder."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from relais.pathways.collective_models import InfoSession
from relais.people.models import Person
from tests.factories import MembershipFactory, PersonFactory


def test_session_registrations_attendance_and_record(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    PersonFactory(
        organisation=organisation,
        birth_name="Benali",
        first_names="Yasmine",
        birth_date=dt.date(1992, 3, 14),
    )
    login_as(referent, organisation)
    page.goto("/")
    page.get_by_test_id("nav-tools").click()
    page.get_by_role("link", name="Informations collectives").click()
    page.get_by_role("link", name="Programmer une session").click()
    page.get_by_label(re.compile(r"^Intitulé")).fill("Découvrir le PLIE")
    page.get_by_label(re.compile(r"^Dispositif présenté")).select_option("plie")
    day = timezone.localdate() + dt.timedelta(days=3)
    page.get_by_label(re.compile(r"^Date")).fill(day.isoformat())
    page.get_by_label(re.compile(r"^Heure")).fill("09:30")
    page.get_by_label(re.compile(r"^Lieu")).fill("Salle du conseil")
    page.get_by_label(re.compile(r"^Nombre de places")).fill("10")
    page.get_by_role("button", name="Enregistrer la session").click()
    expect(page.get_by_text("Session programmée.")).to_be_visible()

    # Someone new.
    form = page.get_by_test_id("registration-form")
    form.get_by_label(re.compile(r"^Nom")).fill("Dubois")
    form.get_by_label(re.compile(r"^Prénom")).fill("Karim")
    form.get_by_label(re.compile(r"^Date de naissance")).fill("1988-07-01")
    form.get_by_label(re.compile(r"^Téléphone")).fill("06 12 34 56 78")
    form.get_by_role("button", name="Inscrire").click()
    expect(page.get_by_text("Karim DUBOIS est inscrit·e.")).to_be_visible()
    # Someone who looks like a known person: the check shows the record.
    form = page.get_by_test_id("registration-form")
    form.get_by_label(re.compile(r"^Nom")).fill("Benali")
    form.get_by_label(re.compile(r"^Prénom")).fill("Yasmine")
    form.get_by_label(re.compile(r"^Date de naissance")).fill("1992-03-14")
    form.get_by_role("button", name="Inscrire").click()
    expect(page.get_by_test_id("duplicates")).to_be_visible()
    page.get_by_test_id("someone-else").click()
    expect(page.get_by_text("Yasmine BENALI est inscrit·e.")).to_be_visible()
    expect(page.get_by_test_id("seats")).to_contain_text("2 inscrits pour 10 places")

    # The day comes: the sheet is signed, attendance recorded.
    session = InfoSession.objects.get()
    InfoSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    page.reload()
    page.get_by_role("link", name="Relever les présences").click()
    page.get_by_role("group", name="Karim DUBOIS").get_by_label("Présent·e").check(force=True)
    page.get_by_role("group", name="Yasmine BENALI").get_by_label("Absent·e").check(force=True)
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Présences enregistrées.")).to_be_visible()

    # « Créer la fiche » for the one who goes on.
    page.get_by_role("button", name="Créer la fiche").click()
    expect(page.get_by_test_id("person-name")).to_have_text("DUBOIS Karim")
    created = Person.objects.get(birth_name="Dubois")
    assert created.phone and created.birth_date == dt.date(1988, 7, 1)

    # The no-show is listed for a reminder.
    page.goto("/informations-collectives/absents/")
    expect(page.get_by_test_id("no-shows")).to_contain_text("Yasmine BENALI")
    expect(page.get_by_test_id("no-shows")).not_to_contain_text("DUBOIS")
