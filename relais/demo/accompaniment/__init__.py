"""Demo caseload of the accompaniment module: about sixty fictitious persons across the
demo organisations, with diagnostics, pathways at every stage, reviews, notes and
appointments, so that `make run` shows a living caseload (see builder.py)."""

from __future__ import annotations

from relais.demo.accompaniment.builder import DemoSeeder, SeedReport, demo_counts

__all__ = ["DemoSeeder", "SeedReport", "demo_counts", "seed_accompaniment"]


def seed_accompaniment(organisations, *, today=None) -> SeedReport:
    """Seed the demo persons missing from `organisations` (keyed "ccas", "plie", "aci",
    as returned by relais.demo.accounts.seed_accounts). Idempotent."""
    return DemoSeeder(organisations, today=today).run()
