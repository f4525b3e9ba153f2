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

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SERVER_TIMING_RE = re.compile(r"\bapp;dur=([0-9.]+)")


class BenchError(Exception):
    """The benchmark cannot give a meaningful figure (bad answer, server down…)."""


@dataclass
class Endpoint:
    label: str
    path: str
    cookie: str | None = None
    # Text the first answer must contain: proves the page measured is the intended one.
    expect: str = ""
    server_ms: list[float] = field(default_factory=list)
    client_ms: list[float] = field(default_factory=list)
    size: int = 0
    connections: int = 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
    parser.add_argument("--workers", type=int, default=2)
    return parser.parse_args(argv)


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


@contextlib.contextmanager
def step(label: str):
    """Print a setup step and how long it took."""
    print(f"  {label}…", end="", flush=True)
    start = time.perf_counter()
    yield
    print(f" {time.perf_counter() - start:.1f} s", flush=True)


def prepare_database(args: argparse.Namespace):
    """Migrate, seed and generate; returns the scenario and the session key of its manager."""
    from django.core.management import call_command
    from django.db import connection, connections

    from bench.data import generate, verified_session

    with step("migrate"):
        call_command("migrate", interactive=False, verbosity=0)
    with step("seed_demo"):
        call_command("seed_demo", force=True, stdout=io.StringIO())
    label = f"generate {args.organisations} organisations, {args.users} users, {args.entries} journal entries"
    with step(label):
        scenario = generate(
            organisations=args.organisations,
            users=args.users,
            entries=args.entries,
            big_entries=args.big_entries,
        )
    if connection.vendor == "postgresql":
        # What autovacuum does a minute after a bulk load; done now so that it does not
        # happen in the middle of the measurement. (SQLite has no such automatic step.)
        with step("VACUUM (ANALYZE)"), connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    with step("collectstatic"):
        call_command("collectstatic", interactive=False, verbosity=0)
    session_key = verified_session(
        user_id=scenario.manager_id, organisation_id=scenario.organisation_id
    )
    connections.close_all()
    return scenario, session_key


# --- Server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn in its own process group (Ctrl-C reaches the benchmark, which stops it)."""

    def __init__(self, *, port: int, workers: int, log_path: Path) -> None:
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
            "--threads=2",
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


def fetch(conn: http.client.HTTPConnection, endpoint: Endpoint) -> tuple[float, float, bytes]:
    headers = {"Accept": "text/html,application/json", "Accept-Encoding": "identity"}
    if endpoint.cookie:
        headers["Cookie"] = endpoint.cookie
    if conn.sock is None:
        endpoint.connections += 1
    start = time.perf_counter()
    conn.request("GET", endpoint.path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    client_ms = (time.perf_counter() - start) * 1000
    if not 200 <= response.status < 300:
        location = response.getheader("Location", "")
        raise BenchError(
            f"{endpoint.label}: answered {response.status} {response.reason}"
            + (f" → {location}" if location else "")
        )
    timing = SERVER_TIMING_RE.search(response.getheader("Server-Timing", ""))
    if timing is None:
        raise BenchError(f"{endpoint.label}: no Server-Timing header (app;dur=…).")
    return float(timing.group(1)), client_ms, body


def run_endpoint(conn, endpoint: Endpoint, *, warmup: int, requests: int) -> None:
    for i in range(warmup + requests):
        server_ms, client_ms, body = fetch(conn, endpoint)
        if i == 0 and endpoint.expect and endpoint.expect.encode() not in body:
            raise BenchError(
                f"{endpoint.label}: the page does not contain {endpoint.expect!r} "
                "(not the page meant to be measured)."
            )
        if i >= warmup:
            endpoint.server_ms.append(server_ms)
            endpoint.client_ms.append(client_ms)
            endpoint.size = len(body)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def print_table(endpoints: list[Endpoint]) -> None:
    header = ("Endpoint", "n", "server median", "server p95", "client median", "client p95", "size")
    rows = [
        (
            e.label,
            str(len(e.server_ms)),
            f"{statistics.median(e.server_ms):.1f} ms",
            f"{p95(e.server_ms):.1f} ms",
            f"{statistics.median(e.client_ms):.1f} ms",
            f"{p95(e.client_ms):.1f} ms",
            f"{e.size / 1024:.1f} KiB",
        )
        for e in endpoints
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells):
        first = cells[0].ljust(widths[0])
        rest = "  ".join(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return f"  {first}  {rest}"

    print(line(header))
    print("  " + "-" * (sum(widths) + 2 * (len(widths) - 1)))
    for row in rows:
        print(line(row))


# --- Main --------------------------------------------------------------------------------


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="relais-bench-") as tmp:
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
        os.environ["RELAIS_VAR_DIR"] = tmp
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
        database_url = os.environ.get("DATABASE_URL", "")
        server = None
        try:
            if database_url:
                recreate_postgres_database(database_url)

            import django

            django.setup()
            from django.conf import settings

            print("Relais benchmark")
            for key, value in [*machine_description(), ("Database", database_description())]:
                print(f"  {key:<9} {value}")
            print(
                f"  Server    gunicorn, {args.workers} workers (gthread), 127.0.0.1, settings config.settings.bench"
            )
            print("Preparing the database")
            scenario, session_key = prepare_database(args)
            print("  " + ", ".join(f"{n} {what}" for what, n in scenario.counts.items()))

            cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
            endpoints = [
                Endpoint("GET /healthz", "/healthz", expect='"status": "ok"'),
                Endpoint("GET /connexion/ (login page)", "/connexion/", expect="<form"),
                Endpoint(
                    f"GET /structure/journal/ ({scenario.journal_count} entries)",
                    "/structure/journal/",
                    cookie=cookie,
                    expect=f"{scenario.journal_count} entrées",
                ),
                Endpoint(
                    f"GET /structure/journal/?person=… ({scenario.person_count} entries)",
                    f"/structure/journal/?person={scenario.person_id}",
                    cookie=cookie,
                    expect=f"{scenario.person_count} entrée",
                ),
            ]

            port = free_port()
            server = Gunicorn(port=port, workers=args.workers, log_path=Path(tmp) / "gunicorn.log")
            server.start()
            server.wait_ready()
            print(
                f"Measuring: {args.warmup} warm-up + {args.requests} requests per endpoint, "
                f"sequential, one keep-alive connection (http://127.0.0.1:{port})"
            )
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                for endpoint in endpoints:
                    run_endpoint(conn, endpoint, warmup=args.warmup, requests=args.requests)
            finally:
                conn.close()
            print()
            print_table(endpoints)
            print()
            reconnects = sum(e.connections for e in endpoints)
            print(
                f"All {sum(args.warmup + len(e.server_ms) for e in endpoints)} requests answered 2xx; "
                f"TCP connections opened: {reconnects}. "
                f"Journal of « {scenario.organisation_name} », viewed by one of its managers."
            )
            print(f"Total time: {time.perf_counter() - started:.0f} s")
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
