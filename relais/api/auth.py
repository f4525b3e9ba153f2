from django.http import HttpRequest
from ninja.security import HttpBearer

from relais.accounts.services import api_token_authenticate


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer rls_…` — a personal token created from « Mon compte »."""

    openapi_description = "Jeton personnel créé depuis la page « Mon compte » (préfixe rls_)."

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user
