"""API diagnostics: reserved to référents and managers, journaled, urgency computed by the
rules, optimistic locking, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.accounts.models import Role
from relais.core.models import JournalAction
from relais.diagnostics.models import Diagnostic
from tests.api.test_people_api import assert_denied, entries, patch, person_url
from tests.factories import (
    DiagnosticFactory,
    DomainAssessmentFactory,
    MembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def diagnostic_url(diagnostic, organisation=None) -> str:
    organisation_id = organisation.pk if organisation else diagnostic.person.organisation_id
    return f"/api/v1/organisations/{organisation_id}/diagnostics/{diagnostic.pk}"


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


@pytest.fixture
def diagnostic(person, referent):
    diagnostic = DiagnosticFactory(
        person=person, author=referent, assessed_on=timezone.localdate() - dt.timedelta(days=90)
    )
    DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", difficulty=2)
    DomainAssessmentFactory(diagnostic=diagnostic, domain="mobility", difficulty=1)
    return diagnostic


def today() -> str:
    return timezone.localdate().isoformat()


def new_diagnostic(**overrides) -> dict:
    data = {
        "assessed_on": today(),
        "person_expectations": "Trouver un logement stable, puis un emploi.",
        "assessments": [
            {
                "domain": "housing",
                "situation": "Hébergée chez sa sœur.",
                "difficulty": 2,
                "barriers": ["FT24", "R60"],
                "person_words": "Je veux un chez-moi.",
            },
            {"domain": "employment", "difficulty": 1, "strengths": "Expérience en cuisine."},
        ],
    }
    data.update(overrides)
    return data


class TestPermissions:
    @pytest.mark.parametrize(
        ("role", "read", "write"),
        [("referent", 200, 201), ("manager", 200, 201), ("staff", 403, 403)],
    )
    def test_roles(self, api_client_for, organisation, person, diagnostic, role, read, write):
        api = api_client_for(MembershipFactory(organisation=organisation, role=role).user)
        assert api.get(person_url(person, "/diagnostics")).status_code == read
        assert api.get(diagnostic_url(diagnostic)).status_code == read
        assert api.get(person_url(person, "/diagnostics/evolution")).status_code == read
        response = api.post(person_url(person, "/diagnostics"), new_diagnostic())
        assert response.status_code == write
        response = patch(api, diagnostic_url(diagnostic), {"version": diagnostic.version})
        assert response.status_code == (200 if write == 201 else 403)

    def test_staff_is_refused_and_journaled(self, api_client_for, organisation, person, diagnostic):
        staff = MembershipFactory(organisation=organisation, role=Role.STAFF).user
        response = api_client_for(staff).get(diagnostic_url(diagnostic))
        assert response.status_code == 403
        assert "accompagnement" in response.json()["detail"]
        entry = assert_denied(person.pk, organisation=organisation)
        assert entry.summary == "API : droit manquant : accompagnement"
        assert Diagnostic.objects.count() == 1

    def test_another_organisation_is_a_404_and_journaled(
        self, api_client_for, other_organisation, organisation, person, diagnostic
    ):
        outsider = MembershipFactory(organisation=other_organisation, role=Role.MANAGER).user
        api = api_client_for(outsider)
        assert api.get(person_url(person, "/diagnostics", other_organisation)).status_code == 404
        assert_denied(person.pk, organisation=organisation)
        response = api.get(diagnostic_url(diagnostic, other_organisation))
        assert response.status_code == 404
        assert_denied(
            person.pk,
            organisation=organisation,
            target_type="diagnostics.diagnostic",
            target_id=diagnostic.pk,
        )
        response = patch(api, diagnostic_url(diagnostic, other_organisation), {"version": 1})
        assert response.status_code == 404
        response = api.post(
            person_url(person, "/diagnostics", other_organisation), new_diagnostic()
        )
        assert response.status_code == 404
        assert Diagnostic.objects.count() == 1


class TestRead:
    def test_list_newest_first_and_journaled(self, referent_api, person, diagnostic, referent):
        recent = DiagnosticFactory(person=person, author=referent)
        response = referent_api.get(person_url(person, "/diagnostics"))
        assert response.status_code == 200
        data = response.json()
        assert [d["id"] for d in data] == [recent.pk, diagnostic.pk]
        old = data[1]
        assert [a["domain"] for a in old["assessments"]] == ["mobility", "housing"]
        housing = old["assessments"][1]
        assert housing["domain_label"] == "Logement et hébergement"
        assert housing["difficulty_label"] == "2 — difficulté importante"
        entry = entries(JournalAction.LIST).get()
        assert (entry.target_type, entry.person_id) == ("diagnostics.diagnostic", person.pk)

    def test_detail(self, referent_api, diagnostic, referent):
        data = referent_api.get(diagnostic_url(diagnostic)).json()
        assert data["id"] == diagnostic.pk
        assert data["author"]["id"] == referent.pk
        assert data["urgency"] == 0 and data["urgency_label"] == "Pas d'urgence"
        assert data["version"] == diagnostic.version
        entry = entries(JournalAction.VIEW).get()
        assert entry.target_type == "diagnostics.diagnostic"

    def test_evolution(self, referent_api, person, diagnostic, referent):
        recent = DiagnosticFactory(person=person, author=referent)
        DomainAssessmentFactory(diagnostic=recent, domain="housing", difficulty=0)
        data = referent_api.get(person_url(person, "/diagnostics/evolution")).json()
        assert data["diagnostic_ids"] == [diagnostic.pk, recent.pk]
        rows = {row["domain"]: row for row in data["domains"]}
        assert rows["housing"]["levels"] == [2, 0]
        assert rows["housing"]["change"] == -2
        assert rows["mobility"]["levels"] == [1, None]
        assert rows["health"]["levels"] == [None, None]


class TestCreate:
    def test_create_and_suggest_urgency(self, referent_api, person, referent):
        payload = new_diagnostic(no_shelter_tonight=True)
        response = referent_api.post(person_url(person, "/diagnostics"), payload)
        assert response.status_code == 201, response.json()
        data = response.json()
        diagnostic = Diagnostic.objects.get()
        assert data["id"] == diagnostic.pk
        assert data["urgency_suggested"] == 3
        assert data["urgency"] == 3
        assert "115" in data["urgency_reasons"][0]
        housing = next(a for a in data["assessments"] if a["domain"] == "housing")
        assert housing["barriers"] == ["FT24", "R60"]
        assert diagnostic.author == referent
        entry = entries(JournalAction.CREATE).get()
        assert (entry.target_type, entry.person_id) == ("diagnostics.diagnostic", person.pk)

    def test_override_needs_a_justification(self, referent_api, person):
        response = referent_api.post(person_url(person, "/diagnostics"), new_diagnostic(urgency=2))
        assert response.status_code == 400
        assert response.json()["field"] == "urgency_override_reason"
        assert not Diagnostic.objects.exists()
        response = referent_api.post(
            person_url(person, "/diagnostics"),
            new_diagnostic(urgency=2, urgency_override_reason="Dette locative importante."),
        )
        assert response.status_code == 201
        assert (response.json()["urgency"], response.json()["urgency_suggested"]) == (2, 0)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"assessed_on": "2099-01-01"}, "assessed_on"),
            ({"assessments": [{"domain": "housing", "barriers": ["FT8"]}]}, "housing.barriers"),
            (
                {"assessments": [{"domain": "housing", "situation": "x" * 6000}]},
                "housing.situation",
            ),
            ({"person_expectations": "x" * 6000}, "person_expectations"),
            (
                {"assessments": [{"domain": "housing"}, {"domain": "housing", "difficulty": 1}]},
                None,
            ),
        ],
    )
    def test_rules_of_the_domain(self, referent_api, person, overrides, field):
        response = referent_api.post(
            person_url(person, "/diagnostics"), new_diagnostic(**overrides)
        )
        assert response.status_code == 400
        assert response.json()["field"] == field
        assert not Diagnostic.objects.exists()

    @pytest.mark.parametrize(
        "overrides",
        [
            {"assessed_on": "hier"},
            {"assessed_on": "2025-13-01"},
            {"assessments": [{"domain": "astrologie"}]},
            {"assessments": [{"domain": "housing", "difficulty": 5}]},
            {"assessments": [{"domain": "housing", "barriers": "FT24"}]},
            {"assessments": {"housing": 2}},
            {"urgency": 7},
            {"no_shelter_tonight": "peut-être"},
        ],
    )
    def test_wrong_types_and_values(self, referent_api, person, overrides):
        response = referent_api.post(
            person_url(person, "/diagnostics"), new_diagnostic(**overrides)
        )
        assert response.status_code == 422
        assert response.json()["detail"] == "Données invalides."
        assert not Diagnostic.objects.exists()

    def test_malformed_json(self, referent_api, person):
        response = referent_api.post(person_url(person, "/diagnostics"), '{"assessed_on": ')
        assert response.status_code == 400
        assert response.json()["detail"].startswith("Corps de requête illisible")


class TestUpdate:
    def test_only_sent_domains_change(self, referent_api, diagnostic):
        response = patch(
            referent_api,
            diagnostic_url(diagnostic),
            {
                "version": diagnostic.version,
                "assessments": [{"domain": "mobility", "difficulty": 3, "barriers": ["FT8"]}],
                "validated_with_person_on": today(),
            },
        )
        assert response.status_code == 200, response.json()
        data = response.json()
        levels = {a["domain"]: a["difficulty"] for a in data["assessments"]}
        assert levels == {"housing": 2, "mobility": 3}
        assert data["validated_with_person_on"] == today()
        # A blocking difficulty (even in a domain sent alone) makes the rules suggest "watch".
        assert data["urgency_suggested"] == 1
        assert data["version"] == diagnostic.version + 1
        assert entries(JournalAction.UPDATE).get().target_type == "diagnostics.diagnostic"

    def test_urgency_rules_see_the_domains_not_sent(self, referent_api, diagnostic):
        DomainAssessmentFactory(diagnostic=diagnostic, domain="health", difficulty=3)
        response = patch(
            referent_api,
            diagnostic_url(diagnostic),
            {"version": diagnostic.version, "person_expectations": "Se soigner d'abord."},
        )
        assert response.status_code == 200
        assert response.json()["urgency_suggested"] == 1
        assert response.json()["person_expectations"] == "Se soigner d'abord."

    def test_a_domain_sent_empty_is_removed(self, referent_api, diagnostic):
        response = patch(
            referent_api,
            diagnostic_url(diagnostic),
            {"version": diagnostic.version, "assessments": [{"domain": "mobility"}]},
        )
        assert [a["domain"] for a in response.json()["assessments"]] == ["housing"]

    def test_a_chosen_urgency_is_kept(self, referent_api, diagnostic):
        first = patch(
            referent_api,
            diagnostic_url(diagnostic),
            {"version": diagnostic.version, "urgency": 2, "urgency_override_reason": "Dettes."},
        ).json()
        assert first["urgency"] == 2
        second = patch(
            referent_api,
            diagnostic_url(diagnostic),
            {"version": first["version"], "violence": False},
        ).json()
        assert (second["urgency"], second["urgency_override_reason"]) == (2, "Dettes.")
        third = patch(
            referent_api,
            diagnostic_url(diagnostic),
            {"version": second["version"], "urgency": None},
        ).json()
        assert (third["urgency"], third["urgency_override_reason"]) == (0, "")

    def test_two_referents_editing(self, referent_api, manager_api, diagnostic, manager):
        version = diagnostic.version
        first = patch(
            manager_api, diagnostic_url(diagnostic), {"version": version, "no_resources": True}
        )
        assert first.status_code == 200
        second = patch(
            referent_api,
            diagnostic_url(diagnostic),
            {"version": version, "person_expectations": "X"},
        )
        assert second.status_code == 409
        assert second.json()["detail"].startswith(f"Modifié entre-temps par {manager}")
        diagnostic.refresh_from_db()
        assert diagnostic.person_expectations == ""
        assert diagnostic.no_resources is True

    def test_validation_before_the_diagnostic_is_refused(self, referent_api, diagnostic):
        before = (diagnostic.assessed_on - dt.timedelta(days=1)).isoformat()
        response = patch(
            referent_api,
            diagnostic_url(diagnostic),
            {"version": diagnostic.version, "validated_with_person_on": before},
        )
        assert response.status_code == 400
        assert response.json()["field"] == "validated_with_person_on"

    @pytest.mark.parametrize(
        "payload", [{}, {"version": 1, "assessed_on": None}, {"version": 1, "assessments": None}]
    )
    def test_bad_patch(self, referent_api, diagnostic, payload):
        assert patch(referent_api, diagnostic_url(diagnostic), payload).status_code == 422


class TestOpenApi:
    def test_documented(self, client):
        schema = client.get("/api/v1/openapi.json").json()
        paths = schema["paths"]
        base = "/api/v1/organisations/{organisation_id}"
        assert set(paths[base + "/persons/{person_id}/diagnostics"]) == {"get", "post"}
        assert set(paths[base + "/diagnostics/{diagnostic_id}"]) == {"get", "patch"}
        assert paths[base + "/diagnostics/{diagnostic_id}"]["get"]["tags"] == ["Diagnostics"]
        domain = schema["components"]["schemas"]["AssessmentIn"]["properties"]["domain"]
        assert "housing" in domain["enum"]
        assert "Logement et hébergement" in domain["description"]
