"""The employer's SIRET, checked with the rule organisations already use
(`relais.accounts.validators.validate_siret`: 14 digits, Luhn key, La Poste's exception),
turned into a domain error so that pages, API and imports report it alike."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from relais.accounts.validators import normalise_siret, validate_siret
from relais.core.errors import DomainError


def check_siret(value: str) -> str:
    """The SIRET without spaces or dots, or a French error saying what is wrong."""
    siret = normalise_siret(value)
    if not siret:
        raise DomainError("Indiquez le SIRET de l'établissement.", field="siret")
    try:
        validate_siret(siret)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="siret") from None
    return siret
