"""The « Coordination » page: the tools not about one record, by role; the count of the
user's open actions; constant queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.network.coordination import meetings
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


def test_by_role(client, referent, manager, staff_member):
    login_verified(client, staff_member)
    text = page_text(client.get(reverse("tools:home")))
    assert "Informations collectives" in text and "Analyse de pratique" not in text
    assert "Incidents à suivre" not in text
    login_verified(client, manager)
    text = page_text(client.get(reverse("tools:home")))
    assert "Analyse de pratique" in text and "Incidents à suivre" in text


def test_open_actions_counted(referent_client, organisation, referent, manager):
    url = reverse("tools:home")
    referent_client.get(url)
    few = count_queries(lambda: referent_client.get(url))
    for _ in range(3):
        meetings.partner_meeting_create(
            organisation=organisation,
            actor=manager,
            title="Comité",
            held_on=timezone.localdate(),
            actions=[meetings.ActionInput(text="A", due_on=timezone.localdate(), owner=referent)],
        )
    assert "3 actions à faire" in page_text(referent_client.get(url))
    assert count_queries(lambda: referent_client.get(url)) == few
