"""The space's own session: a cookie of its own name, restricted to the space's path, read
only by the space's views. A professional's session opens nothing here (their Django
session is ignored), and the person's cookie never reaches a professional page or the API
(its path), where `request.user` stays anonymous anyway."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from relais.core import journal
from relais.person_space import signin
from relais.person_space.actor import PersonActor

COOKIE_NAME = "relais_espace"
PENDING_COOKIE = "relais_espace_attente"
COOKIE_PATH = "/mon-espace/"
PENDING_SALT = "relais.person_space.pending"
PENDING_MAX_AGE = int(signin.CODE_VALIDITY.total_seconds())


def set_session_cookie(response: HttpResponse, raw_key: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        raw_key,
        max_age=int(signin.SESSION_LIFETIME.total_seconds()),
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    response.delete_cookie(PENDING_COOKIE, path=COOKIE_PATH)


def clear_session_cookie(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH)


def set_pending(response: HttpResponse, access_id: int) -> None:
    """Which access the code being typed belongs to (0: none — the page says the same)."""
    response.set_signed_cookie(
        PENDING_COOKIE,
        str(access_id),
        salt=PENDING_SALT,
        max_age=PENDING_MAX_AGE,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def pending_access_id(request: HttpRequest) -> int | None:
    try:
        value = request.get_signed_cookie(
            PENDING_COOKIE, salt=PENDING_SALT, max_age=PENDING_MAX_AGE
        )
    except (KeyError, signing.BadSignature):
        return None
    return int(value) if value.isdigit() else None


def journal_view(request: HttpRequest, *, target=None, summary: str = "", **kwargs: Any) -> None:
    """Journal a page of the space as read by the person."""
    access = request.space_access
    covers = [access.person, *kwargs.pop("also_covers", ())]
    journal.record(
        actor=PersonActor(access.person_id),
        action=kwargs.pop("action", "view"),
        target=target or access.person,
        organisation=access.person.organisation_id,
        person_id=access.person_id,
        summary=summary or "espace personnel",
        ip=journal.client_ip(request),
        path=request.get_full_path(),
        also_covers=covers,
        **kwargs,
    )


def space_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The person signed in to their space, else the space's sign-in page. Sets
    `request.space_session`, `request.space_access` and `request.space_person`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session = signin.session_for_key(request.COOKIES.get(COOKIE_NAME))
        if session is None:
            response = redirect("space:login")
            if COOKIE_NAME in request.COOKIES:
                clear_session_cookie(response)
            return response
        request.space_session = session
        request.space_access = session.access
        request.space_person = session.access.person
        return view(request, *args, **kwargs)

    return wrapper
