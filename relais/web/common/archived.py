"""A write refused on an archived record (relais.people.archive.RecordArchived) that a view
did not catch itself: the user gets the French message, never a server error.

Views catch `DomainError` around the services they call and show it on their form; this
middleware is the net under the others (a script's call, a delete without a form…). The
refusal is journaled as `denied` on the person, which also accounts for what the request
loaded before the refusal."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from relais.core import journal
from relais.core.models import JournalAction
from relais.people.archive import RecordArchived


class ArchivedRecordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, RecordArchived):
            return None
        kwargs = request.resolver_match.kwargs if request.resolver_match else {}
        person_pk = kwargs.get("person_pk") or kwargs.get("pk")
        if person_pk is not None and request.path.startswith("/personnes/"):
            journal.record_request(
                request,
                JournalAction.DENIED,
                target_type="people.person",
                target_id=person_pk,
                person_id=person_pk,
                organisation=getattr(request, "organisation", None),
                summary="dossier archivé : modification refusée",
            )
        wants_json = "application/json" in request.headers.get("Accept", "")
        if wants_json or getattr(request, "htmx", False):
            return JsonResponse({"ok": False, "message": exception.message}, status=409)
        messages.error(request, exception.message)
        back = request.headers.get("Referer", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        if person_pk is not None and request.path.startswith("/personnes/"):
            return redirect(reverse("people:detail", args=[person_pk]))
        return redirect("web:home")
