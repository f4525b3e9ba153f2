"""What a professional may see of a person's record, as explicit data.

`access_for(membership, person)` answers with an `Access`:

- **own**: the person belongs to the user's organisation; the role decides
  (`relais.people.policies.ROLE_CAPABILITIES`); every domain, document and note the role
  allows (author-only notes of other authors excepted). No query.
- **team**: the user, acting for their organisation, is an *active* member of the
  person's coordination team (`TeamMember.objects.active()`): membership not ended, and
  the person's consent to share with that organisation standing (a current,
  non-superseded Consent "given", purpose "share_org" naming the organisation, or
  "share_category" naming its kind). The capabilities come from the categories shared
  with the member (`CATEGORY_CAPABILITIES`), diagnostic domains and documents are those
  chosen, notes those marked "team".
- **none**: nothing.

The consent is checked in the query that finds the membership, so a withdrawal takes
effect at the next request: nothing is copied when rights are granted.

The result is kept on the person instance for the rest of the request (the person page
asks once per section); a new request loads a new instance and asks again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q, QuerySet

from relais.diagnostics.domains import Domain
from relais.network.coordination.models import SharedCategory, TeamMember
from relais.pathways.models import NoteVisibility
from relais.people.policies import Capability, capabilities

# What each shared category gives a team member.
CATEGORY_CAPABILITIES: dict[str, frozenset[Capability]] = {
    SharedCategory.IDENTITY: frozenset({Capability.READ_IDENTITY}),
    SharedCategory.SITUATION: frozenset({Capability.READ_SITUATION}),
    SharedCategory.DIAGNOSTIC: frozenset({Capability.READ_DIAGNOSTIC}),
    SharedCategory.HEALTH: frozenset(),  # widens the diagnostic to the health domain
    SharedCategory.STEPS: frozenset({Capability.READ_STEPS, Capability.ADD_STEP}),
    SharedCategory.NOTES: frozenset({Capability.READ_NOTES, Capability.ADD_NOTE}),
    SharedCategory.DOCUMENTS: frozenset({Capability.READ_DOCUMENTS}),
}
# Every active member, whatever is shared: open the page (with "Personne n° X" when the
# identity is not shared), take appointments, see the team and its case conferences.
TEAM_BASE_CAPABILITIES = frozenset({Capability.VIEW, Capability.ADD_APPOINTMENT, Capability.TEAM})

ALL_CATEGORIES = frozenset(SharedCategory.values)
# Diagnostic domains a référent may choose one by one; health comes only with the
# "health" category (and the person's explicit agreement).
CHOOSABLE_DOMAINS = tuple(d for d in Domain if d != Domain.HEALTH)

# The categories an own-organisation role sees, for the templates that show them.
_OWN_CATEGORIES_FULL = ALL_CATEGORIES
_OWN_CATEGORIES_STAFF = frozenset({SharedCategory.IDENTITY})


class AccessKind(StrEnum):
    OWN = "own"
    TEAM = "team"
    NONE = "none"


@dataclass(frozen=True)
class Access:
    kind: AccessKind
    capabilities: frozenset[Capability]
    categories: frozenset[str]
    # None: every domain / document (own organisation).
    domains: frozenset[str] | None
    document_ids: frozenset[int] | None
    user_id: int | None
    members: tuple[TeamMember, ...] = ()

    @property
    def is_own(self) -> bool:
        return self.kind == AccessKind.OWN

    @property
    def is_team(self) -> bool:
        return self.kind == AccessKind.TEAM

    @property
    def is_none(self) -> bool:
        return self.kind == AccessKind.NONE

    def allows(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def shows(self, category: str) -> bool:
        return category in self.categories

    def sees_domain(self, domain: str) -> bool:
        if not self.allows(Capability.READ_DIAGNOSTIC):
            return False
        return self.domains is None or domain in self.domains

    def sees_document(self, document_id: int) -> bool:
        if not self.allows(Capability.READ_DOCUMENTS):
            return False
        return self.document_ids is None or document_id in self.document_ids

    def sees_note(self, note) -> bool:
        if not self.allows(Capability.READ_NOTES):
            return False
        if self.is_team:
            return note.visibility == NoteVisibility.TEAM
        return note.visibility != NoteVisibility.AUTHOR or note.author_id == self.user_id

    def sees_appointment(self, appointment) -> bool:
        if self.allows(Capability.APPOINTMENTS):
            return True
        return self.is_team and appointment.with_user_id == self.user_id

    # Filters for querysets, same rules as the predicates above.

    def notes_q(self) -> Q:
        if not self.allows(Capability.READ_NOTES):
            return Q(pk__in=[])
        if self.is_team:
            return Q(visibility=NoteVisibility.TEAM)
        return ~Q(visibility=NoteVisibility.AUTHOR) | Q(author_id=self.user_id)

    def documents_q(self) -> Q:
        if not self.allows(Capability.READ_DOCUMENTS):
            return Q(pk__in=[])
        if self.document_ids is None:
            return Q()
        return Q(pk__in=sorted(self.document_ids))

    def appointments_q(self) -> Q:
        if self.allows(Capability.APPOINTMENTS):
            return Q()
        if self.is_team:
            return Q(with_user_id=self.user_id)
        return Q(pk__in=[])


NO_ACCESS = Access(
    kind=AccessKind.NONE,
    capabilities=frozenset(),
    categories=frozenset(),
    domains=frozenset(),
    document_ids=frozenset(),
    user_id=None,
)


# --- Who is an active member -------------------------------------------------------------


def cofollowing(membership) -> QuerySet[TeamMember]:
    """The active team memberships of the user acting for this organisation."""
    return TeamMember.objects.active().filter(
        user_id=membership.user_id, organisation_id=membership.organisation_id
    )


def cofollowed_exists(membership, person_ref=None) -> Exists:
    """For `Person.objects.visible_to`: the person (OuterRef "pk") is co-followed by the
    user acting for this organisation."""
    return Exists(cofollowing(membership).of_person(person_ref or OuterRef("pk")))


def cofollowed_q(membership) -> Q:
    """`Person.objects.visible_to`'s filter for the co-followed persons (registered with
    relais.people.cofollowing, like `access_for`)."""
    return Q(cofollowed_exists(membership))


# --- The access ------------------------------------------------------------------------


_CACHE_ATTRIBUTE = "_relais_access"


def _own_access(membership) -> Access:
    caps = capabilities(membership)
    full = Capability.ACCOMPANIMENT in caps
    return Access(
        kind=AccessKind.OWN if caps else AccessKind.NONE,
        capabilities=caps,
        categories=_OWN_CATEGORIES_FULL if full else _OWN_CATEGORIES_STAFF if caps else frozenset(),
        domains=None if full else frozenset(),
        document_ids=None if full else frozenset(),
        user_id=membership.user_id,
    )


def team_access(
    members: Iterable[TeamMember], user_id: int, document_ids: Iterable[int] = ()
) -> Access:
    """The access given by these (active) memberships of one user; `document_ids`: the
    documents chosen for them."""
    members = tuple(members)
    if not members:
        return NO_ACCESS
    categories: set[str] = set()
    domains: set[str] = set()
    for member in members:
        shared = set(member.shared_categories or []) & ALL_CATEGORIES
        categories |= shared
        if SharedCategory.DIAGNOSTIC in shared:
            domains |= {d for d in member.shared_domains or [] if d in CHOOSABLE_DOMAINS}
            if SharedCategory.HEALTH in shared and member.health_consent_on is not None:
                domains.add(Domain.HEALTH)
    caps = set(TEAM_BASE_CAPABILITIES)
    for category in categories:
        caps |= CATEGORY_CAPABILITIES[category]
    return Access(
        kind=AccessKind.TEAM,
        capabilities=frozenset(caps),
        categories=frozenset(categories),
        domains=frozenset(domains),
        document_ids=frozenset(document_ids)
        if SharedCategory.DOCUMENTS in categories
        else frozenset(),
        user_id=user_id,
        members=members,
    )


def shared_document_ids(members: Iterable[TeamMember]) -> list[int]:
    """The documents chosen for these memberships (only those sharing documents): ids only,
    no document is loaded."""
    ids = [m.pk for m in members if SharedCategory.DOCUMENTS in (m.shared_categories or [])]
    if not ids:
        return []
    through = TeamMember.shared_documents.through
    return list(through.objects.filter(teammember_id__in=ids).values_list("document_id", flat=True))


def access_for(membership, person) -> Access:
    """The access of the user acting for `membership`'s organisation to `person`. Own
    organisation: no query; another organisation: two queries at most (memberships, and
    the chosen documents when documents are shared), then kept on the person instance."""
    if membership is None or not membership.is_active or person is None:
        return NO_ACCESS
    if person.organisation_id == membership.organisation_id:
        return _own_access(membership)
    cache = person.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
    key = (membership.user_id, membership.organisation_id)
    if key not in cache:
        # The team comes along so that the journal sees these rows hang from the person.
        members = list(cofollowing(membership).of_person(person.pk).select_related("team"))
        cache[key] = team_access(members, membership.user_id, shared_document_ids(members))
    return cache[key]


def cofollowed_accesses(membership) -> dict[int, Access]:
    """The persons the user acting for `membership` co-follows, by id, with the access the
    categories shared with them give (documents aside: no chosen document is read). One
    query; a professional co-follows tens or hundreds of persons, not the whole caseload.
    Only the sharing settings are read (values, not records): what is shown of each person
    is journaled by the page that shows it."""
    if membership is None or not membership.is_active:
        return {}
    by_person: dict[int, list[TeamMember]] = {}
    rows = cofollowing(membership).values_list(
        "team__person_id", "shared_categories", "shared_domains", "health_consent_on"
    )
    for person_id, categories, domains, health_on in rows:
        by_person.setdefault(person_id, []).append(
            TeamMember(
                shared_categories=categories, shared_domains=domains, health_consent_on=health_on
            )
        )
    return {
        person_id: team_access(members, membership.user_id)
        for person_id, members in by_person.items()
    }


def forget(person) -> None:
    """Drop the access kept on this instance (after a change within the same request)."""
    person.__dict__.pop(_CACHE_ATTRIBUTE, None)


def person_label(person, access: Access) -> str:
    """How the person is named to this user: their name, or "Personne n° X" for a team
    member who was not given the identity."""
    if access.allows(Capability.READ_IDENTITY):
        return person.display_name
    return f"Personne n° {person.pk}"
