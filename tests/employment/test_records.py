"""The person's timeline and right-of-access export include placements, abilities and
mediations."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from relais.employment.models import Mediation
from relais.records.export import as_json, person_export
from relais.records.timeline import TimelineKind, build_timeline
from tests.factories import MembershipFactory, PersonFactory
from tests.factories.employment import AbilityFactory, EmploymentProjectFactory, PlacementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(organisation):
    return MembershipFactory(organisation=organisation, role="referent")


@pytest.fixture
def person(organisation):
    person = PersonFactory(organisation=organisation)
    EmploymentProjectFactory(person=person)
    AbilityFactory(person=person, code="pace", level=2, evidence="Cadence tenue 3 jours")
    placement = PlacementFactory(
        person=person,
        job_title="Préparatrice de commandes",
        outcome="sustainable",
        outcome_on=timezone.localdate(),
    )
    placement.checkpoints.create(
        label="1 semaine", due_on=placement.starts_on + dt.timedelta(days=7)
    )
    Mediation.objects.create(
        placement=placement,
        happened_on=timezone.localdate(),
        difficulty="Horaires du lundi",
        agreement="Début à 9 h",
    )
    return person


def test_timeline_shows_placement_outcome_ability_and_mediation(person, membership):
    items = build_timeline(person, membership).items
    kinds = {i.kind for i in items}
    assert {TimelineKind.PLACEMENT, TimelineKind.ABILITY, TimelineKind.MEDIATION} <= kinds
    titles = " | ".join(i.title for i in items)
    assert "Mise en emploi : Préparatrice de commandes" in titles
    assert "Issue : Préparatrice de commandes" in titles
    assert "Habileté observée : Tenir une cadence (niveau 2)" in titles
    placement_item = next(i for i in items if i.kind == TimelineKind.PLACEMENT)
    assert placement_item.url.startswith("/emploi/personnes/")


def test_export_includes_project_abilities_placements(person, membership):
    export = person_export(person, actor=membership.user, for_the_person=True)
    text = json.dumps(as_json(export), ensure_ascii=False, default=str)
    assert "Projet professionnel" in text and "K2204" in text
    assert "Cadence tenue 3 jours" in text
    assert "Début à 9 h" in text and "Prévu le" in text and "Emploi durable" in text
