"""Factories of the accompaniment tools kept in the pathways domain: information
collective (sessions, registrations), incidents and safety flags, practice analysis."""

from __future__ import annotations

import datetime as _dt

import factory
from django.utils import timezone

from relais.core.text import fold
from relais.pathways.collective_models import InfoSession, Registration
from relais.pathways.practice_models import CasePresentation, PeerSession, ReflectiveEntry
from relais.pathways.safety_models import Incident, SafetyFlag
from tests.factories.accounts import OrganisationFactory, UserFactory
from tests.factories.people import PersonFactory


class InfoSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InfoSession

    organisation = factory.SubFactory(OrganisationFactory)
    title = "Découvrir le PLIE"
    scheme = "plie"
    starts_at = factory.LazyFunction(lambda: timezone.now() + _dt.timedelta(days=7))
    place = "Salle du conseil"
    capacity = 12
    created_by = factory.SubFactory(UserFactory)

    class Params:
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - _dt.timedelta(days=1))
        )


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(InfoSessionFactory)
    registered_by_organisation = factory.SelfAttribute("session.organisation")
    registered_by = factory.SubFactory(UserFactory)
    birth_name = factory.Sequence(
        lambda n: f"Martin{'abcdefghij'[n % 10]}{'klmnopqrst'[n // 10 % 10]}"
    )
    first_names = "Léa"
    birth_date = _dt.date(1990, 4, 2)
    name_key = factory.LazyAttribute(lambda o: fold(f"{o.birth_name} {o.first_names}"))


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    occurred_on = factory.LazyFunction(timezone.localdate)
    description = "Ton qui monte à l'accueil, porte claquée."
    follow_up = "Entretien à deux la prochaine fois."
    author = factory.SubFactory(UserFactory)


class SafetyFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafetyFlag

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    kind = "not_alone"
    raised_by = factory.SubFactory(UserFactory)


class CasePresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CasePresentation

    organisation = factory.SubFactory(OrganisationFactory)
    author = factory.SubFactory(UserFactory)
    title = "Une rupture d'hébergement"
    text = "[Prénom] [Nom] a quitté le foyer en mars."

    class Params:
        shared = factory.Trait(status="shared", shared_at=factory.LazyFunction(timezone.now))


class PeerSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerSession

    organisation = factory.SubFactory(OrganisationFactory)
    held_on = factory.LazyFunction(timezone.localdate)
    created_by = factory.SubFactory(UserFactory)


class ReflectiveEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReflectiveEntry

    author = factory.SubFactory(UserFactory)
    written_on = factory.LazyFunction(timezone.localdate)
    text = "Ce qui m'a questionné aujourd'hui."
