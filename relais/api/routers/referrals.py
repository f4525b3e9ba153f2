"""Referrals (API): the sender side (sent referrals, sending, cancelling, answers of a partner
"hors plateforme") and the receiver side (inbox, opening, accepting, refusing, starting,
completing). Same services and policies as the web pages (`relais.network.referrals.services`,
`relais.network.referrals.policies`); reserved to référents and managers (reception: 403).

The receiving side reads only what the referral shares, while the person's consent stands;
each of its reads is journaled with its organisation as actor and the sender as owner. A
referral outside the caller's organisation is a 404 journaled as denied. An answer based on
a stale version (double click, two members at once) gets a 409 naming who answered."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from pydantic import Field

from relais.accounts.models import Membership
from relais.api.access import acting_membership, person_for
from relais.api.routers.people import ERRORS, WRITE_ERRORS, Id, OrganisationId
from relais.api.schemas_accompaniment import MAX_ID, InputSchema, OutputSchema, _doc, _values
from relais.core import journal
from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import JournalAction
from relais.diagnostics.domains import Domain
from relais.network.coordination.models import SharedCategory
from relais.network.referrals import selectors as referral_selectors
from relais.network.referrals import services as referrals
from relais.network.referrals import workflow
from relais.network.referrals.models import (
    Referral,
    ReferralStatus,
    ReferralTransition,
    RefusalReason,
)
from relais.network.referrals.policies import Side, can_use_referrals, side_of
from relais.network.referrals.redundancy import RedundancyToConfirm
from relais.people.access import record_denied
from relais.people.models import Document
from relais.people.policies import Capability

router = Router(tags=["Orientations"])

BASE = "/organisations/{organisation_id}/referrals"
PAGE_SIZE = 50

StatusValue = _values(ReferralStatus)
CategoryValue = _values(SharedCategory)
DomainValue = _values(Domain)
RefusalReasonValue = _values(RefusalReason)
AnswerValue = Literal["accepted", "refused", "in_progress", "done"]
Version = Annotated[
    int | None,
    Field(
        None,
        ge=1,
        description="Version lue (GET) : si l'orientation a bougé depuis, 409 et le nom de qui "
        "a répondu. Facultatif : sans elle, seul le statut est vérifié.",
    ),
]


# --- Schemas -------------------------------------------------------------------------------------


class Ref(OutputSchema):
    id: int
    name: str


class ReceiverRef(Ref):
    is_external: bool = Field(description="Partenaire « hors plateforme » (sans utilisateurs).")


class TransitionOut(OutputSchema):
    from_status: str
    to_status: str
    to_status_label: str
    at: dt.datetime
    actor: Ref | None = Field(description="Qui ; `null` : le système (expiration).")
    actor_organisation: Ref | None
    comment: str


class SharedPersonOut(OutputSchema):
    id: int
    display_name: str | None = Field(description="Si l'identité est partagée.")
    birth_date: dt.date | None
    phone: str | None
    email: str | None
    address: str | None
    postal_code: str | None


class SharedDomainOut(OutputSchema):
    domain: str
    domain_label: str
    difficulty: int | None
    situation: str
    strengths: str
    person_words: str


class AttachmentOut(OutputSchema):
    id: int
    title: str
    kind: str


class DelaysOut(OutputSchema):
    to_seen_seconds: int | None = Field(description="Envoi → vue.")
    to_answer_seconds: int | None = Field(description="Envoi → réponse (acceptée ou refusée).")
    to_first_appointment_days: int | None = Field(description="Réponse → premier rendez-vous.")


class RedundancyOut(OutputSchema):
    what: str = Field(description="`referral` ou `step`.")
    object_id: int
    label: str
    organisation_name: str
    status_label: str
    because: str


class ReferralSummaryOut(OutputSchema):
    id: int
    status: StatusValue = Field(description=_doc("Statut", ReferralStatus))
    status_label: str
    service: Ref
    sender_organisation: Ref
    receiver_organisation: ReceiverRef
    person_id: int | None = Field(description="Côté émetteur seulement.")
    person_name: str | None = Field(
        description="Côté émetteur ; côté destinataire, seulement si l'identité est partagée."
    )
    sent_at: dt.datetime
    expires_at: dt.datetime
    version: int


class ReferralOut(ReferralSummaryOut):
    side: Literal["sender", "receiver"] = Field(description="Le côté d'où vous la voyez.")
    consent_in_force: bool = Field(
        description="Côté destinataire : la personne consent toujours au partage (sinon, "
        "la demande et les informations partagées ne sont plus lisibles)."
    )
    sender: Ref
    reason: str | None
    request: str | None
    availability: str | None
    contact_preference: str | None
    shared_categories: list[str]
    shared_domains: list[str]
    person: SharedPersonOut | None = Field(description="Côté destinataire : ce qui est partagé.")
    diagnostic_domains: list[SharedDomainOut]
    attachments: list[AttachmentOut]
    seen_at: dt.datetime | None
    answered_at: dt.datetime | None
    first_appointment_on: dt.date | None
    closed_at: dt.datetime | None
    refusal_reason: str
    refusal_reason_label: str
    refusal_comment: str
    outcome: str
    answered_by_hand: bool
    delays: DelaysOut
    allowed_moves: list[str] = Field(description="Statuts où vous pouvez la faire passer.")
    transitions: list[TransitionOut]
    redundancies: list[RedundancyOut] = Field(
        default_factory=list,
        description="À l'envoi : actions similaires d'autres structures en cours pour la "
        "personne (elles sont prévenues).",
    )


class ReferralPageOut(OutputSchema):
    count: int
    page: int
    pages: int
    results: list[ReferralSummaryOut]


class ReferralIn(InputSchema):
    person_id: int = Field(ge=1, le=MAX_ID, description="Personne orientée (de votre structure).")
    service_id: int = Field(ge=1, le=MAX_ID, description="Service destinataire.")
    pathway_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Parcours en cours où inscrire l'étape (facultatif s'il n'y en a qu'un).",
    )
    reason: str = Field(
        description="Motif de l'orientation.", json_schema_extra={"maxLength": 3000}
    )
    request: str = Field(description="Ce qui est demandé.", json_schema_extra={"maxLength": 3000})
    availability: str = Field("", json_schema_extra={"maxLength": 500})
    contact_preference: str = Field("", json_schema_extra={"maxLength": 200})
    shared_categories: list[CategoryValue] = Field(
        default_factory=list, description=_doc("Informations partagées", SharedCategory)
    )
    shared_domains: list[DomainValue] = Field(
        default_factory=list, description="Domaines du diagnostic (avec `diagnostic`)."
    )
    attachment_ids: list[int] = Field(
        default_factory=list, description="Documents du dossier joints (avec `documents`)."
    )
    health_consent_confirmed: bool = Field(
        False,
        description="La personne a explicitement accepté le partage d'informations de santé "
        "(obligatoire avec `health`).",
    )
    confirm_redundancy: str = Field(
        "",
        description="Confirmation des actions similaires signalées : quand d'autres structures "
        "mènent une action sur le même besoin, l'envoi est refusé (400, `field`: "
        "`confirm_redundancy`, avec la liste et la `key` à renvoyer) ; renvoyez alors la même "
        "demande avec cette `key` ici.",
        json_schema_extra={"maxLength": 2000},
    )


class VersionIn(InputSchema):
    version: Version


class AcceptIn(VersionIn):
    first_appointment_on: dt.date | None = None
    comment: str = Field("", json_schema_extra={"maxLength": 2000})
    join_team: bool = Field(False, description="Rejoindre l'équipe de coordination de la personne.")


class RefuseIn(VersionIn):
    refusal_reason: RefusalReasonValue = Field(description=_doc("Motif", RefusalReason))
    comment: str = Field("", json_schema_extra={"maxLength": 2000})


class StartIn(VersionIn):
    first_appointment_on: dt.date | None = None
    comment: str = Field("", json_schema_extra={"maxLength": 2000})


class CompleteIn(VersionIn):
    outcome: str = Field(description="Résultat transmis.", json_schema_extra={"maxLength": 3000})


class CancelIn(VersionIn):
    comment: str = Field(
        description="Motif de l'annulation.", json_schema_extra={"maxLength": 2000}
    )


class FirstAppointmentIn(VersionIn):
    first_appointment_on: dt.date


class AnswerIn(VersionIn):
    decision: AnswerValue
    refusal_reason: str = ""
    comment: str = ""
    first_appointment_on: dt.date | None = None
    outcome: str = ""


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


# --- Output --------------------------------------------------------------------------------------


def _ref(obj, name: str | None = None) -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": name or str(obj)}


def _summary(referral: Referral, side: Side, person=None) -> dict:
    return {
        "id": referral.pk,
        "status": referral.status,
        "status_label": referral.get_status_display(),
        "service": _ref(referral.service, referral.service.name),
        "sender_organisation": _ref(
            referral.sender_organisation, referral.sender_organisation.name
        ),
        "receiver_organisation": {
            "id": referral.receiver_organisation_id,
            "name": referral.receiver_organisation.name,
            "is_external": referral.receiver_organisation.is_external,
        },
        "person_id": referral.person_id if side == Side.SENDER else None,
        "person_name": person.display_name if person is not None else None,
        "sent_at": referral.sent_at,
        "expires_at": referral.expires_at,
        "version": referral.version,
    }


def _seconds(value: dt.timedelta | None) -> int | None:
    return int(value.total_seconds()) if value is not None else None


def _detail(request: HttpRequest, referral: Referral, side: Side, redundancies=()) -> dict:
    """The referral as `side` may see it; journals the read."""
    covers: list = []
    person_out = None
    domains_out: list[dict] = []
    attachments: list[Document] = []
    readable = True
    person = None
    if side == Side.SENDER:
        _, person = person_for(
            request, referral.sender_organisation_id, referral.person_id, Capability.ACCOMPANIMENT
        )
        covers.append(person)
        attachments = list(referral.attachments.all())
    else:
        shared = referral_selectors.SharedView(referral)
        covers += shared.loaded
        readable = shared.consent_in_force
        attachments = shared.attachments
        if shared.person is not None:
            p = shared.person
            identity = shared.identity
            person_out = {
                "id": p.pk,
                "display_name": p.display_name if identity else None,
                "birth_date": p.birth_date if identity else None,
                "phone": p.phone if identity else None,
                "email": p.email if identity else None,
                "address": p.address if identity else None,
                "postal_code": p.postal_code if identity else None,
            }
            if identity:
                person = p
        domains_out = [
            {
                "domain": a.domain,
                "domain_label": a.get_domain_display(),
                "difficulty": a.difficulty,
                "situation": a.situation,
                "strengths": a.strengths,
                "person_words": a.person_words,
            }
            for a in shared.assessments
        ]
    transitions = list(
        ReferralTransition.objects.filter(referral=referral).select_related(
            "actor", "actor_organisation"
        )
    )
    journal.record_request(
        request,
        JournalAction.VIEW,
        referral,
        summary="API : orientation"
        + (" (structure destinataire)" if side == Side.RECEIVER else ""),
        also_covers=covers,
    )
    delays = referral_selectors.delays(referral)
    first = delays.to_first_appointment
    return {
        **_summary(referral, side, person),
        "side": str(side),
        "consent_in_force": readable,
        "sender": _ref(referral.sender, referral.sender.get_full_name() or referral.sender.email),
        "reason": referral.reason if readable else None,
        "request": referral.request if readable else None,
        "availability": referral.availability if readable else None,
        "contact_preference": referral.contact_preference if readable else None,
        "shared_categories": list(referral.shared_categories),
        "shared_domains": list(referral.shared_domains),
        "person": person_out,
        "diagnostic_domains": domains_out,
        "attachments": [{"id": d.pk, "title": d.title, "kind": d.kind} for d in attachments],
        "seen_at": referral.seen_at,
        "answered_at": referral.answered_at,
        "first_appointment_on": referral.first_appointment_on,
        "closed_at": referral.closed_at,
        "refusal_reason": referral.refusal_reason,
        "refusal_reason_label": referral.get_refusal_reason_display()
        if referral.refusal_reason
        else "",
        "refusal_comment": referral.refusal_comment,
        "outcome": referral.outcome,
        "answered_by_hand": referral.answered_by_hand,
        "delays": {
            "to_seen_seconds": _seconds(delays.to_seen),
            "to_answer_seconds": _seconds(delays.to_answer),
            "to_first_appointment_days": first.days if first is not None else None,
        },
        "allowed_moves": _allowed_moves(referral, side),
        "transitions": [
            {
                "from_status": t.from_status,
                "to_status": t.to_status,
                "to_status_label": t.get_to_status_display(),
                "at": t.at,
                "actor": _ref(
                    t.actor, (t.actor.get_full_name() or t.actor.email) if t.actor else None
                ),
                "actor_organisation": _ref(
                    t.actor_organisation,
                    t.actor_organisation.name if t.actor_organisation else None,
                ),
                "comment": t.comment,
            }
            for t in transitions
        ],
        "redundancies": [
            {
                "what": r.what,
                "object_id": r.object_id,
                "label": r.label,
                "organisation_name": r.organisation_name,
                "status_label": r.status_label,
                "because": r.because,
            }
            for r in redundancies
        ],
    }


def _allowed_moves(referral: Referral, side: Side) -> list[str]:
    if referral.receiver_organisation.is_external:
        if side != Side.SENDER:
            return []
        return sorted(
            set(workflow.allowed_moves(referral.status, Side.SENDER))
            | set(workflow.allowed_moves(referral.status, Side.RECEIVER))
        )
    return workflow.allowed_moves(referral.status, side)


def _page(request: HttpRequest, membership: Membership, side: Side, status, page: int) -> dict:
    queryset = Referral.objects.select_related(
        "service", "sender_organisation", "receiver_organisation"
    )
    if side == Side.RECEIVER:
        queryset = queryset.filter(receiver_organisation_id=membership.organisation_id)
    else:
        queryset = queryset.filter(sender_organisation_id=membership.organisation_id)
    if status:
        queryset = queryset.filter(status__in=status)
    paginator = Paginator(queryset.order_by("-sent_at", "-id"), PAGE_SIZE)
    current = paginator.get_page(page)
    rows = list(current.object_list)
    names = referral_selectors.listed_persons(rows, side, membership.organisation)
    for owner in sorted({r.sender_organisation_id for r in rows}):
        journal.record_request(
            request,
            JournalAction.LIST,
            target_type="network.referral",
            organisation=owner,
            summary=f"API : orientations {'reçues' if side == Side.RECEIVER else 'envoyées'} "
            f"({len(rows)}), page {current.number}",
            also_covers=[*rows, *names.values()],
        )
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [_summary(r, side, names.get(r.pk)) for r in rows],
    }


# --- Lists ---------------------------------------------------------------------------------------


class ListFilters(InputSchema):
    status: list[StatusValue] = Field(default_factory=list, description="Filtrer par statut(s).")
    page: int = Field(1, ge=1, le=100000)


@router.get(
    f"{BASE}/inbox",
    response={200: ReferralPageOut, **ERRORS},
    summary="Orientations reçues (boîte de réception)",
    description="Les orientations adressées à la structure, les plus récentes d'abord, par 50. "
    "Le nom de la personne n'apparaît que si son identité est partagée.",
)
def inbox(request: HttpRequest, organisation_id: OrganisationId, filters: Query[ListFilters]):
    membership = _membership(request, organisation_id)
    return _page(request, membership, Side.RECEIVER, filters.status, filters.page)


@router.get(
    f"{BASE}/sent",
    response={200: ReferralPageOut, **ERRORS},
    summary="Orientations envoyées",
    description="Les orientations envoyées par la structure, les plus récentes d'abord, par 50.",
)
def sent(request: HttpRequest, organisation_id: OrganisationId, filters: Query[ListFilters]):
    membership = _membership(request, organisation_id)
    return _page(request, membership, Side.SENDER, filters.status, filters.page)


@router.get(
    f"{BASE}/{{referral_id}}",
    response={200: ReferralOut, **ERRORS},
    summary="Consulter une orientation",
    description="Côté destinataire, seulement ce que l'orientation partage, tant que la "
    "personne y consent. Ne la marque pas comme vue (voir `POST …/seen`).",
)
def detail(request: HttpRequest, organisation_id: OrganisationId, referral_id: Id):
    _, referral, side = _referral_for(request, organisation_id, referral_id)
    return _detail(request, referral, side)


# --- Sender side ---------------------------------------------------------------------------------


@router.post(
    BASE,
    response={201: ReferralOut, **ERRORS},
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
            reason=payload.reason,
            request=payload.request,
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
            "attachments": "attachment_ids",
        }.get(error.field or "", error.field)
        raise
    journal.record_request(
        request, JournalAction.CREATE, referral, summary="API", also_covers=[person]
    )
    fresh = Referral.objects.with_parties().get(pk=referral.pk)
    return Status(201, _detail(request, fresh, Side.SENDER, referral.redundancies))


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
    return _detail(request, fresh, side)


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
        lambda r: referrals.referral_record_answer(
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
        lambda r: referrals.referral_mark_seen(referral=r, **_who(request)),
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
        lambda r: referrals.referral_accept(
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
        lambda r: referrals.referral_refuse(
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
        lambda r: referrals.referral_start(
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
        lambda r: referrals.referral_complete(
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
        lambda r: referrals.referral_set_first_appointment(
            referral=r,
            **_who(request),
            expected_version=payload.version,
            first_appointment_on=payload.first_appointment_on,
        ),
    )
