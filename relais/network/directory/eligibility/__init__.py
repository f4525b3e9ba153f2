"""Schemes (dispositifs) and their eligibility rules, evaluated against a person's record.

Rules are data: each scheme is a tree of `AllOf` / `AnyOf` / `AtLeast` over named criteria,
and each criterion is a small function of the person's facts that answers *met*, *not met*
or *unknown*. The rules are simplified on purpose, stated in plain French next to each
scheme and in docs/eligibility.md with their sources: the result is "probablement éligible
/ à vérifier / non éligible", a help for the référent, never a decision.

Import the module that holds what you need, from the bottom up:

- facts.py: `PersonFacts` and `load_person_facts` (the only database reads);
- criteria.py: `Status`, `Criterion` and the criteria (IAE ones from data/);
- rules.py: `AllOf`, `AnyOf`, `AtLeast` and their three-valued evaluation;
- schemes.py: the schemes with their rules, `schemes()`, `scheme_by_key`;
- evaluation.py: `evaluate_scheme`, `evaluate_all` → `SchemeResult` with its proofs.
"""
