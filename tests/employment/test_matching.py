"""Matching: each criterion moves the rank as the explanation says, both ways round."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.employment import matching
from relais.employment.models import Position
from relais.people.models import Person
from tests.factories import DiagnosticFactory, DomainAssessmentFactory, PersonFactory
from tests.factories.employment import (
    AbilityFactory,
    EmployerFactory,
    EmploymentProjectFactory,
    PositionFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

VILLEURBANNE = (45.7719, 4.8902)  # ≈ 4.5 km from Lyon's centre
VIENNE = (45.5256, 4.8741)  # ≈ 27 km


def _person(organisation, rome="K2204", where=None, **project):
    person = PersonFactory(organisation=organisation)
    lat, lon = where or (45.76404, 4.83566)
    EmploymentProjectFactory(person=person, rome_code=rome, latitude=lat, longitude=lon, **project)
    return person


def test_rome_abilities_and_distance_rank_the_persons(organisation):
    position = PositionFactory(
        employer__organisation=organisation, rome_code="F1703", appellation="Maçon / Maçonne"
    )
    best = _person(organisation, rome="F1703")
    AbilityFactory(person=best, code="punctuality")
    AbilityFactory(person=best, code="hygiene", level=2)
    same_job_no_abilities = _person(organisation, rome="F1703", where=VILLEURBANNE)
    AbilityFactory(person=same_job_no_abilities, code="hygiene", level=1)  # below level 2
    family = _person(organisation, rome="F1704")
    far_other_job = _person(organisation, rome="G1602", where=VIENNE)
    PersonFactory(organisation=organisation)  # no project: not ranked
    ranked = matching.persons_for_position(
        position, Person.objects.filter(organisation=organisation)
    )
    assert [m.person for m in ranked] == [best, same_job_no_abilities, family]
    assert far_other_job not in [m.person for m in ranked]
    top = ranked[0]
    assert top.score == 100
    texts = {c.label: c.text for c in top.criteria}
    assert "correspond au projet" in texts["Métier"]
    assert "2 habileté(s) sur 2" in texts["Habiletés"]
    second = {c.label: c for c in ranked[1].criteria}
    assert "Manquantes" in second["Habiletés"].text and "hygiène" in second["Habiletés"].text
    assert second["Distance"].points == 20 and "km" in second["Distance"].text
    assert "même famille ROME" in {c.label: c.text for c in ranked[2].criteria}["Métier"]


def test_childcare_constraint_from_the_latest_diagnostic_lowers_hard_schedules(organisation):
    position = PositionFactory(employer__organisation=organisation, schedule="night")
    constrained = _person(organisation)
    DomainAssessmentFactory(
        diagnostic=DiagnosticFactory(person=constrained), domain="family", difficulty=3
    )
    free = _person(organisation)
    ranked = matching.persons_for_position(
        position, Person.objects.filter(organisation=organisation)
    )
    assert [m.person for m in ranked] == [free, constrained]
    hours = {c.label: c for c in ranked[1].criteria}["Horaires"]
    assert hours.points == 5 and "garde d'enfants" in hours.text


def test_hours_over_the_person_limit_and_missing_licence(organisation):
    position = PositionFactory(
        employer__organisation=organisation, weekly_hours=35, driving_licence_required=True
    )
    person = _person(organisation, max_weekly_hours=20)
    [match] = matching.persons_for_position(position, Person.objects.filter(pk=person.pk))
    labels = {c.label: c for c in match.criteria}
    assert labels["Horaires"].points == 5 and "au-delà" in labels["Horaires"].text
    assert labels["Permis"].points == -10


def test_ranking_persons_costs_two_queries_whatever_their_number(organisation):
    position = PositionFactory(employer__organisation=organisation)
    for _ in range(15):
        person = _person(organisation)
        AbilityFactory(person=person)
    persons = Person.objects.filter(organisation=organisation)
    ranked = []
    assert (
        count_queries(lambda: ranked.extend(matching.persons_for_position(position, persons))) == 2
    )
    assert len(ranked) == 15


def test_positions_for_a_person_within_30_km(organisation):
    person = _person(organisation)
    AbilityFactory(person=person, code="hygiene")
    employer = EmployerFactory(organisation=organisation)
    exact = PositionFactory(
        employer=employer, required_abilities=["hygiene"], abilities_key="|hygiene|"
    )
    other = PositionFactory(employer=employer, rome_code="G1602", appellation="")
    far = PositionFactory(employer=employer, latitude=46.2, longitude=4.8)  # ≈ 50 km
    PositionFactory(employer=employer, status="filled")
    ranked = matching.positions_for_person(
        person, person.employment_project, Position.objects.filter(organisation=organisation)
    )
    assert [m.position for m in ranked] == [exact, other]
    assert far not in [m.position for m in ranked]
    assert ranked[0].score == 100
    assert "1 habileté(s) sur 1" in {c.label: c.text for c in ranked[0].criteria}["Habiletés"]


def test_travel_time_follows_the_means_of_travel():
    assert matching.travel_minutes(10, "car") < matching.travel_minutes(10, "walk")


def test_only_the_latest_observation_of_an_ability_counts(organisation):
    """Seen at 3, then at 1: the ability is missing now (the latest is the current level);
    seen at 1, then at 3: it is met. Both rankings and their explanations agree."""
    today = timezone.localdate()
    position = PositionFactory(
        employer__organisation=organisation,
        required_abilities=["hygiene"],
        abilities_key="|hygiene|",
    )
    fell = _person(organisation)
    AbilityFactory(person=fell, code="hygiene", level=3, observed_on=today - dt.timedelta(30))
    AbilityFactory(person=fell, code="hygiene", level=1, observed_on=today - dt.timedelta(2))
    rose = _person(organisation)
    AbilityFactory(person=rose, code="hygiene", level=1, observed_on=today - dt.timedelta(30))
    AbilityFactory(person=rose, code="hygiene", level=3, observed_on=today - dt.timedelta(2))
    # Two observations of one day: the one entered last is the current level.
    same_day = _person(organisation)
    AbilityFactory(person=same_day, code="hygiene", level=3, observed_on=today)
    AbilityFactory(person=same_day, code="hygiene", level=1, observed_on=today)
    ranked = matching.persons_for_position(
        position, Person.objects.filter(organisation=organisation)
    )
    by_person = {m.person: {c.label: c for c in m.criteria}["Habiletés"] for m in ranked}
    assert by_person[rose].points == 30 and "1 habileté(s) sur 1" in by_person[rose].text
    assert by_person[fell].points == 0 and "Manquantes" in by_person[fell].text
    assert by_person[same_day].points == 0
    assert ranked[0].person == rose
    for person, points in ((fell, 0), (rose, 30)):
        [match] = matching.positions_for_person(
            person,
            person.employment_project,
            Position.objects.filter(organisation=organisation),
        )
        assert {c.label: c for c in match.criteria}["Habiletés"].points == points
