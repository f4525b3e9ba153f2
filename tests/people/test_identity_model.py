"""The duplicate check measured on labelled pairs (tests/people/identity_cases.py): the
held-out set was not used to choose the weights. The model alone, then the whole check
(blocking keys in the database, then the model) on the same pairs."""

from __future__ import annotations

import pytest

from relais.people.duplicates import find_duplicates
from relais.people.models import Person
from tests.people import identity_cases

RECALL = 0.98
HARD_RECALL = 0.95
FALSE_ALARMS = 0.05


def test_labelled_sets_are_large_and_apart():
    tuning, held_out = identity_cases.tuning_set(), identity_cases.held_out_set()
    assert len(held_out) >= 500 and len(tuning) >= 500
    assert sum(c.same for c in held_out) >= 300 and sum(not c.same for c in held_out) >= 200
    names = lambda cases: {c.record["birth_name"] for c in cases}  # noqa: E731
    assert len(names(tuning) & names(held_out)) < len(names(held_out)) / 4


def test_model_on_the_held_out_set():
    figures = identity_cases.evaluate(identity_cases.held_out_set())
    report = "\n".join(figures.lines())
    assert figures.recall >= RECALL, report
    assert figures.hard_recall >= HARD_RECALL, report
    assert figures.false_alarms <= FALSE_ALARMS, report


@pytest.mark.django_db
def test_whole_check_on_the_held_out_set(organisation):
    """Each record is stored in one organisation; the typed identity must find its own
    record (same person) or not propose it (different persons): blocking included."""
    cases = identity_cases.held_out_set()
    records = [
        Person(organisation=organisation, **{k: v for k, v in c.record.items()}) for c in cases
    ]
    for person in records:
        person.save()
    found = {}
    for case, record in zip(cases, records, strict=True):
        typed = {k: v for k, v in case.typed.items()}
        candidates = find_duplicates(organisation_id=organisation.pk, limit=50, **typed)
        found[id(case)] = record.pk in {c.person.pk for c in candidates}
    figures = identity_cases.evaluate(cases, proposed=lambda case: found[id(case)])
    report = "\n".join(figures.lines())
    assert figures.recall >= RECALL, report
    assert figures.hard_recall >= HARD_RECALL, report
    assert figures.false_alarms <= FALSE_ALARMS, report
