"""API /organisations/{id}/persons: scoping to the caller's organisation, role permissions,
journal, duplicates at intake, optimistic locking, pagination, bad input (never a 500)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from relais.accounts.models import Role
from relais.core.models import AccessLogEntry, JournalAction
from relais.people.models import Person
from tests.factories import MembershipFactory, PathwayFactory, PersonFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

JSON = "application/json"


# --- Helpers shared by the accompaniment API tests -----------------------------------------


def persons_url(organisation, suffix: str = "") -> str:
    return f"/api/v1/organisations/{organisation.pk}/persons{suffix}"


def person_url(person, suffix: str = "", organisation=None) -> str:
    organisation_id = organisation.pk if organisation else person.organisation_id
    return f"/api/v1/organisations/{organisation_id}/persons/{person.pk}{suffix}"


def patch(api, url: str, data) -> object:
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return api.patch(url, body, content_type=JSON)


def put(api, url: str, data) -> object:
    return api.put(url, json.dumps(data), content_type=JSON)


def entries(action: str | None = None, **filters):
    queryset = AccessLogEntry.objects.all()
    if action:
        queryset = queryset.filter(action=action)
    return queryset.filter(**filters)


def assert_denied(person_id, *, organisation=None, target_type="people.person", target_id=None):
    denied = entries(JournalAction.DENIED, target_type=target_type)
    denied = denied.filter(target_id=str(target_id if target_id is not None else person_id))
    assert denied.exists(), "Aucune entrée « accès refusé » au journal"
    entry = denied.latest("id")
    assert entry.person_id == person_id
    if organisation is not None:
        assert entry.organisation_id == organisation.pk
    return entry


@pytest.fixture
def staff_api(api_client_for, staff_member):
    return api_client_for(staff_member)


@pytest.fixture
def outsider(other_organisation):
    """A référent of another organisation."""
    return MembershipFactory(organisation=other_organisation, role=Role.REFERENT).user


@pytest.fixture
def outsider_api(api_client_for, outsider):
    return api_client_for(outsider)


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(
        organisation=organisation,
        referent=referent,
        birth_name="Martin",
        first_names="Hélène",
        birth_date=dt.date(1985, 4, 12),
        household="alone_children",
        children_ages=[4, 9],
        resources=["rsa"],
    )


def new_person_payload(**overrides) -> dict:
    data = {
        "birth_name": "Lefèvre",
        "first_names": "Nadia",
        "birth_date": "1990-06-15",
        "phone": "0612345678",
        "email": "nadia.lefevre@exemple.fr",
        "commune_code": "69383",
    }
    data.update(overrides)
    return data


# --- Scoping and the permission matrix -----------------------------------------------------


class TestPermissions:
    @pytest.mark.parametrize(
        ("role", "read", "write", "situation_visible"),
        [
            ("referent", 200, 200, True),
            ("manager", 200, 200, True),
            ("staff", 200, 200, False),
        ],
    )
    def test_roles_of_the_organisation(
        self, api_client_for, organisation, person, role, read, write, situation_visible
    ):
        user = MembershipFactory(organisation=organisation, role=role).user
        api = api_client_for(user)
        response = api.get(person_url(person))
        assert response.status_code == read
        data = response.json()
        assert data["birth_name"] == "Martin"
        assert (data["situation"] is not None) is situation_visible
        response = patch(
            api, person_url(person), {"version": data["version"], "usage_name": "Roux"}
        )
        assert response.status_code == write
        assert response.json()["usage_name"] == "Roux"

    def test_another_organisations_person_is_a_404_and_journaled(
        self, outsider_api, other_organisation, person, organisation
    ):
        url = person_url(person, organisation=other_organisation)
        for response in (
            outsider_api.get(url),
            patch(outsider_api, url, {"version": 1, "usage_name": "X"}),
        ):
            assert response.status_code == 404
            assert response.json() == {"detail": "Ressource introuvable."}
        entry = assert_denied(person.pk, organisation=organisation)
        assert entry.summary == "API : dossier hors de portée"
        assert entry.actor_organisation_id == other_organisation.pk
        assert entries(JournalAction.DENIED).count() == 2
        person.refresh_from_db()
        assert person.usage_name == ""

    def test_an_organisation_the_caller_is_not_in_is_a_404(self, outsider_api, person):
        assert outsider_api.get(person_url(person)).status_code == 404
        assert outsider_api.get(persons_url(person.organisation)).status_code == 404
        response = outsider_api.post(persons_url(person.organisation), new_person_payload())
        assert response.status_code == 404
        assert Person.objects.count() == 1

    def test_former_member_is_a_404(self, api_client_for, organisation, person):
        membership = MembershipFactory(organisation=organisation, role=Role.MANAGER, inactive=True)
        assert api_client_for(membership.user).get(person_url(person)).status_code == 404

    def test_unknown_person_is_a_404_and_journaled(self, referent_api, organisation):
        response = referent_api.get(f"/api/v1/organisations/{organisation.pk}/persons/999999")
        assert response.status_code == 404
        entry = entries(JournalAction.DENIED).get()
        assert (entry.target_id, entry.person_id, entry.organisation_id) == ("999999", None, None)

    def test_staff_may_not_record_the_situation(self, staff_api, person, organisation):
        response = patch(
            staff_api, person_url(person), {"version": person.version, "situation": {"rqth": True}}
        )
        assert response.status_code == 403
        assert "situation" in response.json()["detail"]
        response = staff_api.post(
            persons_url(organisation), new_person_payload(situation={"household": "alone"})
        )
        assert response.status_code == 403
        assert Person.objects.count() == 1
        person.refresh_from_db()
        assert person.rqth is False

    def test_staff_may_create_identity_only(self, staff_api, organisation, staff_member):
        response = staff_api.post(persons_url(organisation), new_person_payload())
        assert response.status_code == 201, response.json()
        assert response.json()["situation"] is None
        assert Person.objects.get().created_by == staff_member

    def test_missing_token(self, client, person):
        response = client.get(person_url(person))
        assert response.status_code == 401
        assert response["Content-Type"].startswith(JSON)


# --- Reads and the journal -----------------------------------------------------------------


class TestRead:
    def test_detail(self, referent_api, person, referent):
        response = referent_api.get(person_url(person))
        assert response.status_code == 200
        data = response.json()
        assert data["id"] == person.pk
        assert data["display_name"] == "MARTIN Hélène"
        assert data["birth_date"] == "1985-04-12"
        assert data["referent"] == {"id": referent.pk, "name": referent.get_full_name()}
        assert data["situation"]["household"] == "alone_children"
        assert data["situation"]["household_label"] == "Seul·e avec enfant(s)"
        assert data["situation"]["children_ages"] == [4, 9]
        assert data["situation"]["resources_labels"] == ["RSA"]
        assert data["version"] == person.version
        entry = entries(JournalAction.VIEW).get()
        assert (entry.target_type, entry.target_id) == ("people.person", str(person.pk))
        assert entry.person_id == person.pk
        assert entry.actor == referent
        assert entry.actor_organisation_id == person.organisation_id

    def test_list_is_journaled(self, referent_api, organisation, person):
        other = PersonFactory(organisation=organisation, birth_name="Bernard")
        response = referent_api.get(persons_url(organisation))
        assert response.status_code == 200
        assert [p["id"] for p in response.json()["items"]] == [other.pk, person.pk]
        entry = entries(JournalAction.LIST).get()
        assert entry.target_type == "people.person"
        assert entry.organisation_id == organisation.pk
        assert "2 sur 2" in entry.summary

    def test_list_shows_only_the_organisations_persons(
        self, referent_api, organisation, other_organisation, person
    ):
        PersonFactory(organisation=other_organisation)
        data = referent_api.get(persons_url(organisation)).json()
        assert data["count"] == 1
        assert [p["id"] for p in data["items"]] == [person.pk]

    def test_empty_list_writes_no_entry(self, referent_api, organisation):
        data = referent_api.get(persons_url(organisation)).json()
        assert data == {"count": 0, "limit": 50, "offset": 0, "items": []}
        assert not entries().exists()


class TestListFilters:
    @pytest.fixture
    def seven(self, organisation):
        return [
            PersonFactory(organisation=organisation, birth_name=name, first_names="Alex")
            for name in ("Aubert", "Blanc", "Caron", "Dupont", "Petit", "Roux", "Vidal")
        ]

    def test_pagination(self, referent_api, organisation, seven):
        data = referent_api.get(persons_url(organisation), {"limit": 3, "offset": 3}).json()
        assert data["count"] == 7
        assert (data["limit"], data["offset"]) == (3, 3)
        assert [p["birth_name"] for p in data["items"]] == ["Dupont", "Petit", "Roux"]
        last = referent_api.get(persons_url(organisation), {"limit": 3, "offset": 6}).json()
        assert [p["birth_name"] for p in last["items"]] == ["Vidal"]
        beyond = referent_api.get(persons_url(organisation), {"offset": 100}).json()
        assert beyond["items"] == [] and beyond["count"] == 7

    @pytest.mark.parametrize(
        "params",
        [
            {"limit": 101},
            {"limit": 0},
            {"offset": -1},
            {"limit": "dix"},
            {"referent_id": "moi"},
            {"offset": 2**70},
            {"q": "x" * 201},
        ],
    )
    def test_bad_parameters(self, referent_api, organisation, params):
        response = referent_api.get(persons_url(organisation), params)
        assert response.status_code == 422
        assert response.json()["detail"] == "Données invalides."

    def test_search_ignores_accents_case_and_hyphens(self, referent_api, organisation, person):
        PersonFactory(organisation=organisation, birth_name="Dupont", first_names="Jean-Luc")
        for text, expected in (
            ("helene", [person.pk]),
            ("MARTIN", [person.pk]),
            ("jean luc", None),
        ):
            items = referent_api.get(persons_url(organisation), {"q": text}).json()["items"]
            if expected is not None:
                assert [p["id"] for p in items] == expected
            else:
                assert [p["birth_name"] for p in items] == ["Dupont"]

    def test_filter_by_referent(self, referent_api, organisation, person, referent, manager):
        PersonFactory(organisation=organisation, referent=manager)
        PersonFactory(organisation=organisation, referent=None)
        data = referent_api.get(persons_url(organisation), {"referent_id": referent.pk}).json()
        assert [p["id"] for p in data["items"]] == [person.pk]

    def test_archived_persons_are_left_out_unless_asked(self, referent_api, organisation, person):
        PersonFactory(organisation=organisation, archived_at=timezone.now())
        assert referent_api.get(persons_url(organisation)).json()["count"] == 1
        params = {"include_archived": "true"}
        assert referent_api.get(persons_url(organisation), params).json()["count"] == 2

    def test_query_count_does_not_grow_with_the_persons(self, referent_api, organisation, manager):
        def measure() -> int:
            referent_api.get(persons_url(organisation))  # token "last used" written once
            return count_queries(lambda: referent_api.get(persons_url(organisation)))

        PersonFactory.create_batch(5, organisation=organisation, referent=manager)
        few = measure()
        PersonFactory.create_batch(25, organisation=organisation, referent=manager)
        many = measure()
        assert few == many


# --- Intake --------------------------------------------------------------------------------


class TestCreate:
    def test_create_with_situation(self, referent_api, organisation, referent):
        payload = new_person_payload(
            referent_id=referent.pk,
            sex="F",
            situation={"household": "alone", "resources": ["rsa", "salary"], "rqth": True},
        )
        response = referent_api.post(persons_url(organisation), payload)
        assert response.status_code == 201, response.json()
        data = response.json()
        person = Person.objects.get()
        assert data["id"] == person.pk
        assert data["phone"] == "06 12 34 56 78"
        assert data["referent"]["id"] == referent.pk
        assert data["situation"]["resources"] == ["rsa", "salary"]
        assert data["situation"]["rqth"] is True
        assert data["version"] == person.version
        assert (person.organisation, person.created_by) == (organisation, referent)
        entry = entries(JournalAction.CREATE).get()
        assert (entry.target_type, entry.person_id) == ("people.person", person.pk)

    def test_duplicates_are_shown_first(self, referent_api, organisation, person):
        payload = new_person_payload(
            birth_name="MARTIN", first_names="Helene", birth_date="1985-04-12"
        )
        response = referent_api.post(persons_url(organisation), payload)
        assert response.status_code == 409
        data = response.json()
        assert "confirm_different" in data["detail"]
        assert [d["person"]["id"] for d in data["duplicates"]] == [person.pk]
        assert data["duplicates"][0]["score"] >= 90
        assert "même date de naissance" in data["duplicates"][0]["reasons"]
        assert Person.objects.count() == 1
        assert entries(JournalAction.LIST, target_type="people.person").exists()

        response = referent_api.post(
            persons_url(organisation), {**payload, "confirm_different": True}
        )
        assert response.status_code == 201
        assert Person.objects.count() == 2
        entry = entries(JournalAction.CREATE).get()
        assert f"n° {person.pk}" in entry.summary

    def test_duplicate_of_another_organisation_is_not_shown(
        self, referent_api, organisation, other_organisation
    ):
        PersonFactory(
            organisation=other_organisation,
            birth_name="Lefèvre",
            first_names="Nadia",
            birth_date=dt.date(1990, 6, 15),
        )
        response = referent_api.post(persons_url(organisation), new_person_payload())
        assert response.status_code == 201

    def test_duplicate_check_endpoint(self, staff_api, organisation, person):
        response = staff_api.post(
            persons_url(organisation, "/duplicates"),
            {"birth_name": "Helene", "first_names": "Martin", "birth_date": "1985-04-12"},
        )
        assert response.status_code == 200
        data = response.json()
        assert [d["person"]["id"] for d in data] == [person.pk]
        assert "nom et prénom inversés" in data[0]["reasons"]
        assert entries(JournalAction.LIST).count() == 1

    def test_unknown_referent(self, referent_api, organisation, outsider):
        for referent_id in (999999, outsider.pk):
            response = referent_api.post(
                persons_url(organisation), new_person_payload(referent_id=referent_id)
            )
            assert response.status_code == 400
            assert response.json()["field"] == "referent_id"
        assert not Person.objects.exists()

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"birth_date": "2099-01-01"}, "birth_date"),
            ({"birth_date": "1900-01-01"}, "birth_date"),
            ({"birth_name": "x" * 10_000}, "birth_name"),
            ({"first_names": "   "}, "first_names"),
            ({"phone": "12"}, "phone"),
            ({"email": "pas-une-adresse"}, "email"),
            ({"postal_code": "6900"}, "postal_code"),
            ({"situation": {"children_ages": [40]}}, "children_ages"),
            ({"situation": {"resources": ["none", "rsa"]}}, "resources"),
        ],
    )
    def test_rules_of_the_domain(self, referent_api, organisation, overrides, field):
        response = referent_api.post(persons_url(organisation), new_person_payload(**overrides))
        assert response.status_code == 400
        data = response.json()
        assert data["field"] == field
        assert data["detail"]  # a French sentence from the service
        assert not Person.objects.exists()

    @pytest.mark.parametrize(
        "overrides",
        [
            {"birth_date": "2024-02-30"},
            {"birth_date": "15/06/1990"},
            {"birth_name": 42},
            {"birth_name": None},
            {"sex": "femme"},
            {"situation": {"household": "castle"}},
            {"situation": {"resources": "rsa"}},
            {"situation": {"children_ages": ["trois"]}},
            {"referent_id": "moi"},
            {"household": "alone"},  # a situation field outside `situation`
            {"situation": {"rqth": True, "nir": "1850412345678"}},
        ],
    )
    def test_wrong_types_and_values(self, referent_api, organisation, overrides):
        response = referent_api.post(persons_url(organisation), new_person_payload(**overrides))
        assert response.status_code == 422
        assert response.json()["detail"] == "Données invalides."
        assert not Person.objects.exists()

    @pytest.mark.parametrize("body", ['{"birth_name": ', "pas du json", b"\xff\xfe{\x00", "[]"])
    def test_malformed_body(self, referent_api, organisation, body):
        response = referent_api.post(persons_url(organisation), body)
        assert response.status_code in (400, 422)
        assert response["Content-Type"].startswith(JSON)
        assert "detail" in response.json()

    def test_html_is_kept_as_text(self, referent_api, organisation):
        payload = new_person_payload(situation={"languages": "<script>alert(1)</script>"})
        response = referent_api.post(persons_url(organisation), payload)
        assert response.status_code == 201
        assert response.json()["situation"]["languages"] == "<script>alert(1)</script>"
        assert response["Content-Type"].startswith(JSON)


# --- Changes -------------------------------------------------------------------------------


class TestUpdate:
    def test_only_the_fields_sent_change(self, referent_api, person):
        response = patch(
            referent_api,
            person_url(person),
            {"version": person.version, "phone": "+33 7 11 22 33 44", "situation": {"rqth": True}},
        )
        assert response.status_code == 200, response.json()
        data = response.json()
        assert data["phone"] == "07 11 22 33 44"
        assert data["situation"]["rqth"] is True
        assert data["situation"]["household"] == "alone_children"  # untouched
        assert data["version"] == person.version + 1
        entry = entries(JournalAction.UPDATE).get()
        assert entry.person_id == person.pk

    def test_stale_version_is_a_409(self, referent_api, manager_api, person, manager):
        first = patch(
            manager_api, person_url(person), {"version": person.version, "phone": "0611111111"}
        )
        assert first.status_code == 200
        response = patch(
            referent_api, person_url(person), {"version": person.version, "phone": "0622222222"}
        )
        assert response.status_code == 409
        detail = response.json()["detail"]
        assert detail.startswith(f"Modifié entre-temps par {manager}")
        assert "Relisez la version actuelle" in detail
        person.refresh_from_db()
        assert person.phone == "06 11 11 11 11"
        assert (
            not entries(JournalAction.UPDATE, actor__isnull=False).exclude(actor=manager).exists()
        )

    @pytest.mark.parametrize(
        "payload",
        [
            {"phone": "0611111111"},
            {"version": "deux"},
            {"version": -1},
            {"version": 1, "birth_name": None},
        ],
    )
    def test_version_is_required_and_typed(self, referent_api, person, payload):
        response = patch(referent_api, person_url(person), payload)
        assert response.status_code == 422

    def test_markup_in_a_name_refused(self, referent_api, person, organisation):
        response = patch(
            referent_api,
            person_url(person),
            {"version": person.version, "usage_name": "<img src=x onerror=alert(1)>"},
        )
        assert response.status_code == 400
        assert response.json()["field"] == "usage_name"
        assert "ne peut contenir que des lettres" in response.json()["detail"]
        response = referent_api.post(
            persons_url(organisation), new_person_payload(first_names="<script>")
        )
        assert response.status_code == 400
        assert response.json()["field"] == "first_names"
        assert Person.objects.count() == 1

    def test_rule_error_names_the_field(self, referent_api, person):
        response = patch(
            referent_api,
            person_url(person),
            {"version": person.version, "birth_date": "2099-01-01"},
        )
        assert response.status_code == 400
        assert response.json()["field"] == "birth_date"

    def test_renaming_updates_the_search(self, referent_api, person, organisation):
        patch(referent_api, person_url(person), {"version": person.version, "usage_name": "Ézanne"})
        items = referent_api.get(persons_url(organisation), {"q": "ezanne"}).json()["items"]
        assert [p["id"] for p in items] == [person.pk]


class TestReassign:
    def test_manager_reassigns_and_pathways_follow(
        self, manager_api, person, referent, organisation
    ):
        colleague = MembershipFactory(organisation=organisation, role=Role.REFERENT).user
        pathway = PathwayFactory(person=person, referent=referent)
        response = put(manager_api, person_url(person, "/referent"), {"referent_id": colleague.pk})
        assert response.status_code == 200, response.json()
        assert response.json()["referent"]["id"] == colleague.pk
        pathway.refresh_from_db()
        assert pathway.referent == colleague
        assert "référent changé" in entries(JournalAction.UPDATE).get().summary

    def test_referent_may_not_reassign(self, referent_api, person, manager):
        response = put(referent_api, person_url(person, "/referent"), {"referent_id": manager.pk})
        assert response.status_code == 403
        assert response.json() == {"detail": "Réservé aux responsables de la structure."}
        assert_denied(person.pk)

    def test_staff_cannot_be_referent(self, manager_api, person, staff_member):
        response = put(
            manager_api, person_url(person, "/referent"), {"referent_id": staff_member.pk}
        )
        assert response.status_code == 400
        assert response.json()["field"] == "referent_id"


class TestOpenApi:
    def test_schema_lists_the_person_endpoints(self, client):
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        schema = response.json()
        paths = schema["paths"]
        base = "/api/v1/organisations/{organisation_id}/persons"
        assert set(paths[base]) == {"get", "post"}
        assert set(paths[base + "/{person_id}"]) == {"get", "patch"}
        assert "post" in paths[base + "/duplicates"]
        assert paths[base]["get"]["tags"] == ["Personnes"]
        sex = schema["components"]["schemas"]["PersonCreateIn"]["properties"]["sex"]
        assert sex["enum"] == ["F", "M", "X", ""]
        assert "Femme" in sex["description"]
        patch_doc = paths[base + "/{person_id}"]["patch"]
        assert "409" in patch_doc["responses"]
