"""Links from domain code to pages, without domain code knowing the web layer's URLs.

Notices, e-mails and read models need to point at a page ("the referral", "the service").
The URLs belong to the web layer, above every domain: it registers one resolver when Django
starts (`relais.web.apps.WebConfig.ready` → `relais.web.links`), and domain code asks for a
page by kind and arguments: `link("referral", 42)`. `absolute()` prefixes the
`RELAIS_BASE_URL` setting, for links that leave the application (e-mails).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

Resolver = Callable[..., str]

_resolver: Resolver | None = None


def register(resolver: Resolver) -> None:
    global _resolver
    _resolver = resolver


def link(kind: str, *args: object, anchor: str = "") -> str:
    """The path of the page of `kind` (e.g. "referral", "service"), "" when no page answers
    (no resolver registered, unknown kind or arguments)."""
    if _resolver is None:
        return ""
    path = _resolver(kind, *args)
    return f"{path}{anchor}" if path else ""


def absolute(path: str) -> str:
    """`path` as an absolute URL (RELAIS_BASE_URL + path); unchanged without the setting."""
    base = (getattr(settings, "RELAIS_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base and path.startswith("/") else path
