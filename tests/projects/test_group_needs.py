"""Designing a workshop from the group's needs: the abilities it requires (the employment
module's vocabulary), and for the persons enrolled — and those about to be — the life
domains in difficulty and how many lack each required ability."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.errors import DomainError, StaleObjectError
from relais.projects import workshops
from relais.projects.models import Workshop
from relais.projects.selectors import group_needs
from tests.factories import DiagnosticFactory, DomainAssessmentFactory, PathwayFactory
from tests.factories.employment import AbilityFactory
from tests.factories.people import PersonFactory
from tests.factories.projects import EnrolmentFactory, WorkshopFactory
from tests.helpers import count_queries, page_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_workshop_created_with_required_abilities(organisation, referent):
    workshop = workshops.workshop_create(
        organisation=organisation,
        actor=referent,
        title="Se préparer à l'emploi",
        objectives="Tenir un poste.",
        duration_hours=12,
        required_abilities=["pace", "punctuality", "pace"],
        required_level=3,
    )
    # Each once, in the vocabulary's order.
    assert workshop.required_abilities == ["punctuality", "pace"]
    assert workshop.required_level == 3


@pytest.mark.parametrize(
    ("abilities", "level", "field", "message"),
    [
        (["punctuality", "juggling"], 2, "required_abilities", "Habileté inconnue : « juggling »"),
        (["<script>"], 2, "required_abilities", "Habileté inconnue"),
        ([], 0, "required_level", "Le niveau requis va de 1 à 4."),
        ([], 5, "required_level", "Le niveau requis va de 1 à 4."),
        ([], "deux", "required_level", "Le niveau requis va de 1 à 4."),
    ],
)
def test_bad_requirements_refused(organisation, referent, abilities, level, field, message):
    with pytest.raises(DomainError, match=message) as error:
        workshops.workshop_create(
            organisation=organisation,
            actor=referent,
            title="Atelier",
            objectives="Objectifs",
            duration_hours=2,
            required_abilities=abilities,
            required_level=level,
        )
    assert error.value.field == field
    assert not Workshop.objects.exists()


def test_requirements_changed_against_the_version(organisation, referent):
    workshop = WorkshopFactory(organisation=organisation)
    changed = workshops.workshop_require(
        workshop=workshop,
        actor=referent,
        expected_version=workshop.version,
        required_abilities=["cash"],
        required_level=2,
    )
    assert changed.required_abilities == ["cash"]
    with pytest.raises(StaleObjectError):
        workshops.workshop_require(
            workshop=workshop,
            actor=referent,
            expected_version=workshop.version,  # the old one
            required_abilities=[],
            required_level=2,
        )


def test_group_needs_domains_and_lacking_abilities(organisation):
    workshop = WorkshopFactory(
        organisation=organisation, required_abilities=["punctuality", "cash"], required_level=2
    )
    first, second, third = (e.person for e in EnrolmentFactory.create_batch(3, workshop=workshop))
    # Domains: only the latest diagnostic, only difficulty 2 or more.
    old = DiagnosticFactory(person=first, assessed_on=TODAY - dt.timedelta(days=90))
    DomainAssessmentFactory(diagnostic=old, domain="digital", difficulty=3)
    DomainAssessmentFactory(
        diagnostic=DiagnosticFactory(person=first), domain="housing", difficulty=2
    )
    latest = DiagnosticFactory(person=second)
    DomainAssessmentFactory(diagnostic=latest, domain="housing", difficulty=3)
    DomainAssessmentFactory(diagnostic=latest, domain="mobility", difficulty=1)
    # Abilities: the latest observation of each counts, at the required level.
    AbilityFactory(person=first, code="punctuality", level=3)
    AbilityFactory(person=second, code="punctuality", level=3, observed_on=TODAY - dt.timedelta(40))
    AbilityFactory(person=second, code="punctuality", level=1)  # fell back since
    AbilityFactory(person=third, code="cash", level=2)
    AbilityFactory(person=third, code="loads", level=4)  # not required
    needs = group_needs(workshop)
    assert needs.persons == 3
    assert [(n.domain, n.persons) for n in needs.domains] == [("housing", 2)]
    assert [(a.code, a.lacking) for a in needs.abilities] == [("punctuality", 2), ("cash", 2)]
    assert needs.abilities[0].competence.startswith("Respecter les règles")
    # With a person about to be enrolled.
    newcomer = PersonFactory(organisation=organisation)
    DomainAssessmentFactory(
        diagnostic=DiagnosticFactory(person=newcomer), domain="mobility", difficulty=2
    )
    AbilityFactory(person=newcomer, code="cash", level=3)
    more = group_needs(workshop, adding=[newcomer.pk])
    assert more.persons == 4
    assert [(n.domain, n.persons) for n in more.domains] == [("housing", 2), ("mobility", 1)]
    assert [(a.code, a.lacking) for a in more.abilities] == [("punctuality", 3), ("cash", 2)]


def test_group_needs_in_three_queries_whatever_the_group(organisation):
    workshop = WorkshopFactory(organisation=organisation, required_abilities=["punctuality"])

    def batch(n):
        for enrolment in EnrolmentFactory.create_batch(n, workshop=workshop):
            DomainAssessmentFactory(
                diagnostic=DiagnosticFactory(person=enrolment.person), domain="health"
            )
            AbilityFactory(person=enrolment.person, code="punctuality", level=1)

    batch(2)
    few = count_queries(lambda: group_needs(workshop))
    batch(15)
    assert count_queries(lambda: group_needs(workshop)) == few == 3


def test_workshop_and_enrol_pages_show_the_group_needs(referent_client, organisation, referent):
    workshop = WorkshopFactory(organisation=organisation, required_abilities=["punctuality"])

    def batch(n):
        for enrolment in EnrolmentFactory.create_batch(n, workshop=workshop):
            DomainAssessmentFactory(
                diagnostic=DiagnosticFactory(person=enrolment.person),
                domain="housing",
                difficulty=3,
            )

    batch(2)
    url = reverse("projects:workshop_detail", args=[workshop.pk])
    few = count_queries(lambda: referent_client.get(url))
    batch(10)
    text = page_text(referent_client.get(url))
    assert count_queries(lambda: referent_client.get(url)) == few
    assert "Participants inscrits : 12 personnes." in text
    assert "Respecter les horaires" in text and "12 sur 12" in text

    # The enrol page, before enrolling: with a person chosen (« voir les besoins »).
    person = PersonFactory(organisation=organisation, referent=referent)
    PathwayFactory(person=person, referent=referent)
    AbilityFactory(person=person, code="punctuality", level=2)
    enrol = reverse("projects:enrol", args=[workshop.pk])
    assert "Participants inscrits : 12 personnes." in page_text(referent_client.get(enrol))
    response = referent_client.post(enrol, {"persons": [person.pk], "apercu": "1"})
    text = page_text(response)
    assert response.status_code == 200
    assert "Participants inscrits et personnes choisies : 13 personnes." in text
    assert "12 sur 13" in text
    assert f'value="{person.pk}" checked' in text  # the choice is kept
    assert workshop.enrolments.count() == 12  # nothing enrolled


def test_staff_sees_requirements_but_not_the_group(client, staff_member, organisation):
    from tests.helpers import login_verified

    workshop = WorkshopFactory(organisation=organisation, required_abilities=["cash"])
    EnrolmentFactory(workshop=workshop)
    login_verified(client, staff_member)
    text = page_text(client.get(reverse("projects:workshop_detail", args=[workshop.pk])))
    assert "Compter, rendre la monnaie" in text
    assert "Participants inscrits :" not in text
    url = reverse("projects:workshop_requirements", args=[workshop.pk])
    assert client.get(url).status_code == 403


def test_requirements_form_refuses_an_unknown_code_and_keeps_input(referent_client, organisation):
    workshop = WorkshopFactory(organisation=organisation)
    url = reverse("projects:workshop_requirements", args=[workshop.pk])
    response = referent_client.post(
        url,
        {
            "required_abilities": ["cash", "juggling"],
            "required_level": "3",
            "version": workshop.version,
        },
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "Habileté inconnue : « juggling »" in text
    assert re.search(r'<input[^>]*value="cash"[^>]*checked', text)  # the input is kept
    assert re.search(r'<option value="3"[^>]*selected', text)
    workshop.refresh_from_db()
    assert workshop.required_abilities == []
    response = referent_client.post(
        url, {"required_abilities": ["cash"], "required_level": "3", "version": workshop.version}
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.required_abilities == ["cash"] and workshop.required_level == 3


def test_workshop_form_refuses_an_unknown_code_and_keeps_input(referent_client, organisation):
    response = referent_client.post(
        reverse("projects:workshop_create"),
        {
            "title": "Atelier caisse",
            "objectives": "Rendre la monnaie.",
            "duration_hours": "6",
            "required_abilities": ["juggling"],
            "required_level": "2",
        },
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "Habileté inconnue : « juggling »" in text
    assert "Atelier caisse" in text
    assert not Workshop.objects.exists()
