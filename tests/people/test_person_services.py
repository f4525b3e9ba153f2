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
