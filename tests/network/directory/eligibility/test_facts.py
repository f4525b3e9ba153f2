"""The facts the rules read, made from a person's record."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from relais.network.directory.eligibility.facts import children_known, facts_from_person


def test_facts_from_person_record():
    person = type(
        "P",
        (),
        {
            "birth_date": date(2000, 6, 15),
            "resources": ["rsa"],
            "rqth": True,
            "education_level": "3",
            "household": "alone",
            "children_ages": [4],
            "french_level": "",
            "driving_licence": "",
            "has_vehicle": False,
            "administrative_status": "french",
            "commune_code": "69123",
            "france_travail_id": "  ",
        },
    )()
    f = facts_from_person(
        person,
        today=date(2026, 6, 14),
        diagnostic={"barriers": {"FT24"}, "domains": {"housing"}, "no_shelter_tonight": False},
        life_events=["care_leaver"],
        organisation_kind="ccas",
        active_schemes=["rsa"],
    )
    assert f.age == 25  # the day before the 26th birthday
    assert dataclasses.replace(f, age=26).age == 26
    assert f.has_children is True  # children's ages recorded
    assert f.registered_jobseeker is False
    assert f.barriers == {"FT24"} and f.has_diagnostic
    assert facts_from_person(person, today=date(2026, 6, 15)).age == 26
    assert facts_from_person(person, today=date(2026, 6, 15)).has_diagnostic is False


@pytest.mark.parametrize(
    ("household", "ages", "expected"),
    [
        ("alone", [], False),
        ("alone_children", [], True),
        ("hosted", [], None),
        ("", [3], True),
        ("", [], None),
    ],
)
def test_children_known(household, ages, expected):
    assert children_known(household, ages) is expected
