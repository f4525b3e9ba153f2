"""Signing in to the space: by code sent to the contact on record, by the link of the
message, or by the code printed on paper. The pages never tell whether a contact has a
space (the same answer either way)."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from relais.core import journal
from relais.core.errors import DomainError
from relais.person_space import services, signin
from relais.web.forms_helpers import apply_domain_error
from relais.web.person_space import auth
from relais.web.person_space.forms import CodeForm, ContactForm, PaperCodeForm

PAPER_TRIES_PER_ADDRESS = 10
PAPER_WINDOW_SECONDS = 15 * 60


def _journal_access(request: HttpRequest, access, summary: str) -> None:
    journal.record(
        actor=auth.PersonActor(access.person_id),
        action="view",
        target=access,
        person_id=access.person_id,
        summary=summary,
        ip=journal.client_ip(request),
        path=request.path,
        also_covers=[access.person],
    )


def _refused(request: HttpRequest, error: DomainError) -> None:
    """A refused attempt on a known access is journaled as denied (no name, no code)."""
    access_id = getattr(error, "access_id", None)
    if access_id is None:
        return
    journal.record(
        actor=None,
        action="denied",
        target_type="person_space.spaceaccess",
        target_id=access_id,
        summary=f"connexion à l'espace personnel refusée : {error.message}"[:200],
        ip=journal.client_ip(request),
        path=request.path,
    )


def _signed_in(request: HttpRequest, access, raw_key: str) -> HttpResponse:
    response = redirect("space:home")
    auth.set_session_cookie(response, raw_key)
    _journal_access(request, access, "connexion à l'espace personnel")
    return response


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = services.request_sign_in_code(contact=form.cleaned_data["contact"])
        except DomainError as error:
            _refused(request, error)
            apply_domain_error(form, error)
        else:
            if access is not None:
                _journal_access(request, access, "code de connexion demandé")
            response = redirect("space:code")
            auth.set_pending(response, access.pk if access and not access.is_locked else 0)
            return response
    return render(request, "person_space/login.html", {"form": form, "access": None})


@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    access_id = auth.pending_access_id(request)
    if access_id is None:
        return redirect("space:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access, raw = signin.sign_in_with_code(
                access_id=access_id, code=form.cleaned_data["code"]
            )
        except DomainError as error:
            _refused(request, error)
            apply_domain_error(form, error)
        else:
            return _signed_in(request, access, raw)
    return render(request, "person_space/code.html", {"form": form, "access": None})


@require_http_methods(["GET", "POST"])
def paper(request: HttpRequest) -> HttpResponse:
    form = PaperCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = f"space-paper:{journal.client_ip(request)}"
        tries = cache.get(key, 0)
        if tries >= PAPER_TRIES_PER_ADDRESS:
            form.add_error(
                "code",
                "Trop d'essais : attendez 15 minutes, ou demandez un nouveau code à votre référent·e.",
            )
        else:
            try:
                access, raw = signin.sign_in_with_paper_code(code=form.cleaned_data["code"])
            except DomainError as error:
                cache.set(key, tries + 1, PAPER_WINDOW_SECONDS)
                _refused(request, error)
                apply_domain_error(form, error)
            else:
                cache.delete(key)
                return _signed_in(request, access, raw)
    return render(request, "person_space/paper.html", {"form": form, "access": None})


@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only its POST uses the link (a mail client's preview of the link
    must not spend it)."""
    error = ""
    if request.method == "POST":
        try:
            access, raw = signin.sign_in_with_link(token=token)
        except DomainError as exc:
            _refused(request, exc)
            error = exc.message
        else:
            return _signed_in(request, access, raw)
    return render(
        request,
        "person_space/link.html",
        {"error": error, "access": None},
        status=400 if error else 200,
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    session = signin.session_for_key(request.COOKIES.get(auth.COOKIE_NAME))
    if session is not None:
        signin.session_end(session)
        _journal_access(request, session.access, "déconnexion de l'espace personnel")
    response = redirect("space:login")
    auth.clear_session_cookie(response)
    return response
