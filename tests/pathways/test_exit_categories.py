"""The exit categories the field uses, each in one family (#9)."""

from __future__ import annotations

import pytest

from relais.pathways import services
from relais.pathways.models import (
    DYNAMIC_EXITS,
    EXIT_FAMILY,
    ExitCategory,
    ExitFamily,
)
from tests.pathways.pathway_helpers import days, make_pathway, today

pytestmark = pytest.mark.django_db


def test_the_field_categories_exist():
    labels = {c.value: c.label for c in ExitCategory}
    for code in ["reoriented", "end_of_rights", "health", "incarceration", "moved", "death"]:
        assert code in labels
    assert labels["reoriented"] == "Réorientation vers un autre référent ou dispositif"


def test_every_category_has_one_family():
    assert set(EXIT_FAMILY) == set(ExitCategory)
    assert {c for c, f in EXIT_FAMILY.items() if f == ExitFamily.DYNAMIC} == set(DYNAMIC_EXITS)
    # Exits that say nothing of the accompaniment's result are set aside from the rate of
    # dynamic exits (« sorties neutralisées »).
    neutral = {c for c, f in EXIT_FAMILY.items() if f == ExitFamily.NEUTRAL}
    assert neutral == {
        ExitCategory.MOVED,
        ExitCategory.HEALTH,
        ExitCategory.INCARCERATION,
        ExitCategory.DEATH,
    }
    assert EXIT_FAMILY[ExitCategory.REORIENTED] == ExitFamily.OTHER
    assert EXIT_FAMILY[ExitCategory.END_OF_RIGHTS] == ExitFamily.OTHER


@pytest.mark.parametrize(
    "category", ["reoriented", "end_of_rights", "health", "incarceration", "death"]
)
def test_a_pathway_closes_with_each_new_category(referent, category):
    pathway = make_pathway(referent, started_on=days(-100))
    outcome = services.pathway_exit(
        pathway=pathway,
        actor=referent,
        expected_version=pathway.version,
        exited_on=today(),
        category=category,
    )
    assert outcome.exit.family == EXIT_FAMILY[category]
    assert not outcome.exit.is_dynamic
