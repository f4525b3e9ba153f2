"""Writes on a person's record: intake, identity and situation, consents, key life events and
documents. Every rule is checked here — the field rules in `relais.people.rules`, files in
`relais.core.uploads` — and raises `DomainError(message, field=...)` with a French message
shown to the user as is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from relais.accounts.models import Organisation, OrganisationKind, User
from relais.core.errors import DomainError
from relais.core.locks import serialise
from relais.core.text import CONTROL_CHARS, fold, one_line
from relais.core.uploads import check_upload, refuse, sha256_of
from relais.core.versioning import update_versioned
from relais.people.duplicates import find_duplicates, store_match_keys
from relais.people.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ConsentStatus,
    Document,
    DocumentKind,
    LifeEvent,
    LifeEventKind,
    Person,
)
from relais.people.rules import check_referent, clean_person_data

# --- Person: services ------------------------------------------------------------------------


class DuplicatesFound(DomainError):
    """At the moment of creating, records that may be this person exist that the user has
    not seen and set aside (someone created one meanwhile, or the form was sent twice)."""

    def __init__(self, candidates: list) -> None:
        super().__init__(
            "Des dossiers de la structure ressemblent à cette personne : vérifiez-les avant "
            "de créer le dossier."
        )
        self.candidates = candidates


@transaction.atomic
def person_create(
    *,
    organisation: Organisation,
    actor: User,
    data: Mapping[str, Any],
    referent: User | None = None,
    set_aside: Collection[int] | None = None,
) -> Person:
    """Intake: create the person record. Possible duplicates are looked for beforehand
    (`relais.people.duplicates.find_duplicates`) and confirmed away by the user.

    With `set_aside` (the ids of the possible duplicates the user saw and said were someone
    else; empty when none was shown), the check runs again here, serialised with every other
    intake of the same birth date in the organisation: of two identical submissions at the
    same instant, the second finds the first's record (DuplicatesFound) instead of making a
    copy."""
    cleaned = clean_person_data(data)
    for required in ("birth_name", "first_names", "birth_date"):
        if required not in cleaned:
            raise DomainError("Nom, prénom et date de naissance sont obligatoires.", field=required)
    check_referent(organisation, referent)
    if set_aside is not None:
        serialise(f"intake:{organisation.pk}:{cleaned['birth_date'].isoformat()}")
        candidates = find_duplicates(
            organisation_id=organisation.pk,
            birth_name=cleaned["birth_name"],
            usage_name=cleaned.get("usage_name", ""),
            first_names=cleaned["first_names"],
            birth_date=cleaned["birth_date"],
            sex=cleaned.get("sex") or "",
            phone=cleaned.get("phone") or "",
            email=cleaned.get("email") or "",
            france_travail_id=cleaned.get("france_travail_id") or "",
        )
        if any(c.person.pk not in set_aside for c in candidates):
            raise DuplicatesFound(candidates)
    person = Person(
        organisation=organisation,
        referent=referent,
        created_by=actor,
        updated_by=actor,
        **cleaned,
    )
    person.save()
    return person


@transaction.atomic
def person_update(
    *, person: Person, actor: User, expected_version: int, data: Mapping[str, Any]
) -> Person:
    """Change identity and/or situation. Refused (StaleObjectError) if someone saved the
    record since `expected_version` was read."""
    cleaned = clean_person_data(data)
    names = {
        "birth_name": cleaned.get("birth_name", person.birth_name),
        "usage_name": cleaned.get("usage_name", person.usage_name),
        "first_names": cleaned.get("first_names", person.first_names),
    }
    # The update is a single UPDATE ... WHERE version = n: save() is not called, so the
    # folded search key is recomputed here.
    cleaned["name_key"] = fold(
        f"{names['birth_name']} {names['usage_name']} {names['first_names']}"
    )
    identity = (person.birth_name, person.usage_name, person.first_names, person.birth_date)
    person = update_versioned(
        person, expected_version=expected_version, actor=actor, changes=cleaned
    )
    if identity != (person.birth_name, person.usage_name, person.first_names, person.birth_date):
        store_match_keys([person])
    return person


# --- Consents --------------------------------------------------------------------------------


def _check_consent_method(
    *, person: Person, method: str, witness_name: str, document: Document | None
) -> tuple[str, Document | None]:
    if method not in ConsentMethod.values:
        raise DomainError("Indiquez comment le consentement a été recueilli.", field="method")
    witness_name = one_line(witness_name)
    if len(witness_name) > 150:
        raise DomainError("150 caractères au plus.", field="witness_name")
    if method == ConsentMethod.PERSON_SPACE:
        # The person's own decision in their space: no witness, no paper.
        return "", None
    if method == ConsentMethod.ORAL_WITH_WITNESS:
        if not witness_name:
            raise DomainError(
                "Un consentement oral doit être recueilli devant un témoin : indiquez son nom.",
                field="witness_name",
            )
        return witness_name, None
    if document is None:
        raise DomainError(
            "Joignez le formulaire signé : choisissez un document du dossier ou déposez-le.",
            field="document",
        )
    if document.person_id != person.pk:
        raise DomainError("Ce document n'appartient pas au dossier.", field="document")
    return "", document


def _check_decision_date(decided_on: dt.date, *, not_before: dt.date | None = None) -> None:
    if not isinstance(decided_on, dt.date):
        raise DomainError("Indiquez la date.", field="decided_on")
    if decided_on > timezone.localdate():
        raise DomainError("La date ne peut pas être dans le futur.", field="decided_on")
    if not_before is not None and decided_on < not_before:
        raise DomainError(
            f"Le retrait ne peut pas précéder le consentement (donné le {not_before:%d/%m/%Y}).",
            field="decided_on",
        )


def _lock_consents_of(person: Person) -> None:
    """Consent decisions on one person are made one at a time (the person's row is locked
    until the end of the transaction on PostgreSQL; SQLite serialises writes anyway)."""
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).first()


def _same_scope(consent: Consent, purpose: str, partner_id: int | None, category: str) -> bool:
    return (
        consent.purpose == purpose
        and consent.partner_organisation_id == partner_id
        and consent.partner_category == category
    )


@transaction.atomic
def consent_give(
    *,
    person: Person,
    actor: User,
    purpose: str,
    decided_on: dt.date,
    method: str,
    witness_name: str = "",
    document: Document | None = None,
    partner_organisation: Organisation | None = None,
    partner_category: str = "",
    signed_file: Any = None,
) -> Consent:
    """Record a consent. If a decision on the same purpose (and partner) is already in
    force, the new record supersedes it: records are never edited. `signed_file`: the
    signed form, uploaded now and stored in the record's documents."""
    if purpose not in ConsentPurpose.values:
        raise DomainError("Choisissez l'objet du consentement.", field="purpose")
    partner_category = partner_category or ""
    if purpose == ConsentPurpose.SHARE_ORGANISATION:
        if partner_organisation is None:
            raise DomainError(
                "Choisissez la structure partenaire avec laquelle partager.",
                field="partner_organisation",
            )
        if partner_organisation.pk == person.organisation_id:
            raise DomainError(
                "Choisissez une structure partenaire, pas la vôtre.", field="partner_organisation"
            )
        partner_category = ""
    elif purpose == ConsentPurpose.SHARE_CATEGORY:
        if partner_category not in OrganisationKind.values:
            raise DomainError(
                "Choisissez la catégorie de partenaires concernée.", field="partner_category"
            )
        partner_organisation = None
    else:
        partner_organisation, partner_category = None, ""
    _check_decision_date(decided_on)
    if method == ConsentMethod.SIGNED_FORM and signed_file is not None:
        document = _upload_signed_form(
            person=person, actor=actor, signed_file=signed_file, purpose=purpose, on=decided_on
        )
    witness_name, document = _check_consent_method(
        person=person, method=method, witness_name=witness_name, document=document
    )
    partner_id = partner_organisation.pk if partner_organisation else None
    _lock_consents_of(person)
    previous = next(
        (
            c
            for c in Consent.objects.filter(
                person=person, purpose=purpose, superseded_by__isnull=True
            )
            if _same_scope(c, purpose, partner_id, partner_category)
        ),
        None,
    )
    return _create_consent(
        person=person,
        purpose=purpose,
        partner_organisation=partner_organisation,
        partner_category=partner_category,
        status=ConsentStatus.GIVEN,
        method=method,
        witness_name=witness_name,
        document=document,
        decided_on=decided_on,
        recorded_by=actor,
        supersedes=previous,
    )


@transaction.atomic
def consent_withdraw(
    *,
    consent: Consent,
    actor: User,
    decided_on: dt.date,
    method: str,
    witness_name: str = "",
    document: Document | None = None,
    signed_file: Any = None,
) -> Consent:
    """The person withdraws a consent: a new record, status « retiré », supersedes it."""
    _lock_consents_of(consent.person)
    consent = Consent.objects.select_related("person").filter(pk=consent.pk).first()
    if consent is None:
        raise DomainError("Ce consentement n'existe plus.")
    if Consent.objects.filter(supersedes=consent).exists():
        raise DomainError(
            "Ce consentement a déjà été remplacé par une décision plus récente : "
            "rechargez la page pour voir l'historique."
        )
    if consent.status != ConsentStatus.GIVEN:
        raise DomainError("Ce consentement est déjà retiré.")
    _check_decision_date(decided_on, not_before=consent.decided_on)
    if method == ConsentMethod.SIGNED_FORM and signed_file is not None:
        document = _upload_signed_form(
            person=consent.person,
            actor=actor,
            signed_file=signed_file,
            purpose=consent.purpose,
            on=decided_on,
            withdrawal=True,
        )
    witness_name, document = _check_consent_method(
        person=consent.person, method=method, witness_name=witness_name, document=document
    )
    return _create_consent(
        person=consent.person,
        purpose=consent.purpose,
        partner_organisation=consent.partner_organisation,
        partner_category=consent.partner_category,
        status=ConsentStatus.WITHDRAWN,
        method=method,
        witness_name=witness_name,
        document=document,
        decided_on=decided_on,
        recorded_by=actor,
        supersedes=consent,
    )


def _upload_signed_form(
    *,
    person: Person,
    actor: User,
    signed_file: Any,
    purpose: str,
    on: dt.date,
    withdrawal: bool = False,
) -> Document:
    label = ConsentPurpose(purpose).label
    what = "Retrait du consentement" if withdrawal else "Consentement signé"
    return document_upload(
        person=person,
        actor=actor,
        uploaded_file=signed_file,
        kind=DocumentKind.SIGNED_CONSENT,
        title=f"{what} — {label} ({on:%d/%m/%Y})"[:200],
    )


def _create_consent(**fields: Any) -> Consent:
    try:
        with transaction.atomic():
            return Consent.objects.create(**fields)
    except IntegrityError:
        # Two people recorded a decision on the same consent at the same moment.
        raise DomainError(
            "Une autre décision vient d'être enregistrée sur ce consentement : "
            "rechargez la page pour voir l'historique."
        ) from None


# --- Key life events -------------------------------------------------------------------------


@transaction.atomic
def life_event_add(
    *,
    person: Person,
    actor: User,
    kind: str,
    occurred_on: dt.date,
    is_rupture: bool = True,
    description: str = "",
) -> LifeEvent:
    if kind not in LifeEventKind.values:
        raise DomainError("Choisissez le type d'événement.", field="kind")
    if not isinstance(occurred_on, dt.date):
        raise DomainError("Indiquez la date (approximative si besoin).", field="occurred_on")
    if occurred_on > timezone.localdate():
        raise DomainError("La date ne peut pas être dans le futur.", field="occurred_on")
    if occurred_on < person.birth_date:
        raise DomainError(
            f"La date précède la naissance de la personne ({person.birth_date:%d/%m/%Y}).",
            field="occurred_on",
        )
    description = CONTROL_CHARS.sub("", description or "").strip()
    if len(description) > 2000:
        raise DomainError("2 000 caractères au plus.", field="description")
    return LifeEvent.objects.create(
        person=person,
        kind=kind,
        occurred_on=occurred_on,
        is_rupture=bool(is_rupture),
        description=description,
        recorded_by=actor,
    )


# --- Documents -------------------------------------------------------------------------------


@transaction.atomic
def document_upload(
    *,
    person: Person,
    actor: User,
    uploaded_file: Any,
    kind: str,
    title: str,
    expires_on: dt.date | None = None,
) -> Document:
    """Store a document of the person's record, after checking its size and real type.
    The file goes to the default storage (outside the web root) under a name made of its
    hash; it is served only by the permission-checked download view."""
    if kind not in DocumentKind.values:
        raise DomainError("Choisissez le type de document.", field="kind")
    title = one_line(title)
    if not title:
        raise DomainError("Donnez un intitulé au document.", field="title")
    if len(title) > 200:
        raise DomainError("L'intitulé fait 200 caractères au plus.", field="title")
    if expires_on is not None and not isinstance(expires_on, dt.date):
        raise DomainError("Date d'expiration non valide.", field="expires_on")
    file_type, original_name = check_upload(uploaded_file)
    sha256 = sha256_of(uploaded_file)
    existing = Document.objects.filter(person=person, sha256=sha256).first()
    if existing is not None:
        raise refuse(
            f"Ce fichier est déjà dans le dossier : « {existing.title} », déposé le "
            f"{timezone.localtime(existing.created_at):%d/%m/%Y}."
        )
    document = Document(
        person=person,
        kind=kind,
        title=title,
        original_name=original_name,
        content_type=file_type.content_type,
        size=uploaded_file.size,
        sha256=sha256,
        expires_on=expires_on,
        uploaded_by=actor,
    )
    document.file.save(original_name, File(uploaded_file), save=False)
    stored_name = document.file.name
    try:
        document.save()
    except Exception:
        document.file.storage.delete(stored_name)
        raise
    return document


def document_is_expired(document: Document, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return document.expires_on is not None and document.expires_on < today
