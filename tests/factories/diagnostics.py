"""Factories of the diagnostics domain: a diagnostic and its life-domain assessments."""

from __future__ import annotations

import factory
from django.utils import timezone

from relais.diagnostics import sequence
from relais.diagnostics.models import Diagnostic, DomainAssessment
from tests.factories.accounts import UserFactory
from tests.factories.people import PersonFactory


class DiagnosticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnostic

    person = factory.SubFactory(PersonFactory)
    assessed_on = factory.LazyFunction(lambda: timezone.localdate())
    author = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Written as the services write it: the person's sequence kept (decision 0069).
        diagnostic = super()._create(model_class, *args, **kwargs)
        sequence.refresh_diagnostic(diagnostic)
        return diagnostic


class DomainAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DomainAssessment

    diagnostic = factory.SubFactory(DiagnosticFactory)
    domain = "housing"
    difficulty = 2
    situation = "Hébergé chez un ami."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        assessment = super()._create(model_class, *args, **kwargs)
        sequence.refresh_summaries(diagnostic_ids=[assessment.diagnostic_id])
        return assessment
