"""The seam through which closing a pathway closes what other organisations hold open for it.

A pathway's referrals (orientations) belong to the referrals wing of `network`, a layer
above `pathways`: the exit cannot import it. Yet a referral left open when its pathway
closes is a promise the partner still keeps — it stays « en cours » on both sides and the
partner may still « Terminer » it. So the wing registers a provider here when Django starts
(`relais.network.apps.NetworkConfig.ready` → `relais.network.referrals.closing`), and
`relais.pathways.services.pathway_exit` calls it inside its own transaction: the pathway,
its steps and its referrals close together or not at all, for the pages and the API alike.

Why a seam rather than the web layer calling both services: the rule (« a closed pathway
leaves no referral open ») then holds for every caller of `pathway_exit` — the exit page,
the API, the demo — instead of being repeated, and forgotten, in each of them.

Without a provider nothing can be decided, and every question raises: a misconfigured
project fails loudly rather than leaving referrals open silently.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class ClosingProvider(Protocol):
    def open_referrals(self, pathway: Any) -> list[Any]:
        """The pathway's referrals still open (sent, seen, accepted, in progress), with the
        service and the receiving organisation, oldest first."""

    def close_referrals(self, *, pathway: Any, actor: Any, exited_on: dt.date) -> list[Any]:
        """Cancel each open referral of `pathway` through the referral workflow (the
        partner is notified), inside the caller's transaction; the referrals cancelled."""


_provider: ClosingProvider | None = None


def register(provider: ClosingProvider) -> None:
    global _provider
    _provider = provider


def provider() -> ClosingProvider:
    if _provider is None:
        raise ImproperlyConfigured(
            "No pathway closing provider: relais.network must be installed (it registers "
            "relais.network.referrals.closing at start-up)."
        )
    return _provider


def open_referrals(pathway: Any) -> list[Any]:
    return provider().open_referrals(pathway)


def close_referrals(*, pathway: Any, actor: Any, exited_on: dt.date) -> list[Any]:
    return provider().close_referrals(pathway=pathway, actor=actor, exited_on=exited_on)
