"""Partner meetings' actions (API): the actions of the meetings the caller's organisation
hosts or takes part in, and following one to « faite » or « abandonnée ». No personal
data (a partner meeting is about no one person). The same rules as the pages
(`relais.network.coordination.meetings`): only the action's owner or the host's
référents and managers follow an action."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Query, Router
from pydantic import Field

from relais.api.access import acting_membership
from relais.api.routers.people import ERRORS, Id, OrganisationId
from relais.api.schemas_base import InputSchema, OutputSchema, _text
from relais.network.coordination import meetings
from relais.network.coordination.meeting_models import MeetingAction

router = Router(tags=["Réunions partenariales"])

BASE = "/organisations/{organisation_id}/meeting-actions"
PAGE_SIZE = 50


class ActionOut(OutputSchema):
    id: int
    meeting_id: int
    meeting_title: str
    host_organisation_id: int
    text: str
    owner_id: int | None
    owner_name: str
    due_on: dt.date
    status: str
    overdue: bool
    closed_at: dt.datetime | None
    closing_note: str


class ActionPageOut(OutputSchema):
    count: int
    page: int
    pages: int
    results: list[ActionOut]


class ActionFilters(InputSchema):
    mine: bool = Field(True, description="Seulement les actions dont vous êtes porteur.")
    open: bool = Field(True, description="Seulement les actions à faire.")
    page: int = Field(1, ge=1, le=100000)


class CloseIn(InputSchema):
    status: Literal["done", "dropped"] = Field(
        description="`done` : faite ; `dropped` : abandonnée (un commentaire est alors requis)."
    )
    note: str = _text("Commentaire.", 300, default="")


def action_out(action: MeetingAction) -> dict:
    return {
        "id": action.pk,
        "meeting_id": action.meeting_id,
        "meeting_title": action.meeting.title,
        "host_organisation_id": action.meeting.organisation_id,
        "text": action.text,
        "owner_id": action.owner_id,
        "owner_name": action.owner_label,
        "due_on": action.due_on,
        "status": action.status,
        "overdue": action.overdue,
        "closed_at": action.closed_at,
        "closing_note": action.closing_note,
    }


@router.get(
    BASE,
    response={200: ActionPageOut, **ERRORS},
    summary="Actions des réunions partenariales",
    description="Les actions des réunions que la structure organise ou auxquelles elle "
    "participe, par échéance, par 50.",
)
def action_list(
    request: HttpRequest, organisation_id: OrganisationId, filters: Query[ActionFilters]
):
    membership = acting_membership(request, organisation_id)
    queryset = meetings.actions_list(membership, mine=filters.mine, open_only=filters.open)
    paginator = Paginator(queryset, PAGE_SIZE)
    current = paginator.get_page(filters.page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [action_out(a) for a in current.object_list],
    }


@router.post(
    f"{BASE}/{{action_id}}/close",
    response={200: ActionOut, **ERRORS},
    summary="Suivre une action (faite ou abandonnée)",
    description="Par son porteur, ou par un référent ou responsable de la structure qui "
    "organise la réunion ; une action n'est suivie qu'une fois.",
)
def action_close(
    request: HttpRequest, organisation_id: OrganisationId, action_id: Id, data: CloseIn
):
    membership = acting_membership(request, organisation_id)
    action = (
        MeetingAction.objects.filter(
            pk=action_id, meeting__in=meetings.visible_meetings(membership).values("pk")
        )
        .select_related("meeting", "owner")
        .first()
    )
    if action is None:
        raise Http404
    closed = meetings.meeting_action_close(
        action=action, actor=request.user, membership=membership, status=data.status, note=data.note
    )
    closed.meeting = action.meeting
    return action_out(closed)
