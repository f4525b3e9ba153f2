"""Shared set-up for the coordination team tests (no test here): an organisation with a
référent, a person it follows, a partner organisation with a professional, and the
person's consent to share with the partner."""

from __future__ import annotations

from relais.accounts.models import Membership
from relais.network.coordination import teams
from relais.people.models import Person
from tests.factories import (
    ConsentFactory,
    MembershipFactory,
    OrganisationFactory,
    PathwayFactory,
    PersonFactory,
)


def make_setting() -> dict:
    organisation = OrganisationFactory()
    referent = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(organisation=organisation, referent=referent)
    partner = OrganisationFactory(name="Mission locale Nord", kind="mission_locale")
    professional = MembershipFactory(organisation=partner, role="referent").user
    ConsentFactory(person=person, purpose="share_org", partner_organisation=partner)
    return {
        "organisation": organisation,
        "referent": referent,
        "person": person,
        "partner": partner,
        "professional": professional,
    }


def add(setting, **overrides):
    """Invite the partner's professional (`teams.team_member_add`), with `overrides`."""
    values = {
        "person": setting["person"],
        "actor": setting["referent"],
        "organisation": setting["partner"],
        "user": setting["professional"],
        "role": "Conseillère mission locale — emploi",
        "categories": ["identity", "steps"],
    }
    values.update(overrides)
    return teams.team_member_add(**values)


def membership_of(user, organisation):
    return Membership.objects.get(user=user, organisation=organisation)


def make_member_setting(setting) -> dict:
    """`setting` with the professional in the team (identity, steps, notes) and an open
    pathway."""
    member = add(setting, categories=["identity", "steps", "notes"])
    pathway = PathwayFactory(person=setting["person"], referent=setting["referent"])
    person = Person.objects.get(pk=setting["person"].pk)
    return {
        **setting,
        "member": member,
        "pathway": pathway,
        "person": person,
        "membership": membership_of(setting["professional"], setting["partner"]),
    }
