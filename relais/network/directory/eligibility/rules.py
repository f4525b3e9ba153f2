"""Rules combine criteria: `AllOf`, `AnyOf`, `AtLeast(n, …)`, evaluated with three values
(met, not met, unknown). The outcome keeps the criteria worth showing: what met when an
alternative is enough, everything that counts otherwise."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from relais.network.directory.eligibility.criteria import Criterion, Status
from relais.network.directory.eligibility.facts import PersonFacts


@dataclass(frozen=True)
class AllOf:
    items: tuple


@dataclass(frozen=True)
class AnyOf:
    items: tuple


@dataclass(frozen=True)
class AtLeast:
    count: int
    items: tuple[Criterion, ...]


Rule = Criterion | AllOf | AnyOf | AtLeast


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    status: Status
    detail: str

    @property
    def label(self) -> str:
        return self.criterion.label


@dataclass(frozen=True)
class Outcome:
    status: Status
    relevant: tuple[CriterionResult, ...]  # the criteria worth showing for this outcome


def _dedupe(results: Iterable[CriterionResult]) -> tuple[CriterionResult, ...]:
    seen: dict[str, CriterionResult] = {}
    for r in results:
        seen.setdefault(r.criterion.key, r)
    return tuple(seen.values())


def at_least(count: int, results: list[CriterionResult]) -> Status:
    """Met with `count` criteria met; not met when even every unknown turning out met would
    not reach `count` (the unknowns of one exclusive group count once, none if one of
    the group is already met)."""
    met_count = sum(1 for r in results if r.status is Status.MET)
    if met_count >= count:
        return Status.MET
    met_groups = {
        r.criterion.group for r in results if r.status is Status.MET and r.criterion.group
    }
    possible, groups = 0, set()
    for r in results:
        if r.status is not Status.UNKNOWN:
            continue
        group = r.criterion.group
        if group and (group in met_groups or group in groups):
            continue
        if group:
            groups.add(group)
        possible += 1
    return Status.NOT_MET if met_count + possible < count else Status.UNKNOWN


def evaluate_rule(rule: Rule, facts: PersonFacts) -> Outcome:
    if isinstance(rule, Criterion):
        finding = rule.evaluate(facts)
        return Outcome(finding.status, (CriterionResult(rule, finding.status, finding.detail),))
    if isinstance(rule, AtLeast):
        results = [evaluate_rule(c, facts).relevant[0] for c in rule.items]
        status = at_least(rule.count, results)
        if status is Status.MET:
            return Outcome(status, tuple(r for r in results if r.status is Status.MET))
        return Outcome(status, tuple(results))
    outcomes = [evaluate_rule(item, facts) for item in rule.items]
    statuses = [o.status for o in outcomes]
    if isinstance(rule, AllOf):
        if Status.NOT_MET in statuses:
            status = Status.NOT_MET
        elif all(s is Status.MET for s in statuses):
            status = Status.MET
        else:
            status = Status.UNKNOWN
        return Outcome(status, _dedupe(r for o in outcomes for r in o.relevant))
    # AnyOf: one alternative met is enough, and only what met matters then.
    if Status.MET in statuses:
        chosen = [o for o in outcomes if o.status is Status.MET]
        return Outcome(Status.MET, _dedupe(r for o in chosen for r in o.relevant))
    status = Status.NOT_MET if all(s is Status.NOT_MET for s in statuses) else Status.UNKNOWN
    return Outcome(status, _dedupe(r for o in outcomes for r in o.relevant))
