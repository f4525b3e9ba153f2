"""The rules of a person's identity and situation (relais.people.rules)."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.core.errors import DomainError
from relais.people import rules as person_rules

TODAY = dt.date(2026, 5, 20)


def years_ago(years: int, days: int = 0) -> dt.date:
    return TODAY.replace(year=TODAY.year - years) - dt.timedelta(days=days)


class TestBirthDate:
    def test_future_refused(self):
        with pytest.raises(DomainError, match="futur"):
            person_rules.clean_birth_date(TODAY + dt.timedelta(days=1), today=TODAY)

    @pytest.mark.parametrize(
        ("born", "ok"),
        [
            (years_ago(14), True),
            (years_ago(14) + dt.timedelta(days=1), False),  # 13 years old, one day short
            (years_ago(110), True),
            (years_ago(111), False),
        ],
    )
    def test_age_between_14_and_110(self, born, ok):
        if ok:
            assert person_rules.clean_birth_date(born, today=TODAY) == born
        else:
            with pytest.raises(DomainError) as error:
                person_rules.clean_birth_date(born, today=TODAY)
            assert error.value.field == "birth_date"

    def test_missing(self):
        with pytest.raises(DomainError, match="obligatoire"):
            person_rules.clean_birth_date(None)


class TestNames:
    def test_too_long(self):
        with pytest.raises(DomainError, match="100 caractères") as error:
            person_rules.clean_name("a" * 10_000, field="birth_name", label="Nom de naissance")
        assert "10000" in error.value.message

    def test_spaces_and_control_characters(self):
        assert person_rules.clean_name("  Le \x00 Goff\t ", field="f", label="Nom") == "Le Goff"

    def test_needs_a_letter(self):
        with pytest.raises(DomainError, match="lettre"):
            person_rules.clean_name("1234", field="f", label="Nom")

    def test_required(self):
        with pytest.raises(DomainError, match="obligatoire"):
            person_rules.clean_name("   ", field="f", label="Nom")
        assert person_rules.clean_name("", field="f", label="Nom", required=False) == ""


class TestContact:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("0612345678", "06 12 34 56 78"),
            ("+33 6 12 34 56 78", "06 12 34 56 78"),
            ("06.12.34.56.78", "06 12 34 56 78"),
            ("", ""),
        ],
    )
    def test_phone_normalised(self, raw, expected):
        assert person_rules.clean_phone(raw) == expected

    @pytest.mark.parametrize("raw", ["12345", "06 12 34 56", "+44 20 7946 0958", "abcdefghij"])
    def test_phone_refused(self, raw):
        with pytest.raises(DomainError, match="Numéro de téléphone") as error:
            person_rules.clean_phone(raw)
        assert error.value.field == "phone"

    def test_email(self):
        assert person_rules.clean_email("Jean.Dupont@Exemple.FR") == "Jean.Dupont@exemple.fr"
        for bad in ["jean", "jean@", "jean dupont@exemple.fr", "a@b@c.fr"]:
            with pytest.raises(DomainError, match="e-mail"):
                person_rules.clean_email(bad)

    def test_postal_and_commune_codes(self):
        assert person_rules.clean_postal_code("69 003") == "69003"
        with pytest.raises(DomainError):
            person_rules.clean_postal_code("6900")
        assert person_rules.clean_commune_code("69123") == "69123"
        with pytest.raises(DomainError, match="INSEE"):
            person_rules.clean_commune_code("99999")
        with pytest.raises(DomainError, match="5 caractères"):
            person_rules.clean_commune_code("ABC")

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("1234567a", "1234567A"),
            ("12 345 67A", "1234567A"),
            ("AB12CD34EF", "AB12CD34EF"),
            ("", ""),
        ],
    )
    def test_france_travail_id(self, raw, expected):
        assert person_rules.clean_france_travail_id(raw) == expected

    @pytest.mark.parametrize("raw", ["123", "1234567-A", "ABCDEFGHIJKL"])
    def test_france_travail_id_refused(self, raw):
        with pytest.raises(DomainError, match="France Travail"):
            person_rules.clean_france_travail_id(raw)


class TestSituation:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("3, 7", [3, 7]),
            ("7;3", [3, 7]),
            ("3 et 7", [3, 7]),
            ("0", [0]),
            ("", []),
            ([5, 1], [1, 5]),
        ],
    )
    def test_children_ages(self, raw, expected):
        assert person_rules.clean_children_ages(raw) == expected

    @pytest.mark.parametrize("raw", ["trois", "3,5 ans", "-2", "45", [True], "3.5"])
    def test_children_ages_refused(self, raw):
        with pytest.raises(DomainError):
            person_rules.clean_children_ages(raw)

    def test_resources(self):
        assert person_rules.clean_resources(["salary", "rsa"]) == ["rsa", "salary"]
        with pytest.raises(DomainError, match="Aucune ressource"):
            person_rules.clean_resources(["none", "rsa"])
        with pytest.raises(DomainError):
            person_rules.clean_resources(["lottery"])

    def test_unknown_field_is_a_programming_error(self):
        with pytest.raises(ValueError):
            person_rules.clean_person_data({"nir": "1 85 03 69 123 456 78"})


class TestNameCharacters:
    """Defect: any markup was accepted (and stored) as a name."""

    @pytest.mark.parametrize(
        "name",
        [
            "Marie-Hélène",
            "D’Arc",
            "O'Connor",
            "J.-P.",
            "Łukasz",
            "Nguyễn Thị",
            "Ибрагимов",
            "محمد",
            "王小明",
            "Zoë de la Fontaine",
        ],
    )
    def test_names_of_every_script_accepted(self, name):
        assert person_rules.clean_name(name, field="f", label="Nom") == name

    @pytest.mark.parametrize(
        ("name", "shown"),
        [
            ("<b>Dupont</b>", "« < »"),
            ("Dupont<script>alert(1)</script>", "« < »"),
            ("Jean2", "« 2 »"),
            ("Dupont & fils", "« & »"),
            ("Robert_Tables", "« _ »"),
            ("Dupont; DROP", "« ; »"),
            ("Smiley 😀", "« 😀 »"),
        ],
    )
    def test_markup_digits_and_symbols_refused(self, name, shown):
        with pytest.raises(DomainError) as error:
            person_rules.clean_name(name, field="birth_name", label="Nom de naissance")
        assert error.value.field == "birth_name"
        assert "ne peut contenir que des lettres" in error.value.message
        assert shown in error.value.message
