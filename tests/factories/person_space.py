"""Factories of the person's space: an access in force, and a signed-in session."""

from __future__ import annotations

import factory

from relais.person_space import signin
from relais.person_space.models import SpaceAccess
from tests.factories.accounts import MembershipFactory, UserFactory
from tests.factories.people import PersonFactory


class SpaceAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpaceAccess

    person = factory.SubFactory(PersonFactory, email="personne@example.org")
    channel = "email"
    contact = factory.LazyAttribute(lambda o: o.person.email or "personne@example.org")
    invited_by = factory.LazyAttribute(
        lambda o: (
            o.person.referent
            or MembershipFactory(organisation=o.person.organisation, role="referent").user
        )
    )

    class Params:
        by_sms = factory.Trait(channel="sms", contact="+33612345678")
        on_paper = factory.Trait(channel="paper", contact="")


def space_session(access: SpaceAccess) -> str:
    """A raw session key for `access` (what the cookie holds)."""
    return signin.session_open(access=access, method=access.channel)


def space_client(client, access: SpaceAccess):
    """The Django test client signed in to `access`'s space."""
    from relais.web.person_space.auth import COOKIE_NAME

    client.cookies[COOKIE_NAME] = space_session(access)
    return client


__all__ = ["SpaceAccessFactory", "UserFactory", "space_client", "space_session"]
