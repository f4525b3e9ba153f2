"""Factories of the employment module: employers (valid SIRETs, real NAF codes), positions
(real ROME codes), abilities, projects, placements."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import factory
from django.utils import timezone

from relais.core.text import fold
from relais.employment.models import (
    Ability,
    Employer,
    EmploymentProject,
    Placement,
    Position,
)
from relais.employment.vocabulary import abilities_key
from tests.factories.accounts import OrganisationFactory, valid_siret
from tests.factories.people import PersonFactory

LYON = (45.76404, 4.83566)


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    organisation = factory.SubFactory(OrganisationFactory)
    siret = factory.Sequence(lambda n: valid_siret(50_000_000 + n))
    name = factory.Sequence(lambda n: f"Entreprise {n}")
    name_key = factory.LazyAttribute(lambda o: fold(o.name))
    naf_code = "81.21Z"
    commune_code = "69123"
    latitude = LYON[0]
    longitude = LYON[1]


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    employer = factory.SubFactory(EmployerFactory)
    organisation = factory.LazyAttribute(lambda o: o.employer.organisation)
    rome_code = "K2204"
    appellation = "Agent / Agente de propreté et d'hygiène"
    contract_type = "cdi"
    weekly_hours = Decimal("24")
    schedule = "day"
    commune_code = "69123"
    latitude = LYON[0]
    longitude = LYON[1]
    required_abilities = factory.LazyFunction(lambda: ["punctuality", "hygiene"])
    abilities_key = factory.LazyAttribute(lambda o: abilities_key(o.required_abilities))


class AbilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ability

    person = factory.SubFactory(PersonFactory)
    organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    code = "punctuality"
    level = 3
    situation = "real"
    observed_on = factory.LazyFunction(lambda: timezone.localdate() - _dt.timedelta(days=10))
    observer_name = "Mme Tutrice"
    competence = "rules"


class EmploymentProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmploymentProject

    person = factory.SubFactory(PersonFactory)
    organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    rome_code = "K2204"
    mobility = "transit"
    max_distance_km = 15
    max_weekly_hours = 35
    commune_code = "69123"
    latitude = LYON[0]
    longitude = LYON[1]


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    person = factory.SubFactory(PersonFactory)
    organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    employer = factory.SubFactory(
        EmployerFactory, organisation=factory.SelfAttribute("..organisation")
    )
    kind = "contract"
    contract_type = "cdd"
    job_title = "Agent d'entretien"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - _dt.timedelta(days=20))
    weekly_hours = Decimal("24")
    tutor_name = "M. Tuteur"
