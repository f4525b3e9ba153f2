"""The HTTP API, /api/v1/. Same services and policies as the web pages; errors are JSON."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from relais.api.auth import ApiTokenAuth, throttles
from relais.api.routers import accounts, diagnostics, pathways, people
from relais.core.errors import DomainError, StaleObjectError
from relais.core.errors import PermissionDenied as DomainPermissionDenied


def docs_access(view):
    """The schema and its documentation: public in development, for signed-in users in
    production (`RELAIS_API_DOCS_PUBLIC`)."""

    def wrapped(request, *args, **kwargs):
        if not settings.RELAIS_API_DOCS_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"detail": {"type": "string"}},
                    "required": ["detail"],
                }
            }
        },
    }


# Answers any operation may give, whatever it does: declared once for all of them.
COMMON_ERRORS = {
    "413": _error_response("Requête trop volumineuse."),
    "429": _error_response("Trop de requêtes : réessayer après le délai de Retry-After."),
}
AUTHENTICATED_ERRORS = {
    "401": _error_response("Jeton absent, invalide, expiré ou révoqué."),
    "403": _error_response("Action refusée (droits, ou jeton en lecture seule)."),
}


class RelaisAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                extra = {
                    **COMMON_ERRORS,
                    **(AUTHENTICATED_ERRORS if operation.get("security") else {}),
                }
                for status, response in extra.items():
                    responses.setdefault(status, response)
        return schema


api = RelaisAPI(
    title="API Relais",
    version="1",
    description=(
        "API de Relais. Authentification : en-tête `Authorization: Bearer <jeton>` avec un jeton "
        "personnel créé depuis la page « Mon compte ». Chaque appel agit avec les droits de "
        "l'utilisateur du jeton, dans ses structures uniquement. Créations : un en-tête "
        "`Idempotency-Key` (valeur aléatoire propre à la demande) fait qu'une demande renvoyée "
        "ne crée rien de plus (409 avec le numéro de ce qui a été créé ; l'accueil d'une "
        "personne rend le dossier déjà créé)."
    ),
    auth=ApiTokenAuth(),
    throttle=throttles(),
    urls_namespace="api-1",
    docs_url="/docs",
    docs_decorator=docs_access,
)
api.add_router("/", accounts.router)
api.add_router("/", people.router)
api.add_router("/", diagnostics.router)
api.add_router("/", pathways.router)
api.add_router("/", "relais.api.routers.referrals.router")
api.add_router("/", "relais.api.routers.services.router")
api.add_router("/", "relais.api.routers.meetings.router")
api.add_router("/", "relais.api.routers.employment.router")
api.add_router("/", "relais.api.routers.territory.router")
api.add_router("/", "relais.api.routers.certification.router")
api.add_router("/", "relais.api.routers.projects.router")
api.add_router("/", "relais.api.routers.workshops.router")
api.add_router("/", "relais.api.routers.sequences.router")
api.add_router("/", "relais.api.routers.reporting.router")
api.add_router("/", "relais.api.routers.person_space.router")


def _error(request: HttpRequest, detail: str, status: int, **extra):
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return _error(request, "Authentification requise : jeton absent, invalide ou révoqué.", 401)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    return _error(request, "Données invalides.", 422, errors=exc.errors)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, "Ressource introuvable.", 404)


@api.exception_handler(DomainPermissionDenied)
def on_forbidden(request, exc):
    return _error(request, exc.message, 403)


@api.exception_handler(StaleObjectError)
def on_stale(request, exc):
    # The service's message is written for a form that keeps the user's input; an API
    # client re-reads the record (GET) to get its new version instead.
    who = exc.message.split(" Vos saisies")[0]
    return _error(
        request,
        f"{who} Relisez la version actuelle (GET), puis renvoyez vos modifications avec son "
        "numéro de version.",
        409,
    )


@api.exception_handler(DomainError)
def on_domain_error(request, exc):
    return _error(request, exc.message, 400, field=exc.field)


@api.exception_handler(Throttled)
def on_throttled(request, exc):
    return _error(request, "Trop de requêtes : attendez un peu avant de recommencer.", 429)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    message = str(exc.message)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = (
            "Corps de requête illisible : envoyez un JSON valide (Content-Type: application/json)."
        )
    return _error(request, message, exc.status_code)
