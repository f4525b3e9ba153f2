"""Territory (issue 17) data at scale: indicator values for every commune of France, and the
measured territory.

- `indicators` indicators × `years` years × every commune of the COG (34,969): at the
  issue's 50 × 15 that is 26.2 million values, written straight into the one narrow table
  (executemany of plain tuples on SQLite, COPY on PostgreSQL: model instances would take
  hours on two cores). `--territory-indicators` / `--territory-years` measure a fraction
  when the full volume does not fit the time or the disk; the portrait reads 20 indicators ×
  10 years whatever the total, through the (indicator, code, year) index.
- One indicator in two is a rate weighted by the population, the others are counts; one
  value in forty is under secret statistique. Published figures for the départements and
  France are added for half of the indicators (as INSEE publishes them).
- The measured territory is the département 69 (≈ 270 communes), owned by the accompaniment
  part's big organisation, whose persons live there with their diagnostics; every
  organisation has agreed to pool its figures. Its ABS (one year) is generated too."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from bench.common import step
from relais.accounts.models import Organisation
from relais.territory import geography
from relais.territory.models import (
    Aggregation,
    Indicator,
    IndicatorValue,
    NeedsAnalysis,
    PoolingAgreement,
    Territory,
    Theme,
)
from relais.territory.rollups import rollup

DEPARTEMENT = "69"
BATCH = 50_000


@dataclass
class TerritoryScenario:
    organisation_id: int
    manager_id: int
    territory_id: int
    analysis_id: int
    departement: str
    communes: int
    indicators: int
    years: int
    values: int
    portrait_indicators: int
    counts: dict[str, int] = field(default_factory=dict)


def _indicators(count: int, portrait: int, organisation_id: int) -> list[Indicator]:
    themes = Theme.values
    other_id = Organisation.objects.exclude(pk=organisation_id).values_list("pk", flat=True).first()
    made = []
    for i in range(count):
        made.append(
            Indicator(
                # The portrait's indicators belong to the organisation; the others to another
                # one (not read by the measured pages, but in the table and its index).
                organisation_id=organisation_id if i < portrait else other_id,
                code=f"bench-{i:03d}",
                name=f"Indicateur de charge {i:03d}",
                source="Bench (valeurs générées)",
                theme=themes[i % len(themes)],
                unit="%" if i % 2 else "personnes",
                aggregation=Aggregation.WEIGHTED if i % 2 else Aggregation.SUM,
                is_demo=True,
            )
        )
    return Indicator.objects.bulk_create(made)


def _write(rows: list[tuple]) -> None:
    table = IndicatorValue._meta.db_table
    columns = "id, indicator_id, level, geo_code, year, value, marker, computed, complete"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            # The ids were given: move the table's sequence past them, or the rollups
            # inserted next by the ORM collide with them (duplicate primary key).
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (names from the model)
                f"(SELECT MAX(id) FROM {table}))"
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",  # noqa: S608 (names from the model)
                rows,
            )


def _place_persons_in_the_window(rng: random.Random) -> int:
    """The issue measures observed needs over 100,000 diagnosed persons: the accompaniment
    part dates diagnostics at the start of each pathway (mostly years ago) and spreads persons
    over France. Every person is moved to a commune of the département and their diagnostics
    into the last four years (the window the page shows), in two bulk updates. The new dates
    reorder each person's diagnostics: `bench/run.py` then refills their derived columns
    (`diagnostics_refresh_summaries`, decision 0069) before anything is measured."""
    from relais.diagnostics.models import Diagnostic
    from relais.people.models import Person

    communes = geography.area_communes(f"departement:{DEPARTEMENT}")
    today = timezone.localdate()
    window = 4 * 365 - 1
    with connection.cursor() as cursor:
        persons = list(Person.objects.values_list("pk", flat=True))
        cursor.executemany(
            f"UPDATE {Person._meta.db_table} SET commune_code = %s WHERE id = %s",  # noqa: S608 (names from the model)
            [(rng.choice(communes), pk) for pk in persons],
        )
        diagnostics = list(Diagnostic.objects.values_list("pk", flat=True))
        cursor.executemany(
            f"UPDATE {Diagnostic._meta.db_table} SET assessed_on = %s WHERE id = %s",  # noqa: S608 (names from the model)
            [(today - dt.timedelta(days=rng.randint(0, window)), pk) for pk in diagnostics],
        )
    return len(persons)


def generate_territory(
    *,
    organisation_id: int,
    manager_id: int,
    indicators: int,
    years: int,
    rng: random.Random,
    portrait_indicators: int = 20,
) -> TerritoryScenario:
    communes = sorted(geography.communes().values(), key=lambda c: c.code)
    first_year = timezone.localdate().year - years
    with step(f"{indicators} indicators"):
        made = _indicators(indicators, min(portrait_indicators, indicators), organisation_id)
    next_id = (IndicatorValue.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    total = indicators * years * len(communes)
    written = 0
    with step(f"{total:,} indicator values ({len(communes):,} communes × {indicators} × {years})"):
        rows: list[tuple] = []
        for indicator in made:
            rate = indicator.aggregation == Aggregation.WEIGHTED
            for commune in communes:
                base = (
                    rng.uniform(3, 30)
                    if rate
                    else max(1, commune.population) * rng.uniform(0.01, 0.2)
                )
                for y in range(years):
                    if rng.random() < 0.025:
                        rows.append(
                            (
                                next_id,
                                indicator.pk,
                                "commune",
                                commune.code,
                                first_year + y,
                                None,
                                "s",
                                False,
                                True,
                            )
                        )
                    else:
                        value = round(base * (1 + 0.01 * y), 1 if rate else 0)
                        rows.append(
                            (
                                next_id,
                                indicator.pk,
                                "commune",
                                commune.code,
                                first_year + y,
                                value,
                                "",
                                False,
                                True,
                            )
                        )
                    next_id += 1
                if len(rows) >= BATCH:
                    _write(rows)
                    written += len(rows)
                    rows = []
            if indicator.pk % 2 == 0:  # published département and France figures
                for code in [*geography.departements(), "FR"]:
                    level = "france" if code == "FR" else "departement"
                    for y in range(years):
                        rows.append(
                            (
                                next_id,
                                indicator.pk,
                                level,
                                code,
                                first_year + y,
                                rng.uniform(5, 20),
                                "",
                                False,
                                True,
                            )
                        )
                        next_id += 1
        _write(rows)
        written += len(rows)
    with step("every person living in the département, diagnosed in the last four years"):
        diagnosed = _place_persons_in_the_window(rng)
    with step(f"aggregates of the départements, régions and France ({indicators} indicators)"):
        rollups = sum(rollup(indicator) for indicator in made)
    with step("pooling agreements, the territory and its ABS"):
        PoolingAgreement.objects.bulk_create(
            [
                PoolingAgreement(
                    organisation_id=pk, agreed_by_id=manager_id, agreed_on=timezone.localdate()
                )
                # every organisation without an agreement in force (a plain exclude on the
                # relation would also leave out those that never had one)
                for pk in Organisation.objects.exclude(
                    pk__in=PoolingAgreement.objects.filter(withdrawn_at__isnull=True).values(
                        "organisation_id"
                    )
                ).values_list("pk", flat=True)
            ]
        )
        territory = Territory.objects.create(
            organisation_id=organisation_id,
            name=f"Département {DEPARTEMENT} (bench)",
            areas=[f"departement:{DEPARTEMENT}"],
            comparison_areas=["france"],
            created_by_id=manager_id,
        )
        analysis = NeedsAnalysis.objects.create(
            organisation_id=organisation_id,
            territory=territory,
            year=timezone.localdate().year,
            title="ABS (bench)",
            narratives={"context": "Texte de contexte. " * 50},
            created_by_id=manager_id,
        )
    return TerritoryScenario(
        organisation_id=organisation_id,
        manager_id=manager_id,
        territory_id=territory.pk,
        analysis_id=analysis.pk,
        departement=DEPARTEMENT,
        communes=len(geography.area_communes(f"departement:{DEPARTEMENT}")),
        indicators=indicators,
        years=years,
        values=written,
        portrait_indicators=min(portrait_indicators, indicators),
        counts={
            "indicator values": written,
            "aggregates": rollups,
            "persons diagnosed in the window": diagnosed,
        },
    )


OBSERVED_NEEDS_TARGET_MS = 500
PORTRAIT_TARGET_MS = 300


def _timed_runs(call, runs: int) -> tuple[list[float], int, object]:
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        with CaptureQueriesContext(db) as queries:
            found = call()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return timings, len(queries.captured_queries), found


def _whole_portrait(territory: Territory, runs: int) -> str:
    """The page answers one theme and loads the others when opened (decision 0063): this is
    the cost of every theme at once — what a user pays who opens them all, and what the ABS
    builds — figures read and every theme's charts and tables rendered."""
    from django.template.loader import render_to_string

    from relais.territory.portrait import build_portrait, themes_with_values
    from relais.territory.report import portrait_tables

    themes = themes_with_values(territory.organisation_id)

    def whole() -> int:
        tables = portrait_tables(build_portrait(territory, themes=themes))
        html = render_to_string(
            "territory/_portrait_theme.html", {"territory": territory, "tables": tables}
        )
        return len(tables), len(html)

    timings, queries, (tables, size) = _timed_runs(whole, runs)
    p95 = _p95(timings)
    verdict = "ok" if p95 < PORTRAIT_TARGET_MS else "FAIL"
    return (
        f"Territory: the whole portrait of département {territory.name}, every theme at once "
        f"({len(themes)} themes, {tables} indicators, {size / 1024:.0f} KiB of HTML), {runs} runs "
        f"in-process: median {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms (target < "
        f"{PORTRAIT_TARGET_MS} ms: {verdict}), {queries} queries"
    )


def _p95(timings: list[float]) -> float:
    return timings[max(0, int(len(timings) * 0.95) - 1)]


def measure(scenario: TerritoryScenario, runs: int = 20) -> list[str]:
    """The observed-needs aggregate alone, in this process (the page measured over HTTP
    also runs the gap analysis): median, p95 and queries of this calendar year as the pages
    read it (the stored figures, decision 0070), of their computation (the refresh the task
    worker runs after writes), and of the same year read live."""
    from relais.territory.needs import observed_needs
    from relais.territory.needs_sources import pooled_organisations
    from relais.territory.needs_summary import refresh

    territory = Territory.objects.get(pk=scenario.territory_id)
    year = timezone.localdate().year
    start_day, end_day = dt.date(year, 1, 1), dt.date(year, 12, 31)
    pooled = pooled_organisations()
    lines = []
    for label, call, n in (
        ("stored", lambda: observed_needs(territory, start=start_day, end=end_day), runs),
        (
            "read live",
            lambda: observed_needs(territory, start=start_day, end=end_day, organisations=pooled),
            max(3, runs // 4),
        ),
    ):
        timings, queries, found = _timed_runs(call, n)
        p95 = _p95(timings)
        verdict = "ok" if p95 < OBSERVED_NEEDS_TARGET_MS else "FAIL"
        lines.append(
            f"Territory: observed needs of département {scenario.departement} in {year}, {label} "
            f"({found.persons:,} persons diagnosed, {found.organisations} pooling "
            f"organisations), {n} runs in-process: median {statistics.median(timings):.0f} ms, "
            f"p95 {p95:.0f} ms (target < {OBSERVED_NEEDS_TARGET_MS} ms: {verdict}), {queries} "
            "queries"
        )
    lines.append(_whole_portrait(territory, runs))
    started = time.perf_counter()
    refreshed = refresh()
    lines.append(
        f"Territory: the stored observed needs computed again ({refreshed.years} years, "
        f"{refreshed.communes:,} communes) in {(time.perf_counter() - started):.1f} s "
        "(the task queued after diagnostics' writes; the freshness of the figures)"
    )
    lines.append(
        f"Territory: {scenario.values:,} indicator values ({scenario.indicators} indicators × "
        f"{scenario.years} years × every commune), the portrait reads "
        f"{scenario.portrait_indicators} indicators × 10 years"
    )
    return lines
