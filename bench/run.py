"""`make bench`: server-side timings of a few pages under gunicorn, on generated data.

1. a fresh database: SQLite in a temporary directory, or PostgreSQL when DATABASE_URL is
   set (the database is dropped and created again, so its name must contain "bench");
2. migrations, the demo data (seed_demo), generated data at a realistic scale
   (bench/data.py) and collectstatic;
3. gunicorn on 127.0.0.1 (free port, 2 workers, settings `config.settings.bench`);
4. sequential requests per endpoint over one keep-alive connection, after a warm-up; the
   server-side time is read from the `Server-Timing: app;dur=<ms>` header.

Any non-2xx answer fails the run. gunicorn is always stopped and the directory removed.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SERVER_TIMING_RE = re.compile(r"\bapp;dur=([0-9.]+)")
SQL_REPLAY_RE = re.compile(r"queries=(\d+);raw=([0-9.]+)")
SQL_REPLAYS = 21  # replays of a page's SQL for its raw time (median)
CPU_TIMING_RE = re.compile(r"\bcpu;dur=([0-9.]+)")  # bench.middleware
CSRF_COOKIE = "csrftoken"
# The intake form is posted like a browser does: CSRF cookie and form field. Django accepts
# the unmasked 32-character secret in both.
CSRF_SECRET = secrets.token_hex(16)


class BenchError(Exception):
    """The benchmark cannot give a meaningful figure (bad answer, server down…)."""


PARTS = (
    "foundation",
    "accompaniment",
    "coordination",
    "identity",
    "tools",
    "employment",
    "territory",
    "certification",
    "projects",
    "reporting",
    "person_space",
)


@dataclass
class Endpoint:
    label: str
    path: str
    part: str = "foundation"
    # (user id, organisation id): a verified session is created for them just before the
    # endpoint is measured (sessions expire after 30 minutes of inactivity).
    login: tuple[int, int] | None = None
    # Text the first answer must contain: proves the page measured is the intended one.
    expect: str = ""
    # (text, n): the first answer must contain `text` exactly n times (e.g. 300 timeline items).
    expect_count: tuple[str, int] | None = None
    method: str = "GET"
    form: dict[str, str] | None = None  # POST fields (a CSRF token is added)
    # One form per request (warm-up included), for POSTs that may be made once only.
    forms: list[dict[str, str]] | None = None
    # A redirect is the answer expected (a write that succeeds): its Location must start so.
    redirect_to: str = ""
    target_ms: float | None = None  # the p95 the issue asks for
    requests: int | None = None  # overrides --requests (slow pages)
    warmup: int | None = None
    cookie: str | None = None
    htmx: bool = False  # sent as htmx sends it (HX-Request): the fragment, not the page
    cookies: list[str] | None = None  # one per request (warm-up included), e.g. code checks
    server_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    client_ms: list[float] = field(default_factory=list)
    # The page's own SQL replayed with the driver alone (bench/middleware.py SqlReplayMiddleware)
    queries: int | None = None
    sql_ms: float | None = None
    size: int = 0
    connections: int = 0

    @property
    def ratio(self) -> float | None:
        """Page ÷ its own raw SQL (median against median): the figure the targets are on."""
        if not self.sql_ms or not self.server_ms:
            return None
        return statistics.median(self.server_ms) / self.sql_ms

    @property
    def verdict(self) -> str:
        if self.target_ms is None or not self.server_ms:
            return ""
        return "pass" if p95(self.server_ms) < self.target_ms else "FAIL"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"parts to generate and measure, comma-separated: {', '.join(PARTS)} (default: all)",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiplies the generated volumes of the accompaniment and coordination parts "
        "(persons, services, referrals); the measured scenario (150 persons, 300 timeline "
        "items, 5,000 referrals) does not change. Default 1: the volumes of the issues",
    )
    parser.add_argument("--persons", type=int, default=100_000, help="persons (at scale 1)")
    parser.add_argument(
        "--measured-persons",
        type=int,
        default=None,
        help="persons of the measured « Conseil départemental » (default: a fifth of all "
        "persons, so it grows with --scale; a fixed number checks that the pages stay flat "
        "when only the rest of the database grows)",
    )
    parser.add_argument("--services", type=int, default=100_000, help="services (at scale 1)")
    parser.add_argument("--referrals", type=int, default=1_000_000, help="referrals (at scale 1)")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per endpoint")
    parser.add_argument("--warmup", type=int, default=20, help="warm-up requests per endpoint")
    parser.add_argument("--organisations", type=int, default=200)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--entries", type=int, default=200_000, help="journal entries in all")
    parser.add_argument(
        "--big-entries",
        type=int,
        default=20_000,
        help="journal entries held by the measured organisation",
    )
    parser.add_argument(
        "--identity-persons",
        type=int,
        default=100_000,
        help="persons of the one organisation where the duplicate check is measured",
    )
    parser.add_argument(
        "--employment-persons",
        type=int,
        default=20_000,
        help="persons with an employment project in the organisation where matching is measured",
    )
    parser.add_argument("--employers", type=int, default=50_000, help="employers in all")
    parser.add_argument("--positions", type=int, default=200_000, help="positions in all")
    parser.add_argument(
        "--territory-indicators", type=int, default=50, help="indicators of every commune"
    )
    parser.add_argument("--territory-years", type=int, default=15, help="years of each indicator")
    parser.add_argument(
        "--certification-candidates",
        type=int,
        default=100_000,
        help="candidates of the certification scenario (about 20 criterion scores each)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--json", metavar="PATH", help="also write the figures (and the setup) to this JSON file"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary directory (SQLite database, gunicorn log) to study query "
        "plans afterwards; its path is printed",
    )
    parser.add_argument(
        "--again",
        metavar="FIGURES",
        help="PostgreSQL only: measure again, without generating anything, on the database a "
        "previous run of the foundation, accompaniment and coordination parts left in place "
        "(FIGURES: that run's --json file, which names the scenario; its parts and scale are "
        "taken from it)",
    )
    args = parser.parse_args(argv)
    if args.again:
        import json

        try:
            previous = json.loads(Path(args.again).read_text(encoding="utf-8"))
            args.only, args.scale = ",".join(previous["parts"]), previous["scale"]
        except (OSError, ValueError, KeyError) as error:
            parser.error(f"--again: {args.again} is not a figures file of a run ({error})")
        if set(previous["parts"]) - set(AGAIN_PARTS):
            parser.error(f"--again: only a run of the parts {', '.join(AGAIN_PARTS)}")
        if not os.environ.get("DATABASE_URL"):
            parser.error("--again: PostgreSQL only (DATABASE_URL); SQLite's database is not kept")
        args.previous = previous
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        parser.error(
            f"--only: unknown part(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(PARTS)}"
        )
    args.parts = [p for p in PARTS if p in parts]
    if args.scale <= 0:
        parser.error("--scale must be positive")
    return args


# --- Environment -------------------------------------------------------------------------


def machine_description() -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return [
        ("Date", datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("Machine", f"{cpu}, {os.cpu_count()} cores, {ram} RAM"),
        ("System", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        (
            "Load",
            "{:.2f} {:.2f} {:.2f} (1, 5, 15 min; other work skews the figures)".format(
                *os.getloadavg()
            ),
        ),
    ]


def database_description() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (WAL)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"{connection.display_name} {version}"


def recreate_postgres_database(url: str) -> str:
    """Drop and create the database named in DATABASE_URL; refuse any name without "bench"."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if "postgres" not in config["ENGINE"]:
        raise BenchError(f"DATABASE_URL: only PostgreSQL is supported ({config['ENGINE']}).")
    if "bench" not in name:
        raise BenchError(
            f"refusing to drop database {name!r}: a benchmark database name must contain "
            '"bench" (e.g. postgres://postgres@127.0.0.1:5432/relais_bench).'
        )
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


@dataclass
class Prepared:
    foundation: object
    accompaniment: object | None
    coordination: object | None
    durations: dict[str, float]
    identity: object | None = None
    tools: object | None = None
    employment: object | None = None
    territory: object | None = None
    certification: object | None = None
    projects: object | None = None


# The parts whose scenario a figures file holds whole (`--again`).
AGAIN_PARTS = ("foundation", "accompaniment", "coordination")


def reload_prepared(args: argparse.Namespace) -> Prepared:
    """`--again`: the scenario of the run that wrote `args.previous`, on the database it left
    in place. The inbox's counts are read again: every run's sending scenario adds
    referrals to the measured inbox."""
    from dataclasses import replace

    from django.core.management import call_command

    from bench.accompaniment import AccompanimentScenario
    from bench.common import step
    from bench.coordination import CoordinationScenario, inbox_counts
    from bench.data import Scenario

    scenarios = args.previous["scenarios"]
    found = scenarios["foundation"]
    foundation = Scenario(**{**found, "organisation_ids": tuple(found["organisation_ids"])})
    accompaniment = coordination = None
    if scenarios.get("accompaniment"):
        accompaniment = AccompanimentScenario(**scenarios["accompaniment"])
    if scenarios.get("coordination"):
        coordination = CoordinationScenario(**scenarios["coordination"])
        count, pending = inbox_counts(coordination.organisation_id)
        coordination = replace(coordination, inbox_count=count, inbox_pending=pending)
    start = time.perf_counter()
    with step("collectstatic"):
        call_command("collectstatic", interactive=False, verbosity=0)
    return Prepared(
        foundation, accompaniment, coordination, {"collectstatic": time.perf_counter() - start}
    )


def prepare_database(args: argparse.Namespace) -> Prepared:
    """Migrate, seed and generate what the chosen parts measure."""
    import random

    from django.core.management import call_command
    from django.db import connection, connections

    from bench.accompaniment import generate_accompaniment
    from bench.common import loading, step
    from bench.coordination import generate_coordination
    from bench.data import SEED, generate
    from relais.accounts.models import Organisation

    durations: dict[str, float] = {}

    def timed(label: str, key: str):
        @contextlib.contextmanager
        def inner():
            start = time.perf_counter()
            with step(label):
                yield
            durations[key] = time.perf_counter() - start

        return inner()

    with timed("migrate", "migrate"):
        call_command("migrate", interactive=False, verbosity=0)
    with timed("seed_demo", "seed_demo"):
        call_command("seed_demo", force=True, stdout=io.StringIO())
    stack = contextlib.ExitStack()
    stack.enter_context(loading())
    entries = args.entries if "foundation" in args.parts else 0
    label = f"foundation: {args.organisations} organisations, {args.users} users, {entries} journal entries"
    with timed(label, "foundation"):
        foundation = generate(
            organisations=args.organisations,
            users=args.users,
            entries=entries,
            big_entries=args.big_entries,
        )
    accompaniment = coordination = None
    persons = max(1000, round(args.persons * args.scale))
    reporting = "reporting" in args.parts  # reads the accompaniment and coordination data
    if {"accompaniment", "coordination", "territory"} & set(args.parts) or reporting:
        print("  accompaniment:")
        start = time.perf_counter()
        accompaniment = generate_accompaniment(
            persons=persons,
            organisations=list(
                Organisation.objects.filter(pk__in=foundation.organisation_ids).order_by("pk")
            ),
            rng=random.Random(f"{SEED}-accompaniment"),  # noqa: S311 — fake data
            timeline="accompaniment" in args.parts or "territory" in args.parts or reporting,
            measured_persons=args.measured_persons,
        )
        durations["accompaniment"] = time.perf_counter() - start
    if "coordination" in args.parts or reporting:
        print("  coordination:")
        start = time.perf_counter()
        coordination = generate_coordination(
            services=max(1000, round(args.services * args.scale)),
            referrals=max(10_000, round(args.referrals * args.scale)),
            rng=random.Random(f"{SEED}-coordination"),  # noqa: S311 — fake data
            exclude_person=accompaniment.big_person_id if accompaniment else None,
        )
        durations["coordination"] = time.perf_counter() - start
    identity = None
    if "identity" in args.parts:
        from bench.identity import generate_identity

        print("  identity:")
        start = time.perf_counter()
        identity = generate_identity(
            persons=args.identity_persons,
            rng=random.Random(f"{SEED}-identity"),  # noqa: S311 — fake data
        )
        durations["identity"] = time.perf_counter() - start
    tools = None
    if "tools" in args.parts:
        from bench.accompaniment_tools import generate_tools

        print("  tools:")
        start = time.perf_counter()
        tools = generate_tools(
            persons=max(300, round(3000 * args.scale)),
            rng=random.Random(f"{SEED}-tools"),  # noqa: S311 — fake data
        )
        durations["tools"] = time.perf_counter() - start
    employment = None
    if "employment" in args.parts:
        from bench.employment import generate_employment

        print("  employment:")
        start = time.perf_counter()
        employment = generate_employment(
            employers=args.employers,
            positions=args.positions,
            persons=args.employment_persons,
            organisations=50,
            rng=random.Random(f"{SEED}-employment"),  # noqa: S311 — fake data
        )
        durations["employment"] = time.perf_counter() - start
    territory = None
    if "territory" in args.parts:
        from bench.territory import generate_territory

        print("  territory:")
        start = time.perf_counter()
        territory = generate_territory(
            organisation_id=accompaniment.organisation_id,
            manager_id=accompaniment.manager_id,
            indicators=args.territory_indicators,
            years=args.territory_years,
            rng=random.Random(f"{SEED}-territory"),  # noqa: S311 — fake data
        )
        durations["territory"] = time.perf_counter() - start
    certification = None
    if "certification" in args.parts:
        from bench.certification import generate_certification

        print("  certification:")
        start = time.perf_counter()
        certification = generate_certification(
            candidates=max(1000, round(args.certification_candidates * args.scale)),
            rng=random.Random(f"{SEED}-certification"),  # noqa: S311 — fake data
        )
        durations["certification"] = time.perf_counter() - start
    projects = None
    if "projects" in args.parts:
        from bench.projects import generate_projects

        print("  projects:")
        start = time.perf_counter()
        projects = generate_projects(
            rng=random.Random(f"{SEED}-projects"),  # noqa: S311 — fake data
            enrol_requests=PROJECTS_ENROL_WARMUP + PROJECTS_ENROL_REQUESTS,
        )
        durations["projects"] = time.perf_counter() - start
    stack.close()
    if connection.vendor == "postgresql":
        # Statistics for what COPY wrote, before the derived steps read it: without them
        # their batched queries read whole tables each time (decision 0069's repair
        # command analyses its own two tables; the stored observed needs read more).
        with timed("ANALYZE", "analyze"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # The parts write diagnostics as raw rows (and the territory part moves their dates):
    # their derived columns (decision 0069) are filled as after a migration, so that the
    # observed needs measure what production reads.
    with timed("derived columns of the diagnostics", "diagnostics_refresh"):
        call_command("diagnostics_refresh_summaries", stdout=io.StringIO())
    if territory is not None:
        # The observed needs of each year as the task worker stores them (decision 0070).
        with timed("observed needs stored per year and commune", "needs_refresh"):
            call_command("territory_refresh_needs", stdout=io.StringIO())
    if connection.vendor == "postgresql":
        # What autovacuum does a minute after a bulk load; done now so that it does not
        # happen in the middle of the measurement. (SQLite has no such automatic step.)
        with timed("VACUUM (ANALYZE)", "vacuum"), connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    with timed("collectstatic", "collectstatic"):
        call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()
    return Prepared(
        foundation,
        accompaniment,
        coordination,
        durations,
        identity,
        tools=tools,
        employment=employment,
        territory=territory,
        certification=certification,
        projects=projects,
    )


# Each code check spends a code: one prepared access per request.
SPACE_WARMUP = 10
SPACE_REQUESTS = 200

# Each measured send makes a new referral: one prepared person per request.
SENDING_WARMUP = 10
SENDING_REQUESTS = 150
# Each measured enrolment enrols 30 fresh persons.
PROJECTS_ENROL_WARMUP = 5
PROJECTS_ENROL_REQUESTS = 60


def build_endpoints(prepared: Prepared, parts: list[str]) -> list[Endpoint]:
    from urllib.parse import urlencode

    endpoints: list[Endpoint] = []
    f = prepared.foundation
    if "person_space" in parts:
        # First: the codes and the "code asked" cookie are short-lived.
        from bench import person_space

        space = person_space.prepare(signers=SPACE_WARMUP + SPACE_REQUESTS)
        endpoints += [
            Endpoint(
                f"GET /mon-espace/ (the person's home; {space.items} timeline items)",
                "/mon-espace/",
                part="person_space",
                cookie=space.home_cookie,
                expect="Bonjour Camille",
                target_ms=100,
            ),
            Endpoint(
                "POST /mon-espace/connexion/code/ (sign-in code check)",
                "/mon-espace/connexion/code/",
                part="person_space",
                method="POST",
                forms=space.code_forms,
                cookies=space.code_cookies,
                redirect_to="/mon-espace/",
                target_ms=50,
                requests=SPACE_REQUESTS,
                warmup=SPACE_WARMUP,
            ),
        ]
    if "foundation" in parts:
        manager = (f.manager_id, f.organisation_id)
        endpoints += [
            Endpoint("GET /healthz", "/healthz", expect='"status": "ok"'),
            Endpoint("GET /connexion/ (login page)", "/connexion/", expect="<form"),
            Endpoint(
                f"GET /structure/journal/ ({f.journal_count:,} entries)",
                "/structure/journal/",
                login=manager,
                expect=f"{f.journal_count} entrées",
            ),
            Endpoint(
                f"GET /structure/journal/?person=… ({f.person_count:,} entries)",
                f"/structure/journal/?person={f.person_id}",
                login=manager,
                expect=f"{f.person_count} entrée",
            ),
        ]
    a = prepared.accompaniment
    if "accompaniment" in parts:
        org = a.organisation_id
        referent, manager, staff = (a.referent_id, org), (a.manager_id, org), (a.staff_id, org)
        part = "accompaniment"
        endpoints += [
            Endpoint(
                f"GET / (caseload of a référent, {a.referent_persons} persons)",
                "/",
                part=part,
                login=referent,
                expect=f"{a.referent_persons} personnes",
                target_ms=100,
            ),
            Endpoint(
                f"GET /personnes/<pk>/ (summary; {a.big_person_items} timeline items)",
                f"/personnes/{a.big_person_id}/",
                part=part,
                login=referent,
                expect='data-testid="person-summary"',
                target_ms=100,
                requests=150,
            ),
            Endpoint(
                f"GET /personnes/<pk>/sections/chronologie/ (first 50 of {a.big_person_items} items)",
                f"/personnes/{a.big_person_id}/sections/chronologie/",
                part=part,
                login=referent,
                expect_count=('class="relais-chrono__item"', 50),
                target_ms=150,
                requests=150,
            ),
            Endpoint(
                f"GET …/chronologie/?depuis=… (« Voir plus »: the last 50 of {a.big_person_items})",
                f"/personnes/{a.big_person_id}/chronologie/?depuis={a.big_person_items - 50}",
                part=part,
                login=referent,
                htmx=True,
                expect_count=('class="relais-chrono__item"', 50),
                target_ms=150,
                requests=150,
            ),
            Endpoint(
                "GET /agenda/ (a référent's week)",
                "/agenda/",
                part=part,
                login=referent,
                expect='data-testid="agenda-week"',
                target_ms=100,
            ),
            Endpoint(
                "POST /personnes/nouvelle/ (intake: duplicate check)",
                "/personnes/nouvelle/",
                part=part,
                login=referent,
                method="POST",
                form=a.duplicate_form,
                expect=f"/personnes/{a.duplicate_of}/",
                target_ms=50,
            ),
            Endpoint(
                f"GET /?q={a.referent_search_term} (name search, référent's caseload)",
                f"/?{urlencode({'q': a.referent_search_term})}",
                part=part,
                login=referent,
                expect=f"{a.referent_search_count} personne",
                target_ms=50,
            ),
            Endpoint(
                f"GET /?q={a.search_term} (name search, manager: whole organisation)",
                f"/?{urlencode({'q': a.search_term})}",
                part=part,
                login=manager,
                expect=f"{a.search_count} personne",
                target_ms=50,
            ),
            Endpoint(
                f"GET /?q={a.search_term} (name search, reception staff)",
                f"/?{urlencode({'q': a.search_term})}",
                part=part,
                login=staff,
                expect='data-testid="search-results"',
                target_ms=50,
            ),
            Endpoint(
                f"GET / (caseload of a manager, {a.organisation_persons:,} persons)",
                "/",
                part=part,
                login=manager,
                expect=f"{a.organisation_persons} personnes",
                requests=100,
            ),
        ]
    c = prepared.coordination
    if "coordination" in parts:
        from bench import sending as sending_scenario

        member = (c.member_id, c.organisation_id)
        sending = sending_scenario.prepare(
            receiver_id=c.organisation_id, count=SENDING_WARMUP + SENDING_REQUESTS
        )
        part = "coordination"
        query = urlencode(
            {"thematique": c.search_thematique, "commune": c.search_commune, "rayon": 20}
        )
        endpoints += [
            Endpoint(
                f"GET /recherche/services/ ({c.search_thematique}, 20 km around Lyon)",
                f"/recherche/services/?{query}&envoye=1",
                part=part,
                login=member,
                expect=f"{c.search_total} service",
                target_ms=50,
            ),
            Endpoint(
                f"GET /api/v1/services ({c.search_thematique}, 20 km around Lyon)",
                f"/api/v1/services?{query}",
                part=part,
                expect=f'"total": {c.search_total}',
                target_ms=50,
            ),
            Endpoint(
                f"GET /orientations/ (inbox: to answer, {c.inbox_pending} of {c.inbox_count:,})",
                "/orientations/",
                part=part,
                login=member,
                expect=f"{c.inbox_pending} orientation",
                target_ms=100,
            ),
            Endpoint(
                f"GET /orientations/?onglet=toutes (inbox: all {c.inbox_count:,})",
                "/orientations/?onglet=toutes",
                part=part,
                login=member,
                expect=f"{c.inbox_count} orientations",
                target_ms=100,
            ),
            Endpoint(
                f"POST /orientations/nouvelle/ (sending a referral, {sending.count} persons)",
                "/orientations/nouvelle/",
                part=part,
                login=(sending.referent_id, sending.organisation_id),
                method="POST",
                forms=sending.forms,
                redirect_to="/orientations/",
                requests=SENDING_REQUESTS,
                warmup=SENDING_WARMUP,
            ),
            Endpoint(
                f"GET /recherche/cartographie/?territoire={c.departement} (actor map)",
                f"/recherche/cartographie/?territoire={c.departement}",
                part=part,
                login=member,
                expect="<svg",
                target_ms=1000,
                requests=30,
                warmup=3,
            ),
        ]
    if prepared.tools is not None:
        from bench.accompaniment_tools import pages

        t = prepared.tools
        logins = {
            "referent": (t.referent_id, t.organisation_id),
            "manager": (t.manager_id, t.organisation_id),
        }
        endpoints += [
            Endpoint(
                f"GET {path} ({label})",
                path,
                part="tools",
                login=logins[who],
                expect=expected,
                requests=100,
                warmup=10,
            )
            for label, path, who, expected in pages(t)
        ]
    t = prepared.territory
    if "territory" in parts:
        who = (t.manager_id, t.organisation_id)
        endpoints += [
            Endpoint(
                f"GET /territoire/<id>/ (portrait of département {t.departement}, "
                f"{t.communes} communes, {t.portrait_indicators} indicators × 10 years)",
                f"/territoire/{t.territory_id}/",
                part="territory",
                login=who,
                expect="Indicateur de charge",
                target_ms=300,
                requests=100,
            ),
            Endpoint(
                f"GET /territoire/<id>/besoins/ (observed needs and gap analysis, "
                f"département {t.departement})",
                f"/territoire/{t.territory_id}/besoins/",
                part="territory",
                login=who,
                expect="Écarts entre besoins et offre",
                target_ms=1000,
                requests=50,
                warmup=3,
            ),
            Endpoint(
                f"GET /territoire/abs/<id>/pdf/ (ABS of département {t.departement})",
                f"/territoire/abs/{t.analysis_id}/pdf/",
                part="territory",
                login=who,
                target_ms=10_000,
                requests=5,
                warmup=1,
            ),
        ]
    cert = prepared.certification
    if "certification" in parts and cert is not None:
        login = (cert.manager_id, cert.organisation_id)
        endpoints += [
            Endpoint(
                "GET /certification/candidats/<pk>/ (a candidate's file)",
                f"/certification/candidats/{cert.big_candidate_id}/",
                part="certification",
                login=login,
                expect="Blocs de compétences",
                target_ms=100,
            ),
            Endpoint(
                f"GET /certification/jurys/<pk>/ ({cert.jury_candidates} candidates, block status)",
                f"/certification/jurys/{cert.jury_id}/",
                part="certification",
                login=login,
                expect=f"Candidats présentés ({cert.jury_candidates})",
                target_ms=200,
            ),
            Endpoint(
                "GET /certification/statistiques/RNCP41885/ (yearly statistics)",
                "/certification/statistiques/RNCP41885/",
                part="certification",
                login=login,
                expect="<td>2021</td>",
                target_ms=500,
            ),
        ]
    if "projects" in parts:
        from bench.projects_endpoints import projects_endpoints

        endpoints += projects_endpoints(
            prepared.projects, Endpoint, PROJECTS_ENROL_WARMUP, PROJECTS_ENROL_REQUESTS
        )
    return endpoints


# --- Server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn in its own process group (Ctrl-C reaches the benchmark, which stops it)."""

    def __init__(self, *, port: int, workers: int, log_path: Path, threads: int = 2) -> None:
        self.port = port
        self.log_path = log_path
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            # Sync workers close the connection after each answer; threaded ones keep it.
            "--worker-class=gthread",
            f"--threads={threads}",
            "--keep-alive=5",
            "--log-level=warning",
            f"--chdir={ROOT}",
        ]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 — fixed command
            self.command, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited (code {self.process.returncode}).")
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.2)
        raise BenchError(f"gunicorn does not answer on port {self.port} after {timeout:.0f} s.")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: workers finish, then exit
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if getattr(self, "log", None) is not None:
            self.log.close()

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


# --- Measure -----------------------------------------------------------------------------


def fetch(
    conn: http.client.HTTPConnection,
    endpoint: Endpoint,
    form: dict[str, str] | None = None,
    *,
    replay_sql: bool = False,
) -> tuple[float, float | None, float, bytes]:
    """One request: (server ms, server CPU ms or None, client ms, body). With `replay_sql`,
    the server also replays the request's SQL and the endpoint keeps its raw time."""
    headers = {"Accept": "text/html,application/json", "Accept-Encoding": "identity"}
    if replay_sql:
        headers["X-Bench-Sql-Replay"] = str(SQL_REPLAYS)
    if endpoint.cookie:
        headers["Cookie"] = endpoint.cookie
    if endpoint.htmx:
        headers["HX-Request"] = "true"
    body = None
    if endpoint.method == "POST":
        fields = form if form is not None else endpoint.form or {}
        body = urlencode({**fields, "csrfmiddlewaretoken": CSRF_SECRET}, doseq=True).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Cookie"] = "; ".join(
            c for c in (endpoint.cookie, f"{CSRF_COOKIE}={CSRF_SECRET}") if c
        )
    if conn.sock is None:
        endpoint.connections += 1
    start = time.perf_counter()
    conn.request(endpoint.method, endpoint.path, body=body, headers=headers)
    response = conn.getresponse()
    content = response.read()
    client_ms = (time.perf_counter() - start) * 1000
    location = response.getheader("Location", "")
    redirected = endpoint.redirect_to and response.status == 302
    if redirected and not location.startswith(endpoint.redirect_to):
        raise BenchError(f"{endpoint.label}: redirected to {location}, not {endpoint.redirect_to}…")
    if not redirected and not 200 <= response.status < 300:
        raise BenchError(
            f"{endpoint.label}: answered {response.status} {response.reason}"
            + (f" → {location}" if location else "")
        )
    header = response.getheader("Server-Timing", "")
    timing = SERVER_TIMING_RE.search(header)
    if timing is None:
        raise BenchError(f"{endpoint.label}: no Server-Timing header (app;dur=…).")
    cpu = CPU_TIMING_RE.search(header)
    replayed = SQL_REPLAY_RE.search(response.getheader("X-Bench-Sql", ""))
    if replay_sql and replayed:
        endpoint.queries, endpoint.sql_ms = int(replayed.group(1)), float(replayed.group(2))
    return float(timing.group(1)), float(cpu.group(1)) if cpu else None, client_ms, content


def check_page(endpoint: Endpoint, body: bytes) -> None:
    """The first answer must be the page meant to be measured."""
    if endpoint.expect and endpoint.expect.encode() not in body:
        raise BenchError(
            f"{endpoint.label}: the page does not contain {endpoint.expect!r} "
            "(not the page meant to be measured)."
        )
    if endpoint.expect_count:
        text, count = endpoint.expect_count
        found = body.count(text.encode())
        if found != count:
            raise BenchError(
                f"{endpoint.label}: {text!r} found {found} times, {count} expected "
                "(not the page meant to be measured)."
            )


def run_endpoint(conn, endpoint: Endpoint, *, warmup: int, requests: int) -> None:
    warmup = endpoint.warmup if endpoint.warmup is not None else warmup
    requests = endpoint.requests if endpoint.requests is not None else requests
    if endpoint.login is not None:
        from django.conf import settings

        from bench.data import verified_session

        user_id, organisation_id = endpoint.login
        key = verified_session(user_id=user_id, organisation_id=organisation_id)
        endpoint.cookie = f"{settings.SESSION_COOKIE_NAME}={key}"
    if endpoint.forms is not None and len(endpoint.forms) < warmup + requests:
        raise BenchError(
            f"{endpoint.label}: {len(endpoint.forms)} forms for {warmup + requests} requests."
        )
    for i in range(warmup + requests):
        form = endpoint.forms[i] if endpoint.forms is not None else None
        if endpoint.cookies is not None:
            endpoint.cookie = endpoint.cookies[i]
        server_ms, cpu_ms, client_ms, body = fetch(conn, endpoint, form)
        if i == 0:
            check_page(endpoint, body)
        if i >= warmup:
            endpoint.server_ms.append(server_ms)
            if cpu_ms is not None:
                endpoint.cpu_ms.append(cpu_ms)
            endpoint.client_ms.append(client_ms)
            endpoint.size = len(body)
    if endpoint.forms is None:  # one more request, its SQL replayed (single-use forms: none)
        fetch(conn, endpoint, replay_sql=True)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _ms(values: list[float], fn) -> str:
    return f"{fn(values):.1f}" if values else "—"


def print_table(endpoints: list[Endpoint]) -> None:
    header = (
        "Endpoint",
        "n",
        "median",
        "p95",
        "target p95",
        "",
        "queries",
        "SQL",
        "page÷SQL",
        "CPU median",
        "CPU p95",
        "client median",
        "size",
    )
    rows = [
        (
            e.label,
            str(len(e.server_ms)),
            _ms(e.server_ms, statistics.median),
            _ms(e.server_ms, p95),
            f"< {e.target_ms:.0f}" if e.target_ms else "",
            e.verdict,
            str(e.queries) if e.queries is not None else "—",
            f"{e.sql_ms:.1f}" if e.sql_ms is not None else "—",
            f"{e.ratio:.1f}" if e.ratio is not None else "—",
            _ms(e.cpu_ms, statistics.median),
            _ms(e.cpu_ms, p95),
            _ms(e.client_ms, statistics.median),
            f"{e.size / 1024:.1f} KiB",
        )
        for e in endpoints
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells):
        first = cells[0].ljust(widths[0])
        rest = "  ".join(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return f"  {first}  {rest}"

    print(
        "  Server-side times in ms (wall clock; CPU: the request thread's CPU time; SQL: the "
        "page's own statements replayed with the driver alone, median of "
        f"{SQL_REPLAYS}; page÷SQL: median page ÷ SQL)"
    )
    print(line(header))
    print("  " + "-" * (sum(widths) + 2 * (len(widths) - 1)))
    part = None
    for endpoint, row in zip(endpoints, rows, strict=True):
        if endpoint.part != part:
            part = endpoint.part
            print(f"  [{part}]")
        print(line(row))


def write_json(
    path: str, args, prepared: Prepared, endpoints: list[Endpoint], setup: list, total_s: float
) -> None:
    import json
    from dataclasses import asdict, is_dataclass

    def scenario(value):
        return asdict(value) if is_dataclass(value) else None

    data = {
        "setup": dict(setup),
        "parts": args.parts,
        "scale": args.scale,
        "durations_s": {k: round(v, 1) for k, v in prepared.durations.items()},
        "total_s": round(total_s),
        "scenarios": {
            "foundation": scenario(prepared.foundation),
            "accompaniment": scenario(prepared.accompaniment),
            "coordination": scenario(prepared.coordination),
            "territory": scenario(prepared.territory),
            "projects": scenario(prepared.projects),
        },
        "endpoints": [
            {
                "label": e.label,
                "part": e.part,
                "path": e.path,
                "method": e.method,
                "n": len(e.server_ms),
                "median_ms": round(statistics.median(e.server_ms), 1),
                "p95_ms": round(p95(e.server_ms), 1),
                "cpu_median_ms": round(statistics.median(e.cpu_ms), 1) if e.cpu_ms else None,
                "cpu_p95_ms": round(p95(e.cpu_ms), 1) if e.cpu_ms else None,
                "client_median_ms": round(statistics.median(e.client_ms), 1),
                "target_p95_ms": e.target_ms,
                "queries": e.queries,
                "raw_sql_ms": e.sql_ms,
                "page_to_sql": round(e.ratio, 2) if e.ratio is not None else None,
                "verdict": e.verdict,
                "size_bytes": e.size,
            }
            for e in endpoints
        ],
    }
    Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


# --- Main --------------------------------------------------------------------------------


@contextlib.contextmanager
def _workdir(*, keep: bool):
    if not keep:
        with tempfile.TemporaryDirectory(prefix="relais-bench-") as tmp:
            yield tmp
        return
    tmp = tempfile.mkdtemp(prefix="relais-bench-")
    try:
        yield tmp
    finally:
        print(f"Kept: {tmp} (SQLite database: {tmp}/relais.sqlite3; remove it when done)")


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    started = time.perf_counter()
    with _workdir(keep=args.keep) as tmp:
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
        os.environ["RELAIS_VAR_DIR"] = tmp
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
        database_url = os.environ.get("DATABASE_URL", "")
        server = None
        try:
            if database_url and not args.again:
                recreate_postgres_database(database_url)

            import django

            django.setup()
            from bench.common import step

            print("Relais benchmark")
            setup = [*machine_description(), ("Database", database_description())]
            setup.append(
                (
                    "Server",
                    f"gunicorn, {args.workers} workers (gthread), 127.0.0.1, "
                    "settings config.settings.bench",
                )
            )
            setup.append(("Parts", ", ".join(args.parts) + f" (scale {args.scale:g})"))
            for key, value in setup:
                print(f"  {key:<9} {value}")
            if args.again:
                print(f"Measuring again the database of {args.again} (nothing generated)")
                prepared = reload_prepared(args)
            else:
                print("Preparing the database")
                prepared = prepare_database(args)
            f = prepared.foundation
            print("  " + ", ".join(f"{n:,} {what}" for what, n in f.counts.items()))
            generation = sum(prepared.durations.values())
            print(f"  preparation: {generation:.0f} s")
            endpoints = build_endpoints(prepared, args.parts)
            in_process_lines = []
            if prepared.territory is not None:
                from bench.territory import measure as measure_territory

                in_process_lines += measure_territory(prepared.territory)
            if prepared.tools is not None:
                from bench.accompaniment_tools import query_counts

                in_process_lines += query_counts(prepared.tools)
            if prepared.employment is not None:
                from bench.employment import measure as measure_employment

                in_process_lines += measure_employment(prepared.employment)
            if "reporting" in args.parts:
                from bench.reporting import endpoints as reporting_endpoints
                from bench.reporting import measure as reporting_measure

                endpoints += reporting_endpoints(prepared, Endpoint)
                in_process_lines += reporting_measure(prepared)
            if prepared.identity is not None:
                from bench.identity import measure

                in_process_lines += measure(prepared.identity)

            port = free_port()
            server = Gunicorn(port=port, workers=args.workers, log_path=Path(tmp) / "gunicorn.log")
            server.start()
            server.wait_ready()
            print(
                f"Measuring: {args.warmup} warm-up + {args.requests} requests per endpoint "
                "(fewer for the slowest pages), sequential, one keep-alive connection "
                f"(http://127.0.0.1:{port})"
            )
            measuring = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                for endpoint in endpoints:
                    with step(endpoint.label, indent=4):
                        run_endpoint(conn, endpoint, warmup=args.warmup, requests=args.requests)
            finally:
                conn.close()
            measured_s = time.perf_counter() - measuring
            print()
            print_table(endpoints)
            print()
            reconnects = sum(e.connections for e in endpoints)
            print(
                f"All {sum((e.warmup if e.warmup is not None else args.warmup) + len(e.server_ms) for e in endpoints)} "
                f"requests answered 2xx; TCP connections opened: {reconnects}."
            )
            notes = []
            if "foundation" in args.parts:
                notes.append(
                    f"Journal of « {f.organisation_name} », viewed by one of its managers."
                )
            if prepared.accompaniment:
                a = prepared.accompaniment
                notes.append(
                    f"Accompaniment: « {a.organisation_name} », {a.organisation_persons:,} persons "
                    f"(« {a.search_term} »: {a.search_count} of them)."
                )
            if prepared.coordination:
                c = prepared.coordination
                notes.append(
                    f"Coordination: inbox of « {c.organisation_name} »; actor map of "
                    f"département {c.departement} ({c.departement_organisations:,} organisations)."
                )
            if prepared.certification:
                g = prepared.certification
                notes.append(
                    f"Certification: {g.candidates:,} candidates, {g.scores:,} criterion scores, "
                    f"{g.certified:,} certified; jury of {g.jury_candidates} candidates."
                )
            for note in notes:
                print(note)
            for line in in_process_lines:
                print(line)
            total_s = time.perf_counter() - started
            durations = ", ".join(f"{k} {v:.0f} s" for k, v in prepared.durations.items())
            print(f"Preparation: {durations}; measurement {measured_s:.0f} s")
            print(f"Total time: {total_s:.0f} s")
            failed = [e.label for e in endpoints if e.verdict == "FAIL"]
            if failed:
                print(f"Over target (p95): {'; '.join(failed)}")
            if args.json:
                write_json(args.json, args, prepared, endpoints, setup, total_s)
                print(f"Figures written to {args.json}")
            return 0
        except (BenchError, OSError, http.client.HTTPException) as error:
            print(f"\nBENCHMARK FAILED ({type(error).__name__}): {error}", file=sys.stderr)
            if server is not None:
                print("--- end of the gunicorn log ---", file=sys.stderr)
                print(server.log_tail(), file=sys.stderr)
            return 1
        finally:
            if server is not None:
                server.stop()


if __name__ == "__main__":
    sys.exit(main())
