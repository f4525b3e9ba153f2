"""Incident and flag pages: the flag on the person page for reception without details, the
writing check as a warning, a lift without reason refused with the input kept, the
managers' list (query count)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.pathways import safety
from relais.pathways.safety_models import Incident, SafetyFlagKind
from tests.factories import PersonFactory
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db

SECRET = "a menacé la conseillère avec un cutter"


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


def incident(person, actor, **changes):
    values = {
        "occurred_on": timezone.localdate(),
        "description": f"M. X {SECRET}.",
        "follow_up": "Plainte déposée ; recevoir à deux.",
        "flag_kind": SafetyFlagKind.NOT_ALONE,
    }
    values.update(changes)
    return safety.incident_record(person=person, actor=actor, **values)


def test_reception_sees_flag_without_details(client, person, referent, staff_member):
    incident(person, referent)
    login_verified(client, staff_member)
    text = page_text(client.get(reverse("people:detail", args=[person.pk])))
    assert "Ne pas recevoir seul·e" in text
    assert SECRET not in text
    assert "Incidents et consignes" not in text
    assert client.get(reverse("safety:person", args=[person.pk])).status_code == 403


def test_referent_reads_incident(referent_client, person, referent):
    incident(person, referent)
    text = page_text(referent_client.get(reverse("safety:person", args=[person.pk])))
    assert SECRET in text
    assert "Ne pas recevoir seul·e" in text


def test_writing_check_warns_then_saves(referent_client, person):
    url = reverse("safety:incident_create", args=[person.pk])
    data = {
        "occurred_on": timezone.localdate().isoformat(),
        "description": "La personne était agressive et hystérique.",
        "follow_up": "Entretien à deux.",
        "flag_kind": "",
        "submission": "tok-1",
    }
    response = referent_client.post(url, data)
    assert response.status_code == 200
    assert "Relecture" in page_text(response)
    assert not Incident.objects.exists()
    fingerprint = response.context["writing"].fingerprint
    response = referent_client.post(url, {**data, "save_anyway": "1", "flags_seen": fingerprint})
    assert response.status_code == 302
    saved = Incident.objects.get()
    assert saved.writing_flags
    # The same submission again creates nothing more.
    referent_client.post(url, {**data, "save_anyway": "1", "flags_seen": fingerprint})
    assert Incident.objects.count() == 1


def test_every_error_at_once(referent_client, person):
    url = reverse("safety:incident_create", args=[person.pk])
    response = referent_client.post(
        url, {"occurred_on": "31/02/2026", "description": "", "follow_up": "", "flag_kind": "other"}
    )
    form = response.context["form"]
    assert set(form.errors) >= {"occurred_on", "description", "follow_up", "flag_instruction"}


def test_lift_without_reason_keeps_page(referent_client, person, referent):
    incident(person, referent)
    flag = safety.active_flags(person)[0]
    url = reverse("safety:flag_lift", args=[person.pk, flag.pk])
    response = referent_client.post(url, {"reason": "ok"})
    assert response.status_code == 200
    assert "sans motif" in page_text(response)
    assert safety.active_flags(person)
    response = referent_client.post(url, {"reason": "Situation apaisée, bilan fait en équipe."})
    assert response.status_code == 302
    assert safety.active_flags(person) == []


def test_flag_of_another_person_is_404(referent_client, person, referent, organisation):
    other = PersonFactory(organisation=organisation)
    incident(other, referent)
    flag = safety.active_flags(other)[0]
    response = referent_client.get(reverse("safety:flag_lift", args=[person.pk, flag.pk]))
    assert response.status_code == 404


def test_close_from_page(referent_client, person, referent):
    item = incident(person, referent)
    url = reverse("safety:incident_close", args=[person.pk, item.pk])
    referent_client.post(url, {"closing_note": ""})
    item.refresh_from_db()
    assert item.status == "open"
    referent_client.post(url, {"closing_note": "Recadrage fait."})
    item.refresh_from_db()
    assert item.status == "closed"


def test_managers_list_constant_queries(manager_client, organisation, referent):
    url = reverse("safety:open_incidents")
    incident(PersonFactory(organisation=organisation), referent)
    manager_client.get(url)
    few = count_queries(lambda: manager_client.get(url))
    for _ in range(8):
        incident(PersonFactory(organisation=organisation), referent)
    many = count_queries(lambda: manager_client.get(url))
    assert many == few
    assert page_text(manager_client.get(url)).count("Plainte déposée") == 9


def test_person_page_constant_queries(referent_client, person, referent):
    url = reverse("safety:person", args=[person.pk])
    incident(person, referent)
    referent_client.get(url)
    few = count_queries(lambda: referent_client.get(url))
    for n in range(6):
        incident(person, referent, flag_kind=SafetyFlagKind.OTHER, flag_instruction=f"Consigne {n}")
    assert count_queries(lambda: referent_client.get(url)) == few


def test_referent_cannot_see_managers_list(referent_client):
    assert referent_client.get(reverse("safety:open_incidents")).status_code == 403
