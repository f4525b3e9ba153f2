"""Shared set-up for the referral tests (no test here): two organisations, a person followed
by the first with an active pathway, a service of the second, and the person's consent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from relais.accounts.models import Organisation, OrganisationKind, User
from relais.network.directory.models import Service
from relais.network.referrals import services as referrals
from relais.network.referrals.models import Referral
from relais.pathways.models import Pathway
from relais.people.models import Consent, Person
from tests.factories import (
    ConsentFactory,
    MembershipFactory,
    OrganisationFactory,
    PathwayFactory,
    PersonFactory,
    ServiceFactory,
)


@dataclass
class Scenario:
    sender_org: Organisation
    receiver_org: Organisation
    referent: User  # sender side
    receiver: User  # référent of the receiving organisation
    receiver_manager: User
    receiver_staff: User
    person: Person
    pathway: Pathway
    service: Service
    consent: Consent | None


def give_consent(person: Person, organisation: Organisation, *, named: bool = True, by=None):
    if named:
        return ConsentFactory(
            person=person,
            purpose="share_org",
            partner_organisation=organisation,
            recorded_by=by or person.referent,
        )
    return ConsentFactory(
        person=person,
        purpose="share_category",
        partner_category=organisation.kind,
        recorded_by=by or person.referent,
    )


def make_scenario(*, consent: str | None = "org", external: bool = False) -> Scenario:
    sender_org = OrganisationFactory(name="CCAS de Villeurbanne", kind=OrganisationKind.CCAS)
    receiver_org = OrganisationFactory(
        name="Mission locale Lyon Est",
        kind=OrganisationKind.MISSION_LOCALE,
        is_external=external,
    )
    referent = MembershipFactory(
        organisation=sender_org, role="referent", user__first_name="Nadia", user__last_name="Haddad"
    ).user
    receiver = receiver_manager = receiver_staff = None
    if not external:
        receiver = MembershipFactory(
            organisation=receiver_org,
            role="referent",
            user__first_name="Karim",
            user__last_name="Benali",
        ).user
        receiver_manager = MembershipFactory(organisation=receiver_org, role="manager").user
        receiver_staff = MembershipFactory(organisation=receiver_org, role="staff").user
    person = PersonFactory(
        organisation=sender_org,
        referent=referent,
        birth_name="Lefèvre",
        first_names="Amélie",
        birth_date=dt.date(1990, 5, 12),
        email="amelie.lefevre@exemple.fr",
    )
    pathway = PathwayFactory(person=person, referent=referent)
    service = ServiceFactory(
        organisation=receiver_org,
        name="Garantie jeunes renforcée",
        thematiques=["trouver-un-emploi", "trouver-un-emploi--repondre-a-des-offres-demploi"],
    )
    given = None
    if consent == "org":
        given = give_consent(person, receiver_org, named=True, by=referent)
    elif consent == "category":
        given = give_consent(person, receiver_org, named=False, by=referent)
    return Scenario(
        sender_org=sender_org,
        receiver_org=receiver_org,
        referent=referent,
        receiver=receiver,
        receiver_manager=receiver_manager,
        receiver_staff=receiver_staff,
        person=person,
        pathway=pathway,
        service=service,
        consent=given,
    )


def send(sc: Scenario, **overrides) -> Referral:
    values = {
        "person": sc.person,
        "service": sc.service,
        "actor": sc.referent,
        "reason": "Recherche d'emploi après une formation d'aide à domicile.",
        "asked_for": "Un premier entretien avec une conseillère.",
        "availability": "Les matins",
        "contact_preference": "Par téléphone",
        "shared_categories": ["identity"],
    }
    values.update(overrides)
    return referrals.referral_send(**values)


def index_thematiques(service: Service) -> None:
    """The indexed rows the directory's service layer keeps in sync (factories skip it)."""
    from relais.network.directory.models import ServiceThematique

    codes = set(service.thematiques)
    codes |= {c.split("--", 1)[0] for c in service.thematiques}
    ServiceThematique.objects.bulk_create(
        [ServiceThematique(service=service, thematique=c) for c in sorted(codes)],
        ignore_conflicts=True,
    )


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
