"""An archived person's record is read-only: the guard that makes every write refuse it.

Archiving (`relais.records.archive`) sets `Person.archived_at`; from then on, nothing may be
added to, changed in or deleted from the record until a manager unarchives it. Rather than
asking each of the services of every domain to remember it, the guard watches the writes
themselves:

- `pre_save` and `pre_delete` of every model that holds personal data (the person and each
  record hanging from it through `journal_parent`, see relais.core.journal);
- `relais.core.versioning.pre_versioned_update`, because `update_versioned` writes with one
  UPDATE and never calls save().

A refused write raises `RecordArchived` (a `DomainError` with a French message): the forms
show it above the form, the API answers it as JSON. Bulk `QuerySet.update()` and `delete()`
bypass model signals; the services that use them act on records that an archived person
cannot have (an open pathway, a referral in progress: archiving refuses both).

The lifecycle services themselves (archive, unarchive, erasure, documents' retention) write
inside `lifecycle_writes()`, which lets them through.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.signals import post_init, post_save, pre_delete, pre_save

from relais.core.errors import DomainError
from relais.core.versioning import pre_versioned_update

ARCHIVED_MESSAGE = (
    "Ce dossier est archivé : il est en lecture seule. Un responsable de la structure peut "
    "le désarchiver pour le modifier de nouveau."
)

PERSON_LABEL = "people.person"
_MAX_DEPTH = 6


class RecordArchived(DomainError):
    """A write on an archived person's record."""

    def __init__(self) -> None:
        super().__init__(ARCHIVED_MESSAGE)


_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "relais_lifecycle_writes", default=False
)


@contextlib.contextmanager
def lifecycle_writes() -> Iterator[None]:
    """Let the lifecycle services write on an archived record (erase it, unarchive it)."""
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)


class _Scope:
    """What one request already knows: the parent of each personal record it loaded or
    saved, and whether each person it loaded is archived. The guard then costs no query in
    a request that loaded the record it writes (every service does)."""

    def __init__(self) -> None:
        self.parents: dict[tuple[str, str], tuple[str, str] | None] = {}
        self.archived: dict[str, bool] = {}


_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar(
    "relais_archive_scope", default=None
)


def _parent_key(model: type[models.Model], values: dict[str, Any]) -> tuple[str, str] | None:
    link = getattr(model, "journal_parent", None)
    if link is None or values.get(link[1]) is None:
        return None
    return (link[0], str(values[link[1]]))


def _remember(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    scope = _scope.get()
    if scope is None or instance.pk is None:
        return
    label = sender._meta.label_lower
    scope.parents[(label, str(instance.pk))] = _parent_key(sender, instance.__dict__)
    if label == PERSON_LABEL and "archived_at" in instance.__dict__:
        scope.archived[str(instance.pk)] = instance.__dict__["archived_at"] is not None


class ArchiveGuardMiddleware:
    """Opens the request's scope (above): the guard reads what the request loaded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _scope.set(_Scope())
        try:
            return self.get_response(request)
        finally:
            _scope.reset(token)


def person_id_of(instance: models.Model) -> str | None:
    """The id of the person whose record `instance` belongs to, following `journal_parent`
    up to the person: from what the request loaded, else one small query per level."""
    if instance._meta.label_lower == PERSON_LABEL:
        return None if instance.pk is None else str(instance.pk)
    scope = _scope.get()
    key = _parent_key(type(instance), instance.__dict__)
    for _ in range(_MAX_DEPTH):
        if key is None:
            return None
        label, pk = key
        if label == PERSON_LABEL:
            return pk
        if scope is not None and key in scope.parents:
            key = scope.parents[key]
            continue
        parent_model = apps.get_model(label)
        link = getattr(parent_model, "journal_parent", None)
        values = {}
        if link is not None:
            values = parent_model._base_manager.filter(pk=pk).values(link[1]).first() or {}
        parent = _parent_key(parent_model, values)
        if scope is not None:
            scope.parents[key] = parent
        key = parent
    return None


def is_archived(person_id: int | str) -> bool:
    scope = _scope.get()
    if scope is not None and str(person_id) in scope.archived:
        return scope.archived[str(person_id)]
    person_model = apps.get_model(PERSON_LABEL)
    archived = person_model._base_manager.filter(pk=person_id, archived_at__isnull=False).exists()
    if scope is not None:
        scope.archived[str(person_id)] = archived
    return archived


def forget(person_id: int) -> None:
    """The person was archived or unarchived: the request's scope reads it again."""
    scope = _scope.get()
    if scope is not None:
        scope.archived.pop(str(person_id), None)


def check_writable(instance: models.Model) -> None:
    """Refuse a write on a record of an archived person (unless a lifecycle service)."""
    if _allowed.get() or getattr(type(instance), "writable_when_archived", False):
        return
    if instance._meta.label_lower == PERSON_LABEL and instance._state.adding:
        return
    person_id = person_id_of(instance)
    if person_id is not None and is_archived(person_id):
        raise RecordArchived()


def _on_write(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # fixtures
        return
    check_writable(instance)


def connect_archive_guard() -> None:
    """Watch the writes of every model that holds personal data (called when Django starts,
    once every app's models are loaded)."""
    for model in apps.get_models():
        if not getattr(model, "holds_personal_data", False):
            continue
        uid = f"archive-guard-{model._meta.label}"
        pre_save.connect(_on_write, sender=model, dispatch_uid=uid)
        pre_delete.connect(_on_write, sender=model, dispatch_uid=uid)
        pre_versioned_update.connect(_on_write, sender=model, dispatch_uid=uid)
        post_init.connect(_remember, sender=model, dispatch_uid=uid)
        post_save.connect(_remember, sender=model, dispatch_uid=uid)
