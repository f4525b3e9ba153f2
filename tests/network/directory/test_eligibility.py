"""Eligibility rules: each criterion, the rule algebra, and each scheme at its boundaries."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from relais.network.directory import eligibility as e
from relais.network.directory.eligibility import PersonFacts, Status

M, N, U = Status.MET, Status.NOT_MET, Status.UNKNOWN


def facts(**kwargs) -> PersonFacts:
    """A person about whom everything relevant is known and nothing qualifies."""
    base = {
        "age": 40,
        "resources": frozenset({"salary"}),
        "rqth": False,
        "education_level": "5",
        "household": "couple",
        "has_children": False,
        "french_level": "native",
        "driving_licence": "b",
        "has_vehicle": True,
        "administrative_status": "french",
        "registered_jobseeker": False,
        "resides_in_qpv": False,
        "resides_in_zrr": False,
        "has_diagnostic": True,
        "assessed_domains": frozenset({"housing", "mobility", "justice"}),
    }
    base.update(kwargs)
    return PersonFacts(**base)


def result(key: str, f: PersonFacts) -> e.SchemeResult:
    return e.evaluate_scheme(e.scheme_by_key(key), f)


def criterion(key: str) -> e.Criterion:
    return next(c for c in e.iae_criteria() if c.key == key)


# --- The reference file ------------------------------------------------------------------------


def test_the_18_iae_criteria_are_loaded_with_their_proofs():
    criteria = e.iae_criteria()
    assert len(criteria) == 18
    assert len(e.iae_level("1")) == 4
    assert len(e.iae_level("2")) == 14
    rsa = criterion("iae_rsa")
    assert rsa.proof == "Attestation RSA"
    assert rsa.proof_validity.startswith("Datant de moins de 3 mois")
    assert {c.group for c in criteria} >= {"residence", "jobseeker", "age"}


# --- Criteria ----------------------------------------------------------------------------------------


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


# --- The rule algebra ---------------------------------------------------------------------------


def fixed(key: str, status: Status, group: str = "") -> e.Criterion:
    return e.Criterion(key=key, label=key, evaluate=lambda f: e.Finding(status, key), group=group)


def test_all_of_and_any_of_three_valued():
    f = facts()
    assert e.evaluate_rule(e.AllOf((fixed("a", M), fixed("b", M))), f).status is M
    assert e.evaluate_rule(e.AllOf((fixed("a", M), fixed("b", U))), f).status is U
    assert e.evaluate_rule(e.AllOf((fixed("a", U), fixed("b", N))), f).status is N
    assert e.evaluate_rule(e.AnyOf((fixed("a", N), fixed("b", M))), f).status is M
    assert e.evaluate_rule(e.AnyOf((fixed("a", N), fixed("b", U))), f).status is U
    assert e.evaluate_rule(e.AnyOf((fixed("a", N), fixed("b", N))), f).status is N


def test_any_of_met_keeps_only_what_met():
    outcome = e.evaluate_rule(e.AnyOf((fixed("a", M), fixed("b", U), fixed("c", N))), facts())
    assert [r.criterion.key for r in outcome.relevant] == ["a"]


def test_at_least_counts_unknowns_of_an_exclusive_group_once():
    items = (fixed("a", M), fixed("qpv", U, "residence"), fixed("zrr", U, "residence"))
    # One met + the residence group (one at most): 2 possible.
    assert e.evaluate_rule(e.AtLeast(2, items), facts()).status is U
    assert e.evaluate_rule(e.AtLeast(3, items), facts()).status is N
    # A group member already met: the other unknown of the group counts nothing.
    items = (fixed("qpv", M, "residence"), fixed("zrr", U, "residence"))
    assert e.evaluate_rule(e.AtLeast(2, items), facts()).status is N


# --- IAE ---------------------------------------------------------------------------------------------


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


# --- RSA -------------------------------------------------------------------------------------------


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


# --- CEJ -------------------------------------------------------------------------------------------


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


# --- PLIE, PMSMP -------------------------------------------------------------------------------------


def test_plie():
    assert result("plie", facts(resources=frozenset({"rsa"}))).status is M
    assert result("plie", facts(education_level="none")).status is M
    assert result("plie", facts(registered_jobseeker=True, jobseeker_months=14)).status is M
    assert result("plie", facts(age=17, resources=frozenset({"rsa"}))).status is N
    assert result("plie", facts()).status is N
    assert result("plie", facts(resides_in_qpv=None)).status is U
    assert any(
        "protocole local" in n
        for n in (*e.scheme_by_key("plie").notes, e.scheme_by_key("plie").rule_text)
    )


def test_pmsmp_is_always_possible_with_its_conditions():
    for kind in ("france_travail", "aci", "ccas", ""):
        r = result("pmsmp", facts(organisation_kind=kind))
        assert r.status is M
    scheme = e.scheme_by_key("pmsmp")
    assert len(scheme.conditions) >= 3
    assert "13912" in scheme.proofs[0]


def test_every_scheme_states_its_rule():
    keys = [s.key for s in e.schemes()]
    assert keys == ["rsa", "plie", "cej", "iae", "iae_ai_etti", "pmsmp"]
    for scheme in e.schemes():
        assert scheme.rule_text and scheme.summary


def test_in_pathway_flag():
    r = result(
        "cej", facts(age=20, resources=frozenset({"none"}), active_schemes=frozenset({"cej"}))
    )
    assert r.in_pathway
    assert not result("rsa", facts(active_schemes=frozenset({"cej"}))).in_pathway


# --- From a person's record -------------------------------------------------------------------


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
    f = e.facts_from_person(
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
    assert e.facts_from_person(person, today=date(2026, 6, 15)).age == 26
    assert e.facts_from_person(person, today=date(2026, 6, 15)).has_diagnostic is False


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
    assert e.children_known(household, ages) is expected
