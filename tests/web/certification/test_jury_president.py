"""A jury's president who is not a manager reads the jury and signs its minutes; any other
non-manager of the organisation is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import Role
from relais.certification import juries
from relais.certification.models import BodyKind, MemberQuality
from relais.core.errors import PermissionDenied
from tests.factories import MembershipFactory
from tests.factories.certification import EnrolmentFactory, body_member, referential
from tests.helpers import login_verified, page_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def deliberated_jury(manager, president_user):
    """A deliberated RNCP41885 jury whose president is linked to `president_user`."""
    rncp = referential("RNCP41885")
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation, certification=rncp)
    session = juries.session_create(
        membership=manager, certification=rncp, held_on=TODAY, for_vae=False
    )
    juries.member_add(
        membership=manager,
        session=session,
        full_name="Pr Anne Roux",
        quality=MemberQuality.ACADEMIC,
        is_president=True,
        user=president_user,
    )
    juries.member_add(
        membership=manager, session=session, full_name="Marc Petit", quality="professional"
    )
    juries.candidates_add(membership=manager, session=session, enrolments=[enrolment])
    juries.session_constitute(membership=manager, session=session)
    block = rncp.blocks.first()
    juries.deliberate(
        membership=manager, session=session, enrolment=enrolment, decisions={block.pk: (True, "")}
    )
    return session, enrolment


@pytest.fixture
def manager():
    return body_member(BodyKind.CERTIFIER, Role.MANAGER)


@pytest.fixture
def president(manager):
    # A trainer of the organisation (role « référent »), not a manager.
    return MembershipFactory(organisation=manager.organisation, role=Role.REFERENT)


def test_president_who_is_not_a_manager_signs_through_the_service(manager, president):
    session, _ = deliberated_jury(manager, president.user)
    signed = juries.minutes_sign(membership=president, session=session)
    assert signed.minutes_signed_by == president.user and signed.minutes_signed_at


def test_another_non_manager_cannot_sign(manager, president):
    session, _ = deliberated_jury(manager, president.user)
    for role in (Role.REFERENT, Role.STAFF):
        other = MembershipFactory(organisation=manager.organisation, role=role)
        with pytest.raises(PermissionDenied):
            juries.minutes_sign(membership=other, session=session)
    session.refresh_from_db()
    assert session.minutes_signed_at is None


def test_president_reaches_the_jury_from_home_and_signs(client, manager, president):
    session, enrolment = deliberated_jury(manager, president.user)
    login_verified(client, president.user)
    home = client.get(reverse("certification:home"))
    assert "Jurys que vous présidez" in page_text(home)
    assert "procès-verbal à signer" in page_text(home)
    assert reverse("certification:jury", args=[session.pk]) in page_text(home)
    page = client.get(reverse("certification:jury", args=[session.pk]))
    assert page.status_code == 200
    text = page_text(page)
    assert "Signer le procès-verbal (président)" in text
    assert enrolment.candidate.display_name in text
    # The president reads the jury; managing it stays with the managers.
    assert "Ajouter le membre" not in text and "Délibérer" not in text
    refused = client.post(
        reverse("certification:jury", args=[session.pk]), {"full_name": "X", "quality": "academic"}
    )
    assert refused.status_code == 403
    minutes = client.get(reverse("certification:jury_minutes", args=[session.pk]))
    assert minutes.status_code == 200 and minutes.content.startswith(b"%PDF")
    signed = client.post(reverse("certification:jury_sign", args=[session.pk]), follow=True)
    assert "Procès-verbal signé par le président." in page_text(signed)
    session.refresh_from_db()
    assert session.minutes_signed_by == president.user


@pytest.mark.parametrize("role", [Role.REFERENT, Role.STAFF])
def test_other_staff_get_403_and_another_organisation_404(client, manager, president, role):
    session, _ = deliberated_jury(manager, president.user)
    other = MembershipFactory(organisation=manager.organisation, role=role)
    login_verified(client, other.user)
    for name, method in (
        ("certification:jury", client.get),
        ("certification:jury_minutes", client.get),
        ("certification:jury_sign", client.post),
    ):
        assert method(reverse(name, args=[session.pk])).status_code == 403
    home = client.get(reverse("certification:home"))
    assert "Jurys que vous présidez" not in page_text(home)
    session.refresh_from_db()
    assert session.minutes_signed_at is None
    stranger = body_member(BodyKind.CERTIFIER, Role.MANAGER)
    client.logout()
    login_verified(client, stranger.user)
    assert client.get(reverse("certification:jury", args=[session.pk])).status_code == 404
    assert client.post(reverse("certification:jury_sign", args=[session.pk])).status_code == 404


def test_manager_who_does_not_preside_is_told_who_signs(client, manager, president):
    session, _ = deliberated_jury(manager, president.user)
    login_verified(client, manager.user)
    page = page_text(client.get(reverse("certification:jury", args=[session.pk])))
    assert "Signer le procès-verbal" not in page
    assert "signé par le président du jury" in page
    answer = client.post(reverse("certification:jury_sign", args=[session.pk]), follow=True)
    assert "Seul le président du jury, Pr Anne Roux, peut signer" in page_text(answer)
