"""API of the employment module: employers (SIRET and NAF checked, optimistic locking,
idempotent creation), positions (ROME required), the persons ranked for a position with
their explanation, placements (dates checked, checkpoints) — scoped and journaled."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from relais.core.models import AccessLogEntry
from relais.employment import references
from relais.employment.models import (
    Checkpoint,
    Employer,
    Placement,
    Position,
    PositionTransition,
)
from tests.factories import MembershipFactory, PersonFactory, valid_siret
from tests.factories.employment import (
    AbilityFactory,
    EmployerFactory,
    EmploymentProjectFactory,
    PlacementFactory,
    PositionFactory,
)
from tests.factories.network.coordination import co_follower

pytestmark = pytest.mark.django_db
JSON = "application/json"


def base(organisation) -> str:
    return f"/api/v1/organisations/{organisation.pk}"


def test_create_employer_checks_siret_and_naf(referent_api, organisation):
    bad = referent_api.post(
        f"{base(organisation)}/employers",
        {"siret": "12345678901234", "name": "X", "naf_code": "81.21Z"},
    )
    assert bad.status_code == 400 and "clé de contrôle" in bad.json()["detail"]
    bad_naf = referent_api.post(
        f"{base(organisation)}/employers",
        {"siret": valid_siret(61_000_001), "name": "X", "naf_code": "12.34Q"},
    )
    assert bad_naf.status_code == 400 and "12.34Q" in bad_naf.json()["detail"]
    ok = referent_api.post(
        f"{base(organisation)}/employers",
        {"siret": valid_siret(61_000_001), "name": "Hôtel", "naf_code": "5510Z"},
        headers={"Idempotency-Key": "abc-123"},
    )
    again = referent_api.post(
        f"{base(organisation)}/employers",
        {"siret": valid_siret(61_000_001), "name": "Hôtel", "naf_code": "5510Z"},
        headers={"Idempotency-Key": "abc-123"},
    )
    assert ok.status_code == 201 and again.status_code == 201
    assert ok.json()["id"] == again.json()["id"]
    assert ok.json()["naf_label"].startswith("Hôtels")
    assert Employer.objects.count() == 1


def test_employer_patch_needs_current_version(referent_api, organisation):
    employer = EmployerFactory(organisation=organisation)
    url = f"{base(organisation)}/employers/{employer.pk}"
    body = {"siret": employer.siret, "name": "Nouveau", "naf_code": "81.21Z", "version": 1}
    assert referent_api.patch(url, json.dumps(body), content_type=JSON).status_code == 200
    stale = referent_api.patch(url, json.dumps(body), content_type=JSON)
    assert stale.status_code == 409


def test_other_organisation_is_404_and_staff_cannot_write(
    api_client_for, organisation, other_organisation, referent_api
):
    employer = EmployerFactory(organisation=other_organisation)
    assert referent_api.get(f"{base(other_organisation)}/employers").status_code == 404
    assert referent_api.get(f"{base(organisation)}/employers/{employer.pk}").status_code == 404
    staff = MembershipFactory(organisation=organisation, role="staff").user
    response = api_client_for(staff).post(
        f"{base(organisation)}/employers",
        {"siret": valid_siret(61_000_002), "name": "X", "naf_code": "81.21Z"},
    )
    assert response.status_code == 403


def test_position_requires_rome(referent_api, organisation):
    employer = EmployerFactory(organisation=organisation)
    url = f"{base(organisation)}/employers/{employer.pk}/positions"
    body = {
        "rome_code": "",
        "contract_type": "cdi",
        "weekly_hours": "24",
        "schedule": "day",
        "commune_code": "69123",
    }
    response = referent_api.post(url, body)
    assert response.status_code == 400 and "ROME" in response.json()["detail"]
    missing = referent_api.post(url, {**body, "rome_code": "K2204"})
    assert missing.status_code == 400 and "appellation" in missing.json()["detail"]
    created = referent_api.post(
        url, {**body, "rome_code": "K2204", "appellation": "Agent / Agente de nettoyage industriel"}
    )
    assert created.status_code == 201 and created.json()["rome_label"] == "Nettoyage de locaux"
    assert Position.objects.count() == 1
    listed = referent_api.get(f"{base(organisation)}/positions", {"rome": "K22"}).json()
    assert [p["id"] for p in listed] == [created.json()["id"]]


def test_matches_are_explained_and_journaled(referent_api, organisation):
    position = PositionFactory(employer__organisation=organisation)
    person = PersonFactory(organisation=organisation)
    EmploymentProjectFactory(person=person)
    AbilityFactory(person=person, code="hygiene")
    response = referent_api.get(f"{base(organisation)}/positions/{position.pk}/matches")
    [match] = response.json()
    assert match["person_id"] == person.pk
    labels = {c["label"]: c for c in match["criteria"]}
    assert "Manquantes" in labels["Habiletés"]["text"]
    assert AccessLogEntry.objects.filter(action="list", target_type="employment.position").exists()


def test_matches_include_cofollowed_persons_on_what_they_share(
    referent_api, referent, organisation, other_organisation
):
    position = PositionFactory(employer__organisation=organisation, schedule="night")
    shared = PersonFactory(organisation=other_organisation)
    EmploymentProjectFactory(person=shared)
    co_follower(shared, categories=("steps",), user=referent, organisation=organisation)
    hidden = PersonFactory(organisation=other_organisation)
    EmploymentProjectFactory(person=hidden)
    co_follower(hidden, categories=("identity",), user=referent, organisation=organisation)
    [match] = referent_api.get(f"{base(organisation)}/positions/{position.pk}/matches").json()
    assert match["person_id"] == shared.pk and match["cofollowed"] is True
    assert match["label"] == f"Personne n° {shared.pk}"
    assert "famille et garde d'enfants (diagnostic)" in match["not_shared"]


def test_placement_dates_checked_and_checkpoints_created(referent_api, organisation):
    person = PersonFactory(organisation=organisation)
    employer = EmployerFactory(organisation=organisation)
    url = f"{base(organisation)}/persons/{person.pk}/placements"
    body = {
        "employer_id": employer.pk,
        "kind": "contract",
        "contract_type": "cdd",
        "job_title": "Agent",
        "starts_on": "2026-11-10",
        "ends_on": "2026-11-01",
        "weekly_hours": "20",
        "tutor_name": "Mme Roux",
    }
    bad = referent_api.post(url, body)
    assert bad.status_code == 400 and "ne peut pas précéder" in bad.json()["detail"]
    assert not Placement.objects.exists()
    ok = referent_api.post(url, {**body, "ends_on": "2027-12-31"})
    assert ok.status_code == 201
    assert [c["label"] for c in ok.json()["checkpoints"]] == [
        "1 semaine",
        "1 mois",
        "3 mois",
        "6 mois",
    ]
    detail = referent_api.get(f"{base(organisation)}/placements/{ok.json()['id']}")
    assert detail.json()["tutor_name"] == "Mme Roux"
    assert referent_api.get(url).json()[0]["id"] == ok.json()["id"]


def test_placement_of_another_organisation_person_is_404(
    referent_api, other_organisation, organisation
):
    stranger = PersonFactory(organisation=other_organisation)
    url = f"{base(organisation)}/persons/{stranger.pk}/placements"
    assert referent_api.get(url).status_code == 404
    assert AccessLogEntry.objects.filter(action="denied").exists()


def test_position_status_changes_with_the_version_and_is_recorded(
    referent_api, api_client_for, organisation
):
    position = PositionFactory(employer__organisation=organisation)
    url = f"{base(organisation)}/positions/{position.pk}/status"
    filled = referent_api.post(
        url,
        json.dumps({"status": "filled", "version": position.version, "reason": "Embauche"}),
        content_type=JSON,
    )
    assert filled.status_code == 200
    assert filled.json()["status"] == "filled" and filled.json()["version"] == position.version + 1
    transition = PositionTransition.objects.get(position=position)
    assert (transition.from_status, transition.to_status, transition.reason) == (
        "open",
        "filled",
        "Embauche",
    )
    stale = referent_api.post(
        url, json.dumps({"status": "closed", "version": position.version}), content_type=JSON
    )
    assert stale.status_code == 409 and "GET" in stale.json()["detail"]
    wrong = referent_api.post(
        url,
        json.dumps({"status": "nimp", "version": position.version + 1}),
        content_type=JSON,
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "status"
    staff = MembershipFactory(organisation=organisation, role="staff").user
    denied = api_client_for(staff).post(
        url, json.dumps({"status": "open", "version": position.version + 1}), content_type=JSON
    )
    assert denied.status_code == 403
    position.refresh_from_db()
    assert position.status == "filled"


def test_position_status_of_another_organisation_is_404(referent_api, other_organisation):
    position = PositionFactory(employer__organisation=other_organisation)
    response = referent_api.post(
        f"{base(other_organisation)}/positions/{position.pk}/status",
        json.dumps({"status": "closed", "version": 1}),
        content_type=JSON,
    )
    assert response.status_code == 404


def test_checkpoint_recorded_once_checked_and_journaled(referent_api, organisation):
    person = PersonFactory(organisation=organisation)
    start = timezone.localdate() - dt.timedelta(days=10)
    placement = PlacementFactory(person=person, starts_on=start, ends_on=None)
    checkpoint = Checkpoint.objects.create(
        placement=placement, label="1 semaine", due_on=start + dt.timedelta(days=7)
    )
    url = f"{base(organisation)}/placements/{placement.pk}/checkpoints/{checkpoint.pk}"
    future = referent_api.post(
        url,
        json.dumps(
            {"done_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat(), "notes": "x"}
        ),
        content_type=JSON,
    )
    assert future.status_code == 400 and future.json()["field"] == "done_on"
    before = referent_api.post(
        url,
        json.dumps({"done_on": (start - dt.timedelta(days=1)).isoformat(), "notes": "x"}),
        content_type=JSON,
    )
    assert before.status_code == 400 and "précéder le début" in before.json()["detail"]
    today = timezone.localdate().isoformat()
    done = referent_api.post(
        url, json.dumps({"done_on": today, "notes": "Bonne intégration."}), content_type=JSON
    )
    assert done.status_code == 200
    [shown] = done.json()["checkpoints"]
    assert shown == {
        "id": checkpoint.pk,
        "label": "1 semaine",
        "due_on": checkpoint.due_on.isoformat(),
        "done_on": today,
    }
    assert AccessLogEntry.objects.filter(
        action="update", target_type="employment.placement", target_id=placement.pk
    ).exists()
    again = referent_api.post(
        url, json.dumps({"done_on": today, "notes": "Autre chose."}), content_type=JSON
    )
    assert again.status_code == 409
    checkpoint.refresh_from_db()
    assert checkpoint.notes == "Bonne intégration."
    other = PlacementFactory(person=PersonFactory(organisation=organisation))
    wrong_pair = f"{base(organisation)}/placements/{other.pk}/checkpoints/{checkpoint.pk}"
    assert (
        referent_api.post(
            wrong_pair, json.dumps({"done_on": today, "notes": "x"}), content_type=JSON
        ).status_code
        == 404
    )


def test_checkpoint_of_another_organisation_person_is_404_and_journaled(
    referent_api, organisation, other_organisation
):
    placement = PlacementFactory(person=PersonFactory(organisation=other_organisation))
    checkpoint = Checkpoint.objects.create(
        placement=placement, label="1 mois", due_on=timezone.localdate()
    )
    response = referent_api.post(
        f"{base(organisation)}/placements/{placement.pk}/checkpoints/{checkpoint.pk}",
        json.dumps({"done_on": timezone.localdate().isoformat(), "notes": "x"}),
        content_type=JSON,
    )
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(action="denied").exists()
    checkpoint.refresh_from_db()
    assert checkpoint.done_on is None


def test_position_licences_and_mobility_through_the_api(referent_api, organisation):
    employer = EmployerFactory(organisation=organisation)
    url = f"{base(organisation)}/employers/{employer.pk}/positions"
    body = {
        "rome_code": "N4101",
        "appellation": "",
        "contract_type": "cdi",
        "weekly_hours": "35",
        "schedule": "day",
        "commune_code": "69123",
        "other_licences": ["CE", "C"],
        "mobility_requirement": "travel",
    }
    body["appellation"] = references.rome_jobs()["N4101"].appellations[0]
    created = referent_api.post(url, json.dumps(body), content_type=JSON)
    assert created.status_code == 201
    assert created.json()["other_licences"] == ["C", "CE"]
    assert created.json()["mobility_requirement"] == "travel"
    bad = referent_api.post(url, json.dumps({**body, "other_licences": ["Z"]}), content_type=JSON)
    assert bad.status_code == 400 and bad.json()["field"] == "other_licences"
