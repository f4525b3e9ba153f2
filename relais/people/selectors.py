"""Reads for the person page and its forms. Each function makes a fixed number of queries,
whatever the number of rows (the person page has a query-count test)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, OrganisationKind, User
from relais.people.models import Consent, ConsentStatus, Document, LifeEvent, Person
from relais.people.rules import REFERENT_ROLES

EXPIRY_WARNING_DAYS = 30


def assignable_referents(organisation: Organisation | int) -> QuerySet[User]:
    """Who may be a person's référent: the active référents and managers of the organisation."""
    organisation_id = getattr(organisation, "pk", organisation)
    user_ids = (
        Membership.objects.active()
        .filter(organisation_id=organisation_id, role__in=REFERENT_ROLES)
        .values("user_id")
    )
    return User.objects.filter(pk__in=user_ids).order_by("last_name", "first_name", "email")


@dataclass(frozen=True)
class ConsentRow:
    consent: Consent
    is_current: bool  # no later decision replaces it
    superseded_by: Consent | None

    @property
    def is_in_force(self) -> bool:
        return self.is_current and self.consent.status == ConsentStatus.GIVEN

    @property
    def partner(self) -> str:
        """The named partner organisation or the partner category, for sharing consents."""
        consent = self.consent
        if consent.partner_organisation is not None:
            return consent.partner_organisation.name
        if consent.partner_category:
            return str(dict(OrganisationKind.choices).get(consent.partner_category, ""))
        return ""


def consent_history(person: Person) -> list[ConsentRow]:
    """Every consent decision of the person, newest first, each knowing whether a later
    decision replaced it. One query."""
    consents = list(
        Consent.objects.filter(person=person).select_related(
            "recorded_by", "partner_organisation", "document"
        )
    )
    replaced_by = {c.supersedes_id: c for c in consents if c.supersedes_id is not None}
    return [
        ConsentRow(
            consent=c,
            is_current=c.pk not in replaced_by,
            superseded_by=replaced_by.get(c.pk),
        )
        for c in consents
    ]


def life_events(person: Person) -> list[LifeEvent]:
    return list(LifeEvent.objects.filter(person=person).select_related("recorded_by"))


@dataclass(frozen=True)
class DocumentRow:
    document: Document
    is_expired: bool
    expires_soon: bool


def documents(person: Person, *, today: dt.date | None = None) -> list[DocumentRow]:
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=EXPIRY_WARNING_DAYS)
    rows = []
    for document in Document.objects.filter(person=person).select_related("uploaded_by"):
        expires = document.expires_on
        rows.append(
            DocumentRow(
                document=document,
                is_expired=expires is not None and expires < today,
                expires_soon=expires is not None and today <= expires <= soon,
            )
        )
    return rows
