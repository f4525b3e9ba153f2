"""`make load`: many professionals at once against gunicorn on loopback.

The database is prepared as `make bench` does it (bench/run.py: migrations, demo data, the
foundation, accompaniment and coordination parts at `--scale`), then gunicorn serves it with
`--workers` × `--threads`. Two phases, same server, same pages:

1. **unloaded**: each page of the mix requested alone, one after the other (`--baseline`
   times each), for its unloaded p95;
2. **loaded**: `--users` simulated référents, each with their own session and connection,
   started over `--ramp` seconds, for `--duration` seconds. Each one picks the next action
   from the mix below, waits its answer, then thinks for about `--think` seconds.

The mix (weights), each action checked like `make bench` checks its pages (the right page,
not a login page or an error):
- caseload of the référent (« / »)                                  30
- a person of their caseload (summary)                               25
- name search in their caseload                                      15
- service search (thématique, 20 km)                                 10
- referral inbox                                                      8
- writing a note on a person of their caseload (POST)                 7
- sending a referral (POST, a prepared person each time)              5

It prints, per page, requests, errors, p50/p95/p99 loaded and the unloaded p95, the ratio
loaded ÷ unloaded, and the throughput. The run fails (exit 1) on any error (a non-2xx
answer other than the expected redirect, a wrong page, a timeout, a reset connection); a
page whose loaded p95 is over `--max-ratio` × its unloaded p95 is reported and fails too.

Why our own threads rather than a load-testing framework: the simulated users need the
bench's prepared data (verified sessions, caseloads, single-use referral forms) built in
this process before the first request; a framework that monkey-patches the standard
library at import (gevent) cannot share the process with that setup (docs/decisions/0067).
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import random
import secrets
import signal
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import run as bench  # noqa: E402 — after the path is set

MIX = (
    ("caseload", 30),
    ("person", 25),
    ("name_search", 15),
    ("service_search", 10),
    ("inbox", 8),
    ("note", 7),
    ("referral", 5),
)
LABELS = {
    "caseload": "GET / (caseload of the référent)",
    "person": "GET /personnes/<pk>/ (a person of the caseload)",
    "name_search": "GET /?q=… (name search in the caseload)",
    "service_search": "GET /recherche/services/ (20 km)",
    "inbox": "GET /orientations/ (referral inbox)",
    "note": "POST /personnes/<pk>/ecrits/nouveau/ (note)",
    "referral": "POST /orientations/nouvelle/ (referral)",
}
NOTE_BODY = (
    "Entretien de suivi. La personne indique avoir pris contact avec l'organisme de "
    "formation. Prochain rendez-vous convenu."
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100, help="simulated professionals")
    parser.add_argument("--duration", type=float, default=600, help="loaded phase, seconds")
    parser.add_argument("--ramp", type=float, default=30, help="seconds to start every user")
    parser.add_argument(
        "--think",
        type=float,
        default=10.0,
        help="mean pause between two actions, seconds (a professional reads, types, talks)",
    )
    # A p95 from 30 requests is their second slowest: it moved by a third between two runs
    # (docs/performance.md); 200 make the check's denominator steady.
    parser.add_argument("--baseline", type=int, default=200, help="unloaded requests per page")
    parser.add_argument("--scale", type=float, default=0.1, help="data volume (as make bench)")
    # Two processes per core, fewer threads each (the sizing of docs/performance.md): a
    # request waits less often behind another of its own process.
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    parser.add_argument(
        "--max-ratio",
        type=float,
        default=2.0,
        help="a page fails if its loaded p95 exceeds this × its unloaded p95",
    )
    parser.add_argument("--timeout", type=float, default=30, help="seconds before a request fails")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.users < 1 or args.duration <= 0 or args.think < 0 or args.workers < 1:
        parser.error("--users, --workers ≥ 1; --duration > 0; --think ≥ 0")
    # What bench/run.py needs to prepare the database.
    args.bench = bench.parse_args(
        ["--only", "foundation,accompaniment,coordination", "--scale", str(args.scale)]
    )
    args.bench.keep = args.keep
    return args


# --- What the simulated users act on -------------------------------------------------------


@dataclass
class Actor:
    """One simulated référent: their session, their caseload, and the sending session."""

    cookie: str
    persons: list[int]
    search_term: str
    sending_cookie: str


@dataclass
class World:
    actors: list[Actor]
    service_query: str
    referral_forms: queue.SimpleQueue
    referral_forms_count: int


def prepare_world(prepared, args: argparse.Namespace) -> World:
    """Sessions for `--users` référents of the measured organisation (the most loaded first,
    cycling when there are fewer), each with the persons of their own caseload."""
    from django.conf import settings

    from bench import sending
    from bench.data import verified_session
    from relais.accounts.models import Membership, Role
    from relais.pathways.models import Pathway, PathwayStatus
    from relais.people.models import Person

    a, c = prepared.accompaniment, prepared.coordination
    referents = list(
        Membership.objects.filter(
            organisation_id=a.organisation_id, role=Role.REFERENT, is_active=True
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    caseloads: dict[int, list[int]] = {}
    for user_id, person_id in Pathway.objects.filter(
        referent_id__in=referents, status=PathwayStatus.ACTIVE, person__archived_at=None
    ).values_list("referent_id", "person_id"):
        caseloads.setdefault(user_id, []).append(person_id)
    # Each référent searches the first letters of a surname of their own caseload.
    firsts = {pk: caseload[0] for pk, caseload in caseloads.items()}
    surnames = dict(Person.objects.filter(pk__in=firsts.values()).values_list("pk", "birth_name"))
    pool = [u for u in referents if len(caseloads.get(u, ())) >= 10] or [a.referent_id]
    if a.referent_id in pool:  # the scenario's référent first
        pool.remove(a.referent_id)
        pool.insert(0, a.referent_id)
    expected = args.users * args.duration / max(args.think, 0.5)
    weight = dict(MIX)["referral"] / sum(w for _, w in MIX)
    count = min(3000, int(expected * weight * 1.5)) + args.baseline + 3
    scenario = sending.prepare(receiver_id=c.organisation_id, count=count)
    forms: queue.SimpleQueue = queue.SimpleQueue()
    for form in scenario.forms:
        forms.put(form)
    name = settings.SESSION_COOKIE_NAME
    actors = []
    for i in range(args.users):
        user_id = pool[i % len(pool)]
        persons = caseloads.get(user_id) or [a.big_person_id]
        sending_key = verified_session(
            user_id=scenario.referent_id, organisation_id=scenario.organisation_id
        )
        actors.append(
            Actor(
                cookie=f"{name}={verified_session(user_id=user_id, organisation_id=a.organisation_id)}",
                persons=persons,
                search_term=surnames.get(firsts.get(user_id), a.referent_search_term)[:4],
                sending_cookie=f"{name}={sending_key}",
            )
        )
    query = urlencode({"thematique": c.search_thematique, "commune": c.search_commune, "rayon": 20})
    return World(
        actors=actors,
        service_query=f"/recherche/services/?{query}&envoye=1",
        referral_forms=forms,
        referral_forms_count=count,
    )


# --- One action -----------------------------------------------------------------------------


class ActionError(Exception):
    pass


@dataclass
class Request:
    method: str
    path: str
    cookie: str
    form: dict[str, str] | None = None
    expect: str = ""  # text the page must contain (GET)
    redirect_to: str = ""  # the Location an accepted POST leads to must start so


def build_request(kind: str, actor: Actor, world: World, rng: random.Random) -> Request:
    if kind == "referral":
        try:
            form = world.referral_forms.get_nowait()
        except queue.Empty:
            kind = "inbox"  # every prepared referral was sent: read the inbox instead
        else:
            return Request(
                "POST", "/orientations/nouvelle/", actor.sending_cookie, form, "", "/orientations/"
            )
    if kind == "caseload":
        return Request("GET", "/", actor.cookie, expect="personnes")
    if kind == "person":
        pk = rng.choice(actor.persons)
        return Request("GET", f"/personnes/{pk}/", actor.cookie, expect="person-summary")
    if kind == "name_search":
        path = f"/?{urlencode({'q': actor.search_term})}"
        return Request("GET", path, actor.cookie, expect="personne")
    if kind == "service_search":
        return Request("GET", world.service_query, actor.cookie, expect="service")
    if kind == "inbox":
        return Request("GET", "/orientations/", actor.cookie, expect="orientation")
    if kind == "note":
        pk = rng.choice(actor.persons)
        form = {
            "kind": "interview",
            "occurred_on": time.strftime("%Y-%m-%d"),
            "visibility": "organisation",
            "body": NOTE_BODY,
            "submission": secrets.token_urlsafe(16),
        }
        return Request(
            "POST", f"/personnes/{pk}/ecrits/nouveau/", actor.cookie, form, "", f"/personnes/{pk}/"
        )
    raise ValueError(kind)


def send(conn: http.client.HTTPConnection, request: Request) -> float:
    """The request's wall-clock time in ms, seen by the client; ActionError if it failed."""
    headers = {"Accept": "text/html", "Accept-Encoding": "identity", "Cookie": request.cookie}
    body = None
    if request.method == "POST":
        body = urlencode(
            {**(request.form or {}), "csrfmiddlewaretoken": bench.CSRF_SECRET}, doseq=True
        ).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Cookie"] = f"{request.cookie}; {bench.CSRF_COOKIE}={bench.CSRF_SECRET}"
    start = time.perf_counter()
    conn.request(request.method, request.path, body=body, headers=headers)
    response = conn.getresponse()
    content = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    location = response.getheader("Location", "")
    if request.redirect_to:
        if response.status != 302 or not location.startswith(request.redirect_to):
            raise ActionError(f"{response.status} → {location or '(no redirect)'}")
    elif response.status != 200:
        raise ActionError(f"{response.status} {location}".strip())
    elif request.expect and request.expect.encode() not in content:
        raise ActionError(f"the page does not contain {request.expect!r}")
    return elapsed


# --- Figures --------------------------------------------------------------------------------


@dataclass
class Figures:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, kind: str, ms: float) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(ms)

    def failed(self, kind: str, message: str) -> None:
        with self.lock:
            self.errors.setdefault(kind, []).append(message)


def quantile(values: list[float], q: int) -> float:
    """q-th percentile (1–99); the value itself for a single sample."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


# --- The two phases -------------------------------------------------------------------------


# The server's --keep-alive (bench/run.py): an idle connection is closed after this.
SERVER_KEEP_ALIVE_S = 5


def connection(port: int, timeout: float) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)


def unloaded(world: World, port: int, args: argparse.Namespace) -> Figures:
    figures = Figures()
    rng = random.Random(1)  # noqa: S311 — which person to open, not a secret
    conn = connection(port, args.timeout)
    actor = world.actors[0]
    try:
        for kind, _ in MIX:
            for i in range(args.baseline + 3):
                request = build_request(kind, actor, world, rng)
                try:
                    ms = send(conn, request)
                except (ActionError, OSError, http.client.HTTPException) as error:
                    figures.failed(kind, f"{type(error).__name__}: {error}")
                    conn.close()
                    conn = connection(port, args.timeout)
                    continue
                if i >= 3:  # three warm-up requests per page
                    figures.ok(kind, ms)
    finally:
        conn.close()
    return figures


def loaded(world: World, port: int, args: argparse.Namespace) -> tuple[Figures, float]:
    figures = Figures()
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    start = time.monotonic()
    stop_at = start + args.ramp + args.duration

    def user(index: int, actor: Actor) -> None:
        rng = random.Random(index)  # noqa: S311 — a user's choices, not a secret
        time.sleep(args.ramp * index / len(world.actors))
        conn = connection(port, args.timeout)
        try:
            while time.monotonic() < stop_at:
                kind = rng.choices(kinds, weights)[0]
                request = build_request(kind, actor, world, rng)
                measured = "inbox" if request.path == "/orientations/" else kind
                try:
                    figures.ok(measured, send(conn, request))
                except (ActionError, OSError, http.client.HTTPException) as error:
                    figures.failed(measured, f"{type(error).__name__}: {error}")
                    conn.close()
                    conn = connection(port, args.timeout)
                if args.think:
                    pause = rng.uniform(0.5, 1.5) * args.think
                    time.sleep(pause)
                    if pause >= SERVER_KEEP_ALIVE_S:
                        # gunicorn has closed the idle connection (as a browser finds it
                        # closed after a pause): the next action opens a new one.
                        conn.close()
                        conn = connection(port, args.timeout)
        finally:
            conn.close()

    threads = [
        threading.Thread(target=user, args=(i, actor), daemon=True)
        for i, actor in enumerate(world.actors)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return figures, time.monotonic() - start - args.ramp


def report(base: Figures, load: Figures, seconds: float, args: argparse.Namespace) -> list[str]:
    """Prints the table; returns the failures (errors, pages over the ratio)."""
    failures = []
    header = ("page", "requests", "errors", "p50", "p95", "p99", "unloaded p95", "ratio")
    rows = []
    for kind, _ in MIX:
        times = load.times.get(kind, [])
        errors = load.errors.get(kind, []) + base.errors.get(kind, [])
        unloaded_p95 = quantile(base.times.get(kind, []), 95)
        loaded_p95 = quantile(times, 95)
        ratio = loaded_p95 / unloaded_p95 if times and unloaded_p95 else float("nan")
        if errors:
            failures.append(f"{LABELS[kind]}: {len(errors)} errors, first: {errors[0]}")
        if ratio > args.max_ratio:
            failures.append(f"{LABELS[kind]}: loaded p95 {ratio:.1f}× the unloaded p95")
        rows.append(
            (
                LABELS[kind],
                f"{len(times):,}",
                str(len(errors)),
                f"{quantile(times, 50):.0f} ms",
                f"{loaded_p95:.0f} ms",
                f"{quantile(times, 99):.0f} ms",
                f"{unloaded_p95:.0f} ms",
                f"{ratio:.2f}",
            )
        )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    total = sum(len(t) for t in load.times.values())
    print(
        f"  throughput: {total / seconds:.1f} requests/s over {seconds:.0f} s "
        f"({args.users} users, think time ≈ {args.think:g} s)"
    )
    return failures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, bench._terminate)
    with bench._workdir(keep=args.keep) as tmp:
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
        os.environ["RELAIS_VAR_DIR"] = tmp
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
        database_url = os.environ.get("DATABASE_URL", "")
        server = None
        try:
            if database_url:
                bench.recreate_postgres_database(database_url)
            import django

            django.setup()
            print("Relais load test")
            for key, value in [
                *bench.machine_description(),
                ("Database", bench.database_description()),
                ("Server", f"gunicorn, {args.workers} workers × {args.threads} threads"),
                ("Load", f"{args.users} users, {args.duration:g} s after a {args.ramp:g} s ramp"),
            ]:
                print(f"  {key:<9} {value}")
            print("Preparing the database")
            prepared = bench.prepare_database(args.bench)
            world = prepare_world(prepared, args)
            print(f"  {len(world.actors)} sessions; {world.referral_forms_count} referrals ready")
            from django.db import connections

            connections.close_all()
            port = bench.free_port()
            server = bench.Gunicorn(
                port=port,
                workers=args.workers,
                threads=args.threads,
                log_path=Path(tmp) / "gunicorn.log",
            )
            server.start()
            server.wait_ready()
            print(f"Unloaded: {args.baseline} requests per page, one at a time")
            base = unloaded(world, port, args)
            print(f"Loaded: {args.users} users for {args.duration:g} s")
            load, seconds = loaded(world, port, args)
            failures = report(base, load, seconds, args)
            print(f"  load average at the end: {os.getloadavg()[0]:.1f}")
            if failures:
                print("LOAD TEST FAILED:", file=sys.stderr)
                for failure in failures:
                    print(f"  {failure}", file=sys.stderr)
                return 1
            print("No error; every page within the ratio.")
            return 0
        except (bench.BenchError, OSError, http.client.HTTPException) as error:
            print(f"\nLOAD TEST FAILED ({type(error).__name__}): {error}", file=sys.stderr)
            if server is not None:
                print(server.log_tail(), file=sys.stderr)
            return 1
        finally:
            if server is not None:
                server.stop()


if __name__ == "__main__":
    sys.exit(main())
