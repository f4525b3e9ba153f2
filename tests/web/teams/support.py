"""Shared set-up for the team page tests (no test here)."""

from __future__ import annotations

from tests.factories import DocumentFactory, NoteFactory, PathwayFactory, StepFactory, co_follower


def grow_record(person, referent, n):
    """`n` steps, team notes, documents and co-following professionals on `person`'s record."""
    pathway = PathwayFactory(person=person, referent=referent)
    for i in range(n):
        StepFactory(pathway=pathway, title=f"Étape {i}")
        NoteFactory(person=person, author=referent, visibility="team")
        DocumentFactory(person=person)
        co_follower(person, role=f"Rôle {i}")
