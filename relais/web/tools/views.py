"""The « Coordination » page: the accompaniment and network tools that are not about one
person's record (information collective, partner meetings and their actions, practice
analysis, the reflective journal, managers' open incidents), one entry in the menu."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from relais.accounts.policies import can_manage_members
from relais.network.coordination import meetings
from relais.network.coordination.meeting_models import MeetingActionStatus
from relais.pathways import practice
from relais.web.organisations.views import organisation_required


@organisation_required
def tools(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    my_open_actions = (
        meetings.actions_list(membership, mine=True, open_only=True)
        .filter(status=MeetingActionStatus.OPEN)
        .count()
    )
    return render(
        request,
        "tools/tools.html",
        {
            "my_open_actions": my_open_actions,
            "practice": practice.takes_part(membership),
            "manager": can_manage_members(request.user, request.organisation),
        },
    )
