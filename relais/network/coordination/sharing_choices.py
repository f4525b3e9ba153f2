"""What a référent chooses to share with a team member: categories of information,
diagnostic domains, documents, and the person's explicit agreement for health. Checked
here, in a fixed order, before a membership is written (`relais.network.coordination.teams`);
what the member may then see is decided by `relais.network.coordination.sharing`.

- "health" needs "diagnostic" and the person's explicit agreement, recorded on the
  membership (date, how it was collected, witness for an oral agreement).
- Domains only with "diagnostic" (health never one by one), documents only with
  "documents", and only the person's own documents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from relais.core.errors import DomainError
from relais.core.text import clean_text
from relais.diagnostics.domains import Domain
from relais.network.coordination.checks import check_date
from relais.network.coordination.models import SharedCategory, TeamMember
from relais.network.coordination.sharing import CHOOSABLE_DOMAINS
from relais.people.models import ConsentMethod, Document, Person

CATEGORY_ORDER = list(SharedCategory.values)


@dataclass(frozen=True)
class HealthConsent:
    """The person's explicit agreement to share their health information with a member."""

    decided_on: dt.date
    method: str
    witness_name: str = ""


@dataclass(frozen=True)
class Sharing:
    """What is shared with a member, checked."""

    categories: list[str]
    domains: list[str]
    documents: list[Document]
    health_consent: HealthConsent | None


def _check_health_consent(consent: HealthConsent | None) -> HealthConsent:
    if consent is None or consent.decided_on is None:
        raise DomainError(
            "Les informations de santé ne se partagent qu'avec l'accord explicite de la "
            "personne : indiquez la date de son accord.",
            field="health_consent_on",
        )
    check_date(consent.decided_on, "health_consent_on", "La date de l'accord", future=False)
    if consent.method not in ConsentMethod.values:
        raise DomainError(
            "Indiquez comment l'accord a été recueilli.", field="health_consent_method"
        )
    witness = clean_text(consent.witness_name)
    if len(witness) > 150:
        raise DomainError("150 caractères au plus.", field="health_consent_witness")
    if consent.method == ConsentMethod.ORAL_WITH_WITNESS and not witness:
        raise DomainError(
            "Un accord oral est recueilli devant un témoin : indiquez son nom.",
            field="health_consent_witness",
        )
    if consent.method != ConsentMethod.ORAL_WITH_WITNESS:
        witness = ""
    return HealthConsent(decided_on=consent.decided_on, method=consent.method, witness_name=witness)


def check_sharing(
    *,
    person: Person,
    categories: Iterable[str],
    domains: Iterable[str] = (),
    documents: Iterable[Document] = (),
    health_consent: HealthConsent | None = None,
) -> Sharing:
    """What may be shared, in a fixed order, or a DomainError naming the field."""
    wanted = set(categories or [])
    unknown = wanted - set(SharedCategory.values)
    if unknown:
        raise DomainError("Catégorie d'informations inconnue.", field="categories")
    if not wanted:
        raise DomainError(
            "Choisissez au moins une catégorie d'informations à partager.", field="categories"
        )
    ordered = [c for c in CATEGORY_ORDER if c in wanted]
    chosen_domains: list[str] = []
    if SharedCategory.HEALTH in wanted and SharedCategory.DIAGNOSTIC not in wanted:
        raise DomainError(
            "La santé fait partie du diagnostic : cochez aussi « Diagnostic » pour la partager.",
            field="categories",
        )
    if SharedCategory.DIAGNOSTIC in wanted:
        wanted_domains = set(domains or [])
        if Domain.HEALTH in wanted_domains:
            raise DomainError(
                "La santé se partage avec la catégorie « Santé », qui demande l'accord "
                "explicite de la personne.",
                field="domains",
            )
        if wanted_domains - set(CHOOSABLE_DOMAINS):
            raise DomainError("Domaine du diagnostic inconnu.", field="domains")
        chosen_domains = [d.value for d in CHOOSABLE_DOMAINS if d in wanted_domains]
        if not chosen_domains and SharedCategory.HEALTH not in wanted:
            raise DomainError("Choisissez les domaines du diagnostic à partager.", field="domains")
    chosen_documents: list[Document] = []
    if SharedCategory.DOCUMENTS in wanted:
        chosen_documents = list(documents or [])
        if not chosen_documents:
            raise DomainError("Choisissez les documents à partager.", field="documents")
        if any(d.person_id != person.pk for d in chosen_documents):
            raise DomainError("Ce document n'appartient pas au dossier.", field="documents")
    consent = None
    if SharedCategory.HEALTH in wanted:
        consent = _check_health_consent(health_consent)
    return Sharing(
        categories=ordered,
        domains=chosen_domains,
        documents=chosen_documents,
        health_consent=consent,
    )


def apply_sharing(member: TeamMember, sharing: Sharing) -> None:
    """Write the checked choices on the membership (not saved; documents are set after)."""
    member.shared_categories = sharing.categories
    member.shared_domains = sharing.domains
    consent = sharing.health_consent
    member.health_consent_on = consent.decided_on if consent else None
    member.health_consent_method = consent.method if consent else ""
    member.health_consent_witness = consent.witness_name if consent else ""
