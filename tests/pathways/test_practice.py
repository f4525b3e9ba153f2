"""Practice analysis services: drafts, sharing with words left (confirmation bound to the
words), peer sessions, the private journal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.pathways import practice
from relais.pathways.practice_models import PresentationStatus
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def draft(organisation, user, text="Elle a rencontré Sofiane au foyer."):
    return practice.presentation_create(
        organisation=organisation, actor=user, title="Rupture d'hébergement", text=text
    )


def test_share_with_names_left_needs_confirmation(organisation, referent):
    presentation = draft(organisation, referent)
    with pytest.raises(practice.NamesRemain) as remain:
        practice.presentation_share(presentation=presentation, actor=referent)
    assert remain.value.words == ["Sofiane"]
    assert "Sofiane" in remain.value.message
    with pytest.raises(practice.NamesRemain):
        practice.presentation_share(presentation=presentation, actor=referent, confirmed="autre")
    shared = practice.presentation_share(
        presentation=presentation, actor=referent, confirmed=remain.value.fingerprint
    )
    assert shared.status == PresentationStatus.SHARED
    assert shared.confirmed_words == ["Sofiane"]


def test_new_word_after_confirmation_asks_again(organisation, referent):
    presentation = draft(organisation, referent)
    with pytest.raises(practice.NamesRemain) as first:
        practice.presentation_share(presentation=presentation, actor=referent)
    practice.presentation_update(
        presentation=presentation,
        actor=referent,
        expected_version=presentation.version,
        title="T",
        text="Elle a rencontré Sofiane et Karima.",
    )
    with pytest.raises(practice.NamesRemain):
        practice.presentation_share(
            presentation=presentation, actor=referent, confirmed=first.value.fingerprint
        )


def test_drafts_are_the_authors(organisation, referent, manager):
    presentation = draft(organisation, referent, text="Sans nom.")
    manager_membership = manager.memberships.get()
    assert list(practice.visible_presentations(manager_membership)) == []
    with pytest.raises(PermissionDenied):
        practice.presentation_share(presentation=presentation, actor=manager)
    practice.presentation_share(presentation=presentation, actor=referent)
    assert list(practice.visible_presentations(manager_membership)) == [presentation]
    with pytest.raises(DomainError, match="n'est plus modifiée"):
        practice.presentation_update(
            presentation=presentation,
            actor=referent,
            expected_version=presentation.version,
            title="x",
            text="y",
        )


def test_reception_does_not_take_part(organisation, staff_member):
    with pytest.raises(PermissionDenied):
        draft(organisation, staff_member)


def test_peer_session_only_shared_presentations(organisation, referent, manager):
    mine = draft(organisation, referent, text="Sans nom.")
    with pytest.raises(DomainError) as error:
        practice.peer_session_create(
            organisation=organisation,
            actor=manager,
            held_on=timezone.localdate(),
            presentations=[mine],
        )
    assert error.value.field == "presentations"
    practice.presentation_share(presentation=mine, actor=referent)
    session = practice.peer_session_create(
        organisation=organisation,
        actor=manager,
        held_on=timezone.localdate(),
        presentations=[mine],
        attendees=[referent, manager],
        lessons="Nommer la peur.",
    )
    assert list(session.presentations.all()) == [mine]
    outsider = MembershipFactory().user
    with pytest.raises(DomainError, match="participant"):
        practice.peer_session_update(
            session=session,
            actor=manager,
            expected_version=session.version,
            held_on=session.held_on,
            attendees=[outsider],
        )


def test_peer_session_in_future_refused(organisation, manager):
    with pytest.raises(DomainError):
        practice.peer_session_create(
            organisation=organisation,
            actor=manager,
            held_on=timezone.localdate() + dt.timedelta(days=3),
        )


def test_journal_is_private(organisation, referent, manager):
    practice.reflective_entry_add(actor=referent, written_on=timezone.localdate(), text="Je doute.")
    assert practice.journal_of(manager).count() == 0
    assert practice.journal_of(referent).count() == 1
    with pytest.raises(DomainError):
        practice.reflective_entry_add(actor=referent, written_on=timezone.localdate(), text=" ")
