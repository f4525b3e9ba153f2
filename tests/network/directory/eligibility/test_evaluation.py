"""What an evaluation tells beside the status: its label, the proofs to gather (none when
not eligible), and whether a pathway of the scheme is already open."""

from __future__ import annotations

from relais.network.directory.eligibility.evaluation import evaluate_scheme
from relais.network.directory.eligibility.schemes import scheme_by_key
from tests.network.directory.eligibility.support import M, N, facts


def test_in_pathway_flag():
    r = evaluate_scheme(
        scheme_by_key("cej"),
        facts(age=20, resources=frozenset({"none"}), active_schemes=frozenset({"cej"})),
    )
    assert r.in_pathway
    assert not evaluate_scheme(
        scheme_by_key("rsa"), facts(active_schemes=frozenset({"cej"}))
    ).in_pathway


def test_proofs_to_gather_only_when_eligibility_is_possible():
    met = evaluate_scheme(scheme_by_key("iae"), facts(resources=frozenset({"rsa"})))
    assert met.status is M and met.status_label == "Probablement éligible"
    assert [p.proof for p in met.proofs] == ["Attestation RSA"]
    not_met = evaluate_scheme(scheme_by_key("iae"), facts())
    assert not_met.status is N and not_met.status_label == "Non éligible"
    assert not_met.proofs == ()
