"""Right of access: the person's space is part of the copy (accesses and sign-ins, messages,
correction requests, comments before a review, co-signatures, document requests), another
person's space never is, and the part reads in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relais.person_space import services, signin
from relais.person_space.export import space
from relais.person_space.models import Channel, Cosignature, MessageTopic
from relais.records.export import as_json, person_export
from tests.factories import ContractFactory, PathwayFactory
from tests.factories.person_space import SpaceAccessFactory

pytestmark = pytest.mark.django_db


def _fill(access, *, word: str, n: int = 1) -> None:
    person = access.person
    for i in range(n):
        services.message_from_person(access=access, body=f"Bonjour {word} {i}")
        services.message_from_person(
            access=access, body=f"Mon nom est mal écrit {word} {i}", topic=MessageTopic.CORRECTION
        )
        services.message_from_person(
            access=access, body=f"Avis avant bilan {word} {i}", topic=MessageTopic.REVIEW
        )
        signin.session_open(access=access, method=access.channel)
        person.document_requests.create(
            title=f"Justificatif {word} {i}",
            kind="other",
            due_on=timezone.localdate() + dt.timedelta(days=7),
            requested_by=access.invited_by,
        )
        pathway = PathwayFactory(person=person, organisation=person.organisation)
        contract = ContractFactory(pathway=pathway)
        Cosignature.objects.create(
            contract=contract,
            access=access,
            method=Channel.EMAIL,
            content_hash=f"{word}{i}".ljust(64, "0"),
        )


def _text(person, referent) -> str:
    copy = person_export(person, actor=referent, for_the_person=True)
    return json.dumps(as_json(copy), ensure_ascii=False, default=str)


def test_export_holds_the_space(referent):
    access = SpaceAccessFactory(invited_by=referent)
    _fill(access, word="Alpha")
    text = _text(access.person, referent)
    assert "Espace personnel" in text
    assert "Accès à l'espace personnel" in text and "Dernière utilisation" in text
    assert "Bonjour Alpha 0" in text
    assert "Mon nom est mal écrit Alpha 0" in text and "Demandes de correction" in text
    assert "Avis avant bilan Alpha 0" in text and "Avis donnés avant un bilan" in text
    assert "Contrats signés en ligne" in text and "Alpha0".ljust(64, "0") in text
    assert "Justificatif Alpha 0" in text and "Documents demandés" in text
    assert "Ouverte le" in text


def test_export_shows_revocation(organisation):
    from tests.factories import MembershipFactory

    membership = MembershipFactory(organisation=organisation, role="referent")
    access = SpaceAccessFactory(person__organisation=organisation, invited_by=membership.user)
    services.access_revoke(access=access, actor=membership.user, membership=membership)
    group = next(
        g
        for g in person_export(access.person, actor=membership.user, for_the_person=True).groups
        if g.key == "espace_personnel"
    )
    access_item = group.items[0].children[0].items[0]
    fields = dict(access_item.fields)
    assert fields["Fermé le"] is not None
    assert fields["Fermé par"]


def test_export_leaves_out_another_persons_space(referent):
    mine = SpaceAccessFactory(invited_by=referent)
    other = SpaceAccessFactory(
        person__organisation=mine.person.organisation,
        person__email="autre@example.org",
        invited_by=referent,
    )
    _fill(mine, word="Alpha")
    _fill(other, word="Bravo")
    text = _text(mine.person, referent)
    assert "Alpha" in text
    assert "Bravo" not in text
    assert "autre@example.org" not in text


def test_space_part_reads_in_fixed_queries(referent):
    small = SpaceAccessFactory(invited_by=referent)
    _fill(small, word="Un", n=1)
    big = SpaceAccessFactory(
        person__organisation=small.person.organisation,
        person__email="grand@example.org",
        invited_by=referent,
    )
    _fill(big, word="Beaucoup", n=6)
    with CaptureQueriesContext(connection) as one:
        space(small.person)
    with CaptureQueriesContext(connection) as many:
        items = space(big.person)
    assert len(many) == len(one)
    assert sum(len(item.children[0].items) for item in items) > 6 * 5
