"""Factories of the diagnostics domain: a diagnostic and its life-domain assessments."""

from __future__ import annotations

import factory
from django.utils import timezone

from relais.diagnostics.models import Diagnostic, DomainAssessment
from tests.factories.accounts import UserFactory
from tests.factories.people import PersonFactory


class DiagnosticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnostic

    person = factory.SubFactory(PersonFactory)
    assessed_on = factory.LazyFunction(lambda: timezone.localdate())
    author = factory.SubFactory(UserFactory)


class DomainAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DomainAssessment

    diagnostic = factory.SubFactory(DiagnosticFactory)
    domain = "housing"
    difficulty = 2
    situation = "Hébergé chez un ami."
