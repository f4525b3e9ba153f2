"""The watch log (veille): dated entries the team shares, searchable by words (title,
source, summary, tags), filtered by theme, territory and tag, paginated; an entry is
changed or deleted by its author or a manager (`relais.territory.watch`)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from relais.core.errors import DomainError, StaleObjectError
from relais.core.errors import PermissionDenied as DomainPermissionDenied
from relais.territory import watch as watch_log
from relais.territory.models import Territory, Theme, WatchItem
from relais.territory.policies import can_change_watch_item, can_contribute, can_view_territory
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.submissions import once_per_submission
from relais.web.territory.forms import WATCH_FIELDS, WatchEditForm, WatchForm

PER_PAGE = 30


def _apply(form, error: DomainError) -> None:
    for item in getattr(error, "errors", [error]):
        apply_domain_error(form, item)


def _territories(request: HttpRequest):
    return Territory.objects.of_organisation(request.organisation).only("pk", "name")


def _filters(request: HttpRequest, territories) -> dict[str, str]:
    """The list's filters as typed; an unknown theme or territory is ignored."""
    theme = request.GET.get("theme", "")
    territory = request.GET.get("territoire", "")
    return {
        "q": request.GET.get("q", "").strip()[:200],
        "theme": theme if theme in Theme.values else "",
        "territoire": territory
        if territory.isdigit() and any(str(t.pk) == territory for t in territories)
        else "",
        "tag": request.GET.get("tag", "").strip().lower()[:50],
    }


@organisation_required
@once_per_submission
def watch(request: HttpRequest) -> HttpResponse:
    if not can_view_territory(request.membership):
        raise PermissionDenied
    territories = list(_territories(request))
    may_write = can_contribute(request.membership)
    form = WatchForm(request.POST or None, territories=_territories(request))
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                watch_log.watch_item_create(membership=request.membership, **form.values())
            except DomainError as error:
                _apply(form, error)
            else:
                messages.success(request, "Entrée de veille ajoutée.")
                return redirect("territory:watch")
    filters = _filters(request, territories)
    items = (
        WatchItem.objects.visible_to(request.membership)
        .search(filters["q"])
        .with_theme(filters["theme"])
        .in_territory(int(filters["territoire"]) if filters["territoire"] else None)
        .tagged(filters["tag"])
        .for_list()
    )
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    for item in page:
        item.may_change = can_change_watch_item(request.membership, item)
    return render(
        request,
        "territory/watch.html",
        {
            "page": page,
            "form": form,
            "may_write": may_write,
            "filters": filters,
            "filtered": any(filters.values()),
            "querystring": urlencode({k: v for k, v in filters.items() if v}),
            "themes": Theme.choices,
            "territories": territories,
        },
    )


def _item(request: HttpRequest, item_id: int) -> WatchItem:
    """The organisation's entry (another organisation's: 404), if this user may change it
    (a colleague who is neither its author nor a manager: 403)."""
    if not can_view_territory(request.membership):
        raise PermissionDenied
    item = get_object_or_404(WatchItem.objects.visible_to(request.membership), pk=item_id)
    if not can_change_watch_item(request.membership, item):
        raise PermissionDenied
    return item


def _initial(item: WatchItem) -> dict:
    initial = {name: getattr(item, name) for name in WATCH_FIELDS}
    initial["tags"] = ", ".join(item.tags)
    initial["updated_at"] = item.updated_at.isoformat()
    return initial


@organisation_required
def watch_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    form = WatchEditForm(
        request.POST or None, initial=_initial(item), territories=_territories(request)
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            watch_log.watch_item_update(
                membership=request.membership,
                item=item,
                expected_updated_at=form.cleaned_data["updated_at"],
                **form.values(),
            )
        except StaleObjectError as error:
            stale = WatchItem.objects.visible_to(request.membership).for_list().filter(pk=item.pk)
            stale = stale.first()
            if stale is not None:  # kept input, the current updated_at: saving again applies it
                data = form.data.copy()
                data["updated_at"] = stale.updated_at.isoformat()
                form.data = data
            form.add_error(None, error.message)
        except DomainPermissionDenied as error:
            raise PermissionDenied(error.message) from error
        except DomainError as error:
            _apply(form, error)
        else:
            messages.success(request, "Entrée de veille modifiée.")
            return redirect(f"{reverse('territory:watch')}#veille-{item.pk}")
    return render(
        request,
        "territory/watch_form.html",
        {"item": item, "form": form, "stale": stale},
        status=409 if stale is not None else 200,
    )


@organisation_required
def watch_delete(request: HttpRequest, item_id: int) -> HttpResponse:
    """A confirmation page (GET) naming the analyses that cite the entry, if any: then the
    deletion is refused (`relais.territory.watch`)."""
    item = _item(request, item_id)
    error = ""
    if request.method == "POST":
        try:
            watch_log.watch_item_delete(membership=request.membership, item=item)
        except DomainPermissionDenied as denied:
            raise PermissionDenied(denied.message) from denied
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, f"Entrée « {item.title} » supprimée.")
            return redirect("territory:watch")
    return render(
        request,
        "territory/watch_delete.html",
        {
            "item": item,
            "citing": watch_log.citing_analyses(item),
            "error": error,
        },
        status=409 if error else 200,
    )
