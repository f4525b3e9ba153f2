"""Persons (API): list and search, intake with the duplicate check, identity and situation,
référent. Also helpers shared by the diagnostics and pathways routers (the scoping ones are in
`relais.api.access`).

Every endpoint acts for ONE organisation, the one in the path: the caller must hold an
active membership there (otherwise 404), and what they may do follows their role there
(`relais.people.policies.can`), exactly as on the web pages. A person of another
organisation is a 404, journaled as a denied access."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from relais.accounts.models import Membership, User
from relais.api.access import acting_membership, forbidden, person_for
from relais.api.schemas import ErrorOut
from relais.api.schemas_base import MAX_ID, FieldErrorOut, ValidationErrorOut
from relais.api.schemas_people import (
    DuplicateCheckIn,
    DuplicateConflictOut,
    DuplicateOut,
    PersonCreateIn,
    PersonOut,
    PersonPageOut,
    PersonPatchIn,
    ReferentIn,
)
from relais.core import journal
from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import JournalAction
from relais.pathways import handover
from relais.people import rules as person_rules
from relais.people import services
from relais.people.duplicates import DuplicateCandidate, find_duplicates
from relais.people.models import Person, Resource
from relais.people.policies import Capability, can

router = Router(tags=["Personnes"])

Id = Annotated[int, Path(ge=1, le=MAX_ID, description="Identifiant.")]
OrganisationId = Annotated[
    int, Path(ge=1, le=MAX_ID, description="Structure pour laquelle vous agissez.")
]

# Error answers shared by every endpoint (documented in OpenAPI).
ERRORS: dict[int, Any] = {
    400: FieldErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}

SITUATION_FORBIDDEN = (
    "Votre rôle dans cette structure ne permet pas d'enregistrer la situation de la personne "
    "(réservé aux référents et aux responsables) : retirez `situation`."
)


# --- Helpers (also used by the diagnostics and pathways routers) ------------------------------


@contextmanager
def api_fields(**renames: str) -> Iterator[None]:
    """Services name fields after the model (`referent`); the API after its schema
    (`referent_id`): rename them in the 400 answer."""
    try:
        yield
    except DomainError as error:
        if error.field in renames:
            error.field = renames[error.field]
        raise


def user_ref(user: User | None) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.email}


def find_user(user_id: int | None, field: str = "referent_id") -> User | None:
    """The user named by id; the service then checks they may hold the role."""
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise DomainError(
            "Le référent doit être un référent ou un responsable actif de la structure.",
            field=field,
        )
    return user


# --- Output --------------------------------------------------------------------------------


def person_summary(person: Person) -> dict:
    return {
        "id": person.pk,
        "display_name": person.display_name,
        "birth_name": person.birth_name,
        "usage_name": person.usage_name,
        "first_names": person.first_names,
        "birth_date": person.birth_date,
        "referent": user_ref(person.referent),
        "archived_at": person.archived_at,
    }


def _situation(person: Person) -> dict:
    resource_labels = dict(Resource.choices)
    return {
        **{name: getattr(person, name) for name in person_rules.SITUATION_FIELDS},
        "household_label": person.get_household_display(),
        "resources_labels": [str(resource_labels.get(r, r)) for r in person.resources],
        "education_level_label": person.get_education_level_display(),
        "french_level_label": person.get_french_level_display(),
        "driving_licence_label": person.get_driving_licence_display(),
        "administrative_status_label": person.get_administrative_status_display(),
    }


def person_out(person: Person, membership: Membership) -> dict:
    with_situation = can(membership, Capability.ACCOMPANIMENT, person)
    return {
        **person_summary(person),
        "age": person.age,
        "sex": person.sex,
        "sex_label": person.get_sex_display(),
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
        "postal_code": person.postal_code,
        "commune_code": person.commune_code,
        "france_travail_id": person.france_travail_id,
        "situation": _situation(person) if with_situation else None,
        "version": person.version,
        "created_at": person.created_at,
        "updated_at": person.updated_at,
    }


def _duplicate_out(candidate: DuplicateCandidate) -> dict:
    return {
        "person": person_summary(candidate.person),
        "score": candidate.score,
        "reasons": list(candidate.reasons),
    }


def _person_data(payload: PersonCreateIn | PersonPatchIn, membership: Membership, *, partial: bool):
    """The service's `data` (identity and situation flattened). Situation from a role that
    may not record it is refused (403), not silently dropped."""
    identity = payload.model_dump(exclude_unset=partial, include=set(person_rules.IDENTITY_FIELDS))
    situation: dict = {}
    if payload.situation is not None:
        situation = payload.situation.model_dump(exclude_unset=True)
        if situation and not can(membership, Capability.ACCOMPANIMENT):
            raise PermissionDenied(SITUATION_FORBIDDEN)
        if not partial:
            situation = payload.situation.model_dump()
    return {**identity, **situation}


# --- Endpoints -----------------------------------------------------------------------------


@router.get(
    "/organisations/{organisation_id}/persons",
    response={200: PersonPageOut, **ERRORS},
    summary="Lister et rechercher les personnes accompagnées",
    description=(
        "Personnes de la structure, par ordre alphabétique, page par page. Recherche sur "
        "tous les noms, sans tenir compte des accents, de la casse ni des tirets. Les "
        "dossiers archivés sont exclus sauf avec `include_archived=true`."
    ),
)
def person_list(
    request: HttpRequest,
    organisation_id: OrganisationId,
    q: Annotated[str, Query(max_length=200, description="Recherche par nom et prénom(s).")] = "",
    referent_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_ID, description="Seulement les personnes suivies par ce référent."),
    ] = None,
    include_archived: Annotated[bool, Query(description="Inclure les dossiers archivés.")] = False,
    limit: Annotated[int, Query(ge=1, le=100, description="Taille de la page (1 à 100).")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID, description="Position de départ.")] = 0,
):
    membership = acting_membership(request, organisation_id)
    if not can(membership, Capability.IDENTITY):
        raise forbidden(Capability.IDENTITY)
    # The organisation's own persons (co-followed persons are not listed here).
    persons = Person.objects.own_of(membership)
    if q.strip():
        persons = persons.search(q, organisation_id=membership.organisation_id)
    if referent_id is not None:
        persons = persons.filter(referent_id=referent_id)
    if not include_archived:
        persons = persons.filter(archived_at__isnull=True)
    count = persons.count()
    page = list(
        persons.select_related("referent").order_by("birth_name", "first_names", "pk")[
            offset : offset + limit
        ]
    )
    if page:
        journal.record_request(
            request,
            JournalAction.LIST,
            target_type="people.person",
            organisation=membership.organisation,
            summary=f"API : liste des personnes ({len(page)} sur {count})",
            also_covers=page,
        )
    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "items": [person_summary(p) for p in page],
    }


def _duplicates(membership: Membership, data: dict) -> list[DuplicateCandidate]:
    return find_duplicates(
        organisation_id=membership.organisation_id,
        birth_name=data["birth_name"],
        usage_name=data.get("usage_name", ""),
        first_names=data["first_names"],
        birth_date=data["birth_date"],
        sex=data.get("sex") or "",
        phone=data.get("phone") or "",
        email=data.get("email") or "",
        france_travail_id=data.get("france_travail_id") or "",
    )


@router.post(
    "/organisations/{organisation_id}/persons/duplicates",
    response={200: list[DuplicateOut], **ERRORS},
    summary="Chercher les doublons possibles avant l'accueil",
    description=(
        "Dossiers de la structure qui pourraient être cette personne (noms identiques ou "
        "proches, même sans accents, inversés, dates de naissance proches), le plus "
        "probable d'abord, avec un score de 0 à 100. En POST pour que les noms ne figurent "
        "pas dans l'adresse."
    ),
)
def person_duplicates(
    request: HttpRequest, organisation_id: OrganisationId, payload: DuplicateCheckIn
):
    membership = acting_membership(request, organisation_id)
    if not can(membership, Capability.IDENTITY):
        raise forbidden(Capability.IDENTITY)
    data = person_rules.clean_person_data(payload.model_dump())
    candidates = _duplicates(membership, data)
    if candidates:
        journal.record_request(
            request,
            JournalAction.LIST,
            target_type="people.person",
            organisation=membership.organisation,
            summary=f"API : {len(candidates)} doublon(s) possible(s) affiché(s)",
            also_covers=[c.person for c in candidates],
        )
    return [_duplicate_out(c) for c in candidates]


@router.post(
    "/organisations/{organisation_id}/persons",
    response={201: PersonOut, 409: DuplicateConflictOut, **ERRORS},
    summary="Créer le dossier d'une personne (accueil)",
    description=(
        "Crée le dossier après avoir cherché les doublons possibles : s'il y en a, la "
        "réponse est 409 avec `duplicates` ; vérifiez-les, puis renvoyez la demande avec "
        "`confirm_different: true` s'il s'agit bien d'une autre personne. `situation` est "
        "réservée aux référents et aux responsables."
    ),
)
def person_create(request: HttpRequest, organisation_id: OrganisationId, payload: PersonCreateIn):
    membership = acting_membership(request, organisation_id)
    if not can(membership, Capability.IDENTITY):
        raise forbidden(Capability.IDENTITY)
    data = _person_data(payload, membership, partial=False)
    # Check the input first: the duplicate search runs on clean names and a real date.
    cleaned = person_rules.clean_person_data(data)
    referent = find_user(payload.referent_id)
    candidates = _duplicates(membership, cleaned)
    found = [c.person for c in candidates]
    if candidates and not payload.confirm_different:
        journal.record_request(
            request,
            JournalAction.LIST,
            target_type="people.person",
            organisation=membership.organisation,
            summary=f"API accueil : {len(candidates)} doublon(s) possible(s) affiché(s)",
            also_covers=found,
        )
        return Status(
            409,
            {
                "detail": (
                    "Des dossiers de la structure ressemblent à cette personne : vérifiez-les. "
                    "S'il s'agit bien d'une autre personne, renvoyez la demande avec "
                    "« confirm_different »: true."
                ),
                "duplicates": [_duplicate_out(c) for c in candidates],
            },
        )
    with api_fields(referent="referent_id"):
        person = services.person_create(
            organisation=membership.organisation, actor=request.user, data=data, referent=referent
        )
    summary = "API accueil : création du dossier"
    if found:
        summary += f" (doublons possibles écartés : {', '.join(f'n° {p.pk}' for p in found)})"
    journal.record_request(
        request, JournalAction.CREATE, person, summary=summary, also_covers=found
    )
    person = Person.objects.select_related("referent").get(pk=person.pk)
    return Status(201, person_out(person, membership))


@router.get(
    "/organisations/{organisation_id}/persons/{person_id}",
    response={200: PersonOut, **ERRORS},
    summary="Consulter l'identité et la situation d'une personne",
    description="`situation` vaut `null` pour un rôle qui n'y a pas accès (accueil).",
)
def person_detail(request: HttpRequest, organisation_id: OrganisationId, person_id: Id):
    membership, person = person_for(request, organisation_id, person_id, Capability.IDENTITY)
    journal.record_request(request, JournalAction.VIEW, person, summary="API")
    return person_out(person, membership)


@router.patch(
    "/organisations/{organisation_id}/persons/{person_id}",
    response={200: PersonOut, **WRITE_ERRORS},
    summary="Modifier l'identité ou la situation d'une personne",
    description=(
        "Seuls les champs envoyés changent. `version` (lue au dernier GET) est obligatoire : "
        "si le dossier a été modifié entre-temps, la réponse est 409 et rien n'est écrit."
    ),
)
def person_update(
    request: HttpRequest, organisation_id: OrganisationId, person_id: Id, payload: PersonPatchIn
):
    membership, person = person_for(request, organisation_id, person_id, Capability.IDENTITY)
    data = _person_data(payload, membership, partial=True)
    services.person_update(
        person=person, actor=request.user, expected_version=payload.version, data=data
    )
    journal.record_request(request, JournalAction.UPDATE, person, summary="API")
    person = Person.objects.select_related("referent").get(pk=person.pk)
    return person_out(person, membership)


@router.put(
    "/organisations/{organisation_id}/persons/{person_id}/referent",
    response={200: PersonOut, **ERRORS},
    summary="Changer le référent d'une personne (responsables)",
    description=(
        "Les parcours en cours tenus par l'ancien référent passent au nouveau. Réservé aux "
        "responsables de la structure."
    ),
)
def person_reassign(
    request: HttpRequest, organisation_id: OrganisationId, person_id: Id, payload: ReferentIn
):
    membership, person = person_for(request, organisation_id, person_id, Capability.REASSIGN)
    previous = person.referent_id
    with api_fields(referent="referent_id"):
        handover.person_reassign_referent(
            person=person, actor=request.user, referent=find_user(payload.referent_id)
        )
    journal.record_request(
        request,
        JournalAction.UPDATE,
        person,
        summary=f"API : référent changé (utilisateur n° {previous or '—'} → n° {person.referent_id})",
    )
    person = Person.objects.select_related("referent").get(pk=person.pk)
    return person_out(person, membership)
