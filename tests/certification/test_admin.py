"""A platform administrator enables an organisation as a certification body in the admin
(README, « not a body » page); they still reach no candidate nor membership."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from relais.accounts.models import Membership, Role
from relais.certification.models import (
    BodyKind,
    Candidate,
    CertificationBody,
    Enrolment,
    JurySession,
)
from tests.factories import MembershipFactory, OrganisationFactory
from tests.factories.certification import referential
from tests.helpers import login_verified

pytestmark = pytest.mark.django_db


def test_only_the_body_is_registered():
    registered = set(admin.site._registry)
    assert CertificationBody in registered
    assert not {Candidate, Enrolment, JurySession} & registered


def test_platform_admin_enables_an_organisation(client, platform_admin):
    organisation = OrganisationFactory(name="Fédération des SIAE")
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER)
    rncp = referential("RNCP41885")
    login_verified(client, platform_admin)
    response = client.post(
        "/admin/certification/certificationbody/add/",
        {"organisation": organisation.pk, "kind": BodyKind.FEDERATION, "certifications": [rncp.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    body = CertificationBody.objects.get()
    assert (body.organisation, body.kind, list(body.certifications.all())) == (
        organisation,
        BodyKind.FEDERATION,
        [rncp],
    )
    listing = client.get("/admin/certification/certificationbody/")
    assert "Fédération des SIAE" in listing.content.decode()
    # The organisation's members now reach the module; the memberships are untouched.
    assert Membership.objects.filter(organisation=organisation).count() == 1
    client.logout()
    login_verified(client, manager.user)
    assert client.get(reverse("certification:home")).status_code == 200


def test_members_of_an_organisation_cannot_reach_it(client):
    manager = MembershipFactory(role=Role.MANAGER)
    login_verified(client, manager.user)
    response = client.get("/admin/certification/certificationbody/")
    assert response.status_code in (302, 403)
    assert not CertificationBody.objects.exists()
