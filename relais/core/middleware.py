"""Cross-cutting HTTP middleware: server timing, the Content-Security-Policy header, no
caching of pages, a bound on the size of requests, and a clean answer when the database is
unreachable."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

# No inline script or style anywhere: every script and stylesheet is a static file of ours.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class ServerTimingMiddleware:
    """Adds `Server-Timing: app;dur=<ms>`: the benchmark reads server-side time from it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - start) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed_ms:.2f}"
        return response


class NoStoreMiddleware:
    """Pages and API answers may carry personal data: no browser cache (a shared computer
    at a reception desk, the back button after logging out) nor proxy may keep them. Static
    files never reach this middleware (WhiteNoise answers them first, with their own
    caching); a view that sets its own Cache-Control keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than `RELAIS_MAX_REQUEST_BYTES` before
    anything reads it (413), with a French message. Django itself bounds the form fields
    (`DATA_UPLOAD_MAX_MEMORY_SIZE`) but not uploaded files; the front web server should bound
    requests too (README, production)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.RELAIS_MAX_REQUEST_BYTES
        if length > limit:
            message = (
                f"La demande envoyée est trop volumineuse ({length // (1024 * 1024) + 1} Mo ; "
                f"au plus {limit // (1024 * 1024)} Mo) : déposez un fichier plus petit."
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """The database unreachable for a moment (restart, failover, network): the user gets a
    French 503 saying that nothing was saved (services are atomic, so nothing was), rather
    than a server error; the page needs no database. Any other database error is a bug and
    stays a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return database_unavailable_response(request, exception)


def database_unavailable_response(request: HttpRequest, exception: BaseException | None):
    """The 503 answer when `exception` says the database cannot be reached, else None. Also
    called by the 500 handler: an error in a middleware (loading the session, the user)
    never reaches `process_exception`."""
    if not isinstance(exception, (OperationalError, InterfaceError)):
        return None
    if isinstance(exception, OperationalError) and not _is_unreachable(exception):
        return None
    logger.error("Database unavailable: %s", exception)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "detail": "Base de données momentanément indisponible : rien n'a été "
                "enregistré, réessayez dans quelques instants."
            },
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("core/503.html"), status=503)
    response["Retry-After"] = "30"
    return response


_UNREACHABLE = (
    "could not connect",
    "connection refused",
    "server closed the connection",
    "connection is closed",
    "terminating connection",
    "the database system is",
    "database is locked",
    "unable to open database",
    "disk i/o error",
)


def _is_unreachable(error: Exception) -> bool:
    text = str(error).lower()
    return any(marker in text for marker in _UNREACHABLE)
