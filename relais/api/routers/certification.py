"""Certification (API): referentials are public (no token); candidates, their evaluations
and jury decisions are read and written by the members of an organisation that takes part
in the certification process, with the same services and policies as the pages."""

from __future__ import annotations

from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Path, Query, Router, Status

from relais.accounts.models import User
from relais.api.access import acting_membership
from relais.api.idempotency import idempotent
from relais.api.routers.people import ERRORS, WRITE_ERRORS, Id, OrganisationId
from relais.api.schemas import ErrorOut
from relais.api.schemas_certification import (
    CandidateIn,
    CandidateOut,
    CandidateUpdateIn,
    CertificationOut,
    DecisionOut,
    EnrolmentCreatedOut,
    EnrolmentIn,
    EvaluationOut,
    JuryCandidatesIn,
    JuryIn,
    JuryMemberIn,
    JuryOut,
    Page,
    PlacementIn,
    PlacementOut,
    ReferentialOut,
    ScoresIn,
    WithdrawIn,
    candidate_out,
    certification_out,
    evaluation_out,
    referential_out,
)
from relais.certification import candidates as candidate_services
from relais.certification import edits as edit_services
from relais.certification import evaluations as evaluation_services
from relais.certification import juries as jury_services
from relais.certification import policies, rules, selectors
from relais.certification.models import (
    BlockDecision,
    Certification,
    Enrolment,
    Evaluation,
    JurySession,
    Modality,
)
from relais.core import journal
from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import JournalAction

router = Router(tags=["Certification"])
Code = Annotated[str, Path(max_length=40, description="Code RNCP ou RS.")]
PUBLIC_ERRORS = {404: ERRORS[404], 422: ERRORS[422]}


@router.get(
    "/certifications",
    response=list[CertificationOut],
    auth=None,
    summary="Certifications (public)",
)
def certification_list(request: HttpRequest):
    return [certification_out(c) for c in selectors.certifications()]


@router.get(
    "/certifications/{code}",
    response={200: ReferentialOut, **PUBLIC_ERRORS},
    auth=None,
    summary="Référentiel d'une certification (public)",
)
def certification_referential(request: HttpRequest, code: Code):
    c = selectors.referential(code)
    if c is None:
        raise Http404
    return referential_out(c)


def _member(request: HttpRequest, organisation_id: int, allowed=policies.can_use):
    membership = acting_membership(request, organisation_id)
    if not allowed(membership):
        raise PermissionDenied(
            "Réservé aux structures qui participent à la certification (et aux rôles habilités)."
        )
    return membership


@router.get(
    "/organisations/{organisation_id}/candidates",
    response={200: list[CandidateOut], **ERRORS},
    summary="Candidats de la structure",
)
def candidate_list(
    request: HttpRequest, organisation_id: OrganisationId, page: Annotated[Page, Query()]
):
    membership = _member(request, organisation_id)
    rows = list(
        selectors.candidate_list(policies.visible_candidates(membership))[
            page.offset : page.offset + page.limit
        ]
    )
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="certification.candidate",
        summary="liste des candidats (API)",
        also_covers=rows,
    )
    return Status(200, [candidate_out(c) for c in rows])


@router.post(
    "/organisations/{organisation_id}/candidates",
    response={409: ErrorOut, 201: CandidateOut, **WRITE_ERRORS},
    summary="Enregistrer un candidat",
)
@idempotent
def candidate_create(request: HttpRequest, organisation_id: OrganisationId, payload: CandidateIn):
    membership = _member(request, organisation_id)
    candidate = candidate_services.candidate_create(membership=membership, **payload.dict())
    return Status(201, candidate_out(candidate))


def _candidate(membership, candidate_id: int):
    candidate = policies.visible_candidates(membership).filter(pk=candidate_id).first()
    if candidate is None:
        raise Http404
    return candidate


def _file_out(candidate) -> dict:
    """The candidate with each enrolment's file (blocks, funded hours)."""
    return candidate_out(candidate, selectors.candidate_file(candidate))


@router.get(
    "/organisations/{organisation_id}/candidates/{candidate_id}",
    response={200: CandidateOut, **ERRORS},
    summary="Dossier d'un candidat",
)
def candidate_detail(request: HttpRequest, organisation_id: OrganisationId, candidate_id: Id):
    membership = _member(request, organisation_id)
    candidate = _candidate(membership, candidate_id)
    journal.record_request(request, JournalAction.VIEW, candidate, summary="API")
    return Status(200, _file_out(candidate))


@router.put(
    "/organisations/{organisation_id}/candidates/{candidate_id}",
    response={200: CandidateOut, **WRITE_ERRORS},
    summary="Corriger les informations d'un candidat",
    description=(
        "Les prérequis notés sur ses inscriptions restent ceux vérifiés à l'inscription ; "
        "toutes les erreurs sont renvoyées ensemble. 409 : le dossier a été modifié depuis "
        "sa lecture (relire sa `version`)."
    ),
)
def candidate_update(
    request: HttpRequest,
    organisation_id: OrganisationId,
    candidate_id: Id,
    payload: CandidateUpdateIn,
):
    membership = _member(request, organisation_id)
    candidate = _candidate(membership, candidate_id)
    data = payload.dict()
    version = data.pop("version")
    # The service journals the change on the candidate (as for the pages).
    candidate = edit_services.candidate_update(
        membership=membership, candidate=candidate, expected_version=version, **data
    )
    return Status(200, _file_out(candidate))


@router.post(
    "/organisations/{organisation_id}/enrolments/{enrolment_id}/withdraw",
    response={200: CandidateOut, **WRITE_ERRORS},
    summary="Enregistrer l'abandon d'un parcours",
    description=(
        "L'inscription passe à « Abandon » avec sa date et son motif, gardée dans "
        "l'historique du candidat ; les blocs acquis le restent. Renvoie le dossier du "
        "candidat."
    ),
)
def candidate_enrolment_withdraw(
    request: HttpRequest, organisation_id: OrganisationId, enrolment_id: Id, payload: WithdrawIn
):
    membership = _member(request, organisation_id, policies.can_score)
    enrolment = _enrolment(membership, enrolment_id)
    edit_services.enrolment_withdraw(
        membership=membership,
        enrolment=enrolment,
        expected_version=payload.version,
        withdrawn_on=payload.withdrawn_on,
        reason=payload.reason,
    )
    candidate = enrolment.candidate
    candidate.refresh_from_db()
    return Status(200, _file_out(candidate))


def _enrolment(membership, enrolment_id: int) -> Enrolment:
    enrolment = (
        Enrolment.objects.filter(
            pk=enrolment_id, candidate__in=policies.visible_candidates(membership)
        )
        .select_related("candidate")
        .first()
    )
    if enrolment is None:
        raise Http404
    return enrolment


@router.get(
    "/organisations/{organisation_id}/enrolments/{enrolment_id}/evaluations",
    response={200: list[EvaluationOut], **ERRORS},
    summary="Évaluations d'une inscription",
)
def evaluation_list(request: HttpRequest, organisation_id: OrganisationId, enrolment_id: Id):
    membership = _member(request, organisation_id)
    enrolment = _enrolment(membership, enrolment_id)
    journal.record_request(request, JournalAction.VIEW, enrolment.candidate, summary="évaluations")
    rows = enrolment.evaluations.select_related("modality__block").prefetch_related("scores")
    return Status(200, [evaluation_out(e) for e in rows])


@router.put(
    "/organisations/{organisation_id}/enrolments/{enrolment_id}/evaluations/{modality_id}",
    response={200: EvaluationOut, **WRITE_ERRORS},
    summary="Noter la grille d'une modalité",
)
def evaluation_score(
    request: HttpRequest,
    organisation_id: OrganisationId,
    enrolment_id: Id,
    modality_id: Id,
    payload: ScoresIn,
):
    membership = _member(request, organisation_id, policies.can_score)
    enrolment = _enrolment(membership, enrolment_id)
    # The service journals the scoring on the candidate (as for the pages).
    modality = Modality.objects.filter(pk=modality_id).select_related("block").first()
    if modality is None:
        raise Http404
    evaluation = evaluation_services.evaluation_schedule(
        membership=membership, enrolment=enrolment, modality=modality
    )
    evaluation = evaluation_services.evaluation_score(
        membership=membership,
        evaluation=evaluation,
        scores={
            s.criterion_id: evaluation_services.ScoreInput(s.level, s.evidence, s.comment)
            for s in payload.scores
        },
        overall=evaluation_services.ScoreInput(
            payload.overall.level, payload.overall.evidence, payload.overall.comment
        )
        if payload.overall
        else None,
        expected_version=payload.version,
    )
    evaluation = Evaluation.objects.select_related("modality__block").get(pk=evaluation.pk)
    return Status(200, evaluation_out(evaluation))


@router.get(
    "/organisations/{organisation_id}/juries/{jury_id}/decisions",
    response={200: list[DecisionOut], **ERRORS},
    summary="Décisions d'un jury, par bloc",
)
def jury_decisions(request: HttpRequest, organisation_id: OrganisationId, jury_id: Id):
    membership = _member(request, organisation_id, policies.can_manage)
    session = JurySession.objects.filter(pk=jury_id, organisation=membership.organisation).first()
    if session is None:
        raise Http404
    rows = list(
        BlockDecision.objects.filter(session=session).select_related(
            "enrolment__candidate", "block"
        )
    )
    enrolments = [d.enrolment for d in rows]
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="certification.jurysession",
        target_id=session.pk,
        summary="décisions du jury (API)",
        also_covers=[*enrolments, *(e.candidate for e in enrolments)],
    )
    return Status(
        200,
        [
            {
                "enrolment_id": d.enrolment_id,
                "candidate": d.enrolment.candidate.display_name,
                "block": d.block.code,
                "validated": d.validated,
                "reasons": d.reasons,
            }
            for d in rows
        ],
    )


def _organisation_user(membership, user_id: int | None, field: str) -> User | None:
    """A user of the acting organisation, or a field error (never another organisation's)."""
    if user_id is None:
        return None
    user = User.objects.filter(
        pk=user_id,
        memberships__organisation=membership.organisation,
        memberships__is_active=True,
    ).first()
    if user is None:
        raise DomainError("Ce compte n'est pas membre de votre structure.", field=field)
    return user


@router.post(
    "/organisations/{organisation_id}/candidates/{candidate_id}/enrolments",
    response={201: EnrolmentCreatedOut, **WRITE_ERRORS},
    summary="Inscrire un candidat à une certification",
)
@idempotent
def enrolment_create(
    request: HttpRequest, organisation_id: OrganisationId, candidate_id: Id, payload: EnrolmentIn
):
    membership = _member(request, organisation_id)
    candidate = policies.visible_candidates(membership).filter(pk=candidate_id).first()
    if candidate is None:
        raise Http404
    journal.record_request(request, JournalAction.UPDATE, candidate, summary="inscription (API)")
    certification = Certification.objects.filter(code=payload.certification).first()
    if certification is None:
        raise DomainError("Certification inconnue.", field="certification")
    enrolment = candidate_services.enrolment_create(
        membership=membership,
        candidate=candidate,
        certification=certification,
        access_route=payload.access_route,
        enrolled_on=payload.enrolled_on,
        vap_requested=payload.vap_requested,
        funding=payload.funding,
        trainer=_organisation_user(membership, payload.trainer_id, "trainer_id"),
    )
    return Status(
        201,
        {
            "id": enrolment.pk,
            "certification": certification.code,
            "access_route": enrolment.access_route,
            "status": enrolment.status,
            "prerequisites": enrolment.prerequisites_note,
            "trainer_id": enrolment.trainer_id,
        },
    )


def _jury(membership, jury_id: int) -> JurySession:
    session = (
        JurySession.objects.filter(pk=jury_id, organisation=membership.organisation)
        .select_related("certification")
        .first()
    )
    if session is None:
        raise Http404
    return session


def _jury_out(request: HttpRequest, session: JurySession, summary: str) -> dict:
    """The session as answered, its presented candidates journaled (the conflict checks of
    the services read them)."""
    session = JurySession.objects.select_related("certification").get(pk=session.pk)
    presented = list(session.enrolments.select_related("candidate"))
    journal.record_request(
        request,
        JournalAction.UPDATE,
        target_type="certification.jurysession",
        target_id=session.pk,
        summary=summary,
        also_covers=[*presented, *(e.candidate for e in presented)],
    )
    return {
        "id": session.pk,
        "certification": session.certification.code,
        "held_on": session.held_on,
        "for_vae": session.for_vae,
        "status": session.status,
        "version": session.version,
        "members": [
            {
                "id": m.pk,
                "full_name": m.full_name,
                "quality": m.quality,
                "is_president": m.is_president,
                "user_id": m.user_id,
                "employer_name": m.employer_name,
                "employer_siret": m.employer_siret,
            }
            for m in session.members.all()
        ],
        "enrolment_ids": sorted(e.pk for e in presented),
    }


@router.post(
    "/organisations/{organisation_id}/juries",
    response={201: JuryOut, **WRITE_ERRORS},
    summary="Créer une session de jury",
)
@idempotent
def jury_create(request: HttpRequest, organisation_id: OrganisationId, payload: JuryIn):
    membership = _member(request, organisation_id, policies.can_manage)
    certification = Certification.objects.filter(code=payload.certification).first()
    if certification is None:
        raise DomainError("Certification inconnue.", field="certification")
    session = jury_services.session_create(
        membership=membership,
        certification=certification,
        held_on=payload.held_on,
        for_vae=payload.for_vae,
    )
    return Status(201, _jury_out(request, session, "jury créé (API)"))


@router.post(
    "/organisations/{organisation_id}/juries/{jury_id}/members",
    response={201: JuryOut, **WRITE_ERRORS},
    summary="Désigner un membre du jury (conflits d'intérêts contrôlés)",
)
@idempotent
def jury_member_add(
    request: HttpRequest, organisation_id: OrganisationId, jury_id: Id, payload: JuryMemberIn
):
    membership = _member(request, organisation_id, policies.can_manage)
    session = _jury(membership, jury_id)
    presented = list(session.enrolments.select_related("candidate"))
    journal.record_request(
        request,
        JournalAction.VIEW,
        target_type="certification.jurysession",
        target_id=session.pk,
        summary="contrôle des conflits d'intérêts (API)",
        also_covers=[*presented, *(e.candidate for e in presented)],
    )
    jury_services.member_add(
        membership=membership,
        session=session,
        full_name=payload.full_name,
        quality=payload.quality,
        is_president=payload.is_president,
        user=_organisation_user(membership, payload.user_id, "user_id"),
        employer_name=payload.employer_name,
        employer_siret=payload.employer_siret,
    )
    return Status(201, _jury_out(request, session, "membre du jury désigné (API)"))


@router.post(
    "/organisations/{organisation_id}/juries/{jury_id}/candidates",
    response={200: JuryOut, **WRITE_ERRORS},
    summary="Présenter des candidats au jury (conflits d'intérêts contrôlés)",
)
def jury_candidates_add(
    request: HttpRequest, organisation_id: OrganisationId, jury_id: Id, payload: JuryCandidatesIn
):
    membership = _member(request, organisation_id, policies.can_manage)
    session = _jury(membership, jury_id)
    chosen = list(
        Enrolment.objects.filter(
            pk__in=payload.enrolment_ids,
            candidate__in=policies.visible_candidates(membership),
        ).select_related("candidate")
    )
    if len(chosen) != len(set(payload.enrolment_ids)):
        raise Http404
    journal.record_request(
        request,
        JournalAction.UPDATE,
        target_type="certification.jurysession",
        target_id=session.pk,
        summary="candidats présentés (API)",
        also_covers=[*chosen, *(e.candidate for e in chosen)],
    )
    jury_services.candidates_add(membership=membership, session=session, enrolments=chosen)
    return Status(200, _jury_out(request, session, "candidats présentés (API)"))


@router.post(
    "/organisations/{organisation_id}/juries/{jury_id}/constitute",
    response={200: JuryOut, **WRITE_ERRORS},
    summary="Valider la composition du jury (règles de la fiche, conflits d'intérêts)",
)
def jury_constitute(request: HttpRequest, organisation_id: OrganisationId, jury_id: Id):
    membership = _member(request, organisation_id, policies.can_manage)
    session = _jury(membership, jury_id)
    presented = list(session.enrolments.select_related("candidate"))
    journal.record_request(
        request,
        JournalAction.VIEW,
        target_type="certification.jurysession",
        target_id=session.pk,
        summary="contrôle de la composition et des conflits d'intérêts (API)",
        also_covers=[*presented, *(e.candidate for e in presented)],
    )
    session = jury_services.session_constitute(membership=membership, session=session)
    return Status(200, _jury_out(request, session, "composition du jury validée (API)"))


@router.put(
    "/organisations/{organisation_id}/enrolments/{enrolment_id}/placement",
    response={200: PlacementOut, **WRITE_ERRORS},
    summary="Heures de stage pratique (140 h avant l'oral du RS sans expérience)",
)
def enrolment_placement(
    request: HttpRequest, organisation_id: OrganisationId, enrolment_id: Id, payload: PlacementIn
):
    membership = _member(request, organisation_id, policies.can_score)
    enrolment = _enrolment(membership, enrolment_id)
    enrolment = candidate_services.placement_record(
        membership=membership,
        enrolment=enrolment,
        hours=payload.placement_hours,
        expected_version=payload.version,
    )
    return Status(
        200,
        {
            "id": enrolment.pk,
            "placement_hours": enrolment.placement_hours,
            "required_hours": rules.placement_required(enrolment),
            "version": enrolment.version,
        },
    )
