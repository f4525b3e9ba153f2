"""Demo organisations and accounts. Fictitious; the SIRETs are valid-looking but invented."""

from __future__ import annotations

from dataclasses import dataclass

from relais.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from relais.accounts.validators import luhn_is_valid

DEMO_PASSWORD = "Demo-Relais-2026!"


def _siret(base13: str) -> str:
    for last in "0123456789":
        if luhn_is_valid(base13 + last):
            return base13 + last
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    kind: str
    siret_base: str
    commune_code: str


ORGANISATIONS = [
    DemoOrganisation(
        "ccas", "CCAS de Villeurbanne (démo)", OrganisationKind.CCAS, "9990010000001", "69266"
    ),
    DemoOrganisation(
        "plie", "PLIE Lyon Métropole (démo)", OrganisationKind.PLIE, "9990020000001", "69123"
    ),
    DemoOrganisation(
        "aci", "Les Jardins du Rhône — ACI (démo)", OrganisationKind.ACI, "9990030000001", "69259"
    ),
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    memberships: tuple[tuple[str, str], ...]
    is_staff: bool = False


USERS = [
    DemoUser("admin@relais.localhost", "Alex", "Admin", (), is_staff=True),
    DemoUser("responsable.ccas@relais.localhost", "Marie", "Martin", (("ccas", Role.MANAGER),)),
    DemoUser(
        "referent@relais.localhost",
        "Julien",
        "Bernard",
        (("ccas", Role.REFERENT), ("plie", Role.REFERENT)),
    ),
    DemoUser("accueil.ccas@relais.localhost", "Léa", "Petit", (("ccas", Role.STAFF),)),
    DemoUser("responsable.plie@relais.localhost", "Karim", "Haddad", (("plie", Role.MANAGER),)),
    DemoUser("referente.plie@relais.localhost", "Sophie", "Leroy", (("plie", Role.REFERENT),)),
    DemoUser("responsable.aci@relais.localhost", "Nadia", "Benali", (("aci", Role.MANAGER),)),
    DemoUser("encadrant.aci@relais.localhost", "Thomas", "Moreau", (("aci", Role.REFERENT),)),
]


def seed_accounts() -> dict[str, Organisation]:
    organisations: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(
            siret=_siret(spec.siret_base),
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "commune_code": spec.commune_code,
                "is_active": True,
            },
        )
        organisations[spec.key] = org
    for spec in USERS:
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            user = User.objects.create_user(email=spec.email)
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.is_staff = user.is_superuser = spec.is_staff
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        for key, role in spec.memberships:
            Membership.objects.update_or_create(
                user=user,
                organisation=organisations[key],
                defaults={"role": role, "is_active": True},
            )
    return organisations
