"""Factories of the referrals wing: a referral (orientation) just sent."""

from __future__ import annotations

import datetime as _dt

import factory
from django.utils import timezone

from relais.network.referrals.models import Referral
from tests.factories.accounts import UserFactory
from tests.factories.network.directory import ServiceFactory
from tests.factories.people import PersonFactory


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    person = factory.SubFactory(PersonFactory)
    service = factory.SubFactory(ServiceFactory)
    sender_organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    sender = factory.SubFactory(UserFactory)
    receiver_organisation = factory.LazyAttribute(lambda o: o.service.organisation)
    reason = "Recherche d'emploi après une formation."
    asked_for = "Un premier entretien d'accompagnement."
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + _dt.timedelta(days=30))
