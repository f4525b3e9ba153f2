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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Q

from relais.accounts.models import Membership, Organisation, Role
from relais.core.compiled import CompiledQuery
from relais.core.errors import DomainError
from relais.diagnostics.domains import Domain
from relais.network.coordination.models import SharedCategory
from relais.network.directory.models import Service
from relais.network.referrals.models import Referral
from relais.people.models import Consent, ConsentPurpose, ConsentStatus, Document, Person

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


def _consents_in_force(person_ids: list[int]):
    return (
        Consent.objects.filter(person_id__in=person_ids)
        .filter(_in_force())
        .values("id", "person_id", "purpose", "partner_organisation_id", "partner_category")
    )


# Read by every referral page and inbox: compiled once (relais.core.compiled).
_consents_of_persons = CompiledQuery(_consents_in_force, id_lists=("person_ids",))


def _scope_from_rows(organisation: Organisation, rows: Iterable[dict]) -> SharingScope:
    """From the person's consents in force, those naming `organisation` or its kind. The
    queries read all of them rather than `OR` the partner in SQL: a person has a handful,
    read from the (person, purpose) index, while that `OR` led the planner to the partner
    indexes — every consent given to the organisation's kind, all persons together."""
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
    return _scope_from_rows(organisation, _consents_of_persons(person_ids=[person_id]))


def sharing_scopes(
    person_ids: Iterable[int], organisation: Organisation
) -> dict[int, SharingScope]:
    """`sharing_scope` for many persons at once (list pages). One query."""
    ids = set(person_ids)
    by_person: dict[int, list[dict]] = {pid: [] for pid in ids}
    for row in _consents_of_persons(person_ids=sorted(ids)):
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


# --- What a referral may carry -------------------------------------------------------------


def service_check(service: Service | None, *, sender_organisation_id: int) -> Service:
    """A service may receive referrals if it is published by an active organisation other
    than the sender's."""
    if service is None:
        raise DomainError(
            "Ce service n'existe pas ou plus : choisissez-en un autre.", field="service"
        )
    organisation = service.organisation
    if not organisation.is_active:
        raise DomainError(
            f"{organisation.name} ne figure plus dans l'annuaire : impossible de lui adresser "
            "une orientation. Choisissez un autre service.",
            field="service",
        )
    if not service.is_published:
        raise DomainError(
            f"Le service « {service.name} » n'est plus proposé (il a été retiré de l'annuaire) : "
            "choisissez un autre service.",
            field="service",
        )
    if organisation.pk == sender_organisation_id:
        raise DomainError(
            "Ce service est celui de votre structure : ajoutez plutôt une étape au parcours.",
            field="service",
        )
    return service


def consent_missing_message(organisation: Organisation) -> str:
    return (
        f"La personne n'a pas donné son accord pour partager des informations avec "
        f"{organisation.name} : l'orientation ne peut pas être envoyée. Recueillez son "
        f"consentement (partage avec cette structure, ou avec les structures de type "
        f"« {organisation.get_kind_display()} »), puis envoyez l'orientation."
    )


def check_sharing(
    *,
    person: Person,
    organisation: Organisation,
    shared_categories: Iterable[str],
    shared_domains: Iterable[str],
    attachments: Sequence[Document],
    health_consent_confirmed: bool,
) -> tuple[list[str], list[str]]:
    """What is shared must be covered by the person's consents. Returns the cleaned
    (categories, domains) in their canonical order."""
    categories = set(shared_categories or [])
    domains = set(shared_domains or [])
    if categories - set(SharedCategory.values):
        raise DomainError("Catégorie d'informations inconnue.", field="shared_categories")
    if domains - set(Domain.values):
        raise DomainError("Domaine du diagnostic inconnu.", field="shared_domains")
    scope = sharing_scope(person, organisation)
    if not scope.covered:
        raise DomainError(consent_missing_message(organisation), field="consent")
    if domains and SharedCategory.DIAGNOSTIC not in categories:
        raise DomainError(
            "Pour partager des domaines du diagnostic, cochez « Diagnostic ».",
            field="shared_domains",
        )
    if Domain.HEALTH in domains:
        raise DomainError(
            "La santé se partage avec la catégorie « Santé », qui demande l'accord "
            "explicite de la personne : décochez le domaine « Santé ».",
            field="shared_domains",
        )
    if SharedCategory.HEALTH in categories and SharedCategory.DIAGNOSTIC not in categories:
        raise DomainError(
            "La santé fait partie du diagnostic : cochez aussi « Diagnostic » pour la partager.",
            field="shared_categories",
        )
    if (
        SharedCategory.DIAGNOSTIC in categories
        and not domains
        and SharedCategory.HEALTH not in categories
    ):
        raise DomainError(
            "Choisissez les domaines du diagnostic à partager.", field="shared_domains"
        )
    if SharedCategory.HEALTH in categories:
        if not scope.health_allowed:
            raise DomainError(
                f"Les informations de santé ne se partagent qu'avec une structure que la "
                f"personne a nommée dans son consentement : le consentement en vigueur couvre "
                f"les structures de type « {organisation.get_kind_display()} », pas "
                f"{organisation.name} en particulier.",
                field="shared_categories",
            )
        if not health_consent_confirmed:
            raise DomainError(
                "Confirmez que la personne a explicitement accepté de partager des "
                "informations de santé avec cette structure.",
                field="health_consent_confirmed",
            )
    if attachments and SharedCategory.DOCUMENTS not in categories:
        raise DomainError(
            "Pour joindre des documents, cochez « Documents choisis ».", field="attachments"
        )
    if SharedCategory.DOCUMENTS in categories and not attachments:
        raise DomainError("Choisissez les documents à joindre.", field="attachments")
    if any(d.person_id != person.pk for d in attachments):
        raise DomainError("Ce document n'appartient pas au dossier.", field="attachments")
    return (
        [c for c in SharedCategory.values if c in categories],
        [d for d in Domain.values if d in domains],
    )
