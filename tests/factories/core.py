"""Factories of the core: the access journal."""

from __future__ import annotations

import factory

from relais.core.models import AccessLogEntry, JournalAction
from tests.factories.accounts import OrganisationFactory, UserFactory


class AccessLogEntryFactory(factory.django.DjangoModelFactory):
    """A journal entry about a record of `organisation`, written by `actor`."""

    class Meta:
        model = AccessLogEntry

    organisation = factory.SubFactory(OrganisationFactory)
    actor = factory.SubFactory(UserFactory)
    actor_email = factory.LazyAttribute(lambda o: o.actor.email if o.actor else "système")
    actor_organisation = factory.LazyAttribute(lambda o: o.organisation)
    action = JournalAction.VIEW
    target_type = "people.person"
    target_id = factory.Sequence(str)
    person_id = factory.Sequence(lambda n: 1000 + n)
