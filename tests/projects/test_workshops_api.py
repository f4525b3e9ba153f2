"""API of workshop designs (sequences) and the changes to their sessions and enrolments:
list, create (once per Idempotency-Key), read, patch with a version; session patch and
cancel; enrolments listed (journaled) and withdrawn; roles and organisations."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from relais.accounts import services as account_services
from relais.core.models import AccessLogEntry
from relais.pathways.models import Step, StepStatus
from relais.projects import workshops
from relais.projects.models import Enrolment, Session, Workshop
from tests.api.conftest import ApiClient
from tests.factories import MembershipFactory, OrganisationFactory, PathwayFactory, PersonFactory
from tests.factories.projects import ProjectFactory, SessionFactory, WorkshopFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db
JSON = "application/json"


def api(user) -> ApiClient:
    _token, raw = account_services.api_token_create(user=user, name="Tests")
    return ApiClient(raw)


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type=JSON)


def base(organisation) -> str:
    return f"/api/v1/organisations/{organisation.pk}"


DESIGN = {
    "title": "Préparer un entretien",
    "objectives": "Se présenter en trois minutes.",
    "duration_hours": "6",
    "methods": "Mises en situation",
}


def test_create_once_read_list_and_patch(referent, manager, organisation):
    client = api(referent)
    project = ProjectFactory(organisation=organisation)
    headers = {"Idempotency-Key": "atelier-0001-abcdef"}
    created = client.post(
        f"{base(organisation)}/workshops",
        {**DESIGN, "project_id": project.pk, "required_abilities": []},
        headers=headers,
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["title"], body["project_id"], body["version"], body["sessions"]) == (
        "Préparer un entretien",
        project.pk,
        1,
        [],
    )
    again = client.post(f"{base(organisation)}/workshops", DESIGN, headers=headers)
    assert again.status_code == 409 and f"n° {body['id']}" in again.json()["detail"]
    assert Workshop.objects.count() == 1

    url = f"{base(organisation)}/workshops/{body['id']}"
    SessionFactory(workshop=Workshop.objects.get(pk=body["id"]), facilitator=referent)
    listed = api(manager).get(f"{base(organisation)}/workshops").json()
    assert [w["id"] for w in listed] == [body["id"]] and listed[0]["session_count"] == 1
    detail = client.get(url).json()
    assert len(detail["sessions"]) == 1 and detail["sessions"][0]["cancelled"] is False

    updated = patch(client, url, {"version": 1, "methods": "Jeux de rôle", "required_level": 3})
    assert updated.status_code == 200, updated.json()
    assert (updated.json()["methods"], updated.json()["required_level"]) == ("Jeux de rôle", 3)
    assert updated.json()["version"] == 3  # the design, then the abilities
    stale = patch(api(manager), url, {"version": 1, "title": "Autre"})
    assert stale.status_code == 409
    assert Workshop.objects.get().title == "Préparer un entretien"


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({**DESIGN, "duration_hours": "0"}, 400, "duration_hours"),
        ({**DESIGN, "duration_hours": "beaucoup"}, 422, None),
        ({**DESIGN, "title": ""}, 400, "title"),
        ({**DESIGN, "title": "x" * 201}, 400, "title"),
        ({**DESIGN, "required_abilities": ["voler"]}, 400, "required_abilities"),
        ({**DESIGN, "project_id": 999999}, 400, "project_id"),
        ({**DESIGN, "inconnu": 1}, 422, None),
        ({"title": "Sans objectifs"}, 422, None),
    ],
)
def test_create_bad_input(referent, organisation, payload, status, field):
    response = api(referent).post(f"{base(organisation)}/workshops", payload)
    assert response.status_code == status, response.json()
    if field:
        assert response.json()["field"] == field
    assert not Workshop.objects.exists()


def test_roles_and_organisations(referent, staff_member, organisation):
    workshop = WorkshopFactory(organisation=organisation)
    url = f"{base(organisation)}/workshops/{workshop.pk}"
    staff = api(staff_member)
    assert staff.get(url).status_code == 200  # every member reads the design
    assert staff.post(f"{base(organisation)}/workshops", DESIGN).status_code == 403
    assert patch(staff, url, {"version": 1, "title": "Non"}).status_code == 403
    outsider = api(MembershipFactory(organisation=OrganisationFactory(), role="manager").user)
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"{base(organisation)}/workshops").status_code == 404
    # Another organisation's workshop through one's own organisation: 404 too.
    mine = OrganisationFactory()
    MembershipFactory(organisation=mine, user=referent, role="referent")
    assert api(referent).get(f"{base(mine)}/workshops/{workshop.pk}").status_code == 404
    assert Workshop.objects.get().version == 1


def test_session_patch_capacity_and_cancel(referent, organisation):
    workshop = WorkshopFactory(organisation=organisation)
    session = SessionFactory(workshop=workshop, facilitator=referent, capacity=10)
    persons = []
    for _ in range(3):
        person = PersonFactory(organisation=organisation, referent=referent)
        PathwayFactory(person=person, referent=referent)
        persons.append(person)
    enrolments = workshops.enrol(
        workshop=workshop, actor=referent, persons=persons, consent_confirmed=True
    )
    client = api(referent)
    url = f"{base(organisation)}/sessions/{session.pk}"
    too_small = patch(client, url, {"version": 1, "capacity": 2})
    assert too_small.status_code == 400 and too_small.json()["field"] == "capacity"
    assert "3 personnes sont déjà inscrites" in too_small.json()["detail"]
    later = session.starts_at + dt.timedelta(days=2)
    moved = patch(
        client,
        url,
        {"version": 1, "starts_at": later.isoformat(), "ends_at": later.isoformat()},
    )
    assert moved.status_code == 400 and moved.json()["field"] == "ends_at"
    moved = patch(
        client,
        url,
        {
            "version": 1,
            "starts_at": later.isoformat(),
            "ends_at": (later + dt.timedelta(hours=2)).isoformat(),
            "place": "Salle 3",
        },
    )
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["place"], moved.json()["enrolled"], moved.json()["version"]) == (
        "Salle 3",
        3,
        2,
    )
    assert patch(client, url, {"version": 1, "place": "Vieux"}).status_code == 409

    cancel = f"{url}/cancel"
    assert client.post(cancel, {"version": 2, "reason": ""}).status_code == 400
    assert client.post(cancel, {"version": 1, "reason": "Grève"}).status_code == 409
    done = client.post(cancel, {"version": 2, "reason": "Grève"})
    assert done.status_code == 200
    assert done.json()["cancelled"] is True and done.json()["cancellation_reason"] == "Grève"
    assert Step.objects.get(pk=enrolments[0].step_id).status == StepStatus.CANCELLED
    assert client.post(cancel, {"version": 3, "reason": "Encore"}).status_code == 400
    assert patch(client, url, {"version": 3, "place": "Y"}).status_code == 400
    listed = client.get(f"{base(organisation)}/workshops/{workshop.pk}/sessions").json()
    assert listed[0]["cancelled"] is True
    read = client.get(url).json()
    assert (read["cancelled"], read["cancellation_reason"], read["enrolled"]) == (True, "Grève", 3)
    outsider = api(MembershipFactory(organisation=OrganisationFactory(), role="manager").user)
    assert outsider.get(url).status_code == 404


def test_session_reinstated(referent, staff_member, organisation):
    workshop = WorkshopFactory(organisation=organisation)
    session = SessionFactory(workshop=workshop, facilitator=referent, capacity=10)
    client = api(referent)
    url = f"{base(organisation)}/sessions/{session.pk}"
    assert client.post(f"{url}/reinstate", {"version": 1}).status_code == 400  # not cancelled
    assert client.post(f"{url}/cancel", {"version": 1, "reason": "Grève"}).status_code == 200
    assert api(staff_member).post(f"{url}/reinstate", {"version": 2}).status_code == 403
    outsider = api(MembershipFactory(organisation=OrganisationFactory(), role="manager").user)
    assert outsider.post(f"{url}/reinstate", {"version": 2}).status_code == 404
    assert client.post(f"{url}/reinstate", {"version": 1}).status_code == 409
    assert client.post(f"{url}/reinstate", {}).status_code == 422
    back = client.post(f"{url}/reinstate", {"version": 2})
    assert back.status_code == 200, back.json()
    assert (back.json()["cancelled"], back.json()["cancellation_reason"]) == (False, "")
    assert back.json()["version"] == 3
    assert not Session.objects.get(pk=session.pk).is_cancelled


def test_session_changes_refused_to_staff_and_outsiders(referent, staff_member, organisation):
    session = SessionFactory(workshop__organisation=organisation, facilitator=referent)
    url = f"{base(organisation)}/sessions/{session.pk}"
    assert patch(api(staff_member), url, {"version": 1, "place": "X"}).status_code == 403
    staff_cancel = api(staff_member).post(f"{url}/cancel", {"version": 1, "reason": "x"})
    assert staff_cancel.status_code == 403
    outsider = api(MembershipFactory(organisation=OrganisationFactory(), role="manager").user)
    assert patch(outsider, url, {"version": 1, "place": "X"}).status_code == 404
    assert outsider.post(f"{url}/cancel", {"version": 1, "reason": "x"}).status_code == 404
    assert not Session.objects.get().is_cancelled


def test_enrolments_listed_and_withdrawn(referent, staff_member, organisation):
    workshop = WorkshopFactory(organisation=organisation)
    SessionFactory(workshop=workshop, facilitator=referent)
    person = PersonFactory(organisation=organisation, referent=referent)
    PathwayFactory(person=person, referent=referent)
    (enrolment,) = workshops.enrol(
        workshop=workshop, actor=referent, persons=[person], consent_confirmed=True
    )
    client = api(referent)
    url = f"{base(organisation)}/workshops/{workshop.pk}/enrolments"
    rows = client.get(url).json()
    assert [(r["person_id"], r["withdrawn"]) for r in rows] == [(person.pk, False)]
    assert AccessLogEntry.objects.filter(action="list", target_type="projects.enrolment").exists()
    assert api(staff_member).get(url).status_code == 403
    withdraw = f"{url}/{enrolment.pk}/withdraw"
    assert api(staff_member).post(withdraw, {"reason": "x"}).status_code == 403
    assert client.post(withdraw, {"reason": ""}).status_code == 400
    done = client.post(withdraw, {"reason": "Déménagement"})
    assert done.status_code == 200, done.json()
    assert done.json()["withdrawn"] is True and done.json()["withdrawal_reason"] == "Déménagement"
    assert Step.objects.get(pk=enrolment.step_id).status == StepStatus.ABANDONED
    assert client.post(withdraw, {"reason": "Encore"}).status_code == 400
    assert client.get(url).json()[0]["withdrawn"] is True
    assert client.post(f"{url}/999999/withdraw", {"reason": "x"}).status_code == 404
    outsider = api(MembershipFactory(organisation=OrganisationFactory(), role="manager").user)
    assert outsider.post(withdraw, {"reason": "x"}).status_code == 404
    assert Enrolment.objects.get().withdrawal_reason == "Déménagement"


def test_workshop_list_and_detail_query_counts(referent, organisation):
    def batch(n):
        for _ in range(n):
            workshop = WorkshopFactory(organisation=organisation)
            SessionFactory.create_batch(2, workshop=workshop, facilitator=referent)
        return workshop

    workshop = batch(2)
    client = api(referent)
    list_url = f"{base(organisation)}/workshops"
    detail_url = f"{list_url}/{workshop.pk}"
    client.get(list_url)  # the token's first use writes its last-used date
    few = count_queries(lambda: client.get(list_url))
    few_detail = count_queries(lambda: client.get(detail_url))
    batch(12)
    SessionFactory.create_batch(10, workshop=workshop, facilitator=referent)
    assert len(client.get(list_url).json()) == 14
    assert count_queries(lambda: client.get(list_url)) == few
    assert count_queries(lambda: client.get(detail_url)) == few_detail
