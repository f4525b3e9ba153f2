"""The criteria one by one: the 18 IAE criteria of the reference file with their proofs,
each at its boundaries, and an unknown that says what to check."""

from __future__ import annotations

import pytest

from relais.network.directory.eligibility.criteria import Criterion, iae_criteria, iae_level
from tests.network.directory.eligibility.support import M, N, U, facts


def criterion(key: str) -> Criterion:
    return next(c for c in iae_criteria() if c.key == key)


def test_the_18_iae_criteria_are_loaded_with_their_proofs():
    criteria = iae_criteria()
    assert len(criteria) == 18
    assert len(iae_level("1")) == 4
    assert len(iae_level("2")) == 14
    rsa = criterion("iae_rsa")
    assert rsa.proof == "Attestation RSA"
    assert rsa.proof_validity.startswith("Datant de moins de 3 mois")
    assert {c.group for c in criteria} >= {"residence", "jobseeker", "age"}


@pytest.mark.parametrize(
    ("key", "kwargs", "status"),
    [
        ("iae_rsa", {"resources": frozenset({"rsa"})}, M),
        ("iae_rsa", {"resources": frozenset({"are"})}, N),
        ("iae_rsa", {"resources": frozenset()}, U),
        ("iae_ass", {"resources": frozenset({"ass", "family"})}, M),
        ("iae_aah", {"resources": frozenset({"aah"})}, M),
        ("iae_detld", {"registered_jobseeker": True, "jobseeker_months": 24}, M),
        ("iae_detld", {"registered_jobseeker": True, "jobseeker_months": 23}, N),
        ("iae_detld", {"registered_jobseeker": True, "jobseeker_months": None}, U),
        ("iae_detld", {"registered_jobseeker": False}, N),
        ("iae_deld", {"registered_jobseeker": True, "jobseeker_months": 12}, M),
        ("iae_deld", {"registered_jobseeker": True, "jobseeker_months": 24}, N),
        ("iae_deld", {"registered_jobseeker": True, "jobseeker_months": 11}, N),
        ("iae_cap_bep", {"education_level": "3"}, M),
        ("iae_cap_bep", {"education_level": "none"}, M),
        ("iae_cap_bep", {"education_level": "4"}, N),
        ("iae_cap_bep", {"education_level": ""}, U),
        ("iae_senior", {"age": 50}, M),
        ("iae_senior", {"age": 49}, N),
        ("iae_jeune", {"age": 25}, M),
        ("iae_jeune", {"age": 26}, N),
        ("iae_ase", {"life_events": frozenset({"care_leaver"})}, M),
        ("iae_ase", {}, N),
        ("iae_th", {"rqth": True}, M),
        ("iae_th", {}, N),
        ("iae_pi", {"household": "alone_children"}, M),
        ("iae_pi", {"household": "couple_children"}, N),
        ("iae_pi", {"household": ""}, U),
        ("iae_psh_pr", {"barriers": frozenset({"FT24"})}, M),
        ("iae_psh_pr", {"barriers": frozenset({"R60"})}, M),
        ("iae_psh_pr", {"household": "hosted"}, M),
        ("iae_psh_pr", {"no_shelter_tonight": True}, M),
        ("iae_psh_pr", {}, N),
        ("iae_psh_pr", {"assessed_domains": frozenset()}, U),
        ("iae_ref_da", {"administrative_status": "asylum"}, M),
        ("iae_ref_da", {"administrative_status": "protected"}, M),
        ("iae_ref_da", {"administrative_status": "permit"}, N),
        ("iae_ref_da", {"administrative_status": ""}, U),
        ("iae_zrr", {"resides_in_zrr": None}, U),
        ("iae_qpv", {"resides_in_qpv": True}, M),
        ("iae_detention_mj", {"barriers": frozenset({"R31"})}, M),
        ("iae_detention_mj", {"life_events": frozenset({"justice"})}, M),
        ("iae_detention_mj", {}, N),
        ("iae_detention_mj", {"assessed_domains": frozenset()}, U),
        ("iae_fle", {"french_level": "below_a1"}, M),
        ("iae_fle", {"french_level": "beginner"}, N),
        ("iae_fle", {"french_level": "", "barriers": frozenset({"FT22"})}, U),
        ("iae_pm", {"barriers": frozenset({"FT6"})}, M),
        ("iae_pm", {}, N),
        (
            "iae_pm",
            {"assessed_domains": frozenset(), "driving_licence": "none", "has_vehicle": False},
            U,
        ),
    ],
)
def test_iae_criteria(key, kwargs, status):
    finding = criterion(key).evaluate(facts(**kwargs))
    assert finding.status is status
    assert finding.detail


def test_unknown_says_which_information_is_missing():
    finding = criterion("iae_cap_bep").evaluate(facts(education_level=""))
    assert finding.detail == "niveau de diplôme non renseigné"
    finding = criterion("iae_qpv").evaluate(facts(resides_in_qpv=None))
    assert "QPV" in finding.detail
