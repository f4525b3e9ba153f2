"""Employment (API): the organisation's employers and their positions, the persons ranked
for a position (each rank explained), and the placements of a person. Employers and
positions are organisation data (every member reads, référents and managers write);
placements and rankings are personal data, journaled, for the roles that accompany.
An `Idempotency-Key` header on a creation makes a retried request return the same record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from relais.api.access import acting_membership, person_for, person_record_for
from relais.api.routers.people import ERRORS, WRITE_ERRORS, Id, OrganisationId
from relais.core import journal
from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import JournalAction
from relais.core.submissions import submit_once
from relais.employment import matching, policies, references, selectors, services
from relais.employment import placements as placement_services
from relais.employment.models import Employer, Placement, Position, PositionStatus
from relais.pathways.models import Pathway
from relais.people.models import Person
from relais.people.policies import Capability

router = Router(tags=["Emploi"])
PAGE_SIZE = 50
EMPLOYERS = "/organisations/{organisation_id}/employers"


class EmployerIn(Schema):
    siret: str = Field(..., max_length=20, description="14 chiffres, clé de Luhn vérifiée.")
    name: str = Field(..., max_length=200)
    naf_code: str = Field(..., max_length=10, description="Sous-classe NAF rév. 2 (81.21Z).")
    size_band: str = Field("", max_length=6)
    address: str = Field("", max_length=250)
    commune_code: str = Field("", max_length=5, description="Code INSEE.")
    constraints: str = Field("", max_length=3000)
    hiring_potential: str = Field("", max_length=2000)
    social_clauses: bool = False
    pmsmp_host: bool = False
    tutor_available: bool = False


class EmployerPatchIn(EmployerIn):
    version: int = Field(..., ge=1, description="Version lue (409 si modifié entre-temps).")


class EmployerOut(Schema):
    id: int
    siret: str
    name: str
    naf_code: str
    naf_label: str
    size_band: str
    address: str
    commune_code: str
    social_clauses: bool
    pmsmp_host: bool
    tutor_available: bool
    next_contact_on: dt.date | None
    version: int


class PositionIn(Schema):
    rome_code: str = Field(..., max_length=5, description="Code ROME (obligatoire).")
    appellation: str = Field("", max_length=200)
    contract_type: str = Field(..., max_length=15)
    weekly_hours: Decimal = Field(..., max_digits=4, decimal_places=1)
    schedule: str = Field(..., max_length=12)
    commune_code: str = Field(..., max_length=5)
    starts_on: dt.date | None = None
    required_abilities: list[str] = Field(default_factory=list, max_length=30)
    driving_licence_required: bool = False
    other_licences: list[str] = Field(
        default_factory=list,
        max_length=8,
        description="Autres permis exigés : A, BE, C1, C, CE, D1, D, DE (le B a son champ).",
    )
    mobility_requirement: str = Field(
        "",
        max_length=12,
        description=(
            "Mobilité exigée : vehicle (véhicule personnel), sites (plusieurs sites), "
            "no_transit (lieu non desservi aux horaires), travel (déplacements fréquents) ou vide."
        ),
    )
    languages: str = Field("", max_length=200)
    requirements: str = Field("", max_length=2000)


class PositionOut(Schema):
    id: int
    employer_id: int
    rome_code: str
    rome_label: str
    appellation: str
    contract_type: str
    weekly_hours: Decimal
    schedule: str
    commune_code: str
    starts_on: dt.date | None
    required_abilities: list[str]
    driving_licence_required: bool
    other_licences: list[str]
    mobility_requirement: str
    status: str
    version: int


class CriterionOut(Schema):
    label: str
    points: int
    out_of: int
    text: str


class MatchOut(Schema):
    person_id: int
    score: int
    distance_km: float | None
    criteria: list[CriterionOut]
    cofollowed: bool = Field(
        False, description="Personne d'une autre structure, co-suivie en équipe de coordination"
    )
    label: str = Field("", description="Nom, ou « Personne n° X » si l'identité n'est pas partagée")
    not_shared: list[str] = Field(
        default_factory=list, description="Informations non partagées, non prises en compte"
    )


class PositionStatusIn(Schema):
    status: str = Field(..., max_length=6, description="open (ouvert), filled (pourvu), closed.")
    version: int = Field(..., ge=1, description="Version lue (409 si modifié entre-temps).")
    reason: str = Field("", max_length=300, description="Motif (gardé dans l'historique).")


class CheckpointIn(Schema):
    done_on: dt.date = Field(..., description="Date où le point a été fait (pas dans le futur).")
    notes: str = Field(..., max_length=3000, description="Ce qui a été dit.")


class PlacementIn(Schema):
    employer_id: int
    position_id: int | None = None
    pathway_id: int | None = None
    kind: str = Field(..., max_length=10, description="contract ou immersion (PMSMP).")
    contract_type: str = Field("", max_length=15)
    job_title: str = Field(..., max_length=200)
    starts_on: dt.date
    ends_on: dt.date | None = None
    weekly_hours: Decimal = Field(..., max_digits=4, decimal_places=1)
    tutor_name: str = Field(..., max_length=150)
    tutor_role: str = Field("", max_length=150)
    tutor_phone: str = Field("", max_length=20)


class CheckpointOut(Schema):
    id: int
    label: str
    due_on: dt.date
    done_on: dt.date | None


class PlacementOut(Schema):
    id: int
    person_id: int
    employer_id: int
    position_id: int | None
    kind: str
    contract_type: str
    job_title: str
    starts_on: dt.date
    ends_on: dt.date | None
    tutor_name: str
    status: str
    outcome: str
    proposed_exit_category: str
    checkpoints: list[CheckpointOut]


def _employer_out(employer: Employer) -> dict:
    return {
        **{f: getattr(employer, f) for f in EmployerOut.model_fields if hasattr(employer, f)},
        "naf_label": references.naf_label(employer.naf_code),
    }


def _position_out(position: Position) -> dict:
    return {
        **{f: getattr(position, f) for f in PositionOut.model_fields if hasattr(position, f)},
        "rome_label": references.rome_label(position.rome_code),
    }


def _placement_out(placement: Placement, checkpoints) -> dict:
    return {
        **{f: getattr(placement, f) for f in PlacementOut.model_fields if hasattr(placement, f)},
        "proposed_exit_category": placement_services.proposed_exit(placement),
        "checkpoints": [
            {"id": c.pk, "label": c.label, "due_on": c.due_on, "done_on": c.done_on}
            for c in checkpoints
        ],
    }


def _reader(request: HttpRequest, organisation_id: int):
    membership = acting_membership(request, organisation_id)
    if not policies.can_read_employers(membership):
        raise Http404
    return membership


def _employer(membership, employer_id: int) -> Employer:
    employer = Employer.objects.filter(
        pk=employer_id, organisation_id=membership.organisation_id
    ).first()
    if employer is None:
        raise Http404
    return employer


def _position(membership, position_id: int) -> Position:
    position = (
        Position.objects.filter(pk=position_id, organisation_id=membership.organisation_id)
        .select_related("employer")
        .first()
    )
    if position is None:
        raise Http404
    return position


@router.get(EMPLOYERS, response={200: list[EmployerOut], **ERRORS}, summary="Employeurs")
def employer_list(
    request: HttpRequest,
    organisation_id: OrganisationId,
    q: Annotated[str, Query(max_length=100, description="Nom ou SIRET.")] = "",
    naf: Annotated[str, Query(max_length=6, description="Début du code NAF.")] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
):
    membership = _reader(request, organisation_id)
    rows = selectors.search_employers(membership.organisation_id, text=q, naf=naf)
    start = (page - 1) * PAGE_SIZE
    return [_employer_out(e) for e in rows[start : start + PAGE_SIZE]]


@router.post(EMPLOYERS, response={201: EmployerOut, **ERRORS}, summary="Créer un employeur")
def employer_create(request: HttpRequest, organisation_id: OrganisationId, payload: EmployerIn):
    membership = _reader(request, organisation_id)
    employer, _ = submit_once(
        token=request.headers.get("Idempotency-Key", ""),
        actor=request.user,
        create=lambda: services.employer_create(
            membership=membership, actor=request.user, **payload.model_dump()
        ),
        model=Employer,
    )
    return Status(201, _employer_out(employer))


@router.get(
    EMPLOYERS + "/{employer_id}", response={200: EmployerOut, **ERRORS}, summary="Un employeur"
)
def employer_detail(request: HttpRequest, organisation_id: OrganisationId, employer_id: Id):
    membership = _reader(request, organisation_id)
    return _employer_out(_employer(membership, employer_id))


@router.patch(
    EMPLOYERS + "/{employer_id}",
    response={200: EmployerOut, **WRITE_ERRORS},
    summary="Modifier un employeur",
    description="Tous les champs, avec la `version` lue (409 si modifié entre-temps).",
)
def employer_update(
    request: HttpRequest, organisation_id: OrganisationId, employer_id: Id, payload: EmployerPatchIn
):
    membership = _reader(request, organisation_id)
    employer = _employer(membership, employer_id)
    values = payload.model_dump()
    version = values.pop("version")
    employer = services.employer_update(
        membership=membership,
        actor=request.user,
        employer=employer,
        expected_version=version,
        **values,
    )
    return _employer_out(employer)


@router.get(
    "/organisations/{organisation_id}/positions",
    response={200: list[PositionOut], **ERRORS},
    summary="Postes",
)
def position_list(
    request: HttpRequest,
    organisation_id: OrganisationId,
    status: Annotated[str, Query(max_length=6)] = PositionStatus.OPEN,
    rome: Annotated[str, Query(max_length=5)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
):
    membership = _reader(request, organisation_id)
    rows = Position.objects.filter(organisation_id=membership.organisation_id, status=status)
    if rome:
        rows = rows.filter(rome_code__startswith=rome.upper())
    start = (page - 1) * PAGE_SIZE
    return [
        _position_out(p) for p in rows.order_by("-created_at", "-pk")[start : start + PAGE_SIZE]
    ]


@router.post(
    EMPLOYERS + "/{employer_id}/positions",
    response={201: PositionOut, **ERRORS},
    summary="Créer un poste",
)
def position_create(
    request: HttpRequest, organisation_id: OrganisationId, employer_id: Id, payload: PositionIn
):
    membership = _reader(request, organisation_id)
    employer = _employer(membership, employer_id)
    position, _ = submit_once(
        token=request.headers.get("Idempotency-Key", ""),
        actor=request.user,
        create=lambda: services.position_create(
            membership=membership, actor=request.user, employer=employer, **payload.model_dump()
        ),
        model=Position,
    )
    return Status(201, _position_out(position))


@router.get(
    "/organisations/{organisation_id}/positions/{position_id}",
    response={200: PositionOut, **ERRORS},
    summary="Un poste",
)
def position_detail(request: HttpRequest, organisation_id: OrganisationId, position_id: Id):
    membership = _reader(request, organisation_id)
    return _position_out(_position(membership, position_id))


@router.post(
    "/organisations/{organisation_id}/positions/{position_id}/status",
    response={200: PositionOut, **WRITE_ERRORS},
    summary="Changer le statut d'un poste",
    description=(
        "Ouvert → pourvu ou fermé, pourvu → ouvert ou fermé, fermé → ouvert, avec la "
        "`version` lue (409 si le poste a été modifié entre-temps) ; chaque changement est "
        "gardé dans l'historique du poste (qui, quand, de quoi à quoi, motif)."
    ),
)
def position_status(
    request: HttpRequest,
    organisation_id: OrganisationId,
    position_id: Id,
    payload: PositionStatusIn,
):
    membership = _reader(request, organisation_id)
    position = services.position_set_status(
        membership=membership,
        actor=request.user,
        position=_position(membership, position_id),
        status=payload.status,
        expected_version=payload.version,
        reason=payload.reason,
    )
    return _position_out(position)


@router.get(
    "/organisations/{organisation_id}/positions/{position_id}/matches",
    response={200: list[MatchOut], **ERRORS},
    summary="Personnes classées pour un poste",
    description=(
        "Les personnes de la structure ayant un projet professionnel, et les personnes "
        "co-suivies qui partagent leur parcours avec l'utilisateur (sur ce qu'elles "
        "partagent seulement), classées pour le poste (50 au plus), chaque rang expliqué "
        "critère par critère. Rien n'est décidé : le professionnel propose, la personne "
        "accepte."
    ),
)
def position_matches(request: HttpRequest, organisation_id: OrganisationId, position_id: Id):
    membership = _reader(request, organisation_id)
    if not policies.can_edit_employers(membership):
        raise PermissionDenied("Votre rôle ne permet pas de rapprocher des personnes d'un poste.")
    position = _position(membership, position_id)
    ranked = matching.persons_for_position(
        position,
        Person.objects.own_of(membership).filter(archived_at__isnull=True),
        sharing=selectors.cofollowed_sharing(membership),
    )
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="employment.position",
        target_id=position.pk,
        organisation=membership.organisation_id,
        summary=f"API : rapprochement ({len(ranked)} personne(s))",
        also_covers=[m.person for m in ranked],
    )
    return [
        {
            "person_id": m.person.pk,
            "score": m.score,
            "distance_km": None if m.distance_km is None else round(m.distance_km, 1),
            "criteria": [c.__dict__ for c in m.criteria],
            "cofollowed": m.cofollowed,
            "label": m.label,
            "not_shared": m.not_shared,
        }
        for m in ranked
    ]


@router.get(
    "/organisations/{organisation_id}/persons/{person_id}/placements",
    response={200: list[PlacementOut], **ERRORS},
    summary="Mises en emploi d'une personne",
)
def placement_list(request: HttpRequest, organisation_id: OrganisationId, person_id: Id):
    _membership, person = person_for(request, organisation_id, person_id, Capability.ACCOMPANIMENT)
    rows = list(Placement.objects.filter(person=person).prefetch_related("checkpoints"))
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="employment.placement",
        person_id=person.pk,
        organisation=person.organisation_id,
        summary=f"API : mises en emploi ({len(rows)})",
        also_covers=[person, *rows],
    )
    return [_placement_out(p, p.checkpoints.all()) for p in rows]


@router.post(
    "/organisations/{organisation_id}/persons/{person_id}/placements",
    response={201: PlacementOut, **ERRORS},
    summary="Enregistrer une mise en emploi",
    description="Contrat ou immersion (PMSMP), avec le tuteur nommé ; les points de suivi "
    "(1 semaine, 1 mois, 3 mois, 6 mois) sont créés.",
)
def placement_create(
    request: HttpRequest, organisation_id: OrganisationId, person_id: Id, payload: PlacementIn
):
    membership, person = person_for(request, organisation_id, person_id, Capability.ACCOMPANIMENT)
    values = payload.model_dump()
    employer = Employer.objects.filter(
        pk=values.pop("employer_id"), organisation_id=membership.organisation_id
    ).first()
    if employer is None:
        raise DomainError("Employeur inconnu dans votre structure.", field="employer_id")
    position_id, pathway_id = values.pop("position_id"), values.pop("pathway_id")
    position = (
        Position.objects.filter(pk=position_id, organisation_id=membership.organisation_id).first()
        if position_id
        else None
    )
    pathway = Pathway.objects.filter(pk=pathway_id, person=person).first() if pathway_id else None

    def create() -> Placement:
        placement = placement_services.placement_create(
            membership=membership,
            actor=request.user,
            person=person,
            employer=employer,
            position=position,
            pathway=pathway,
            **values,
        )
        journal.record_request(
            request, JournalAction.CREATE, placement, summary="API", also_covers=[person]
        )
        return placement

    placement, _ = submit_once(
        token=request.headers.get("Idempotency-Key", ""),
        actor=request.user,
        create=create,
        model=Placement,
    )
    return Status(201, _placement_out(placement, placement.checkpoints.all()))


@router.get(
    "/organisations/{organisation_id}/placements/{placement_id}",
    response={200: PlacementOut, **ERRORS},
    summary="Une mise en emploi",
)
def placement_detail(request: HttpRequest, organisation_id: OrganisationId, placement_id: Id):
    _membership, person, placement = person_record_for(
        request, organisation_id, Placement.objects.all(), placement_id, "employment.placement"
    )
    journal.record_request(
        request, JournalAction.VIEW, placement, summary="API", also_covers=[person]
    )
    return _placement_out(placement, placement.checkpoints.all())


@router.post(
    "/organisations/{organisation_id}/placements/{placement_id}/checkpoints/{checkpoint_id}",
    response={200: PlacementOut, **WRITE_ERRORS},
    summary="Noter un point de suivi",
    description=(
        "La date où le point a été fait (ni dans le futur, ni avant le début) et ce qui a été "
        "dit. Un point de suivi se note une fois : déjà noté (par un collègue entre-temps, "
        "ou une requête renvoyée), il est refusé (409) et le premier est gardé."
    ),
)
def checkpoint_record(
    request: HttpRequest,
    organisation_id: OrganisationId,
    placement_id: Id,
    checkpoint_id: Id,
    payload: CheckpointIn,
):
    membership, person, placement = person_record_for(
        request, organisation_id, Placement.objects.all(), placement_id, "employment.placement"
    )
    checkpoint = placement.checkpoints.filter(pk=checkpoint_id).first()
    if checkpoint is None:
        raise Http404
    checkpoint.placement = placement
    placement_services.checkpoint_record(
        membership=membership, actor=request.user, checkpoint=checkpoint, **payload.model_dump()
    )
    journal.record_request(
        request,
        JournalAction.UPDATE,
        placement,
        summary=f"API : point de suivi « {checkpoint.label} »",
        also_covers=[person],
    )
    return _placement_out(placement, placement.checkpoints.all())
