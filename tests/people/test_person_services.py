"""Intake and edition rules: names, birth date and age, phone, e-mail, commune, France
Travail identifier, children; person_create / person_update / person_reassign_referent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, StaleObjectError
from relais.people import services
from relais.people.models import Person
from tests.factories import MembershipFactory, PersonFactory, UserFactory

TODAY = dt.date(2026, 5, 20)


def years_ago(years: int, days: int = 0) -> dt.date:
    return TODAY.replace(year=TODAY.year - years) - dt.timedelta(days=days)


class TestBirthDate:
    def test_future_refused(self):
        with pytest.raises(DomainError, match="futur"):
            services.clean_birth_date(TODAY + dt.timedelta(days=1), today=TODAY)

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
            assert services.clean_birth_date(born, today=TODAY) == born
        else:
            with pytest.raises(DomainError) as error:
                services.clean_birth_date(born, today=TODAY)
            assert error.value.field == "birth_date"

    def test_missing(self):
        with pytest.raises(DomainError, match="obligatoire"):
            services.clean_birth_date(None)


class TestNames:
    def test_too_long(self):
        with pytest.raises(DomainError, match="100 caractères") as error:
            services.clean_name("a" * 10_000, field="birth_name", label="Nom de naissance")
        assert "10000" in error.value.message

    def test_spaces_and_control_characters(self):
        assert services.clean_name("  Le \x00 Goff\t ", field="f", label="Nom") == "Le Goff"

    def test_needs_a_letter(self):
        with pytest.raises(DomainError, match="lettre"):
            services.clean_name("1234", field="f", label="Nom")

    def test_required(self):
        with pytest.raises(DomainError, match="obligatoire"):
            services.clean_name("   ", field="f", label="Nom")
        assert services.clean_name("", field="f", label="Nom", required=False) == ""


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
        assert services.clean_phone(raw) == expected

    @pytest.mark.parametrize("raw", ["12345", "06 12 34 56", "+44 20 7946 0958", "abcdefghij"])
    def test_phone_refused(self, raw):
        with pytest.raises(DomainError, match="Numéro de téléphone") as error:
            services.clean_phone(raw)
        assert error.value.field == "phone"

    def test_email(self):
        assert services.clean_email("Jean.Dupont@Exemple.FR") == "Jean.Dupont@exemple.fr"
        for bad in ["jean", "jean@", "jean dupont@exemple.fr", "a@b@c.fr"]:
            with pytest.raises(DomainError, match="e-mail"):
                services.clean_email(bad)

    def test_postal_and_commune_codes(self):
        assert services.clean_postal_code("69 003") == "69003"
        with pytest.raises(DomainError):
            services.clean_postal_code("6900")
        assert services.clean_commune_code("69123") == "69123"
        with pytest.raises(DomainError, match="INSEE"):
            services.clean_commune_code("99999")
        with pytest.raises(DomainError, match="5 caractères"):
            services.clean_commune_code("ABC")

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
        assert services.clean_france_travail_id(raw) == expected

    @pytest.mark.parametrize("raw", ["123", "1234567-A", "ABCDEFGHIJKL"])
    def test_france_travail_id_refused(self, raw):
        with pytest.raises(DomainError, match="France Travail"):
            services.clean_france_travail_id(raw)


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
        assert services.clean_children_ages(raw) == expected

    @pytest.mark.parametrize("raw", ["trois", "3,5 ans", "-2", "45", [True], "3.5"])
    def test_children_ages_refused(self, raw):
        with pytest.raises(DomainError):
            services.clean_children_ages(raw)

    def test_resources(self):
        assert services.clean_resources(["salary", "rsa"]) == ["rsa", "salary"]
        with pytest.raises(DomainError, match="Aucune ressource"):
            services.clean_resources(["none", "rsa"])
        with pytest.raises(DomainError):
            services.clean_resources(["lottery"])

    def test_unknown_field_is_a_programming_error(self):
        with pytest.raises(ValueError):
            services.clean_person_data({"nir": "1 85 03 69 123 456 78"})


@pytest.mark.django_db
class TestPersonCreate:
    def data(self, **overrides):
        data = {
            "birth_name": "Dupont",
            "usage_name": "",
            "first_names": "Hélène",
            "birth_date": dt.date(1985, 3, 12),
            "phone": "0612345678",
            "children_ages": "3, 7",
            "resources": ["rsa"],
        }
        data.update(overrides)
        return data

    def test_creates_with_normalised_values(self, organisation, referent):
        person = services.person_create(
            organisation=organisation, actor=referent, data=self.data(), referent=referent
        )
        person.refresh_from_db()
        assert person.phone == "06 12 34 56 78"
        assert person.children_ages == [3, 7]
        assert person.name_key == "dupont helene"
        assert person.created_by == referent
        assert person.referent == referent
        assert person.version == 1

    def test_referent_must_be_a_referent_of_the_organisation(
        self, organisation, other_organisation, staff_member
    ):
        outsider = MembershipFactory(organisation=other_organisation).user
        for wrong in (outsider, staff_member):
            with pytest.raises(DomainError, match="référent") as error:
                services.person_create(
                    organisation=organisation, actor=staff_member, data=self.data(), referent=wrong
                )
            assert error.value.field == "referent"
        assert not Person.objects.exists()

    def test_rules_apply(self, organisation, referent):
        with pytest.raises(DomainError) as error:
            services.person_create(
                organisation=organisation,
                actor=referent,
                data=self.data(birth_date=timezone.localdate() + dt.timedelta(days=3)),
            )
        assert error.value.field == "birth_date"

    def test_names_required(self, organisation, referent):
        with pytest.raises(DomainError):
            services.person_create(
                organisation=organisation, actor=referent, data={"birth_name": "Dupont"}
            )


@pytest.mark.django_db
class TestPersonUpdate:
    def test_update_bumps_version_and_name_key(self, referent):
        person = PersonFactory(birth_name="Dupont", first_names="Jean")
        services.person_update(
            person=person,
            actor=referent,
            expected_version=1,
            data={"birth_name": "Lefèvre", "phone": "+33612345678"},
        )
        person.refresh_from_db()
        assert person.version == 2
        assert person.updated_by == referent
        assert person.name_key == "lefevre jean"
        assert (
            Person.objects.search("LEFEVRE", organisation_id=person.organisation_id).get() == person
        )
        assert person.phone == "06 12 34 56 78"

    def test_stale_version_refused_naming_who(self, referent):
        colleague = UserFactory(first_name="Awa", last_name="Diallo")
        person = PersonFactory()
        services.person_update(
            person=person, actor=colleague, expected_version=1, data={"languages": "wolof"}
        )
        with pytest.raises(StaleObjectError, match="Modifié entre-temps par Awa Diallo"):
            services.person_update(
                person=person, actor=referent, expected_version=1, data={"languages": "peul"}
            )
        person.refresh_from_db()
        assert person.languages == "wolof"
