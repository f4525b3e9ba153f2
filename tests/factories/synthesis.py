"""Factories of the records domain's synthesis reports."""

from __future__ import annotations

import factory

from relais.records.synthesis_models import SynthesisReport
from tests.factories.accounts import OrganisationFactory, UserFactory
from tests.factories.people import PersonFactory


class SynthesisReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SynthesisReport

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    recipient = factory.SubFactory(OrganisationFactory)
    purpose = "rsa_team"
    sections = ["proposal"]
    content = [{"title": "Proposition", "note": "", "rows": [["Proposition", "Maintien"]]}]
    author = factory.SubFactory(UserFactory)
