"""SIRET, commune code and password rules, with the French messages the user reads."""

from __future__ import annotations

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from relais.accounts.models import User
from relais.accounts.validators import (
    CharacterClassesValidator,
    luhn_is_valid,
    normalise_siret,
    validate_commune_code,
    validate_siret,
)
from tests.factories import valid_siret

VALID_SIRET = "73282932000074"
# La Poste (SIREN 356000000): the digits add up to a multiple of 5, the Luhn key is wrong.
LA_POSTE_VALID = "35600000049837"
# La Poste again: Luhn key right, but the digits add up to 26, not a multiple of 5.
LA_POSTE_LUHN_ONLY = "35600000000048"


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


class TestSiret:
    def test_luhn(self):
        assert luhn_is_valid(VALID_SIRET)
        assert not luhn_is_valid("73282932000075")

    @pytest.mark.parametrize("value", [VALID_SIRET, valid_siret(42), LA_POSTE_VALID])
    def test_valid(self, value):
        validate_siret(value)

    @pytest.mark.parametrize(
        "value", ["732 829 320 00074", "732.829.320.00074", "732-829-320-00074", " 73282932000074 "]
    )
    def test_spaces_dots_and_dashes_are_tolerated(self, value):
        assert normalise_siret(value) == VALID_SIRET
        validate_siret(value)

    @pytest.mark.parametrize(
        ("value", "count"),
        [("1234567890123", 13), ("123456789012345", 15), ("", 0), ("7328293200007A", 13)],
    )
    def test_length_and_digits(self, value, count):
        with pytest.raises(ValidationError) as excinfo:
            validate_siret(value)
        assert excinfo.value.code == "siret_length"
        assert (
            messages_of(excinfo)
            == f"Le SIRET doit comporter exactement 14 chiffres (vous en avez saisi {count})."
        )

    def test_wrong_key(self):
        with pytest.raises(ValidationError) as excinfo:
            validate_siret("73282932000075")
        assert excinfo.value.code == "siret_key"
        assert "clé de contrôle est incorrecte" in messages_of(excinfo)

    def test_la_poste_uses_its_own_rule(self):
        assert not luhn_is_valid(LA_POSTE_VALID)
        validate_siret(LA_POSTE_VALID)
        assert luhn_is_valid(LA_POSTE_LUHN_ONLY)
        with pytest.raises(ValidationError) as excinfo:
            validate_siret(LA_POSTE_LUHN_ONLY)
        assert messages_of(excinfo) == "Ce SIRET de La Poste n'est pas valide (clé incorrecte)."


class TestCommuneCode:
    @pytest.mark.parametrize("value", ["69123", "2A004", "2b033", " 75056 ", "97411"])
    def test_known_codes(self, value):
        validate_commune_code(value)

    @pytest.mark.parametrize("value", ["6912", "691234", "ABCDE", "2C004", "", "69 123"])
    def test_malformed(self, value):
        with pytest.raises(ValidationError) as excinfo:
            validate_commune_code(value)
        assert excinfo.value.code == "commune_format"
        assert messages_of(excinfo) == (
            "Le code commune INSEE comporte 5 caractères (ex. 69123, 2A004)."
        )

    def test_unknown(self):
        with pytest.raises(ValidationError) as excinfo:
            validate_commune_code("99999")
        assert excinfo.value.code == "commune_unknown"
        assert messages_of(excinfo) == "Aucune commune ne porte le code INSEE 99999."


class TestPassword:
    """The project's AUTH_PASSWORD_VALIDATORS: CNIL rules, in French."""

    def errors(self, password: str, user: User | None = None) -> list[str]:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            return error.messages
        return []

    @pytest.mark.parametrize(
        "password", ["Motdepasse-Solide-42", "Azertyuiop123", "é-ÉCOLE-ïle-9z"]
    )
    def test_strong_enough(self, password):
        assert self.errors(password) == []

    def test_twelve_characters_at_least(self):
        assert self.errors("Court-1a") == [
            "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."
        ]
        assert self.errors("Abcdefghij-1") == []  # exactly 12

    @pytest.mark.parametrize(
        "password", ["abcdefghijklmnop", "ABCDEFGHIJKLMN", "abcdefABCDEFGH", "abcdef-ghijkl"]
    )
    def test_three_character_classes(self, password):
        assert self.errors(password) == [
            "Le mot de passe doit mélanger au moins trois types de caractères parmi : "
            "minuscules, majuscules, chiffres et caractères spéciaux."
        ]

    def test_common_password(self):
        assert self.errors("Password1234") == ["Ce mot de passe est trop courant."]

    def test_entirely_numeric(self):
        assert "Ce mot de passe est entièrement numérique." in self.errors("123456789012")

    def test_close_to_the_email(self):
        user = User(email="jeanne.martin@exemple.fr", first_name="Jeanne", last_name="Martin")
        messages = self.errors("Jeanne.Martin@exemple", user)
        assert len(messages) == 1
        assert messages[0].startswith("Le mot de passe est trop semblable")

    def test_character_classes_help_text_is_french(self):
        assert "trois types de caractères" in CharacterClassesValidator().get_help_text()
