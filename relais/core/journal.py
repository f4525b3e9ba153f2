"""The access journal: every read or write of personal data leaves an entry here.

Models holding personal data declare `holds_personal_data = True` and, when they belong to
another record, `journal_parent = ("app.model", "<fk>_id")`: journaling the parent (the
person's page, say) covers the child records it displays.

Two ways in:
- `record(...)` for services and commands (explicit actor and organisation);
- `record_request(request, ...)` for views (actor, organisation and IP from the request).

The journal guard (`JournalGuardMiddleware`) makes forgetting it an error: models that hold
personal data declare `holds_personal_data = True`; when a request loads such a record and
answers successfully without having journaled it, the guard raises (strict mode, used in
development and tests) or logs an error (production, where the page must still be served).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.signals import post_init

from relais.core.models import AccessLogEntry, JournalAction

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("relais.journal")


class JournalMissingError(RuntimeError):
    """A view served personal data without writing it to the access journal."""


@dataclass
class _RequestJournal:
    # (model label, pk) → (parent label, parent pk) or None, for every personal record loaded.
    loaded: dict[tuple[str, str], tuple[str, str] | None] = field(default_factory=dict)
    journaled: set[tuple[str, str]] = field(default_factory=set)
    declared_personal: bool = False
    entries: int = 0

    def covered(self, key: tuple[str, str], depth: int = 0) -> bool:
        """A record is covered if it was journaled, or if its parent is (journaling a
        person's page covers the diagnostics, goals and notes shown on it)."""
        if key in self.journaled:
            return True
        parent = self.loaded.get(key)
        return parent is not None and depth < 6 and self.covered(parent, depth + 1)

    def missing(self) -> list[tuple[str, str]]:
        return [key for key in self.loaded if not self.covered(key)]


_current: contextvars.ContextVar[_RequestJournal | None] = contextvars.ContextVar(
    "relais_request_journal", default=None
)


def _key(instance_or_type: Any, pk: Any = None) -> tuple[str, str]:
    if isinstance(instance_or_type, models.Model):
        return (instance_or_type._meta.label_lower, str(instance_or_type.pk))
    return (str(instance_or_type), str(pk))


def _track_loaded(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    state = _current.get()
    if state is not None and instance.pk is not None:
        parent = None
        link = getattr(sender, "journal_parent", None)
        if link is not None:
            parent_label, attribute = link
            parent_pk = instance.__dict__.get(attribute)
            if parent_pk is not None:
                parent = (parent_label, str(parent_pk))
        state.loaded[_key(instance)] = parent


def personal_data_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if getattr(m, "holds_personal_data", False)]


def connect_read_tracking() -> None:
    """Watch the loading of every model that declares `holds_personal_data = True`."""
    for model in personal_data_models():
        post_init.connect(_track_loaded, sender=model, dispatch_uid=f"journal-{model._meta.label}")


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: Any = "",
    organisation: Any = None,
    actor_organisation: Any = None,
    person_id: int | None = None,
    summary: str = "",
    ip: str | None = None,
    path: str = "",
    also_covers: Iterable[models.Model] = (),
) -> AccessLogEntry:
    """Write one journal entry. `also_covers` lists other loaded records this entry accounts
    for (e.g. the rows of a list page)."""
    if action not in JournalAction.values:
        raise ValueError(f"Action de journal inconnue : {action}")
    organisation_id = getattr(organisation, "pk", organisation)
    if target is not None:
        target_type = target._meta.label_lower
        target_id = target.pk
        if person_id is None:
            person_id = getattr(target, "journal_person_id", None)
        if organisation_id is None:
            organisation_id = getattr(target, "journal_organisation_id", None)
    entry = AccessLogEntry.objects.create(
        organisation_id=organisation_id,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_email=getattr(actor, "email", "") or "système",
        actor_organisation=actor_organisation,
        action=action,
        target_type=target_type[:60],
        target_id=str(target_id)[:64],
        person_id=person_id,
        summary=summary[:200],
        ip=ip,
        path=path[:300],
    )
    state = _current.get()
    if state is not None:
        state.entries += 1
        if target is not None:
            state.journaled.add(_key(target))
        elif target_type:
            state.journaled.add(_key(target_type, target_id))
        for other in also_covers:
            state.journaled.add(_key(other))
    return entry


def client_ip(request: HttpRequest) -> str | None:
    # Behind a reverse proxy, configure it to set REMOTE_ADDR (never trust X-Forwarded-For
    # blindly here: it is written by the client).
    return request.META.get("REMOTE_ADDR") or None


def record_request(
    request: HttpRequest,
    action: str,
    target: models.Model | None = None,
    **kwargs: Any,
) -> AccessLogEntry:
    """Journal an access made through a web or API request."""
    return record(
        actor=request.user,
        action=action,
        target=target,
        actor_organisation=getattr(request, "organisation", None),
        ip=client_ip(request),
        path=request.get_full_path(),
        **kwargs,
    )


def personal_data_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view as serving personal data: a successful answer must have journaled it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        state = _current.get()
        if state is not None:
            state.declared_personal = True
        return view(request, *args, **kwargs)

    return wrapper


class JournalGuardMiddleware:
    """Checks, for every request, that personal data loaded was journaled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = _RequestJournal()
        token = _current.set(state)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if response.status_code < 400:
            missing = state.missing()
            forgot_declared = state.declared_personal and state.entries == 0
            if missing or forgot_declared:
                detail = ", ".join(sorted(f"{t}#{i}" for t, i in missing)[:5]) or "vue déclarée"
                message = f"Données personnelles servies sans entrée au journal ({request.path}) : {detail}"
                if settings.RELAIS_JOURNAL_STRICT:
                    raise JournalMissingError(message)
                logger.error(message)
        return response


# --- Reading the journal ---------------------------------------------------------------------


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def target_label(target_type: str, target_id: Any = "") -> str:
    """How the journal page names a record: the model's French name and its number — the
    dossier number for a person (« Dossier de personne n° 61 », « Parcours n° 12 »), the
    plural name for a list without a number (« Personnes »). Unknown types stay as written."""
    try:
        meta = apps.get_model(target_type)._meta
    except (LookupError, ValueError):
        return f"{target_type} n° {target_id}" if target_id else target_type
    if not target_id:
        return _capitalised(str(meta.verbose_name_plural))
    if target_type == "people.person":
        return f"Dossier de personne n° {target_id}"
    return f"{_capitalised(str(meta.verbose_name))} n° {target_id}"
