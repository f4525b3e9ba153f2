"""Certification API: public referentials, candidates, evaluations and jury decisions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from relais.accounts.models import Role
from relais.certification import juries
from relais.certification.models import BodyKind, Candidate, CriterionScore, MemberQuality
from tests.factories import MembershipFactory
from tests.factories.certification import EnrolmentFactory, body_member, referential

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_referentials_are_public():
    referential("RNCP37504")
    client = Client()
    listed = client.get("/api/v1/certifications").json()
    assert [c["code"] for c in listed] == ["RNCP37504"]
    data = client.get("/api/v1/certifications/RNCP37504").json()
    block_e = data["blocks"][-1]
    assert block_e["code"] == "RNCP37504BCE"
    assert block_e["modalities"][0]["pages"] == 40
    assert block_e["modalities"][0]["criteria"][0]["competence"] == "RNCP37504-5.1"
    assert client.get("/api/v1/certifications/RNCP00000").status_code == 404


def test_candidates_need_a_certification_body(api_client_for):
    outsider = MembershipFactory(role=Role.MANAGER)
    client = api_client_for(outsider.user)
    answer = client.get(f"/api/v1/organisations/{outsider.organisation_id}/candidates")
    assert answer.status_code == 403


def test_create_list_and_read_a_candidate(api_client_for):
    manager = body_member(BodyKind.TRAINING, Role.MANAGER)
    client = api_client_for(manager.user)
    base = f"/api/v1/organisations/{manager.organisation_id}/candidates"
    bad = client.post(base, {"last_name": "", "first_name": "Léa", "birth_date": "2990-01-01"})
    assert bad.status_code == 400 and not Candidate.objects.exists()
    created = client.post(
        base,
        {
            "last_name": "Durand",
            "first_name": "Léa",
            "birth_date": "1990-01-01",
            "diploma_level": 5,
            "experience_years": "3.5",
        },
    )
    assert created.status_code == 201, created.json()
    candidate_id = created.json()["id"]
    EnrolmentFactory(candidate_id=candidate_id, organisation=manager.organisation)
    assert [c["last_name"] for c in client.get(base).json()] == ["Durand"]
    detail = client.get(f"{base}/{candidate_id}").json()
    assert (detail["enrolments"][0]["funding"], detail["enrolments"][0]["funded_hours"]) == (
        "",
        24,
    )
    assert detail["enrolments"][0]["blocks"][0] == {
        "block": "RNCP41885BC01",
        "status": "À acquérir",
        "acquired_on": None,
    }
    other = body_member(BodyKind.TRAINING, Role.MANAGER)
    stranger = api_client_for(other.user)
    assert stranger.get(f"{base}/{candidate_id}").status_code == 404
    assert (
        stranger.get(
            f"/api/v1/organisations/{other.organisation_id}/candidates/{candidate_id}"
        ).status_code
        == 404
    )


def test_scoring_through_the_api(api_client_for):
    trainer = body_member(BodyKind.TRAINING, Role.REFERENT)
    enrolment = EnrolmentFactory(candidate__organisation=trainer.organisation)
    modality = enrolment.certification.blocks.first().modalities.first()
    url = (
        f"/api/v1/organisations/{trainer.organisation_id}/enrolments/{enrolment.pk}"
        f"/evaluations/{modality.pk}"
    )
    client = api_client_for(trainer.user)
    foreign = referential("RNCP37504").blocks.first().modalities.first().criteria.first()
    scores = [{"criterion_id": c.pk, "level": "met"} for c in modality.criteria.all()]
    refused = client.put(
        url,
        {"scores": [*scores, {"criterion_id": foreign.pk, "level": "met"}]},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "n'appartiennent pas" in refused.json()["detail"]
    assert not CriterionScore.objects.exists()
    ok = client.put(url, {"scores": scores}, content_type="application/json")
    assert ok.status_code == 200 and len(ok.json()["scores"]) == 4
    listed = client.get(
        f"/api/v1/organisations/{trainer.organisation_id}/enrolments/{enrolment.pk}/evaluations"
    ).json()
    assert listed[0]["block"] == "RNCP41885BC01" and listed[0]["scheduled_on"] is None


def test_jury_decisions(api_client_for):
    manager = body_member(BodyKind.CERTIFIER, Role.MANAGER)
    rncp = referential("RNCP41885")
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation, certification=rncp)
    session = juries.session_create(
        membership=manager, certification=rncp, held_on=TODAY, for_vae=False
    )
    juries.member_add(
        membership=manager,
        session=session,
        full_name="Pr Roux",
        quality=MemberQuality.ACADEMIC,
        is_president=True,
    )
    juries.member_add(
        membership=manager,
        session=session,
        full_name="M. Petit",
        quality=MemberQuality.PROFESSIONAL,
    )
    juries.candidates_add(membership=manager, session=session, enrolments=[enrolment])
    juries.session_constitute(membership=manager, session=session)
    block = rncp.blocks.first()
    juries.deliberate(
        membership=manager,
        session=session,
        enrolment=enrolment,
        decisions={block.pk: (False, "Dossier incomplet")},
    )
    data = (
        api_client_for(manager.user)
        .get(f"/api/v1/organisations/{manager.organisation_id}/juries/{session.pk}/decisions")
        .json()
    )
    assert data == [
        {
            "enrolment_id": enrolment.pk,
            "candidate": enrolment.candidate.display_name,
            "block": block.code,
            "validated": False,
            "reasons": "Dossier incomplet",
        }
    ]


def test_conflicts_of_interest_through_the_api(api_client_for):
    manager = body_member(BodyKind.TRAINING, Role.MANAGER)
    colleague = MembershipFactory(organisation=manager.organisation, role=Role.REFERENT)
    outsider = MembershipFactory()
    referential("RNCP41885")
    client = api_client_for(manager.user)
    base = f"/api/v1/organisations/{manager.organisation_id}"
    candidate = client.post(
        f"{base}/candidates",
        {
            "last_name": "Durand",
            "first_name": "Léa",
            "birth_date": "1990-01-01",
            "diploma_level": 5,
            "experience_years": "4",
            "employer_name": "SARL Éco-Bois",
            "employer_siret": "73282932000074",
        },
    ).json()
    assert candidate["employer_siret"] == "73282932000074"
    enrolments = f"{base}/candidates/{candidate['id']}/enrolments"
    payload = {
        "certification": "RNCP41885",
        "access_route": "continuing",
        "enrolled_on": str(TODAY),
    }
    foreign = client.post(enrolments, {**payload, "trainer_id": outsider.user_id})
    assert foreign.status_code == 400 and foreign.json()["field"] == "trainer_id"
    enrolment = client.post(enrolments, {**payload, "trainer_id": colleague.user_id})
    assert enrolment.status_code == 201, enrolment.json()
    assert enrolment.json()["trainer_id"] == colleague.user_id
    jury = client.post(
        f"{base}/juries", {"certification": "RNCP41885", "held_on": str(TODAY)}
    ).json()
    jury_url = f"{base}/juries/{jury['id']}"
    presented = client.post(f"{jury_url}/candidates", {"enrolment_ids": [enrolment.json()["id"]]})
    assert presented.status_code == 200 and presented.json()["enrolment_ids"]
    trained = client.post(
        f"{jury_url}/members",
        {"full_name": "Paul Martin", "quality": "professional", "user_id": colleague.user_id},
    )
    assert trained.status_code == 400
    assert "Conflit d'intérêts : Paul Martin a formé Léa DURAND" in trained.json()["detail"]
    employed = client.post(
        f"{jury_url}/members",
        {"full_name": "Julie Bon", "quality": "professional", "employer_siret": "73282932000108"},
    )
    assert employed.status_code == 400
    assert "Julie Bon travaille pour SARL Éco-Bois" in employed.json()["detail"]
    for member in (
        {"full_name": "Pr Roux", "quality": "academic", "is_president": True},
        {"full_name": "Marc Petit", "quality": "professional", "employer_name": "Autre"},
    ):
        assert client.post(f"{jury_url}/members", member).status_code == 201
    constituted = client.post(f"{jury_url}/constitute")
    assert constituted.status_code == 200 and constituted.json()["status"] == "constituted"


def test_placement_hours_through_the_api(api_client_for):
    trainer = body_member(BodyKind.TRAINING, Role.REFERENT)
    enrolment = EnrolmentFactory(
        candidate__organisation=trainer.organisation,
        candidate__vulnerable_experience=False,
        certification=referential("RS-REFERENT-PARCOURS"),
    )
    client = api_client_for(trainer.user)
    url = f"/api/v1/organisations/{trainer.organisation_id}/enrolments/{enrolment.pk}/placement"
    answer = client.put(url, {"placement_hours": 70, "version": 1}, content_type="application/json")
    assert answer.status_code == 200, answer.json()
    assert answer.json() == {
        "id": enrolment.pk,
        "placement_hours": 70,
        "required_hours": 140,
        "version": 2,
    }
    stale = client.put(url, {"placement_hours": 80, "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    negative = client.put(url, {"placement_hours": -1}, content_type="application/json")
    assert negative.status_code == 422


def test_scoring_a_modality_without_criteria_through_the_api(api_client_for):
    trainer = body_member(BodyKind.TRAINING, Role.REFERENT)
    enrolment = EnrolmentFactory(candidate__organisation=trainer.organisation)
    modality = enrolment.certification.blocks.first().modalities.get(code="RNCP41885BC01-M2")
    url = (
        f"/api/v1/organisations/{trainer.organisation_id}/enrolments/{enrolment.pk}"
        f"/evaluations/{modality.pk}"
    )
    client = api_client_for(trainer.user)
    refused = client.put(url, {"scores": []}, content_type="application/json")
    assert refused.status_code == 400 and "appréciation d'ensemble" in refused.json()["detail"]
    ok = client.put(
        url,
        {"scores": [], "overall": {"level": "met", "evidence": "Oral de 30 minutes"}},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["overall"] == {"level": "met", "evidence": "Oral de 30 minutes", "comment": ""}


def test_correct_a_candidate_through_the_api(api_client_for):
    manager = body_member(BodyKind.TRAINING, Role.MANAGER)
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation)
    candidate = enrolment.candidate
    client = api_client_for(manager.user)
    url = f"/api/v1/organisations/{manager.organisation_id}/candidates/{candidate.pk}"
    read = client.get(url).json()
    assert read["version"] == candidate.version
    fields = {
        "last_name": "Martin",
        "first_name": "Inès",
        "birth_date": "1988-02-03",
        "phone": "0601020304",
        "diploma_level": 4,
        "experience_years": "6.5",
    }
    # Every error at once; nothing saved.
    bad = client.put(
        url,
        {**fields, "last_name": " ", "birth_date": "2990-01-01", "version": read["version"]},
        content_type="application/json",
    )
    assert bad.status_code == 400, bad.json()
    assert "nom" in bad.json()["detail"].lower() and "naissance" in bad.json()["detail"].lower()
    candidate.refresh_from_db()
    assert candidate.last_name != "Martin"
    ok = client.put(url, {**fields, "version": read["version"]}, content_type="application/json")
    assert ok.status_code == 200, ok.json()
    assert (ok.json()["last_name"], ok.json()["version"]) == ("Martin", read["version"] + 1)
    assert ok.json()["enrolments"][0]["id"] == enrolment.pk
    # The version read before that change is stale now.
    stale = client.put(url, {**fields, "version": read["version"]}, content_type="application/json")
    assert stale.status_code == 409
    # Another organisation's candidate is not found.
    other = body_member(BodyKind.TRAINING, Role.MANAGER)
    foreign = api_client_for(other.user).put(
        f"/api/v1/organisations/{other.organisation_id}/candidates/{candidate.pk}",
        {**fields, "version": ok.json()["version"]},
        content_type="application/json",
    )
    assert foreign.status_code == 404


def test_withdraw_an_enrolment_through_the_api(api_client_for):
    trainer = body_member(BodyKind.TRAINING, Role.REFERENT)
    enrolment = EnrolmentFactory(candidate__organisation=trainer.organisation)
    client = api_client_for(trainer.user)
    url = f"/api/v1/organisations/{trainer.organisation_id}/enrolments/{enrolment.pk}/withdraw"
    today = timezone.localdate()
    bad = client.post(
        url,
        {"withdrawn_on": "2990-01-01", "reason": " ", "version": enrolment.version},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "motif" in bad.json()["detail"] and "futur" in bad.json()["detail"]
    ok = client.post(
        url,
        {"withdrawn_on": today.isoformat(), "reason": "Déménagement", "version": enrolment.version},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.json()
    withdrawn = ok.json()["enrolments"][0]
    assert withdrawn["status"] == "withdrawn"
    assert (withdrawn["withdrawn_on"], withdrawn["withdrawal_reason"]) == (
        today.isoformat(),
        "Déménagement",
    )
    again = client.post(
        url,
        {"withdrawn_on": today.isoformat(), "reason": "Encore", "version": withdrawn["version"]},
        content_type="application/json",
    )
    assert again.status_code == 400  # already closed
    # A member without the scoring role may not.
    assistant = body_member(BodyKind.TRAINING, Role.STAFF, organisation=trainer.organisation)
    refused = api_client_for(assistant.user).post(
        url,
        {"withdrawn_on": today.isoformat(), "reason": "x", "version": withdrawn["version"]},
        content_type="application/json",
    )
    assert refused.status_code == 403
