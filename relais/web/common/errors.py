"""French error pages, and the answer to a locked-out login (django-axes)."""

import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from relais.core.middleware import database_unavailable_response


def _minutes(delta) -> int:
    return int(delta.total_seconds() // 60)


def lockout(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    from relais.web.accounts.forms import LoginForm

    return render(
        request,
        "accounts/login.html",
        {
            "form": LoginForm(
                request, initial={"username": (credentials or {}).get("username", "")}
            ),
            "locked_out": True,
            "lockout_minutes": _minutes(settings.AXES_COOLOFF_TIME),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "next": "",
        },
        status=429,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    response = render(request, "404.html", status=404)
    response.relais_error_page = True
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    unavailable = database_unavailable_response(request, sys.exc_info()[1])
    if unavailable is not None:
        return unavailable
    # No context processors here: the error may come from them.
    from django.template.loader import get_template

    response = HttpResponse(
        get_template("500.html").render({"brand_name": settings.RELAIS_SITE_NAME}), status=500
    )
    response.relais_error_page = True
    return response


class FrenchErrorPagesMiddleware:
    """With DEBUG on (the demo of `make run`), show the French 404 and 500 pages anyway.

    Django answers an `Http404` or an uncaught exception with its English technical page
    whenever DEBUG is on, before the handlers of config/urls.py are consulted. A newcomer
    trying the demo should see what a user sees; a developer who wants the technical pages
    sets RELAIS_DEBUG_ERROR_PAGES=1 (the traceback of a 500 is logged on the console anyway).
    Without DEBUG this middleware does nothing: Django already calls the French handlers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not settings.DEBUG
            or getattr(settings, "RELAIS_DEBUG_ERROR_PAGES", False)
            or getattr(response, "relais_error_page", False)
            or response.status_code not in (404, 500)
            or request.path_info.startswith(("/api/", "/static/"))
        ):
            return response
        if response.status_code == 404:
            return page_not_found(request)
        return server_error(request)
