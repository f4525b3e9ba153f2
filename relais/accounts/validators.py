"""Validation of identifiers and passwords, with French messages."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from relais.core.communes import get_commune, is_well_formed_insee_code

LA_POSTE_SIREN = "356000000"


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_siret(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def validate_siret(value: str) -> None:
    """A SIRET has 14 digits and a valid Luhn key (La Poste's establishments use their own
    rule: the sum of the digits is a multiple of 5)."""
    siret = normalise_siret(value)
    if not siret.isdigit() or len(siret) != 14:
        raise ValidationError(
            "Le SIRET doit comporter exactement 14 chiffres (vous en avez saisi %(count)s).",
            code="siret_length",
            params={"count": sum(c.isdigit() for c in siret)},
        )
    if siret.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in siret) % 5 != 0:
            raise ValidationError(
                "Ce SIRET de La Poste n'est pas valide (clé incorrecte).", code="siret_key"
            )
        return
    if not luhn_is_valid(siret):
        raise ValidationError(
            "Ce SIRET n'est pas valide : sa clé de contrôle est incorrecte. Vérifiez les chiffres saisis.",
            code="siret_key",
        )


def validate_commune_code(value: str) -> None:
    code = (value or "").strip().upper()
    if not is_well_formed_insee_code(code):
        raise ValidationError(
            "Le code commune INSEE comporte 5 caractères (ex. 69123, 2A004).", code="commune_format"
        )
    if get_commune(code) is None:
        raise ValidationError(
            "Aucune commune ne porte le code INSEE %(code)s.",
            code="commune_unknown",
            params={"code": code},
        )


class CharacterClassesValidator:
    """At least three of: lowercase, uppercase, digit, special character (CNIL / ANSSI)."""

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                "Le mot de passe doit mélanger au moins trois types de caractères parmi : "
                "minuscules, majuscules, chiffres et caractères spéciaux.",
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return (
            "Au moins trois types de caractères parmi minuscules, majuscules, chiffres et "
            "caractères spéciaux."
        )
