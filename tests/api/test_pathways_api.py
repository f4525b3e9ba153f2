"""API pathways, goals, steps (workflow), reviews and exit: reserved to référents and
managers, journaled, optimistic locking, closed pathways read-only, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.accounts.models import Role
from relais.core.models import JournalAction
from relais.pathways.models import Goal, Pathway, Review, Step
from tests.api.test_people_api import assert_denied, entries, patch, person_url
from tests.factories import (
    DiagnosticFactory,
    GoalFactory,
    MembershipFactory,
    PathwayFactory,
    PersonFactory,
    StepFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def day(delta: int = 0) -> str:
    return (timezone.localdate() + dt.timedelta(days=delta)).isoformat()


def pathway_url(pathway, suffix: str = "", organisation=None) -> str:
    organisation_id = organisation.pk if organisation else pathway.person.organisation_id
    return f"/api/v1/organisations/{organisation_id}/pathways/{pathway.pk}{suffix}"


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


@pytest.fixture
def pathway(person, referent):
    return PathwayFactory(person=person, referent=referent)


@pytest.fixture
def goal(pathway):
    return GoalFactory(pathway=pathway)


@pytest.fixture
def step(pathway, goal):
    return StepFactory(pathway=pathway, goal=goal)


class TestPermissions:
    @pytest.mark.parametrize(
        ("role", "allowed"), [("referent", True), ("manager", True), ("staff", False)]
    )
    def test_roles(self, api_client_for, organisation, person, pathway, goal, step, role, allowed):
        api = api_client_for(MembershipFactory(organisation=organisation, role=role).user)
        reads = [
            person_url(person, "/pathways"),
            pathway_url(pathway),
            pathway_url(pathway, "/goals"),
            pathway_url(pathway, "/steps"),
            pathway_url(pathway, "/reviews"),
        ]
        for url in reads:
            assert api.get(url).status_code == (200 if allowed else 403), url
        writes = [
            (api.post, person_url(person, "/pathways"), {"scheme": "plie"}, 201),
            (api.post, pathway_url(pathway, "/goals"), {"text": "Trouver un emploi"}, 201),
            (api.post, pathway_url(pathway, "/steps"), {"kind": "workshop", "title": "CV"}, 201),
            (
                lambda url, data: patch(api, url, data),
                pathway_url(pathway, f"/steps/{step.pk}"),
                {"version": step.version, "title": "Auto-école"},
                200,
            ),
        ]
        for send, url, data, success in writes:
            response = send(url, data)
            assert response.status_code == (success if allowed else 403), (url, response.json())
        if not allowed:
            assert Pathway.objects.count() == 1
            assert Goal.objects.count() == 1
            assert Step.objects.get().title == step.title
            assert entries(JournalAction.DENIED).count() == len(reads) + len(writes)

    def test_another_organisation_is_a_404_and_journaled(
        self, api_client_for, organisation, other_organisation, pathway, goal
    ):
        outsider = MembershipFactory(organisation=other_organisation, role=Role.MANAGER).user
        api = api_client_for(outsider)
        response = api.get(pathway_url(pathway, organisation=other_organisation))
        assert response.status_code == 404
        assert_denied(
            pathway.person_id,
            organisation=organisation,
            target_type="pathways.pathway",
            target_id=pathway.pk,
        )
        response = api.post(
            pathway_url(pathway, "/goals", other_organisation), {"text": "Intrusion"}
        )
        assert response.status_code == 404
        response = api.post(
            person_url(pathway.person, "/pathways", other_organisation), {"scheme": "rsa"}
        )
        assert response.status_code == 404
        assert_denied(pathway.person_id, organisation=organisation)
        assert Goal.objects.count() == 1 and Pathway.objects.count() == 1

    def test_goal_of_another_pathway_is_a_404(self, referent_api, pathway, person, referent):
        elsewhere = GoalFactory(pathway=PathwayFactory(person=person, referent=referent))
        response = patch(
            referent_api,
            pathway_url(pathway, f"/goals/{elsewhere.pk}"),
            {"version": elsewhere.version, "text": "Piraté"},
        )
        assert response.status_code == 404
        assert_denied(person.pk, target_type="pathways.goal", target_id=elsewhere.pk)
        elsewhere.refresh_from_db()
        assert elsewhere.text != "Piraté"


class TestPathway:
    def test_create_with_defaults(self, referent_api, person, referent):
        response = referent_api.post(person_url(person, "/pathways"), {"scheme": "rsa"})
        assert response.status_code == 201, response.json()
        data = response.json()
        pathway = Pathway.objects.get()
        assert data["id"] == pathway.pk
        assert data["referent"]["id"] == referent.pk
        assert data["started_on"] == day()
        assert data["review_every_months"] == 3
        assert data["next_review_on"] == pathway.next_review_on.isoformat()
        assert (data["status"], data["contract_state"]) == ("active", "none")
        assert data["goals"] == [] and data["steps"] == [] and data["exit"] is None
        entry = entries(JournalAction.CREATE).get()
        assert (entry.target_type, entry.person_id) == ("pathways.pathway", person.pk)

    def test_staff_member_is_not_a_referent(self, manager_api, person, staff_member):
        response = manager_api.post(
            person_url(person, "/pathways"), {"scheme": "rsa", "referent_id": staff_member.pk}
        )
        assert response.status_code == 400
        assert response.json()["field"] == "referent_id"

    @pytest.mark.parametrize(
        ("payload", "status", "field"),
        [
            ({"scheme": "other"}, 400, "scheme_detail"),
            ({"scheme": "rsa", "review_every_months": 30}, 400, "review_every_months"),
            ({"scheme": "rsa", "started_on": "1900-01-01"}, 400, "started_on"),
            ({"scheme": "loto"}, 422, None),
            ({"scheme": "rsa", "started_on": "2025-02-30"}, 422, None),
            ({"scheme": "rsa", "review_every_months": "souvent"}, 422, None),
            ({}, 422, None),
            ({"scheme": "rsa", "referent": 1}, 422, None),
        ],
    )
    def test_bad_input(self, referent_api, person, payload, status, field):
        response = referent_api.post(person_url(person, "/pathways"), payload)
        assert response.status_code == status
        if field:
            assert response.json()["field"] == field
        assert not Pathway.objects.exists()

    def test_list_and_detail(self, referent_api, person, pathway, goal, step):
        closed = PathwayFactory(person=person, status="closed", next_review_on=None)
        data = referent_api.get(person_url(person, "/pathways")).json()
        assert [p["id"] for p in data] == [pathway.pk, closed.pk]
        detail = referent_api.get(pathway_url(pathway)).json()
        assert detail["goals"][0]["id"] == goal.pk
        assert detail["steps"][0]["goal_id"] == goal.pk
        assert detail["steps"][0]["allowed_statuses"] == [
            "in_progress",
            "done",
            "abandoned",
            "cancelled",
            "on_hold",
        ]
        assert entries(JournalAction.LIST, target_type="pathways.pathway").exists()
        assert entries(JournalAction.VIEW, target_type="pathways.pathway").exists()

    def test_list_query_count_is_constant(self, referent_api, person, referent):
        url = person_url(person, "/pathways")

        def measure() -> int:
            referent_api.get(url)
            return count_queries(lambda: referent_api.get(url))

        first = PathwayFactory(person=person, referent=referent)
        GoalFactory(pathway=first)
        StepFactory(pathway=first)
        few = measure()
        for _ in range(4):
            other = PathwayFactory(person=person, referent=referent)
            GoalFactory.create_batch(3, pathway=other)
            StepFactory.create_batch(3, pathway=other)
        assert measure() == few

    def test_update_and_stale_version(self, referent_api, manager_api, pathway, manager):
        version = pathway.version
        response = patch(
            manager_api, pathway_url(pathway), {"version": version, "review_every_months": 6}
        )
        assert response.status_code == 200, response.json()
        assert response.json()["review_every_months"] == 6
        assert response.json()["scheme"] == "rsa"
        stale = patch(referent_api, pathway_url(pathway), {"version": version, "scheme": "plie"})
        assert stale.status_code == 409
        assert stale.json()["detail"].startswith(f"Modifié entre-temps par {manager}")
        pathway.refresh_from_db()
        assert (pathway.scheme, pathway.review_every_months) == ("rsa", 6)

    def test_exit_then_read_only(self, referent_api, pathway, goal):
        running = StepFactory(pathway=pathway, status="in_progress")
        planned = StepFactory(pathway=pathway)
        payload = {
            "version": pathway.version,
            "exited_on": day(),
            "category": "sustainable_employment",
        }
        response = referent_api.post(pathway_url(pathway, "/exit"), payload)
        assert response.status_code == 400
        assert response.json()["field"] == "confirm_in_progress"
        confirmed = {**payload, "confirm_in_progress": True}
        response = referent_api.post(pathway_url(pathway, "/exit"), confirmed)
        assert response.status_code == 400
        assert response.json()["field"] == f"goal_{goal.pk}"
        response = referent_api.post(
            pathway_url(pathway, "/exit"),
            {**confirmed, "goal_outcomes": {str(goal.pk): "achieved"}},
        )
        assert response.status_code == 200, response.json()
        goal.refresh_from_db()
        assert goal.status == "achieved"
        data = response.json()
        assert data["status"] == "closed"
        assert data["exit"]["category"] == "sustainable_employment"
        assert data["exit"]["is_dynamic"] is True
        assert data["exit"]["family"] == "dynamic"
        for step in (running, planned):
            step.refresh_from_db()
            assert step.status == "cancelled"
        closed = patch(
            referent_api, pathway_url(pathway), {"version": data["version"], "scheme": "plie"}
        )
        assert closed.status_code == 400
        assert "terminé" in closed.json()["detail"]
        response = referent_api.post(pathway_url(pathway, "/goals"), {"text": "Encore un"})
        assert response.status_code == 400
        assert Goal.objects.count() == 1

    @pytest.mark.parametrize(
        "payload",
        [
            {"exited_on": "2020-01-01", "category": "moved"},
            {"version": 1, "exited_on": "2020-01-01", "category": "vacances"},
        ],
    )
    def test_exit_bad_input(self, referent_api, pathway, payload):
        assert referent_api.post(pathway_url(pathway, "/exit"), payload).status_code == 422


class TestGoals:
    def test_create_flags_missing_smart_parts(self, referent_api, pathway):
        response = referent_api.post(
            pathway_url(pathway, "/goals"), {"text": "Reprendre confiance", "domain": "social_life"}
        )
        assert response.status_code == 201, response.json()
        data = response.json()
        assert data["smart_gaps"] == ["indicateur", "cible", "échéance"]
        assert data["domain_label"] == "Vie sociale et isolement"
        assert entries(JournalAction.CREATE).get().target_type == "pathways.goal"

    def test_list(self, referent_api, pathway, goal):
        data = referent_api.get(pathway_url(pathway, "/goals")).json()
        assert [g["id"] for g in data] == [goal.pk]
        assert data[0]["smart_gaps"] == []

    def test_update_and_stale_version(self, referent_api, pathway, goal):
        url = pathway_url(pathway, f"/goals/{goal.pk}")
        response = patch(referent_api, url, {"version": goal.version, "status": "achieved"})
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "achieved"
        assert response.json()["text"] == goal.text
        stale = patch(referent_api, url, {"version": goal.version, "text": "Autre"})
        assert stale.status_code == 409
        goal.refresh_from_db()
        assert goal.text == "Obtenir le permis B"

    @pytest.mark.parametrize(
        ("payload", "status"),
        [
            ({"text": ""}, 400),
            ({"text": "x" * 400}, 400),
            ({"text": "Permis", "deadline": "1999-01-01"}, 400),
            ({"text": "Permis", "domain": "cuisine"}, 422),
            ({"text": 12}, 422),
            ({"deadline": "2030-01-01"}, 422),
        ],
    )
    def test_bad_input(self, referent_api, pathway, payload, status):
        response = referent_api.post(pathway_url(pathway, "/goals"), payload)
        assert response.status_code == status
        assert not Goal.objects.exists()


class TestSteps:
    def test_create_linked_to_a_goal(self, referent_api, pathway, goal):
        response = referent_api.post(
            pathway_url(pathway, "/steps"),
            {
                "kind": "immersion",
                "title": "PMSMP en cuisine",
                "goal_id": goal.pk,
                "owner": "partner",
                "owner_name": "Restaurant solidaire",
                "planned_on": day(10),
            },
        )
        assert response.status_code == 201, response.json()
        data = response.json()
        assert (data["goal_id"], data["status"], data["owner_label"]) == (
            goal.pk,
            "planned",
            "Un autre professionnel",
        )
        assert entries(JournalAction.CREATE).get().target_type == "pathways.step"

    def test_goal_of_another_pathway_is_refused(self, referent_api, pathway, person, referent):
        elsewhere = GoalFactory(pathway=PathwayFactory(person=person, referent=referent))
        response = referent_api.post(
            pathway_url(pathway, "/steps"),
            {"kind": "other", "title": "X", "goal_id": elsewhere.pk},
        )
        assert response.status_code == 400
        assert response.json()["field"] == "goal_id"

    def test_status_follows_the_workflow(self, referent_api, pathway, step):
        url = pathway_url(pathway, f"/steps/{step.pk}")
        response = patch(referent_api, url, {"version": step.version, "status": "done"})
        assert response.status_code == 400
        assert response.json()["field"] == "done_on"
        response = patch(
            referent_api,
            url,
            {"version": step.version, "status": "done", "done_on": day(), "outcome": "Inscrite"},
        )
        assert response.status_code == 200, response.json()
        data = response.json()
        assert (data["status"], data["done_on"], data["outcome"]) == ("done", day(), "Inscrite")
        assert data["allowed_statuses"] == ["in_progress"]
        entry = entries(JournalAction.UPDATE).latest("id")
        assert entry.summary == "API : statut planned → done"
        response = patch(referent_api, url, {"version": data["version"], "status": "cancelled"})
        assert response.status_code == 400
        assert response.json()["field"] == "status"
        assert "ne peut pas passer" in response.json()["detail"]

    def test_refused_status_change_writes_nothing(self, referent_api, pathway, step):
        step.status = "done"
        step.done_on = timezone.localdate()
        step.save()
        response = patch(
            referent_api,
            pathway_url(pathway, f"/steps/{step.pk}"),
            {"version": step.version, "title": "Nouveau titre", "status": "cancelled"},
        )
        assert response.status_code == 400
        step.refresh_from_db()
        assert (step.title, step.status) == ("S'inscrire à l'auto-école sociale", "done")

    def test_edit_fields(self, referent_api, pathway, step):
        response = patch(
            referent_api,
            pathway_url(pathway, f"/steps/{step.pk}"),
            {"version": step.version, "planned_on": None, "goal_id": None},
        )
        assert response.status_code == 200, response.json()
        data = response.json()
        assert (data["planned_on"], data["goal_id"], data["title"]) == (None, None, step.title)

    def test_stale_version(self, referent_api, manager_api, pathway, step):
        url = pathway_url(pathway, f"/steps/{step.pk}")
        first = patch(manager_api, url, {"version": step.version, "status": "in_progress"})
        assert first.status_code == 200
        response = patch(referent_api, url, {"version": step.version, "status": "on_hold"})
        assert response.status_code == 409
        step.refresh_from_db()
        assert step.status == "in_progress"

    def test_overdue_flag(self, referent_api, pathway):
        StepFactory(pathway=pathway, planned_on=timezone.localdate() - dt.timedelta(days=3))
        data = referent_api.get(pathway_url(pathway, "/steps")).json()
        assert data[0]["overdue"] is True

    @pytest.mark.parametrize(
        ("payload", "status"),
        [
            ({"kind": "other", "title": "X", "status": "cancelled"}, 422),
            ({"kind": "fête", "title": "X"}, 422),
            ({"kind": "other", "title": "X", "owner": "partner"}, 400),
            ({"kind": "other", "title": "X", "status": "done", "done_on": day(5)}, 400),
            ({"kind": "other", "title": "X", "goal_id": 2**70}, 422),
        ],
    )
    def test_bad_input(self, referent_api, pathway, payload, status):
        response = referent_api.post(pathway_url(pathway, "/steps"), payload)
        assert response.status_code == status
        assert not Step.objects.exists()


class TestReviews:
    def test_record_a_review(self, referent_api, pathway, goal, person, referent):
        second = GoalFactory(pathway=pathway, text="Ouvrir ses droits CAF")
        diagnostic = DiagnosticFactory(person=person, author=referent)
        response = referent_api.post(
            pathway_url(pathway, "/reviews"),
            {
                "held_on": day(),
                "results": [
                    {
                        "goal_id": goal.pk,
                        "result": "partly",
                        "gap": "Code obtenu, conduite à venir.",
                    },
                    {"goal_id": second.pk, "result": "achieved"},
                ],
                "person_view": "Je suis contente.",
                "diagnostic_id": diagnostic.pk,
            },
        )
        assert response.status_code == 201, response.json()
        data = response.json()
        review = Review.objects.get()
        assert data["id"] == review.pk
        assert data["diagnostic_id"] == diagnostic.pk
        assert {r["goal_id"]: r["result"] for r in data["results"]} == {
            goal.pk: "partly",
            second.pk: "achieved",
        }
        second.refresh_from_db()
        assert second.status == "achieved"
        pathway.refresh_from_db()
        assert pathway.next_review_on == review.next_review_on
        assert entries(JournalAction.CREATE).get().target_type == "pathways.review"
        listed = referent_api.get(pathway_url(pathway, "/reviews")).json()
        assert [r["id"] for r in listed] == [review.pk]
        assert listed[0]["results"][0]["goal_text"] == goal.text

    def test_every_goal_needs_a_result(self, referent_api, pathway, goal):
        GoalFactory(pathway=pathway)
        response = referent_api.post(
            pathway_url(pathway, "/reviews"),
            {"held_on": day(), "results": [{"goal_id": goal.pk, "result": "achieved"}]},
        )
        assert response.status_code == 400
        assert response.json()["field"] == "results"
        assert not Review.objects.exists()

    def test_diagnostic_of_another_person_is_refused(self, referent_api, pathway, organisation):
        elsewhere = DiagnosticFactory(person=PersonFactory(organisation=organisation))
        response = referent_api.post(
            pathway_url(pathway, "/reviews"), {"held_on": day(), "diagnostic_id": elsewhere.pk}
        )
        assert response.status_code == 400
        assert response.json()["field"] == "diagnostic_id"

    @pytest.mark.parametrize(
        ("payload", "status"),
        [
            ({"held_on": day(3)}, 400),
            ({"held_on": day(), "next_review_on": day(-1)}, 400),
            ({"held_on": day(), "results": [{"goal_id": 1, "result": "bof"}]}, 422),
            ({"held_on": day(), "results": {"1": "achieved"}}, 422),
            ({"results": []}, 422),
        ],
    )
    def test_bad_input(self, referent_api, pathway, payload, status):
        assert referent_api.post(pathway_url(pathway, "/reviews"), payload).status_code == status
        assert not Review.objects.exists()

    def test_duplicate_results(self, referent_api, pathway, goal):
        item = {"goal_id": goal.pk, "result": "achieved"}
        response = referent_api.post(
            pathway_url(pathway, "/reviews"), {"held_on": day(), "results": [item, item]}
        )
        assert response.status_code == 400
        assert response.json()["field"] == "results"


class TestOpenApi:
    def test_every_accompaniment_path_is_documented(self, client):
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        paths = response.json()["paths"]
        base = "/api/v1/organisations/{organisation_id}"
        pathway = base + "/pathways/{pathway_id}"
        expected = {
            base + "/persons": {"get", "post"},
            base + "/persons/duplicates": {"post"},
            base + "/persons/{person_id}": {"get", "patch"},
            base + "/persons/{person_id}/referent": {"put"},
            base + "/persons/{person_id}/diagnostics": {"get", "post"},
            base + "/persons/{person_id}/diagnostics/evolution": {"get"},
            base + "/diagnostics/{diagnostic_id}": {"get", "patch"},
            base + "/persons/{person_id}/pathways": {"get", "post"},
            pathway: {"get", "patch"},
            pathway + "/exit": {"post"},
            pathway + "/goals": {"get", "post"},
            pathway + "/goals/{goal_id}": {"patch"},
            pathway + "/steps": {"get", "post"},
            pathway + "/steps/{step_id}": {"patch"},
            pathway + "/reviews": {"get", "post"},
        }
        tags = {"Personnes", "Diagnostics", "Parcours"}
        for path, methods in expected.items():
            assert set(paths[path]) == methods, path
            for method in methods:
                operation = paths[path][method]
                assert operation["tags"][0] in tags
                assert operation["summary"]
        assert paths[pathway]["get"]["tags"] == ["Parcours"]
        assert "409" in paths[pathway + "/steps/{step_id}"]["patch"]["responses"]


BAD_BODIES = [
    "",
    "null",
    "[]",
    "{}",
    '"texte"',
    "1e999",
    '{"version": null}',
    '{"version": 99999999999999999999999}',
    '{"version": 1, "title": {"$gt": ""}}',
    '{"birth_name": ',
    b"\xff\xfe{\x00",
    "[" * 5000 + "]" * 5000,
]


class TestNeverA500:
    """Every write endpoint answers a JSON 4xx to garbage, whatever it is."""

    @pytest.mark.parametrize("body", BAD_BODIES)
    def test_garbage_bodies(self, referent_api, person, pathway, goal, step, body):
        diagnostic = DiagnosticFactory(person=person)
        base = f"/api/v1/organisations/{person.organisation_id}"
        posts = [
            f"{base}/persons",
            f"{base}/persons/duplicates",
            person_url(person, "/diagnostics"),
            person_url(person, "/pathways"),
            pathway_url(pathway, "/exit"),
            pathway_url(pathway, "/goals"),
            pathway_url(pathway, "/steps"),
            pathway_url(pathway, "/reviews"),
        ]
        patches = [
            person_url(person),
            f"{base}/diagnostics/{diagnostic.pk}",
            pathway_url(pathway),
            pathway_url(pathway, f"/goals/{goal.pk}"),
            pathway_url(pathway, f"/steps/{step.pk}"),
        ]
        responses = [(url, referent_api.post(url, body)) for url in posts]
        responses += [(url, patch(referent_api, url, body)) for url in patches]
        for url, response in responses:
            assert 400 <= response.status_code < 500, (url, response.status_code)
            assert response["Content-Type"].startswith("application/json"), url
            assert response.json()["detail"], url

    @pytest.mark.parametrize("value", ["abc", "0", "-1", str(2**63), "1.5"])
    def test_bad_ids_in_the_path(self, referent_api, person, pathway, value):
        base = f"/api/v1/organisations/{person.organisation_id}"
        urls = [
            f"/api/v1/organisations/{value}/persons",
            f"{base}/persons/{value}",
            f"{base}/diagnostics/{value}",
            f"{base}/pathways/{value}",
            f"{base}/pathways/{pathway.pk}/steps/{value}",
        ]
        for url in urls:
            response = (
                referent_api.get(url)
                if "steps" not in url
                else patch(referent_api, url, {"version": 1})
            )
            assert response.status_code in (404, 422), (url, response.status_code)
            assert response["Content-Type"].startswith("application/json"), url
