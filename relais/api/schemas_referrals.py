"""Referral schemas of the API, and how a referral is shown to each side (what the receiving
side may read of the person, while the person's consent stands)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.paginator import Paginator
from django.http import HttpRequest
from pydantic import Field

from relais.accounts.models import Membership
from relais.api.access import person_for
from relais.api.schemas_base import MAX_ID, InputSchema, OutputSchema, _doc, _values
from relais.core import journal
from relais.core.models import JournalAction
from relais.diagnostics.domains import Domain
from relais.network.coordination.models import SharedCategory
from relais.network.referrals import selectors as referral_selectors
from relais.network.referrals import workflow
from relais.network.referrals.models import (
    Referral,
    ReferralStatus,
    ReferralTransition,
    RefusalReason,
)
from relais.network.referrals.policies import Side
from relais.people.models import Document
from relais.people.policies import Capability

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
    goal_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Objectif en cours du parcours que sert l'orientation."
    )
    step_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description=(
            "Étape prévue (ou en attente) du parcours que réalise l'orientation : elle est "
            "utilisée au lieu d'en ajouter une seconde."
        ),
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


class ListFilters(InputSchema):
    status: list[StatusValue] = Field(default_factory=list, description="Filtrer par statut(s).")
    page: int = Field(1, ge=1, le=100000)


# --- Output --------------------------------------------------------------------------------------


def ref(obj, name: str | None = None) -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": name or str(obj)}


def summary(referral: Referral, side: Side, person=None) -> dict:
    return {
        "id": referral.pk,
        "status": referral.status,
        "status_label": referral.get_status_display(),
        "service": ref(referral.service, referral.service.name),
        "sender_organisation": ref(referral.sender_organisation, referral.sender_organisation.name),
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


def seconds(value: dt.timedelta | None) -> int | None:
    return int(value.total_seconds()) if value is not None else None


def detail(request: HttpRequest, referral: Referral, side: Side, redundancies=()) -> dict:
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
        **summary(referral, side, person),
        "side": str(side),
        "consent_in_force": readable,
        "sender": ref(referral.sender, referral.sender.get_full_name() or referral.sender.email),
        "reason": referral.reason if readable else None,
        "request": referral.asked_for if readable else None,
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
            "to_seen_seconds": seconds(delays.to_seen),
            "to_answer_seconds": seconds(delays.to_answer),
            "to_first_appointment_days": first.days if first is not None else None,
        },
        "allowed_moves": allowed_moves(referral, side),
        "transitions": [
            {
                "from_status": t.from_status,
                "to_status": t.to_status,
                "to_status_label": t.get_to_status_display(),
                "at": t.at,
                "actor": ref(
                    t.actor, (t.actor.get_full_name() or t.actor.email) if t.actor else None
                ),
                "actor_organisation": ref(
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


def allowed_moves(referral: Referral, side: Side) -> list[str]:
    if referral.receiver_organisation.is_external:
        if side != Side.SENDER:
            return []
        return sorted(
            set(workflow.allowed_moves(referral.status, Side.SENDER))
            | set(workflow.allowed_moves(referral.status, Side.RECEIVER))
        )
    return workflow.allowed_moves(referral.status, side)


def page(request: HttpRequest, membership: Membership, side: Side, status, page: int) -> dict:
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
        "results": [summary(r, side, names.get(r.pk)) for r in rows],
    }
