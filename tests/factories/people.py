"""Factories of the people domain: the person record, consents, life events, documents."""

from __future__ import annotations

import datetime as _dt

import factory
from django.utils import timezone

from relais.people.models import Consent, Document, LifeEvent, Person
from tests.factories.accounts import OrganisationFactory, UserFactory


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    birth_name = factory.Faker("last_name", locale="fr_FR")
    first_names = factory.Faker("first_name", locale="fr_FR")
    birth_date = factory.Faker("date_of_birth", minimum_age=18, maximum_age=64)
    phone = "06 12 34 56 78"
    commune_code = "69123"
    created_by = factory.LazyAttribute(lambda o: o.referent)
    referent = None


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    purpose = "accompaniment"
    method = "oral_witness"
    witness_name = "Collègue témoin"
    decided_on = factory.LazyFunction(lambda: timezone.localdate())
    recorded_by = factory.SubFactory(UserFactory)


class LifeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifeEvent

    person = factory.SubFactory(PersonFactory)
    kind = "job_loss"
    occurred_on = _dt.date(2024, 3, 1)
    recorded_by = factory.SubFactory(UserFactory)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    person = factory.SubFactory(PersonFactory)
    kind = "cv"
    title = "CV"
    file = factory.django.FileField(filename="cv.pdf", data=b"%PDF-1.4\n%test\n")
    original_name = "cv.pdf"
    content_type = "application/pdf"
    size = 15
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    uploaded_by = factory.SubFactory(UserFactory)
