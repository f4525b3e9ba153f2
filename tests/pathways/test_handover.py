"""Handing a person over to another référent (relais.pathways.handover)."""

from __future__ import annotations

import pytest

from relais.core.errors import DomainError
from relais.pathways import handover
from relais.pathways.models import PathwayStatus
from tests.factories import MembershipFactory, PathwayFactory, PersonFactory, UserFactory


@pytest.mark.django_db
class TestReassign:
    def test_moves_person_and_the_old_referents_active_pathways(self, organisation, manager):
        old = MembershipFactory(organisation=organisation).user
        new = MembershipFactory(organisation=organisation).user
        someone_else = MembershipFactory(organisation=organisation).user
        person = PersonFactory(organisation=organisation, referent=old)
        active = PathwayFactory(person=person, referent=old)
        closed = PathwayFactory(person=person, referent=old, status=PathwayStatus.CLOSED)
        other = PathwayFactory(person=person, referent=someone_else)
        version = person.version
        handover.person_reassign_referent(person=person, actor=manager, referent=new)
        person.refresh_from_db()
        assert person.referent == new
        assert person.version == version  # an identity edit in progress is not refused
        for pathway, expected in ((active, new), (closed, old), (other, someone_else)):
            pathway.refresh_from_db()
            assert pathway.referent == expected

    def test_new_referent_must_belong_to_the_organisation(self, organisation, manager):
        person = PersonFactory(organisation=organisation)
        with pytest.raises(DomainError):
            handover.person_reassign_referent(person=person, actor=manager, referent=UserFactory())

    def test_same_referent_is_said(self, organisation, manager, referent):
        person = PersonFactory(organisation=organisation, referent=referent)
        with pytest.raises(DomainError, match="déjà"):
            handover.person_reassign_referent(person=person, actor=manager, referent=referent)
