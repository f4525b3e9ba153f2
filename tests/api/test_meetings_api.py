"""Partner meeting actions (API): the list (mine / all, open / all) of the meetings the
organisation hosts or takes part in, closing an action (its owner or the host), errors."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.network.coordination import meetings
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(organisation, referent, manager):
    partner = OrganisationFactory()
    PartnershipFactory(source=organisation, target=partner, declared_by=manager)
    advisor = MembershipFactory(organisation=partner, role="referent").user
    meeting = meetings.partner_meeting_create(
        organisation=organisation,
        actor=manager,
        title="Comité",
        held_on=timezone.localdate(),
        partners=[partner],
        actions=[
            meetings.ActionInput(text="A", due_on=timezone.localdate(), owner=advisor),
            meetings.ActionInput(text="B", due_on=timezone.localdate(), owner=referent),
        ],
    )
    return partner, advisor, meeting


def url(organisation, suffix=""):
    return f"/api/v1/organisations/{organisation.pk}/meeting-actions{suffix}"


def test_partner_lists_and_closes_own_action(api_client_for, setting):
    partner, advisor, meeting = setting
    api = api_client_for(advisor)
    body = api.get(url(partner)).json()
    assert [a["text"] for a in body["results"]] == ["A"]
    assert api.get(url(partner) + "?mine=false").json()["count"] == 2
    action_b = meeting.actions.get(text="B")
    response = api.post(url(partner, f"/{action_b.pk}/close"), {"status": "done"})
    assert response.status_code == 403
    action_a = meeting.actions.get(text="A")
    response = api.post(url(partner, f"/{action_a.pk}/close"), {"status": "done", "note": "Fait"})
    assert response.status_code == 200 and response.json()["status"] == "done"
    response = api.post(url(partner, f"/{action_a.pk}/close"), {"status": "done"})
    assert response.status_code == 400


def test_drop_needs_a_note(referent_api, organisation, setting):
    _, _, meeting = setting
    action = meeting.actions.get(text="B")
    response = referent_api.post(url(organisation, f"/{action.pk}/close"), {"status": "dropped"})
    assert response.status_code == 400
    assert "pourquoi" in response.json()["detail"]


def test_other_organisation_gets_404(api_client_for, organisation, setting):
    _, _, meeting = setting
    outsider = MembershipFactory().user
    api = api_client_for(outsider)
    assert api.get(url(organisation)).status_code == 404
    own = outsider.memberships.get().organisation
    action = meeting.actions.first()
    assert api.post(url(own, f"/{action.pk}/close"), {"status": "done"}).status_code == 404


def test_bad_input(referent_api, organisation, setting):
    _, _, meeting = setting
    action = meeting.actions.first()
    assert (
        referent_api.post(url(organisation, f"/{action.pk}/close"), {"status": "x"}).status_code
        == 422
    )
    assert referent_api.get(url(organisation) + "?page=0").status_code == 422


def test_constant_queries(referent_api, organisation, manager, referent, setting):
    referent_api.get(url(organisation) + "?mine=false&open=false")
    few = count_queries(lambda: referent_api.get(url(organisation) + "?mine=false&open=false"))
    for _ in range(5):
        meetings.partner_meeting_create(
            organisation=organisation,
            actor=manager,
            title="R",
            held_on=timezone.localdate(),
            actions=[meetings.ActionInput(text="C", due_on=timezone.localdate(), owner=referent)]
            * 3,
        )
    assert (
        count_queries(lambda: referent_api.get(url(organisation) + "?mine=false&open=false")) == few
    )
