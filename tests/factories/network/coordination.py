"""Factories of the coordination wing: coordination teams and their members, case
conferences, partnerships; `co_follower` puts a professional of another organisation in a
person's team."""

from __future__ import annotations

import datetime as _dt

import factory
from django.utils import timezone

from relais.accounts.models import OrganisationKind, Role
from relais.network.coordination.models import (
    CaseConference,
    CoordinationTeam,
    Partnership,
    TeamMember,
)
from tests.factories.accounts import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.people import ConsentFactory, PersonFactory


class CoordinationTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoordinationTeam

    person = factory.SubFactory(PersonFactory)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(CoordinationTeamFactory)
    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "Conseillère emploi"
    shared_categories = factory.LazyFunction(lambda: ["identity", "steps"])
    started_on = factory.LazyFunction(lambda: timezone.localdate())
    added_by = factory.SubFactory(UserFactory)


class CaseConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseConference

    person = factory.SubFactory(PersonFactory)
    organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    held_on = factory.LazyFunction(lambda: timezone.localdate())
    author = factory.SubFactory(UserFactory)


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    source = factory.SubFactory(OrganisationFactory)
    target = factory.SubFactory(OrganisationFactory)
    kind = "agreement"
    declared_by = factory.SubFactory(UserFactory)


def co_follower(
    person,
    *,
    categories=("identity", "steps"),
    domains=(),
    documents=(),
    health: bool = False,
    consent: str = "org",
    organisation=None,
    user=None,
    ended: bool = False,
    role: str = "Conseillère emploi",
):
    """A professional of another organisation in `person`'s coordination team, sharing
    `categories` (and `domains`, `documents`). `consent`: "org" (share_org naming the
    organisation), "category" (share_category for its kind) or "" (none recorded);
    `health`: the person's explicit agreement for the health category is recorded."""
    if organisation is None:
        organisation = OrganisationFactory(kind=OrganisationKind.MISSION_LOCALE)
    if user is None:
        user = MembershipFactory(organisation=organisation, role=Role.REFERENT).user
    if consent == "org":
        ConsentFactory(person=person, purpose="share_org", partner_organisation=organisation)
    elif consent == "category":
        ConsentFactory(person=person, purpose="share_category", partner_category=organisation.kind)
    team, _ = CoordinationTeam.objects.get_or_create(person=person)
    today = timezone.localdate()
    member = TeamMemberFactory(
        team=team,
        user=user,
        organisation=organisation,
        role=role,
        shared_categories=list(categories),
        shared_domains=list(domains),
        started_on=today - _dt.timedelta(days=30),
        health_consent_on=today - _dt.timedelta(days=30) if health else None,
        health_consent_method="oral_witness" if health else "",
        health_consent_witness="Collègue témoin" if health else "",
        ended_on=today if ended else None,
        end_reason="Fin de l'accompagnement" if ended else "",
    )
    if documents:
        member.shared_documents.set(documents)
    return member
