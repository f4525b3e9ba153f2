"""The watch log (veille): dated entries the team shares, searchable by words, theme and
tag, paginated."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from relais.core.errors import DomainError
from relais.core.text import fold
from relais.territory import services as territory_services
from relais.territory.models import Territory, Theme, WatchItem
from relais.territory.policies import can_contribute, can_view_territory
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.submissions import once_per_submission
from relais.web.territory.forms import WatchForm


@organisation_required
@once_per_submission
def watch(request: HttpRequest) -> HttpResponse:
    if not can_view_territory(request.membership):
        raise PermissionDenied
    territories = Territory.objects.filter(organisation=request.organisation)
    may_write = can_contribute(request.membership)
    form = WatchForm(request.POST or None, territories=territories)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["tags"] = [t for t in data["tags"].split(",") if t.strip()]
            try:
                territory_services.watch_item_create(membership=request.membership, **data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, "Entrée de veille ajoutée.")
                return redirect("territory:watch")
    items = WatchItem.objects.filter(organisation=request.organisation).select_related("territory")
    query = request.GET.get("q", "").strip()[:200]
    for word in fold(query).split():
        items = items.filter(search_key__contains=word)
    theme = request.GET.get("theme", "")
    if theme in Theme.values:
        items = items.filter(theme=theme)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "territory/watch.html",
        {
            "page": page,
            "form": form,
            "may_write": may_write,
            "query": query,
            "theme": theme,
            "themes": Theme.choices,
        },
    )
