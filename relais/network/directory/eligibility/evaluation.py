"""A person's facts against each scheme: the status (« Probablement éligible », « À
vérifier », « Non éligible »), the criteria met, to check and not met, and the proofs to
gather. What the eligibility section of the person page shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from relais.network.directory.eligibility.criteria import Status
from relais.network.directory.eligibility.facts import PersonFacts
from relais.network.directory.eligibility.rules import CriterionResult, evaluate_rule
from relais.network.directory.eligibility.schemes import SchemeRule, schemes

SCHEME_STATUS_LABELS = {
    Status.MET: "Probablement éligible",
    Status.UNKNOWN: "À vérifier",
    Status.NOT_MET: "Non éligible",
}


@dataclass(frozen=True)
class Proof:
    criterion: str
    proof: str
    validity: str


@dataclass(frozen=True)
class SchemeResult:
    scheme: SchemeRule
    status: Status
    met: tuple[CriterionResult, ...]
    unknown: tuple[CriterionResult, ...]
    not_met: tuple[CriterionResult, ...]
    proofs: tuple[Proof, ...]
    in_pathway: bool = False
    extra_proofs: tuple[str, ...] = field(default=())

    @property
    def status_label(self) -> str:
        return SCHEME_STATUS_LABELS[self.status]

    @property
    def key(self) -> str:
        return self.scheme.key


def evaluate_scheme(scheme: SchemeRule, facts: PersonFacts) -> SchemeResult:
    outcome = evaluate_rule(scheme.rule, facts)
    by_status = {s: tuple(r for r in outcome.relevant if r.status is s) for s in Status}
    # Proofs of what is met (to show the eligibility) and of what is to check.
    proofs = tuple(
        Proof(r.label, r.criterion.proof, r.criterion.proof_validity)
        for r in (*by_status[Status.MET], *by_status[Status.UNKNOWN])
        if r.criterion.proof
    )
    return SchemeResult(
        scheme=scheme,
        status=outcome.status,
        met=by_status[Status.MET],
        unknown=by_status[Status.UNKNOWN],
        not_met=by_status[Status.NOT_MET],
        proofs=proofs if outcome.status is not Status.NOT_MET else (),
        in_pathway=bool(scheme.pathway_scheme and scheme.pathway_scheme in facts.active_schemes),
        extra_proofs=scheme.proofs,
    )


def evaluate_all(facts: PersonFacts) -> list[SchemeResult]:
    return [evaluate_scheme(scheme, facts) for scheme in schemes()]
