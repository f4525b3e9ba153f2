"""Who may see and do what with a referral (orientation), and what the person agreed to share.

Two sides act on a referral:

| side     | who                                                                 | sees                                  |
|----------|---------------------------------------------------------------------|---------------------------------------|
| sender   | référents and managers of the sending organisation (the person's)   | everything (it is their own record)   |
| receiver | référents and managers of the receiving organisation                | only the categories shared, and only  |
|          |                                                                     | while the person's consent stands     |

Reception staff (role `staff`) sees neither side: a referral is accompaniment data. For a
partner "hors plateforme" (no members), the sender records the receiver's answers by hand.

Sharing follows the person's consent records (`relais.people.models.Consent`): a consent in
force (given, not superseded by a later decision) either names the receiving organisation
(purpose `share_org`) or its kind (purpose `share_category`). Health information needs more:
a consent naming the organisation itself, plus the sender's confirmation that the person
explicitly agreed to share health information (CNIL: health data are sensitive data). As for
coordination team members, health is part of the diagnostic: the "health" category needs
"diagnostic" and brings the health domain with it (it is never chosen as a plain domain).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Q

from relais.accounts.models import Membership, Organisation, Role
from relais.diagnostics.domains import Domain
from relais.network.coordination.models import SharedCategory
from relais.network.referrals.models import Referral
from relais.people.models import Consent, ConsentPurpose, ConsentStatus, Person

ACCOMPANYING_ROLES = (Role.REFERENT, Role.MANAGER)
SHARING_PURPOSES = (ConsentPurpose.SHARE_ORGANISATION, ConsentPurpose.SHARE_CATEGORY)


class Side(StrEnum):
    SENDER = "sender"
    RECEIVER = "receiver"
    SYSTEM = "system"


SIDE_LABELS = {
    Side.SENDER: "structure émettrice",
    Side.RECEIVER: "structure destinataire",
    Side.SYSTEM: "système",
}


def _accompanies(membership: Membership | None) -> bool:
    return membership is not None and membership.is_active and membership.role in ACCOMPANYING_ROLES


def can_use_referrals(membership: Membership | None) -> bool:
    """May the user open the referrals pages at all (inbox, sent referrals)?"""
    return _accompanies(membership)


def side_of(membership: Membership | None, referral: Referral) -> Side | None:
    """Which side of `referral` the holder of `membership` acts for, if any."""
    if not _accompanies(membership):
        return None
    if membership.organisation_id == referral.sender_organisation_id:
        return Side.SENDER
    if membership.organisation_id == referral.receiver_organisation_id:
        return Side.RECEIVER
    return None


def can_send(membership: Membership | None, person: Person) -> bool:
    return _accompanies(membership) and person.organisation_id == membership.organisation_id


# --- Consent -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharingScope:
    """What the person's consents allow to share with one organisation."""

    organisation_id: int
    named: bool = False  # a consent in force names the organisation itself
    by_category: bool = False  # a consent in force covers its kind of organisation
    consent_ids: tuple[int, ...] = field(default_factory=tuple)
    named_consent_id: int | None = None  # the consent naming the organisation, if any

    @property
    def covered(self) -> bool:
        return self.named or self.by_category

    @property
    def health_allowed(self) -> bool:
        return self.named

    @property
    def categories(self) -> list[str]:
        if not self.covered:
            return []
        return [c for c in SharedCategory.values if c != SharedCategory.HEALTH or self.named]


def _in_force() -> Q:
    return Q(
        status=ConsentStatus.GIVEN,
        superseded_by__isnull=True,
        purpose__in=SHARING_PURPOSES,
    )


def _scope_from_rows(organisation: Organisation, rows: Iterable[dict]) -> SharingScope:
    named = by_category = False
    ids = []
    named_id = None
    for row in rows:
        if (
            row["purpose"] == ConsentPurpose.SHARE_ORGANISATION
            and row["partner_organisation_id"] == organisation.pk
        ):
            named = True
            named_id = row["id"]
            ids.append(row["id"])
        elif (
            row["purpose"] == ConsentPurpose.SHARE_CATEGORY
            and row["partner_category"] == organisation.kind
        ):
            by_category = True
            ids.append(row["id"])
    return SharingScope(
        organisation_id=organisation.pk,
        named=named,
        by_category=by_category,
        consent_ids=tuple(ids),
        named_consent_id=named_id,
    )


def sharing_scope(person: Person | int, organisation: Organisation) -> SharingScope:
    """The person's consents in force towards `organisation`. One query."""
    person_id = getattr(person, "pk", person)
    rows = (
        Consent.objects.filter(person_id=person_id)
        .filter(_in_force())
        .filter(Q(partner_organisation_id=organisation.pk) | Q(partner_category=organisation.kind))
        .values("id", "purpose", "partner_organisation_id", "partner_category")
    )
    return _scope_from_rows(organisation, rows)


def sharing_scopes(
    person_ids: Iterable[int], organisation: Organisation
) -> dict[int, SharingScope]:
    """`sharing_scope` for many persons at once (list pages). One query."""
    ids = set(person_ids)
    by_person: dict[int, list[dict]] = {pid: [] for pid in ids}
    if ids:
        rows = (
            Consent.objects.filter(person_id__in=ids)
            .filter(_in_force())
            .filter(
                Q(partner_organisation_id=organisation.pk) | Q(partner_category=organisation.kind)
            )
            .values("id", "person_id", "purpose", "partner_organisation_id", "partner_category")
        )
        for row in rows:
            by_person[row["person_id"]].append(row)
    return {pid: _scope_from_rows(organisation, rows) for pid, rows in by_person.items()}


def receiver_categories(referral: Referral, scope: SharingScope) -> set[str]:
    """The categories the receiving organisation may see now: those shared with the referral,
    while the person's consent still covers the organisation (a withdrawal hides them at
    once). Health needs the named consent still in force."""
    if not scope.covered:
        return set()
    allowed = set(scope.categories)
    return {c for c in referral.shared_categories if c in allowed}


def receiver_domains(referral: Referral, categories: set[str]) -> list[str]:
    """Diagnostic domains the receiver may read: only the shared ones, only if the
    diagnostic category is shared; the health domain comes with the health category
    (as for coordination team members, see `relais.network.coordination.sharing`)."""
    if SharedCategory.DIAGNOSTIC not in categories:
        return []
    domains = [d for d in referral.shared_domains if d != Domain.HEALTH]
    if SharedCategory.HEALTH in categories:
        domains.append(Domain.HEALTH)
    return domains
