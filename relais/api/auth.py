"""API authentication: personal tokens, their scope, and a rate limit per token."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import AnonRateThrottle, SimpleRateThrottle

from relais.accounts.models import ApiTokenScope
from relais.accounts.services import api_token_find
from relais.core.errors import PermissionDenied

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer rls_…` — a personal token created from « Mon compte », valid
    until it expires or is revoked; a read-only token is refused any write."""

    openapi_description = (
        "Jeton personnel créé depuis la page « Mon compte » (préfixe rls_), en lecture seule "
        "ou en lecture et écriture, valable 30, 90 ou 365 jours."
    )

    def authenticate(self, request: HttpRequest, token: str):
        found = api_token_find(token)
        if found is None:
            return None
        if found.scope == ApiTokenScope.READ and request.method not in READ_METHODS:
            raise PermissionDenied(
                "Ce jeton est en lecture seule : créez un jeton « lecture et écriture » dans "
                "« Mon compte » pour modifier des données."
            )
        request.user = found.user
        return found


class TokenRateThrottle(SimpleRateThrottle):
    """At most RELAIS_API_RATE requests per token (counted in the cache: per process with
    the default local-memory cache, shared when CACHES points to a shared cache)."""

    scope = "token"

    def __init__(self) -> None:
        super().__init__(settings.RELAIS_API_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        # The setting is read at each request (the API object is built once per process).
        self.rate = settings.RELAIS_API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class AddressRateThrottle(AnonRateThrottle):
    """At most RELAIS_API_ANON_RATE requests per address on the operations open without a
    token."""

    def __init__(self) -> None:
        super().__init__(settings.RELAIS_API_ANON_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.RELAIS_API_ANON_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


def throttles() -> list:
    return [TokenRateThrottle(), AddressRateThrottle()]
