"""Factories of the pathways domain: the pathway, its goals, steps, reviews, contract versions
and exit; notes and appointments."""

from __future__ import annotations

import datetime as _dt

import factory
from django.utils import timezone

from relais.pathways.contract import snapshot
from relais.pathways.models import (
    Appointment,
    Contract,
    Exit,
    Goal,
    Note,
    Pathway,
    Review,
    Step,
)
from tests.factories.accounts import UserFactory
from tests.factories.people import PersonFactory


class PathwayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pathway

    person = factory.SubFactory(PersonFactory)
    organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    scheme = "rsa"
    referent = factory.SubFactory(UserFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - _dt.timedelta(days=60))
    next_review_on = factory.LazyFunction(lambda: timezone.localdate() + _dt.timedelta(days=30))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    pathway = factory.SubFactory(PathwayFactory)
    text = "Obtenir le permis B"
    domain = "mobility"
    indicator = "Examen de conduite"
    target = "Réussi"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + _dt.timedelta(days=180))


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    pathway = factory.SubFactory(PathwayFactory)
    kind = "training"
    title = "S'inscrire à l'auto-école sociale"
    planned_on = factory.LazyFunction(lambda: timezone.localdate() + _dt.timedelta(days=14))


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    pathway = factory.SubFactory(PathwayFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate())
    author = factory.SubFactory(UserFactory)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    person = factory.SubFactory(PersonFactory)
    occurred_on = factory.LazyFunction(lambda: timezone.localdate())
    body = "Entretien de suivi : point sur les démarches de logement."
    author = factory.SubFactory(UserFactory)


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    person = factory.SubFactory(PersonFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + _dt.timedelta(days=7))
    purpose = "Entretien de suivi"
    with_user = factory.SubFactory(UserFactory)


class ContractFactory(factory.django.DjangoModelFactory):
    """A version drawn up from the pathway's goals and steps as they are when it is built."""

    class Meta:
        model = Contract

    pathway = factory.SubFactory(PathwayFactory)
    number = factory.Sequence(lambda n: n + 1)
    content = factory.LazyAttribute(lambda o: snapshot(o.pathway)[0])
    content_hash = factory.LazyAttribute(lambda o: snapshot(o.pathway)[1])
    commitments_person = "Venir aux rendez-vous."
    commitments_organisation = "Accompagner la personne."
    generated_by = factory.SubFactory(UserFactory)

    class Params:
        signed = factory.Trait(
            signed_on=factory.LazyFunction(lambda: timezone.localdate()),
            signature_mode="handwritten",
        )


class ExitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exit

    pathway = factory.SubFactory(PathwayFactory, status="closed", next_review_on=None)
    exited_on = factory.LazyFunction(lambda: timezone.localdate())
    category = "sustainable_employment"
    recorded_by = factory.SubFactory(UserFactory)
