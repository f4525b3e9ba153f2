"""Benchmark only (config.settings.bench): the CPU time of each request, next to its
wall-clock time.

`relais.core.middleware.ServerTimingMiddleware` gives `app;dur=` (wall clock). On a busy
machine a request waits for a core and its wall-clock time grows with the load of other
processes; the CPU time of the request's thread (`time.thread_time`) hardly does. It is
added as `cpu;dur=<ms>` to the same header. It counts what the Python process does: with
SQLite, the database work too (same process); with PostgreSQL, not the database server's
own work (another process)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class CpuTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.thread_time()
        response = self.get_response(request)
        cpu_ms = (time.thread_time() - start) * 1000
        timing = response.headers.get("Server-Timing", "")
        response.headers["Server-Timing"] = ", ".join(
            part for part in (timing, f"cpu;dur={cpu_ms:.2f}") if part
        )
        return response


REPLAY_HEADER = "X-Bench-Sql-Replay"
SKIPPED = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


class SqlReplayMiddleware:
    """The raw cost of a page's own SQL, to compare the page with (`page ÷ SQL`).

    A request carrying `X-Bench-Sql-Replay: <n>` runs normally while its statements are
    recorded; then, on the same connection (same settings, same warm cache), the statements
    are executed again `n` times through the database driver's cursor alone — no ORM, no
    Django cursor wrapper — and every row fetched, inside a transaction rolled back (a page's
    writes, such as its journal entry, leave nothing behind). The answer carries
    `X-Bench-Sql: queries=<count>;raw=<median ms>`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        replays = request.headers.get(REPLAY_HEADER)
        if not replays:
            return self.get_response(request)
        from django.db import connection

        statements: list[tuple[str, object, bool]] = []

        def record(execute, sql, params, many, context):
            statements.append((sql, params, many))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            response = self.get_response(request)
        kept = [s for s in statements if not s[0].lstrip().upper().startswith(SKIPPED)]
        times = [self._replay(connection, kept) for _ in range(max(1, int(replays)))]
        times.sort()
        response.headers["X-Bench-Sql"] = f"queries={len(kept)};raw={times[len(times) // 2]:.3f}"
        return response

    @staticmethod
    def _replay(connection, statements) -> float:
        from django.db import transaction

        with transaction.atomic():
            cursor = connection.cursor().cursor  # the driver's cursor (SQLite: its thin adapter)
            start = time.perf_counter()
            for sql, params, many in statements:
                if many:
                    cursor.executemany(sql, params)
                else:
                    cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
            elapsed = (time.perf_counter() - start) * 1000
            transaction.set_rollback(True)
        return elapsed
