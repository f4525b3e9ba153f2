"""Factories of the accounts domain: organisations, users, memberships, invitations; and the
password every test user has."""

from __future__ import annotations

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
    hash_token,
)
from relais.accounts.validators import luhn_is_valid

TEST_PASSWORD = "Motdepasse-Solide-42"


def valid_siret(n: int) -> str:
    base = f"{n:013d}"
    return next(base + d for d in "0123456789" if luhn_is_valid(base + d))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = OrganisationKind.CCAS
    siret = factory.Sequence(lambda n: valid_siret(1_000_000 + n))
    commune_code = "69123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"pro{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(TEST_PASSWORD)

    class Params:
        with_totp = factory.Trait(
            totp=factory.RelatedFactory(
                "tests.factories.accounts.TOTPDeviceFactory", factory_related_name="user"
            )
        )


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Application"
    confirmed = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.REFERENT

    class Params:
        inactive = factory.Trait(is_active=False, deactivated_at=factory.LazyFunction(timezone.now))


class InvitationFactory(factory.django.DjangoModelFactory):
    """Use `raw_token` to know the link's token: `InvitationFactory(raw_token="abc")`."""

    class Meta:
        model = Invitation
        exclude = ["raw_token"]

    raw_token = factory.Sequence(lambda n: f"jeton-{n}")
    email = factory.Sequence(lambda n: f"invite{n}@exemple.fr")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.REFERENT
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.raw_token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))
