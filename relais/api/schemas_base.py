"""What every schema of the API shares: input and output bases, the error answers, a
reference to a user, and the helpers that type a choice field with its values (`_values`)
and document them in French (`_doc`, `_text`). Schemas of each domain are in their own
module (`schemas_people`, `schemas_diagnostics`, `schemas_pathways`, `schemas_referrals`).

Choice fields are typed with their allowed values (`Literal`, so OpenAPI lists them as an
`enum`) and their French labels are written in the description. Dates are ISO 8601
(`2026-11-22`). Lengths are documented (`maxLength`) but checked by the services, which
answer with a French message naming the field (400) rather than a generic 422.

Inputs for PATCH: every field is optional; only the fields sent are changed; `version`
(read from the last GET) is required — a stale version gets a 409."""

from __future__ import annotations

from typing import Any, Literal

from django.db import models
from ninja import Schema
from pydantic import ConfigDict, Field

MAX_ID = 2**63 - 1  # BigAutoField: larger ids cannot exist (and would overflow SQLite)


def _values(choices: type[models.Choices], *, blank: bool = False) -> Any:
    values = tuple(choices.values) + (("",) if blank else ())
    return Literal[values]  # type: ignore[valid-type]


def _doc(label: str, choices: type[models.Choices], *, blank: bool = False) -> str:
    items = "; ".join(f"`{value}` : {text}" for value, text in choices.choices)
    tail = " ; chaîne vide : non renseigné" if blank else ""
    return f"{label}. Valeurs : {items}{tail}."


def _text(description: str, max_length: int | None = None, **kwargs: Any) -> Any:
    extra = {"maxLength": max_length} if max_length else None
    return Field(description=description, json_schema_extra=extra, **kwargs)


VERSION_DOC = (
    "Numéro de version lu lors de la dernière consultation (verrouillage optimiste) : si "
    "quelqu'un a enregistré entre-temps, la modification est refusée (409)."
)


class InputSchema(Schema):
    """Inputs refuse unknown fields (422): a misspelt or misplaced field is never silently
    ignored (e.g. a situation field sent outside `situation`)."""

    model_config = ConfigDict(extra="forbid")


class OutputSchema(Schema):
    model_config = ConfigDict(extra="ignore")


# --- Errors and references -------------------------------------------------------------


class FieldErrorOut(Schema):
    detail: str = Field(description="Message en français, à montrer tel quel.")
    field: str | None = Field(None, description="Champ concerné, s'il y en a un.")


class ValidationErrorOut(Schema):
    detail: str = Field(description="« Données invalides. »")
    errors: list[dict[str, Any]] = Field(
        description="Détail par champ : `loc` (emplacement), `msg`, `type`."
    )


class UserRef(Schema):
    id: int
    name: str = Field(description="Prénom et nom (ou adresse e-mail à défaut).")
