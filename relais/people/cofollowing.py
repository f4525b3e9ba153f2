"""The seam through which `people` learns who co-follows a person.

A professional of another organisation may see part of a person's record when they are an
active member of the person's coordination team and the person's consent stands. `people`
sits below the coordination wing that knows teams and consents, so it cannot ask it
directly: the wing registers a provider here when Django starts
(`relais.network.apps.NetworkConfig.ready` → `relais.network.coordination.sharing`).

Without a provider nothing can be decided, and every question raises: a misconfigured
project fails loudly rather than opening or closing records silently.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q


class AccessProvider(Protocol):
    def cofollowed_q(self, membership: Any) -> Q:
        """Filter on persons: those the user acting for `membership` co-follows."""

    def access_for(self, membership: Any, person: Any) -> Any:
        """The user's access to `person` (own organisation, team member, or none), an object
        with `allows(capability)`, `sees_note(note)`, `sees_document(id)`,
        `sees_domain(domain)`."""

    def cofollowed_accesses(self, membership: Any) -> dict[int, Any]:
        """Every person the user acting for `membership` co-follows, by id, with that
        user's access to them (as `access_for` answers, documents aside): one query, for
        the pages that rank or list co-followed persons together with the organisation's
        own and must use only what each person agreed to share."""


_provider: AccessProvider | None = None


def register(provider: AccessProvider) -> None:
    global _provider
    _provider = provider


def provider() -> AccessProvider:
    if _provider is None:
        raise ImproperlyConfigured(
            "No co-following access provider: relais.network must be installed (it "
            "registers relais.network.coordination.sharing at start-up)."
        )
    return _provider
