"""Referrals (API): the sender side (sent referrals, sending, cancelling, answers of a partner
"hors plateforme") and the receiver side (inbox, opening, accepting, refusing, starting,
completing). Same services and policies as the web pages (`relais.network.referrals.services`,
`relais.network.referrals.policies`); reserved to référents and managers (reception: 403).

The receiving side reads only what the referral shares, while the person's consent stands;
each of its reads is journaled with its organisation as actor and the sender as owner. A
referral outside the caller's organisation is a 404 journaled as denied. An answer based on
a stale version (double click, two members at once) gets a 409 naming who answered."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from relais.accounts.models import Membership
from relais.api.access import acting_membership, person_for
from relais.api.idempotency import idempotent
from relais.api.routers.people import ERRORS, WRITE_ERRORS, Id, OrganisationId
from relais.api.schemas_referrals import (
    AcceptIn,
    AnswerIn,
    CancelIn,
    CompleteIn,
    FirstAppointmentIn,
    ListFilters,
    ReferralIn,
    ReferralOut,
    ReferralPageOut,
    RefuseIn,
    StartIn,
)
from relais.api.schemas_referrals import detail as show_referral
from relais.api.schemas_referrals import page as referral_page
from relais.core import journal
from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import JournalAction
from relais.network.referrals import answers as referral_answers
from relais.network.referrals import selectors as referral_selectors
from relais.network.referrals import services as referrals
from relais.network.referrals.models import (
    Referral,
)
from relais.network.referrals.policies import Side, can_use_referrals, side_of
from relais.network.referrals.redundancy import RedundancyToConfirm
from relais.people.access import record_denied
from relais.people.models import Document
from relais.people.policies import Capability

router = Router(tags=["Orientations"])

BASE = "/organisations/{organisation_id}/referrals"


# --- Fetching ------------------------------------------------------------------------------------


def _membership(request: HttpRequest, organisation_id: int) -> Membership:
    membership = acting_membership(request, organisation_id)
    if not can_use_referrals(membership):
        raise PermissionDenied(
            "Votre rôle dans cette structure ne donne pas accès aux orientations (réservé aux "
            "référents et aux responsables)."
        )
    return membership


def _referral_for(request: HttpRequest, organisation_id: int, referral_id: int):
    membership = _membership(request, organisation_id)
    referral = referral_selectors.referral_for_organisation(membership.organisation_id, referral_id)
    if referral is None:
        owner = referral_selectors.referral_owner(referral_id)
        record_denied(
            request,
            target_type="network.referral",
            target_id=referral_id,
            person_id=owner[0] if owner else None,
            organisation_id=owner[1] if owner else None,
            reason="API : orientation hors de portée",
        )
        raise Http404
    return membership, referral, side_of(membership, referral)


# --- Lists ---------------------------------------------------------------------------------------


@router.get(
    f"{BASE}/inbox",
    response={200: ReferralPageOut, **ERRORS},
    summary="Orientations reçues (boîte de réception)",
    description="Les orientations adressées à la structure, les plus récentes d'abord, par 50. "
    "Le nom de la personne n'apparaît que si son identité est partagée.",
)
def inbox(request: HttpRequest, organisation_id: OrganisationId, filters: Query[ListFilters]):
    membership = _membership(request, organisation_id)
    return referral_page(request, membership, Side.RECEIVER, filters.status, filters.page)


@router.get(
    f"{BASE}/sent",
    response={200: ReferralPageOut, **ERRORS},
    summary="Orientations envoyées",
    description="Les orientations envoyées par la structure, les plus récentes d'abord, par 50.",
)
def sent(request: HttpRequest, organisation_id: OrganisationId, filters: Query[ListFilters]):
    membership = _membership(request, organisation_id)
    return referral_page(request, membership, Side.SENDER, filters.status, filters.page)


@router.get(
    f"{BASE}/{{referral_id}}",
    response={200: ReferralOut, **ERRORS},
    summary="Consulter une orientation",
    description="Côté destinataire, seulement ce que l'orientation partage, tant que la "
    "personne y consent. Ne la marque pas comme vue (voir `POST …/seen`).",
)
def detail(request: HttpRequest, organisation_id: OrganisationId, referral_id: Id):
    _, referral, side = _referral_for(request, organisation_id, referral_id)
    return show_referral(request, referral, side)


# --- Sender side ---------------------------------------------------------------------------------


@router.post(
    BASE,
    response={201: ReferralOut, **WRITE_ERRORS},
    summary="Envoyer une orientation",
    description=(
        "Vers un service publié d'une autre structure active. Refusée (400, `field`: "
        "`consent`) si aucun consentement de la personne ne couvre la structure destinataire. "
        "Crée une étape dans le parcours en cours. Si d'autres structures mènent une action "
        "sur le même besoin, l'envoi est refusé (400, `field`: `confirm_redundancy`) tant "
        "qu'il n'est pas confirmé par `confirm_redundancy` ; une fois envoyée, ces actions "
        "sont rappelées dans `redundancies` et leurs structures prévenues."
    ),
)
@idempotent
def create(request: HttpRequest, organisation_id: OrganisationId, payload: ReferralIn):
    membership = _membership(request, organisation_id)
    _m, person = person_for(request, organisation_id, payload.person_id, Capability.ACCOMPANIMENT)
    documents = list(Document.objects.filter(person=person, pk__in=payload.attachment_ids))
    if len(documents) != len(set(payload.attachment_ids)):
        raise DomainError("Ce document n'appartient pas au dossier.", field="attachment_ids")
    try:
        referral = referrals.referral_send(
            person=person,
            service=payload.service_id,
            actor=request.user,
            membership=membership,
            pathway=payload.pathway_id,
            goal=payload.goal_id,
            step=payload.step_id,
            reason=payload.reason,
            asked_for=payload.request,
            availability=payload.availability,
            contact_preference=payload.contact_preference,
            shared_categories=payload.shared_categories,
            shared_domains=payload.shared_domains,
            attachments=documents,
            health_consent_confirmed=payload.health_consent_confirmed,
            confirmed_redundancy=payload.confirm_redundancy or None,
        )
    except RedundancyToConfirm as error:
        raise DomainError(
            f"{error.message} Pour l'envoyer, renvoyez la même demande avec "
            f"« confirm_redundancy » : « {error.key} ».",
            field="confirm_redundancy",
        ) from error
    except DomainError as error:
        error.field = {
            "service": "service_id",
            "pathway": "pathway_id",
            "goal": "goal_id",
            "step": "step_id",
            "attachments": "attachment_ids",
            "asked_for": "request",
        }.get(error.field or "", error.field)
        raise
    journal.record_request(
        request, JournalAction.CREATE, referral, summary="API", also_covers=[person]
    )
    fresh = Referral.objects.with_parties().get(pk=referral.pk)
    return Status(201, show_referral(request, fresh, Side.SENDER, referral.redundancies))


def _act(request, organisation_id, referral_id, perform) -> dict:
    _, referral, side = _referral_for(request, organisation_id, referral_id)
    updated = perform(referral)
    journal.record_request(request, JournalAction.UPDATE, updated, summary="API")
    member = getattr(updated, "team_member", None)
    if member is not None:
        journal.record_request(
            request,
            JournalAction.CREATE,
            member,
            organisation=updated.sender_organisation_id,
            person_id=updated.person_id,
            summary="API : membre de l'équipe de coordination (orientation acceptée)",
        )
    fresh = Referral.objects.select_related(
        "service", "sender", "sender_organisation", "receiver_organisation"
    ).get(pk=updated.pk)
    return show_referral(request, fresh, side)


def _who(request: HttpRequest) -> dict[str, Any]:
    return {"actor": request.user, "organisation": request.organisation}


@router.post(
    f"{BASE}/{{referral_id}}/cancel",
    response={200: ReferralOut, **WRITE_ERRORS},
    summary="Annuler une orientation (émetteur)",
    description="Tant qu'elle n'est pas close ; le motif est transmis au destinataire.",
)
def cancel(
    request: HttpRequest, organisation_id: OrganisationId, referral_id: Id, payload: CancelIn
):
    return _act(
        request,
        organisation_id,
        referral_id,
        lambda r: referrals.referral_cancel(
            referral=r,
            **_who(request),
            expected_version=payload.version,
            comment=payload.comment,
        ),
    )


@router.post(
    f"{BASE}/{{referral_id}}/answer",
    response={200: ReferralOut, **WRITE_ERRORS},
    summary="Saisir la réponse d'un partenaire hors plateforme (émetteur)",
    description="Acceptée, refusée (motif), en cours ou terminée (résultat), avec la date du "
    "premier rendez-vous. Réservé aux partenaires « hors plateforme ».",
)
def answer(
    request: HttpRequest, organisation_id: OrganisationId, referral_id: Id, payload: AnswerIn
):
    return _act(
        request,
        organisation_id,
        referral_id,
        lambda r: referral_answers.referral_record_answer(
            referral=r,
            **_who(request),
            expected_version=payload.version,
            decision=payload.decision,
            refusal_reason=payload.refusal_reason,
            comment=payload.comment,
            first_appointment_on=payload.first_appointment_on,
            outcome=payload.outcome,
        ),
    )


# --- Receiver side -------------------------------------------------------------------------------


@router.post(
    f"{BASE}/{{referral_id}}/seen",
    response={200: ReferralOut, **ERRORS},
    summary="Marquer comme vue (destinataire)",
    description="Envoyée → vue, une seule fois (sans effet ensuite). L'émetteur est prévenu.",
)
def mark_seen(request: HttpRequest, organisation_id: OrganisationId, referral_id: Id):
    return _act(
        request,
        organisation_id,
        referral_id,
        lambda r: referral_answers.referral_mark_seen(referral=r, **_who(request)),
    )


@router.post(
    f"{BASE}/{{referral_id}}/accept",
    response={200: ReferralOut, **WRITE_ERRORS},
    summary="Accepter (destinataire)",
    description="Avec, si elle est fixée, la date du premier rendez-vous. `join_team` : vous "
    "rejoignez l'équipe de coordination de la personne, avec ce que l'orientation partage.",
)
def accept(
    request: HttpRequest, organisation_id: OrganisationId, referral_id: Id, payload: AcceptIn
):
    return _act(
        request,
        organisation_id,
        referral_id,
        lambda r: referral_answers.referral_accept(
            referral=r,
            **_who(request),
            expected_version=payload.version,
            first_appointment_on=payload.first_appointment_on,
            comment=payload.comment,
            join_team=payload.join_team,
        ),
    )


@router.post(
    f"{BASE}/{{referral_id}}/refuse",
    response={200: ReferralOut, **WRITE_ERRORS},
    summary="Refuser (destinataire)",
    description="Avec un motif de la liste (et un commentaire, obligatoire pour `other`).",
)
def refuse(
    request: HttpRequest, organisation_id: OrganisationId, referral_id: Id, payload: RefuseIn
):
    return _act(
        request,
        organisation_id,
        referral_id,
        lambda r: referral_answers.referral_refuse(
            referral=r,
            **_who(request),
            expected_version=payload.version,
            refusal_reason=payload.refusal_reason,
            comment=payload.comment,
        ),
    )


@router.post(
    f"{BASE}/{{referral_id}}/start",
    response={200: ReferralOut, **WRITE_ERRORS},
    summary="Démarrer l'accompagnement (destinataire)",
    description="Acceptée → en cours.",
)
def start(request: HttpRequest, organisation_id: OrganisationId, referral_id: Id, payload: StartIn):
    return _act(
        request,
        organisation_id,
        referral_id,
        lambda r: referral_answers.referral_start(
            referral=r,
            **_who(request),
            expected_version=payload.version,
            first_appointment_on=payload.first_appointment_on,
            comment=payload.comment,
        ),
    )


@router.post(
    f"{BASE}/{{referral_id}}/complete",
    response={200: ReferralOut, **WRITE_ERRORS},
    summary="Terminer et transmettre le résultat (destinataire)",
    description="Acceptée ou en cours → terminée ; le résultat est transmis à l'émetteur et "
    "reporté dans l'étape du parcours.",
)
def complete(
    request: HttpRequest, organisation_id: OrganisationId, referral_id: Id, payload: CompleteIn
):
    return _act(
        request,
        organisation_id,
        referral_id,
        lambda r: referral_answers.referral_complete(
            referral=r,
            **_who(request),
            expected_version=payload.version,
            outcome=payload.outcome,
        ),
    )


@router.post(
    f"{BASE}/{{referral_id}}/first-appointment",
    response={200: ReferralOut, **WRITE_ERRORS},
    summary="Date du premier rendez-vous",
    description="Par le destinataire (ou l'émetteur pour un partenaire hors plateforme), une "
    "fois l'orientation acceptée.",
)
def first_appointment(
    request: HttpRequest,
    organisation_id: OrganisationId,
    referral_id: Id,
    payload: FirstAppointmentIn,
):
    return _act(
        request,
        organisation_id,
        referral_id,
        lambda r: referral_answers.referral_set_first_appointment(
            referral=r,
            **_who(request),
            expected_version=payload.version,
            first_appointment_on=payload.first_appointment_on,
        ),
    )
