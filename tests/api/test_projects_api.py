"""API of collective projects and workshops: projects, tasks (cycles refused, critical path),
sessions, enrolment, attendance with optimistic locking; roles and organisations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.models import AccessLogEntry
from relais.projects.models import Enrolment, Project
from tests.api.test_people_api import patch, put
from tests.factories import MembershipFactory, PathwayFactory, PersonFactory
from tests.factories.projects import (
    EnrolmentFactory,
    ProjectFactory,
    SessionFactory,
    TaskFactory,
    WorkshopFactory,
    depends,
)

pytestmark = pytest.mark.django_db


def base(organisation) -> str:
    return f"/api/v1/organisations/{organisation.pk}"


def test_create_read_and_patch_project(referent_api, organisation):
    response = referent_api.post(
        f"{base(organisation)}/projects",
        {"title": "Jardin", "purpose": "Lien social"},
        headers={"Idempotency-Key": "cle-1"},
    )
    assert response.status_code == 201
    again = referent_api.post(
        f"{base(organisation)}/projects",
        {"title": "Jardin", "purpose": "Lien social"},
        headers={"Idempotency-Key": "cle-1"},
    )
    assert again.json()["id"] == response.json()["id"]
    assert Project.objects.count() == 1
    url = f"{base(organisation)}/projects/{response.json()['id']}"
    assert referent_api.get(url).json()["budget"]["balanced"] is True
    updated = patch(
        referent_api, url, {"version": 1, "title": "Jardin partagé", "status": "running"}
    )
    assert updated.status_code == 200
    assert updated.json()["status"] == "running"
    assert patch(referent_api, url, {"version": 1, "title": "Vieux"}).status_code == 409


def test_bad_project_input(referent_api, organisation):
    response = referent_api.post(
        f"{base(organisation)}/projects",
        {"title": "X", "purpose": "Y", "starts_on": "2027-05-01", "ends_on": "2027-04-01"},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "ends_on"
    assert referent_api.post(f"{base(organisation)}/projects", {"title": "X"}).status_code == 422


def test_staff_reads_but_cannot_create(api_client_for, staff_member, organisation):
    api = api_client_for(staff_member)
    assert api.get(f"{base(organisation)}/projects").status_code == 200
    assert (
        api.post(f"{base(organisation)}/projects", {"title": "X", "purpose": "Y"}).status_code
        == 403
    )


def test_other_organisation_gets_404(api_client_for, organisation):
    project = ProjectFactory(organisation=organisation)
    outsider = MembershipFactory(role="manager").user
    api = api_client_for(outsider)
    assert api.get(f"{base(organisation)}/projects/{project.pk}").status_code == 404
    assert (
        api.get(
            f"/api/v1/organisations/{outsider.memberships.first().organisation_id}/projects/{project.pk}"
        ).status_code
        == 404
    )


def test_tasks_dependencies_and_cycle(referent_api, organisation):
    project = ProjectFactory(organisation=organisation)
    url = f"{base(organisation)}/projects/{project.pk}"
    d = dt.date(2027, 3, 1)
    first = referent_api.post(
        f"{url}/tasks",
        {
            "title": "Recruter",
            "starts_on": d.isoformat(),
            "ends_on": (d + dt.timedelta(days=4)).isoformat(),
        },
    ).json()[0]
    plan = referent_api.post(
        f"{url}/tasks",
        {
            "title": "Animer",
            "starts_on": (d + dt.timedelta(days=5)).isoformat(),
            "ends_on": (d + dt.timedelta(days=9)).isoformat(),
            "after_ids": [first["id"]],
        },
    ).json()
    second = next(t for t in plan if t["title"] == "Animer")
    assert second["predecessor_ids"] == [first["id"]] and second["critical"]
    cycle = referent_api.post(
        f"{url}/dependencies", {"predecessor_id": second["id"], "successor_id": first["id"]}
    )
    assert cycle.status_code == 400
    assert "boucle" in cycle.json()["detail"]
    bad = referent_api.post(
        f"{url}/tasks", {"title": "X", "starts_on": "2027-03-05", "ends_on": "2027-03-01"}
    )
    assert bad.status_code == 400 and bad.json()["field"] == "ends_on"
    shifted = referent_api.post(f"{url}/tasks/{first['id']}/shift", {"days": 3}).json()
    assert {t["title"]: t["starts_on"] for t in shifted} == {
        "Recruter": "2027-03-04",
        "Animer": "2027-03-09",
    }


def test_sessions_enrolment_and_attendance(referent_api, manager_api, organisation, referent):
    workshop = WorkshopFactory(organisation=organisation)
    start = timezone.now() + dt.timedelta(days=5)
    created = referent_api.post(
        f"{base(organisation)}/workshops/{workshop.pk}/sessions",
        {
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
            "place": "Salle",
            "facilitator_id": referent.pk,
            "capacity": 2,
        },
    )
    assert created.status_code == 201
    persons = []
    for _ in range(3):
        p = PersonFactory(organisation=organisation, referent=referent)
        PathwayFactory(person=p)
        persons.append(p)
    full = referent_api.post(
        f"{base(organisation)}/workshops/{workshop.pk}/enrolments",
        {"person_ids": [p.pk for p in persons], "consent_confirmed": True},
    )
    assert full.status_code == 400 and "complète" in full.json()["detail"]
    ok = referent_api.post(
        f"{base(organisation)}/workshops/{workshop.pk}/enrolments",
        {"person_ids": [p.pk for p in persons[:2]], "consent_confirmed": True},
    )
    assert ok.status_code == 201 and all(row["step_id"] for row in ok.json())
    twice = referent_api.post(
        f"{base(organisation)}/workshops/{workshop.pk}/enrolments",
        {"person_ids": [persons[0].pk], "consent_confirmed": True},
    )
    assert twice.status_code == 400 and "déjà inscrit" in twice.json()["detail"]
    day = timezone.localdate() + dt.timedelta(days=5)
    listed = referent_api.get(
        f"{base(organisation)}/sessions?start={day.isoformat()}&end={(day + dt.timedelta(days=1)).isoformat()}"
    )
    assert [s["enrolled"] for s in listed.json()] == [2]


def test_attendance_two_facilitators_at_once(referent_api, manager_api, organisation, referent):
    session = SessionFactory(workshop__organisation=organisation, past=True, facilitator=referent)
    a, b = EnrolmentFactory.create_batch(2, workshop=session.workshop)
    url = f"{base(organisation)}/sessions/{session.pk}/attendance"
    rows = [{"enrolment_id": a.pk, "status": "present"}, {"enrolment_id": b.pk, "status": "absent"}]
    assert put(referent_api, url, {"version": 1, "rows": rows}).status_code == 200
    assert put(manager_api, url, {"version": 1, "rows": rows}).status_code == 409
    read = referent_api.get(url).json()
    assert read["version"] == 2 and len(read["rows"]) == 2
    assert AccessLogEntry.objects.filter(target_type="projects.attendance", action="list").exists()
    assert Enrolment.objects.count() == 2


def test_attendance_refused_to_staff(api_client_for, staff_member, organisation):
    session = SessionFactory(workshop__organisation=organisation, past=True)
    assert (
        api_client_for(staff_member)
        .get(f"{base(organisation)}/sessions/{session.pk}/attendance")
        .status_code
        == 403
    )


def test_critical_path_in_task_list(referent_api, organisation):
    project = ProjectFactory(organisation=organisation)
    a = TaskFactory(project=project)
    b = TaskFactory(
        project=project,
        starts_on=a.ends_on + dt.timedelta(days=1),
        ends_on=a.ends_on + dt.timedelta(days=3),
    )
    depends(a, b)
    tasks = referent_api.get(f"{base(organisation)}/projects/{project.pk}/tasks").json()
    assert all(t["critical"] for t in tasks)
