"""Partner meeting pages: create with actions (every error at once, input kept), a partner
reads it and closes its action, the actions list, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.network.coordination import meetings
from relais.network.coordination.meeting_models import MeetingAction, PartnerMeeting
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(organisation, manager):
    other = OrganisationFactory(name="Mission locale du Val")
    PartnershipFactory(source=organisation, target=other, declared_by=manager)
    return other


def form_data(**changes):
    data = {
        "title": "Comité PLIE",
        "held_on": timezone.localdate().isoformat(),
        "action-TOTAL_FORMS": "3",
        "action-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_create_with_action(referent_client, referent, partner):
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = referent_client.post(
        reverse("meetings:create"),
        form_data(
            **{
                "partners": [partner.pk],
                "action-0-text": "Diffuser l'agenda",
                "action-0-owner": referent.pk,
                "action-0-due_on": due,
            }
        ),
    )
    assert response.status_code == 302
    meeting = PartnerMeeting.objects.get()
    assert meeting.actions.get().text == "Diffuser l'agenda"
    text = page_text(referent_client.get(reverse("meetings:detail", args=[meeting.pk])))
    assert "Mission locale du Val" in text and "Diffuser l'agenda" in text


def test_every_error_at_once(referent_client):
    response = referent_client.post(
        reverse("meetings:create"),
        form_data(
            title="",
            held_on="",
            **{
                "action-0-text": "Sans porteur",
                "action-1-text": "Autre",
                "action-1-owner_name": "Mme R.",
            },
        ),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "held_on"}
    forms = response.context["formset"].forms
    assert set(forms[0].errors) == {"owner", "due_on"}
    assert set(forms[1].errors) == {"due_on"}
    assert 'value="Sans porteur"' in response.content.decode()


def test_partner_reads_and_closes_own_action(client, organisation, referent, partner):
    partner_user = MembershipFactory(organisation=partner, role="referent").user
    meeting = meetings.partner_meeting_create(
        organisation=organisation,
        actor=referent,
        title="Comité",
        held_on=timezone.localdate(),
        partners=[partner],
        actions=[
            meetings.ActionInput(
                text="Envoyer les chiffres", due_on=timezone.localdate(), owner=partner_user
            )
        ],
    )
    action = meeting.actions.get()
    login_verified(client, partner_user)
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:update", args=[meeting.pk])).status_code == 404
    assert "Envoyer les chiffres" in page_text(client.get(reverse("meetings:actions")))
    client.post(
        reverse("meetings:action_close", args=[action.pk]), {"status": "done", "next": "actions"}
    )
    action.refresh_from_db()
    assert action.status == "done"


def test_other_organisation_sees_nothing(client, organisation, referent):
    meeting = meetings.partner_meeting_create(
        organisation=organisation, actor=referent, title="Interne", held_on=timezone.localdate()
    )
    login_verified(client, MembershipFactory().user)
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404


def test_pages_constant_queries(referent_client, organisation, referent, partner):
    def make(n):
        for i in range(n):
            meetings.partner_meeting_create(
                organisation=organisation,
                actor=referent,
                title=f"R{i}",
                held_on=timezone.localdate(),
                partners=[partner],
                attendees=[referent],
                actions=[
                    meetings.ActionInput(text=f"A{i}", due_on=timezone.localdate(), owner=referent)
                ]
                * 2,
            )

    make(1)
    first = PartnerMeeting.objects.get()
    urls = [
        reverse("meetings:list"),
        reverse("meetings:actions"),
        reverse("meetings:detail", args=[first.pk]),
    ]
    for url in urls:
        referent_client.get(url)
    few = [count_queries(lambda u=url: referent_client.get(u)) for url in urls]
    make(6)
    meetings.partner_meeting_update(
        meeting=first,
        actor=referent,
        expected_version=1,
        title="R0",
        held_on=first.held_on,
        partners=[partner],
        attendees=[referent],
        new_actions=[meetings.ActionInput(text="Plus", due_on=timezone.localdate(), owner=referent)]
        * 5,
    )
    assert MeetingAction.objects.count() == 19
    assert [count_queries(lambda u=url: referent_client.get(u)) for url in urls] == few
