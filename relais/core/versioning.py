"""Optimistic locking: a save based on a stale version is refused, naming who changed it."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.dispatch import Signal
from django.utils import timezone

from relais.core.errors import StaleObjectError

M = TypeVar("M", bound=models.Model)

# Sent before the UPDATE with `sender` (the model) and `instance`: `update_versioned` does not
# call save(), so a guard that watches `pre_save` (the read-only archived record, see
# relais.people.archive) listens here too. A receiver refuses by raising a DomainError.
pre_versioned_update = Signal()


def update_versioned(
    instance: M, *, expected_version: int, actor: Any, changes: dict[str, Any]
) -> M:
    """Apply `changes` only if the row is still at `expected_version`; bump the version.

    Raises StaleObjectError with a French message when someone saved in between; the
    caller keeps the user's input and shows it again."""
    model = type(instance)
    pre_versioned_update.send(sender=model, instance=instance)
    values = dict(changes)
    values["version"] = models.F("version") + 1
    values["updated_by"] = actor
    if any(f.name == "updated_at" for f in model._meta.get_fields()):
        values["updated_at"] = timezone.now()
    count = model._base_manager.filter(pk=instance.pk, version=expected_version).update(**values)
    if count == 0:
        current = model._base_manager.select_related("updated_by").filter(pk=instance.pk).first()
        who = (
            str(current.updated_by)
            if current is not None and current.updated_by
            else "un autre utilisateur"
        )
        when = ""
        if current is not None and getattr(current, "updated_at", None):
            when = f" le {timezone.localtime(current.updated_at):%d/%m/%Y à %H:%M}"
        raise StaleObjectError(
            f"Modifié entre-temps par {who}{when}. Vos saisies sont conservées ci-dessous : "
            "vérifiez-les au regard de la nouvelle version, puis enregistrez de nouveau."
        )
    instance.refresh_from_db()
    return instance
