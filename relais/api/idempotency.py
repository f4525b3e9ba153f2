"""API creates are done once per `Idempotency-Key`.

A client that does not know whether its request arrived (a timeout, a lost connection) sends
it again with the same `Idempotency-Key` header: the create runs in one transaction that
first claims the key (per token holder, method and path), so a repeat — even at the same
instant — waits for the first, then answers 409 naming what the first created instead of
making a copy. Only the status and the record's number are kept, never the response body (it
holds personal data). A create that failed releases its key. The intake (`POST …/persons`)
answers a repeat with the record itself (`relais.core.submissions.submit_once`).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Status

from relais.core.models import Submission
from relais.core.submissions import claim

HEADER = "Idempotency-Key"
IDEMPOTENCY_DOC = (
    " Un en-tête `Idempotency-Key` (valeur aléatoire propre à la demande) fait qu'une demande "
    "renvoyée ne crée rien de plus : elle reçoit 409 avec le numéro de ce qui a été créé."
)


def _token(request: HttpRequest, key: str) -> str:
    scope = f"{request.method} {request.path} {key.strip()[:200]}"
    return "api:" + hashlib.sha256(scope.encode()).hexdigest()[:56]


def _record_id(value: Any) -> int | None:
    found = value.get("id") if isinstance(value, dict) else getattr(value, "id", None)
    return found if isinstance(found, int) else None


def idempotent(operation: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(operation)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER, "")
        user = getattr(request, "user", None)
        if not key.strip() or user is None or not user.is_authenticated:
            return operation(request, *args, **kwargs)
        with transaction.atomic():
            claimed, _location = claim(token=_token(request, key), actor=user)
            if claimed is None:
                first = Submission.objects.filter(token=_token(request, key), actor=user).first()
                if first is not None and first.status:
                    number = f" : n° {first.target_id}" if first.target_id else ""
                    return Status(
                        409,
                        {
                            "detail": "Cette demande a déjà été traitée (même en-tête "
                            f"Idempotency-Key){number}. Rien de plus n'a été créé."
                        },
                    )
                return operation(request, *args, **kwargs)
            result = operation(request, *args, **kwargs)
            status = result.status_code if isinstance(result, Status) else 200
            if 200 <= status < 300:
                claimed.status = status
                claimed.target_id = _record_id(getattr(result, "value", result))
                claimed.save(update_fields=["status", "target_id"])
            else:
                claimed.delete()
        return result

    # The routers use postponed annotations, which django-ninja resolves in the function's
    # own module: give it the operation's signature, already resolved.
    wrapper.__signature__ = inspect.signature(operation, eval_str=True)
    wrapper.idempotent = True  # read by tests/api/test_idempotency.py
    return wrapper
