"""The person's space, seen from the professional side (API): who has access and when it
was last used, what is waiting, and document requests. Opening and closing a space stay on
the person's page (a paper code is shown once, to print). Same policy as the pages: the
organisation that holds the record, roles that accompany."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from relais.api.access import person_for
from relais.api.idempotency import IDEMPOTENCY_DOC, idempotent
from relais.api.routers.people import ERRORS, WRITE_ERRORS, Id, OrganisationId
from relais.api.schemas_base import InputSchema
from relais.core import journal
from relais.core.errors import PermissionDenied
from relais.people.policies import Capability
from relais.person_space import services
from relais.person_space.models import DocumentRequest, Message, RequestStatus, SpaceAccess
from relais.person_space.policies import can_manage_space

router = Router(tags=["Espace personnel"])


class SpaceOut(Schema):
    open: bool = Field(description="Un accès est ouvert.")
    channel: str = Field("", description="email, sms ou paper.")
    opened_at: dt.datetime | None = None
    last_used_at: dt.datetime | None = Field(None, description="Dernière utilisation.")
    locked: bool = Field(False, description="Bloqué après 10 codes erronés.")
    open_requests: int = Field(description="Documents demandés, pas encore reçus.")
    unread_messages: int = Field(description="Messages de la personne non lus.")


class DocumentRequestIn(InputSchema):
    title: str = Field(max_length=200, description="Document demandé.")
    kind: str = Field(max_length=15, description="Type de document (code).")
    due_on: dt.date = Field(description="À déposer avant le.")


class DocumentRequestOut(Schema):
    id: int
    title: str
    kind: str
    due_on: dt.date
    status: str
    status_label: str


def _managed(request: HttpRequest, organisation_id: int, person_id: int):
    membership, person = person_for(request, organisation_id, person_id, Capability.ACCOMPANIMENT)
    if not can_manage_space(membership, person):
        raise PermissionDenied("Seule la structure qui détient le dossier gère l'espace personnel.")
    return membership, person


@router.get(
    "/organisations/{organisation_id}/persons/{person_id}/space",
    response={200: SpaceOut, **ERRORS},
    summary="Espace personnel d'une personne",
)
def space_detail(request: HttpRequest, organisation_id: OrganisationId, person_id: Id):
    membership, person = _managed(request, organisation_id, person_id)
    access = SpaceAccess.objects.active().filter(person=person).first()
    journal.record_request(
        request,
        "view",
        person,
        summary="API : espace personnel",
        organisation=membership.organisation,
    )
    return {
        "open": access is not None,
        "channel": access.channel if access else "",
        "opened_at": access.created_at if access else None,
        "last_used_at": access.last_used_at if access else None,
        "locked": bool(access and access.is_locked),
        "open_requests": DocumentRequest.objects.filter(
            person=person, status=RequestStatus.OPEN
        ).count(),
        "unread_messages": Message.objects.filter(
            person=person, author_kind="person", read_at__isnull=True
        ).count(),
    }


@router.post(
    "/organisations/{organisation_id}/persons/{person_id}/space/document-requests",
    response={201: DocumentRequestOut, **WRITE_ERRORS},
    summary="Demander un document à la personne",
    description="La demande apparaît dans son espace, avec sa date limite." + IDEMPOTENCY_DOC,
)
@idempotent
def document_request_create(
    request: HttpRequest, organisation_id: OrganisationId, person_id: Id, payload: DocumentRequestIn
):
    membership, person = _managed(request, organisation_id, person_id)
    created = services.document_request_create(
        person=person, actor=request.user, membership=membership, **payload.model_dump()
    )
    journal.record_request(request, "create", created, summary="API", also_covers=[person])
    return Status(
        201,
        {
            "id": created.pk,
            "title": created.title,
            "kind": created.kind,
            "due_on": created.due_on,
            "status": created.status,
            "status_label": created.get_status_display(),
        },
    )
