"""Each scheme at its boundaries: IAE (one level-1 criterion, or two or three of level 2),
RSA, CEJ, PLIE, PMSMP, and the rule each states."""

from __future__ import annotations

import pytest

from relais.network.directory.eligibility.evaluation import SchemeResult, evaluate_scheme
from relais.network.directory.eligibility.facts import PersonFacts
from relais.network.directory.eligibility.schemes import scheme_by_key, schemes
from tests.network.directory.eligibility.support import M, N, U, facts


def result(key: str, f: PersonFacts) -> SchemeResult:
    return evaluate_scheme(scheme_by_key(key), f)


def level_2(count: int) -> dict:
    """Facts with exactly `count` level-2 criteria met (none unknown)."""
    options = [
        {"education_level": "3"},
        {"rqth": True},
        {"household": "alone_children"},
        {"administrative_status": "protected"},
        {"french_level": "below_a1"},
    ]
    kwargs: dict = {}
    for option in options[:count]:
        kwargs.update(option)
    return kwargs


def test_iae_one_level_1_criterion_is_enough():
    r = result("iae", facts(resources=frozenset({"rsa"})))
    assert r.status is M
    assert [c.criterion.key for c in r.met] == ["iae_rsa"]
    assert r.proofs[0].proof == "Attestation RSA"
    assert r.unknown == ()


@pytest.mark.parametrize(("count", "aci", "ai"), [(3, M, M), (2, N, M), (1, N, N)])
def test_iae_level_2_thresholds(count, aci, ai):
    f = facts(**level_2(count))
    assert result("iae", f).status is aci  # ACI, EI, EITI: 3 level-2 criteria
    assert result("iae_ai_etti", f).status is ai  # AI, ETTI: 2


def test_iae_unknowns_make_it_to_check_with_the_missing_information():
    # Two level-2 criteria met, residence (QPV / ZRR) unknown: a third is possible.
    f = facts(**level_2(2), resides_in_qpv=None, resides_in_zrr=None)
    r = result("iae", f)
    assert r.status is U
    assert {c.criterion.key for c in r.unknown} == {"iae_qpv", "iae_zrr"}
    assert {p.criterion for p in r.proofs} >= {c.label for c in r.met}
    # Only one met: even the residence would not make three.
    assert result("iae", facts(**level_2(1), resides_in_qpv=None, resides_in_zrr=None)).status is N


def test_iae_nothing_known():
    f = PersonFacts(age=40)
    r = result("iae", f)
    assert r.status is U
    assert any(c.criterion.key == "iae_rsa" for c in r.unknown)


def test_rsa_beneficiary_is_in_the_accompaniment():
    r = result("rsa", facts(resources=frozenset({"rsa"})))
    assert r.status is M
    assert [c.criterion.key for c in r.met] == ["rsa_beneficiary"]
    assert r.not_met == () and r.unknown == ()


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"resources": frozenset({"none"}), "age": 25}, M),
        ({"resources": frozenset({"none"}), "age": 24}, N),
        ({"resources": frozenset({"none"}), "age": 24, "has_children": True}, M),
        ({"resources": frozenset({"none"}), "age": 22, "barriers": frozenset({"FT14"})}, M),
        ({"resources": frozenset({"none"}), "age": 24, "has_children": None}, U),
        ({"resources": frozenset({"none"}), "age": 17, "has_children": True}, N),
        ({"resources": frozenset({"none"}), "administrative_status": "asylum"}, N),
        ({"resources": frozenset({"none"}), "administrative_status": "permit"}, U),
        ({"resources": frozenset()}, U),
        ({"resources": frozenset({"salary"})}, U),
    ],
)
def test_rsa_probable_eligibility(kwargs, status):
    assert result("rsa", facts(**kwargs)).status is status


@pytest.mark.parametrize(
    ("age", "rqth", "status"),
    [
        (15, False, N),
        (16, False, M),
        (25, False, M),
        (26, False, N),
        (26, True, M),
        (29, True, M),
        (30, True, N),
    ],
)
def test_cej_age_boundaries(age, rqth, status):
    f = facts(age=age, rqth=rqth, resources=frozenset({"none"}))
    assert result("cej", f).status is status


def test_cej_work_or_training_unknown_is_to_check():
    r = result("cej", facts(age=20, resources=frozenset({"salary"})))
    assert r.status is U
    assert "salaire" in r.unknown[0].detail
    assert result("cej", facts(age=20, resources=frozenset())).status is U
    assert (
        result(
            "cej", facts(age=20, resources=frozenset({"none"}), administrative_status="no_permit")
        ).status
        is N
    )


def test_plie():
    assert result("plie", facts(resources=frozenset({"rsa"}))).status is M
    assert result("plie", facts(education_level="none")).status is M
    assert result("plie", facts(registered_jobseeker=True, jobseeker_months=14)).status is M
    assert result("plie", facts(age=17, resources=frozenset({"rsa"}))).status is N
    assert result("plie", facts()).status is N
    assert result("plie", facts(resides_in_qpv=None)).status is U
    assert any(
        "protocole local" in n
        for n in (*scheme_by_key("plie").notes, scheme_by_key("plie").rule_text)
    )


def test_pmsmp_is_always_possible_with_its_conditions():
    for kind in ("france_travail", "aci", "ccas", ""):
        r = result("pmsmp", facts(organisation_kind=kind))
        assert r.status is M
    scheme = scheme_by_key("pmsmp")
    assert len(scheme.conditions) >= 3
    assert "13912" in scheme.proofs[0]


def test_every_scheme_states_its_rule():
    keys = [s.key for s in schemes()]
    assert keys == ["rsa", "plie", "cej", "iae", "iae_ai_etti", "pmsmp"]
    for scheme in schemes():
        assert scheme.rule_text and scheme.summary
