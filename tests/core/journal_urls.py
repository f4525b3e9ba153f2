"""A tiny urlconf for the journal guard tests: views that load a record with and without
journaling it, and views declared as serving personal data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from relais.accounts.models import Organisation
from relais.core import journal
from relais.core.models import JournalAction


def load_without_journal(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = Organisation.objects.get(pk=pk)
    return HttpResponse(organisation.name)


def load_with_journal(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = Organisation.objects.get(pk=pk)
    journal.record_request(request, JournalAction.VIEW, target=organisation)
    return HttpResponse(organisation.name)


def list_with_one_entry(request: HttpRequest) -> HttpResponse:
    """A list page: one LIST entry that covers every row shown."""
    rows = list(Organisation.objects.all())
    journal.record_request(
        request, JournalAction.LIST, target_type="accounts.organisation", also_covers=rows
    )
    return HttpResponse(", ".join(o.name for o in rows))


def list_covering_only_some(request: HttpRequest) -> HttpResponse:
    rows = list(Organisation.objects.all())
    journal.record_request(
        request, JournalAction.LIST, target_type="accounts.organisation", also_covers=rows[:1]
    )
    return HttpResponse(", ".join(o.name for o in rows))


def load_then_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    Organisation.objects.get(pk=pk)
    return HttpResponse("refusé", status=403)


@journal.personal_data_view
def declared_without_entry(request: HttpRequest) -> HttpResponse:
    return HttpResponse("données")


@journal.personal_data_view
def declared_with_entry(request: HttpRequest) -> HttpResponse:
    journal.record_request(request, JournalAction.EXPORT, target_type="people.person", target_id=7)
    return HttpResponse("données")


# The project's French error pages (Django's defaults would render them without context).
handler403 = "relais.web.common.errors.permission_denied"
handler404 = "relais.web.common.errors.page_not_found"
handler500 = "relais.web.common.errors.server_error"

urlpatterns = [
    path("sans-journal/<int:pk>/", load_without_journal),
    path("avec-journal/<int:pk>/", load_with_journal),
    path("liste/", list_with_one_entry),
    path("liste-partielle/", list_covering_only_some),
    path("refus/<int:pk>/", load_then_refuse),
    path("declaree-sans-entree/", declared_without_entry),
    path("declaree-avec-entree/", declared_with_entry),
]
