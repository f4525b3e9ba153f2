"""Information collective pages: a session with registrations, the duplicate check at
registration, the sheet PDF, attendance, « créer la fiche », partners, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.pathways import collective
from relais.pathways.collective_models import Attendance, Registration
from relais.people.models import Person
from tests.factories import MembershipFactory, PersonFactory
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(organisation, referent):
    return collective.info_session_create(
        organisation=organisation,
        actor=referent,
        title="Découvrir le PLIE",
        scheme="plie",
        starts_at=timezone.now() + dt.timedelta(days=2),
        place="Salle A",
        capacity=30,
    )


def registration_data(**changes):
    data = {"birth_name": "Martin", "first_names": "Léa", "birth_date": "02/04/1990"}
    data.update(changes)
    return data


def add(session, user, n):
    for i in range(n):
        collective.registration_add(
            session=session,
            actor=user,
            membership=user.memberships.get(),
            data={
                "birth_name": f"Nom{chr(65 + i)}",
                "first_names": "Alex",
                "birth_date": dt.date(1980, 1, 1 + i),
                "phone": "0612345678",
            },
        )


def test_create_session_every_error_at_once(referent_client):
    response = referent_client.post(
        reverse("collective:create"),
        {
            "title": "",
            "scheme": "plie",
            "day": "32/01/2027",
            "time": "",
            "place": "",
            "capacity": "0",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"title", "day", "time", "place", "capacity"}


def test_create_session(referent_client):
    day = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = referent_client.post(
        reverse("collective:create"),
        {
            "title": "Info CEJ",
            "scheme": "cej",
            "day": day,
            "time": "10:00",
            "place": "Salle B",
            "capacity": "8",
        },
    )
    assert response.status_code == 302


def test_register_with_duplicate_check(referent_client, session, organisation):
    known = PersonFactory(
        organisation=organisation,
        birth_name="Martin",
        first_names="Léa",
        birth_date=dt.date(1990, 4, 2),
    )
    url = reverse("collective:detail", args=[session.pk])
    response = referent_client.post(url, registration_data())
    assert response.status_code == 200
    assert f"dossier n° {known.pk}" in page_text(response)
    assert not Registration.objects.exists()
    response = referent_client.post(url, registration_data(same_as=str(known.pk)))
    assert response.status_code == 302
    assert Registration.objects.get().person == known
    response = referent_client.post(url, registration_data(same_as="autre"))
    assert "déjà inscrite" in page_text(response)
    assert Registration.objects.count() == 1


def test_partner_sees_only_own_registrations_and_no_duplicates(
    client, session, organisation, referent, other_organisation
):
    session.open_to_partners = True
    session.save()
    PersonFactory(
        organisation=organisation,
        birth_name="Martin",
        first_names="Léa",
        birth_date=dt.date(1990, 4, 2),
    )
    add(session, referent, 2)
    partner = MembershipFactory(organisation=other_organisation, role="referent").user
    login_verified(client, partner)
    url = reverse("collective:detail", args=[session.pk])
    response = client.post(url, registration_data())
    assert response.status_code == 302  # no duplicate shown to a partner
    text = page_text(client.get(url))
    assert "Léa MARTIN" in text and "NomA" not in text
    assert client.get(reverse("collective:sheet", args=[session.pk])).status_code == 404


def test_closed_session_hidden_from_other_organisations(client, session, other_organisation):
    login_verified(client, MembershipFactory(organisation=other_organisation).user)
    assert client.get(reverse("collective:detail", args=[session.pk])).status_code == 404


def test_sheet_pdf(referent_client, session, referent):
    add(session, referent, 3)
    response = referent_client.get(reverse("collective:sheet", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_attendance_then_create_person(referent_client, session, referent):
    add(session, referent, 2)
    session.starts_at = timezone.now() - dt.timedelta(hours=2)
    session.save()
    first, second = session.registrations.order_by("birth_name")
    url = reverse("collective:attendance", args=[session.pk])
    response = referent_client.post(url, {f"r{first.pk}": "present"})
    assert response.status_code == 200
    assert f"r{second.pk}" in response.context["form"].errors
    response = referent_client.post(url, {f"r{first.pk}": "present", f"r{second.pk}": "absent"})
    assert response.status_code == 302
    response = referent_client.post(
        reverse("collective:create_person", args=[session.pk, first.pk])
    )
    first.refresh_from_db()
    person = Person.objects.get(pk=first.person_id)
    assert response.url == reverse("people:detail", args=[person.pk])
    assert person.phone
    text = page_text(referent_client.get(reverse("collective:no_shows")))
    assert "Alex NOMB" in text and "NomA" not in text.replace("NOMB", "")


def test_detail_constant_queries(referent_client, session, referent):
    url = reverse("collective:detail", args=[session.pk])
    add(session, referent, 2)
    referent_client.get(url)
    few = count_queries(lambda: referent_client.get(url))
    add_more = [
        collective.registration_add(
            session=session,
            actor=referent,
            membership=referent.memberships.get(),
            data={
                "birth_name": f"Autre{chr(65 + i)}",
                "first_names": "Sam",
                "birth_date": dt.date(1970, 2, 1 + i),
            },
        )
        for i in range(10)
    ]
    assert len(add_more) == 10
    assert count_queries(lambda: referent_client.get(url)) == few


def test_list_and_no_shows_constant_queries(referent_client, organisation, referent):
    def make(n):
        for i in range(n):
            s = collective.info_session_create(
                organisation=organisation,
                actor=referent,
                title=f"S{i}",
                scheme="rsa",
                starts_at=timezone.now() + dt.timedelta(days=1 + i),
                place="Salle",
                capacity=5,
            )
            add(s, referent, 1)
            s.starts_at = timezone.now() - dt.timedelta(days=1)
            s.save()
            r = s.registrations.get()
            collective.attendance_record(
                session=s, actor=referent, attendance={r.pk: Attendance.ABSENT}
            )

    make(1)
    for name in ("collective:list", "collective:no_shows"):
        referent_client.get(reverse(name))
    few = [
        count_queries(lambda n=name: referent_client.get(reverse(n)))
        for name in ("collective:list", "collective:no_shows")
    ]
    make(6)
    many = [
        count_queries(lambda n=name: referent_client.get(reverse(n)))
        for name in ("collective:list", "collective:no_shows")
    ]
    assert many == few
