"""The demo opens a few spaces through the services, once."""

from __future__ import annotations

import pytest

from relais.demo.person_space import seed_person_space
from relais.person_space import signin
from relais.person_space.models import DocumentRequest, Message, SpaceAccess
from tests.factories import MembershipFactory, PathwayFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_the_paper_code_works():
    membership = MembershipFactory(role="referent")
    for i in range(4):
        person = PersonFactory(
            organisation=membership.organisation,
            referent=membership.user,
            email=f"p{i}@example.org",
        )
        PathwayFactory(
            person=person, organisation=membership.organisation, referent=membership.user
        )
    report = seed_person_space({"ccas": membership.organisation})
    assert report.opened == 3
    assert SpaceAccess.objects.count() == 3
    assert DocumentRequest.objects.count() == 3
    assert Message.objects.count() == 3
    ((_number, code),) = report.paper_codes
    access, _raw = signin.sign_in_with_paper_code(code=code)
    assert access.channel == "paper"
    again = seed_person_space({"ccas": membership.organisation})
    assert again.opened == 1  # the fourth person only
    assert seed_person_space({"ccas": membership.organisation}).opened == 0
    assert seed_person_space({}).opened == 0
