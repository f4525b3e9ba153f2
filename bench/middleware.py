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
