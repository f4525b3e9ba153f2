"""The rule algebra, three-valued: all of, any of, at least n (an exclusive group's
unknowns counted once)."""

from __future__ import annotations

from relais.network.directory.eligibility.criteria import Criterion, Finding, Status
from relais.network.directory.eligibility.rules import AllOf, AnyOf, AtLeast, evaluate_rule
from tests.network.directory.eligibility.support import M, N, U, facts


def fixed(key: str, status: Status, group: str = "") -> Criterion:
    return Criterion(key=key, label=key, evaluate=lambda f: Finding(status, key), group=group)


def test_all_of_and_any_of_three_valued():
    f = facts()
    assert evaluate_rule(AllOf((fixed("a", M), fixed("b", M))), f).status is M
    assert evaluate_rule(AllOf((fixed("a", M), fixed("b", U))), f).status is U
    assert evaluate_rule(AllOf((fixed("a", U), fixed("b", N))), f).status is N
    assert evaluate_rule(AnyOf((fixed("a", N), fixed("b", M))), f).status is M
    assert evaluate_rule(AnyOf((fixed("a", N), fixed("b", U))), f).status is U
    assert evaluate_rule(AnyOf((fixed("a", N), fixed("b", N))), f).status is N


def test_any_of_met_keeps_only_what_met():
    outcome = evaluate_rule(AnyOf((fixed("a", M), fixed("b", U), fixed("c", N))), facts())
    assert [r.criterion.key for r in outcome.relevant] == ["a"]


def test_at_least_counts_unknowns_of_an_exclusive_group_once():
    items = (fixed("a", M), fixed("qpv", U, "residence"), fixed("zrr", U, "residence"))
    # One met + the residence group (one at most): 2 possible.
    assert evaluate_rule(AtLeast(2, items), facts()).status is U
    assert evaluate_rule(AtLeast(3, items), facts()).status is N
    # A group member already met: the other unknown of the group counts nothing.
    items = (fixed("qpv", M, "residence"), fixed("zrr", U, "residence"))
    assert evaluate_rule(AtLeast(2, items), facts()).status is N
