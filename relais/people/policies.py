"""Who may see and do what with a person's record. Views and API both ask here.

Access to a person's record comes in two ways (see docs/sharing.md):

1. **Own organisation**: the user's role in the organisation that holds the record.

| role     | identity & contact | appointments | diagnostic, pathway, notes, life events, documents, consents, export, team |
|----------|--------------------|--------------|----------------------------------------------------------------------------|
| referent | read / write       | read / write | read / write                                                               |
| manager  | read / write       | read / write | read / write; reassigns référents                                          |
| staff    | read / write       | read / write | no access                                                                  |

2. **Coordination team**: a professional of another organisation who is an *active* team
   member of the person (membership not ended, and the person's consent to share with
   that organisation standing — evaluated at query time, so a withdrawal removes access at
   once). They get only the fine-grained capabilities of the categories shared with them
   (`relais.network.coordination.sharing.CATEGORY_CAPABILITIES`), never the broad IDENTITY /
   APPOINTMENTS / ACCOMPANIMENT / REASSIGN ones: every page that asks for those stays
   closed to them (fail closed), and answers 404 (the category "does not exist" for them).

Notes marked "author only" are read by their author alone, whatever the role; a team
member reads only the notes marked "shared with the team".
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from relais.accounts.models import Membership, Role
from relais.people import cofollowing


class Capability(StrEnum):
    # Broad capabilities of the person's own organisation (by role).
    IDENTITY = "identity"  # read and edit identity & contact
    APPOINTMENTS = "appointments"  # read and manage every appointment
    ACCOMPANIMENT = "accompaniment"  # the whole accompaniment record, read and write
    REASSIGN = "reassign"
    # Fine-grained capabilities: what a co-following professional may be given through the
    # shared categories. Own-organisation roles have them along with the broad ones.
    VIEW = "view"  # open the person's page at all
    READ_IDENTITY = "read_identity"
    READ_SITUATION = "read_situation"
    READ_DIAGNOSTIC = "read_diagnostic"  # the domains the access allows
    READ_STEPS = "read_steps"  # pathways, goals and steps
    ADD_STEP = "add_step"
    READ_NOTES = "read_notes"  # the notes the access allows
    ADD_NOTE = "add_note"
    READ_DOCUMENTS = "read_documents"  # the documents the access allows
    ADD_APPOINTMENT = "add_appointment"
    TEAM = "team"  # see the coordination team, case conferences (and write them)
    MANAGE_TEAM = "manage_team"  # add members, change what is shared, end memberships


# How a capability is named to people (the access journal's refusals).
CAPABILITY_LABELS: dict[Capability, str] = {
    Capability.IDENTITY: "identité et coordonnées",
    Capability.APPOINTMENTS: "rendez-vous",
    Capability.ACCOMPANIMENT: "accompagnement",
    Capability.REASSIGN: "réattribution du référent",
    Capability.VIEW: "consultation du dossier",
    Capability.READ_IDENTITY: "lecture de l'identité",
    Capability.READ_SITUATION: "lecture de la situation",
    Capability.READ_DIAGNOSTIC: "lecture du diagnostic",
    Capability.READ_STEPS: "lecture du parcours",
    Capability.ADD_STEP: "ajout d'étape",
    Capability.READ_NOTES: "lecture des écrits",
    Capability.ADD_NOTE: "ajout d'écrit",
    Capability.READ_DOCUMENTS: "lecture des documents",
    Capability.ADD_APPOINTMENT: "ajout de rendez-vous",
    Capability.TEAM: "équipe de coordination",
    Capability.MANAGE_TEAM: "gestion de l'équipe de coordination",
}


def capability_label(capability: Capability | str) -> str:
    return CAPABILITY_LABELS.get(Capability(capability), str(capability))


_ACCOMPANIMENT_DETAIL = frozenset(
    {
        Capability.VIEW,
        Capability.READ_IDENTITY,
        Capability.READ_SITUATION,
        Capability.READ_DIAGNOSTIC,
        Capability.READ_STEPS,
        Capability.ADD_STEP,
        Capability.READ_NOTES,
        Capability.ADD_NOTE,
        Capability.READ_DOCUMENTS,
        Capability.ADD_APPOINTMENT,
        Capability.TEAM,
        Capability.MANAGE_TEAM,
    }
)

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.REFERENT: frozenset(
        {Capability.IDENTITY, Capability.APPOINTMENTS, Capability.ACCOMPANIMENT}
    )
    | _ACCOMPANIMENT_DETAIL,
    Role.MANAGER: frozenset(
        {
            Capability.IDENTITY,
            Capability.APPOINTMENTS,
            Capability.ACCOMPANIMENT,
            Capability.REASSIGN,
        }
    )
    | _ACCOMPANIMENT_DETAIL,
    Role.STAFF: frozenset(
        {
            Capability.IDENTITY,
            Capability.APPOINTMENTS,
            Capability.VIEW,
            Capability.READ_IDENTITY,
            Capability.ADD_APPOINTMENT,
        }
    ),
}


def capabilities(membership: Membership | None) -> frozenset[Capability]:
    """What the role gives in the user's own organisation."""
    if membership is None or not membership.is_active:
        return frozenset()
    return ROLE_CAPABILITIES.get(membership.role, frozenset())


def access(membership: Membership | None, person) -> Any:
    """The user's access to `person`, as data (own organisation, team member, or none),
    from the provider the coordination wing registers (`relais.people.cofollowing`; see
    `relais.network.coordination.sharing.access_for`)."""
    return cofollowing.provider().access_for(membership, person)


def can(membership: Membership | None, capability: Capability, person=None) -> bool:
    """May the holder of `membership` (the user acting for that organisation) use
    `capability`, on `person` if given? Without a person: what the role allows in the
    user's own organisation."""
    if membership is None:
        return False
    if person is None or person.organisation_id == membership.organisation_id:
        # The own-organisation path: no query.
        return capability in capabilities(membership)
    return access(membership, person).allows(capability)


def hides(membership: Membership | None, person) -> bool:
    """Should a refusal on `person` look like "not found" (404) rather than "forbidden"
    (403)? Yes outside the user's own organisation: a co-following professional does not
    learn which categories exist beyond those shared with them."""
    return membership is None or person.organisation_id != membership.organisation_id


def can_read_note(membership: Membership | None, note) -> bool:
    # The note's person decides: own organisation (every note but another author's
    # "author only" ones), team member with notes shared (notes shared with the team), or
    # nobody.
    if membership is None:
        return False
    return access(membership, note.person).sees_note(note)


def can_read_document(membership: Membership | None, document) -> bool:
    if membership is None:
        return False
    return access(membership, document.person).sees_document(document.pk)


def can_read_domain(membership: Membership | None, person, domain: str) -> bool:
    """May the user read the diagnostic's assessment of `domain` (health needs the
    person's explicit consent for a team member)?"""
    if membership is None:
        return False
    return access(membership, person).sees_domain(domain)
