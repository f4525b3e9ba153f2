"""The demo seeded once for the files of this folder, which read it without changing it:
`seed_demo` run twice — the second run must change nothing — inside a transaction rolled
back after the folder's last test (each test still runs in its own savepoint).

The first run takes tens of seconds: each file registers what it counts after each run
(`COUNTERS`) instead of seeding on its own, and tests/conftest.py hands the folder to a
single worker."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO

from django.core.management import call_command

COUNTERS: dict[str, Callable[[], dict]] = {}


@dataclass(frozen=True)
class SeedRun:
    output: str
    duration: float  # seconds
    counts: dict  # COUNTERS' name → what it counted after this run


def seed_twice() -> tuple[SeedRun, SeedRun]:
    runs = []
    for _ in range(2):
        out = StringIO()
        started = time.monotonic()
        call_command("seed_demo", "--force", stdout=out)
        duration = time.monotonic() - started
        counts = {name: count() for name, count in COUNTERS.items()}
        runs.append(SeedRun(out.getvalue(), duration, counts))
    return runs[0], runs[1]
