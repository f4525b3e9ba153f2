"""The person, as the author of what they do in their space. They are not a `User`: the
journal names them by their file number (« personne, dossier n° 12 »), never by name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonActor:
    person_id: int
    pk: None = None  # not an account: the journal's `actor` stays empty

    @property
    def email(self) -> str:
        return f"personne (espace personnel), dossier n° {self.person_id}"


def journal_as_person(access, *, action: str, target=None, summary: str = "", **kwargs):
    """One journal entry written as the person (their own organisation holds the record)."""
    from relais.core import journal

    return journal.record(
        actor=PersonActor(access.person_id),
        action=action,
        target=target,
        organisation=kwargs.pop("organisation", None) or access.person.organisation_id,
        person_id=access.person_id,
        summary=summary or "espace personnel",
        also_covers=[access.person, *kwargs.pop("also_covers", ())],
        **kwargs,
    )
