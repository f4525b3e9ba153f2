"""Referrals API: sender side (send, list sent, cancel, answers of a partner off the
platform) and receiver side (inbox, seen, accept, refuse, start, complete), journaled,
restricted to what is shared, 409 on a stale answer, 404 + denied journal on a guess."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.models import AccessLogEntry, JournalAction
from relais.network.referrals.models import Referral, ReferralStatus, ReferralTransition
from tests.factories import (
    DiagnosticFactory,
    DomainAssessmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ServiceFactory,
)
from tests.network.referrals.support import give_consent, make_scenario, send

pytestmark = pytest.mark.django_db
S = ReferralStatus


def base(organisation) -> str:
    return f"/api/v1/organisations/{organisation.pk}/referrals"


def payload(sc, **extra) -> dict:
    data = {
        "person_id": sc.person.pk,
        "service_id": sc.service.pk,
        "reason": "Recherche d'emploi.",
        "request": "Un premier entretien.",
        "shared_categories": ["identity"],
    }
    data.update(extra)
    return data


class TestSenderSide:
    def test_send_list_and_cancel(self, api_client_for):
        sc = make_scenario()
        api = api_client_for(sc.referent)
        created = api.post(base(sc.sender_org), payload(sc))
        assert created.status_code == 201, created.json()
        body = created.json()
        assert body["status"] == "sent"
        assert body["side"] == "sender"
        assert body["person_id"] == sc.person.pk
        assert body["allowed_moves"] == ["cancelled"]
        assert body["transitions"][0]["to_status"] == "sent"
        assert body["redundancies"] == []
        listed = api.get(f"{base(sc.sender_org)}/sent").json()
        assert listed["count"] == 1
        assert listed["results"][0]["person_name"] == "LEFÈVRE Amélie"
        cancelled = api.post(
            f"{base(sc.sender_org)}/{body['id']}/cancel",
            {"version": body["version"], "comment": "Erreur de service."},
        )
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"
        assert AccessLogEntry.objects.filter(
            action=JournalAction.CREATE, target_type="network.referral"
        ).exists()

    def test_similar_actions_must_be_confirmed_as_on_the_page(self, api_client_for):
        sc = make_scenario()
        first = send(sc)
        plie = OrganisationFactory(name="PLIE Lyon", kind="plie")
        give_consent(sc.person, plie, by=sc.referent)
        similar = ServiceFactory(
            organisation=plie, name="Accompagnement PLIE", thematiques=["trouver-un-emploi"]
        )
        api = api_client_for(sc.referent)
        refused = api.post(base(sc.sender_org), payload(sc, service_id=similar.pk))
        assert refused.status_code == 400
        body = refused.json()
        assert body["field"] == "confirm_redundancy"
        assert "Garantie jeunes renforcée" in body["detail"]
        assert f"referral-{first.pk}" in body["detail"]
        assert Referral.objects.count() == 1
        stale = api.post(
            base(sc.sender_org),
            payload(sc, service_id=similar.pk, confirm_redundancy="referral-999"),
        )
        assert stale.status_code == 400
        sent = api.post(
            base(sc.sender_org),
            payload(sc, service_id=similar.pk, confirm_redundancy=f"referral-{first.pk}"),
        )
        assert sent.status_code == 201, sent.json()
        assert [r["object_id"] for r in sent.json()["redundancies"]] == [first.pk]

    def test_send_without_consent_is_a_400_on_consent(self, api_client_for):
        sc = make_scenario(consent=None)
        response = api_client_for(sc.referent).post(base(sc.sender_org), payload(sc))
        assert response.status_code == 400
        assert response.json()["field"] == "consent"
        assert "Mission locale Lyon Est" in response.json()["detail"]

    def test_bad_input(self, api_client_for):
        sc = make_scenario()
        api = api_client_for(sc.referent)
        assert (
            api.post(base(sc.sender_org), payload(sc, shared_categories=["tout"])).status_code
            == 422
        )
        assert api.post(base(sc.sender_org), payload(sc, surprise=1)).status_code == 422
        missing = api.post(base(sc.sender_org), payload(sc, service_id=999999))
        assert missing.status_code == 400 and missing.json()["field"] == "service_id"
        foreign = api.post(base(sc.sender_org), payload(sc, attachment_ids=[123456]))
        assert foreign.status_code == 400 and foreign.json()["field"] == "attachment_ids"
        sc.service.is_published = False
        sc.service.save()
        unpublished = api.post(base(sc.sender_org), payload(sc))
        assert unpublished.status_code == 400
        assert "n'est plus proposé" in unpublished.json()["detail"]

    def test_person_of_another_organisation_is_404(self, api_client_for):
        sc = make_scenario()
        response = api_client_for(sc.receiver).post(base(sc.receiver_org), payload(sc))
        assert response.status_code == 404

    def test_staff_is_403(self, api_client_for):
        sc = make_scenario()
        staff = MembershipFactory(organisation=sc.sender_org, role="staff").user
        assert api_client_for(staff).get(f"{base(sc.sender_org)}/sent").status_code == 403

    def test_answer_of_an_external_partner(self, api_client_for):
        sc = make_scenario(external=True)
        referral = send(sc)
        response = api_client_for(sc.referent).post(
            f"{base(sc.sender_org)}/{referral.pk}/answer",
            {
                "version": referral.version,
                "decision": "done",
                "outcome": "Permis obtenu.",
                "first_appointment_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
            },
        )
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "done"
        assert response.json()["answered_by_hand"] is True


class TestReceiverSide:
    def test_inbox_seen_accept_start_complete(self, api_client_for):
        sc = make_scenario()
        referral = send(sc)
        api = api_client_for(sc.receiver)
        inbox = api.get(f"{base(sc.receiver_org)}/inbox?status=sent").json()
        assert [r["id"] for r in inbox["results"]] == [referral.pk]
        assert inbox["results"][0]["person_name"] == "LEFÈVRE Amélie"
        assert inbox["results"][0]["person_id"] is None
        detail = api.get(f"{base(sc.receiver_org)}/{referral.pk}").json()
        assert detail["status"] == "sent"  # GET does not mark it seen
        assert detail["side"] == "receiver"
        seen = api.post(f"{base(sc.receiver_org)}/{referral.pk}/seen").json()
        assert seen["status"] == "seen"
        accepted = api.post(
            f"{base(sc.receiver_org)}/{referral.pk}/accept",
            {"version": seen["version"], "join_team": True},
        )
        assert accepted.status_code == 200, accepted.json()
        started = api.post(
            f"{base(sc.receiver_org)}/{referral.pk}/start",
            {"version": accepted.json()["version"]},
        ).json()
        assert started["status"] == "in_progress"
        done = api.post(
            f"{base(sc.receiver_org)}/{referral.pk}/complete",
            {"version": started["version"], "outcome": "Entrée en formation."},
        ).json()
        assert done["status"] == "done"
        assert done["outcome"] == "Entrée en formation."
        assert [t["to_status"] for t in done["transitions"]] == [
            "sent",
            "seen",
            "accepted",
            "in_progress",
            "done",
        ]
        view = AccessLogEntry.objects.filter(
            action=JournalAction.VIEW, target_type="network.referral", actor=sc.receiver
        ).first()
        assert view.actor_organisation_id == sc.receiver_org.pk
        assert view.organisation_id == sc.sender_org.pk

    def test_stale_answer_is_a_409_naming_who_answered(self, api_client_for):
        sc = make_scenario()
        referral = send(sc)
        version = referral.version
        api_client_for(sc.receiver).post(
            f"{base(sc.receiver_org)}/{referral.pk}/accept", {"version": version}
        )
        late = api_client_for(sc.receiver_manager).post(
            f"{base(sc.receiver_org)}/{referral.pk}/refuse",
            {"version": version, "refusal_reason": "no_capacity"},
        )
        assert late.status_code == 409
        assert "déjà été acceptée par Karim Benali" in late.json()["detail"]
        assert ReferralTransition.objects.filter(to_status=S.ACCEPTED).count() == 1

    def test_receiver_sees_only_shared_domains(self, api_client_for):
        sc = make_scenario()
        diagnostic = DiagnosticFactory(person=sc.person, author=sc.referent)
        DomainAssessmentFactory(
            diagnostic=diagnostic, domain="mobility", situation="Pas de permis."
        )
        DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", situation="À la rue.")
        referral = send(sc, shared_categories=["diagnostic"], shared_domains=["mobility"])
        body = api_client_for(sc.receiver).get(f"{base(sc.receiver_org)}/{referral.pk}").json()
        assert [d["domain"] for d in body["diagnostic_domains"]] == ["mobility"]
        assert "À la rue." not in str(body)
        assert body["person"] is None
        listed = api_client_for(sc.receiver).get(f"{base(sc.receiver_org)}/inbox").json()
        assert listed["results"][0]["person_name"] is None

    def test_refuse_needs_a_valid_reason(self, api_client_for):
        sc = make_scenario()
        referral = send(sc)
        api = api_client_for(sc.receiver)
        assert (
            api.post(
                f"{base(sc.receiver_org)}/{referral.pk}/refuse", {"refusal_reason": "bof"}
            ).status_code
            == 422
        )
        other = api.post(
            f"{base(sc.receiver_org)}/{referral.pk}/refuse", {"refusal_reason": "other"}
        )
        assert other.status_code == 400
        assert other.json()["field"] == "refusal_comment"

    def test_sender_cannot_accept(self, api_client_for):
        sc = make_scenario()
        referral = send(sc)
        response = api_client_for(sc.referent).post(
            f"{base(sc.sender_org)}/{referral.pk}/accept", {"version": referral.version}
        )
        assert response.status_code == 403

    def test_guessing_an_id_is_404_and_journaled(self, api_client_for):
        sc = make_scenario()
        referral = send(sc)
        other = make_scenario()
        response = api_client_for(other.receiver).get(f"{base(other.receiver_org)}/{referral.pk}")
        assert response.status_code == 404
        denied = AccessLogEntry.objects.get(action=JournalAction.DENIED)
        assert denied.target_id == str(referral.pk)
        assert denied.organisation_id == sc.sender_org.pk
        assert Referral.objects.get().status == S.SENT

    def test_openapi_documents_the_orientations_tag(self, client):
        schema = client.get("/api/v1/openapi.json").json()
        paths = [p for p in schema["paths"] if "/referrals" in p]
        assert len(paths) == 12
        tags = {
            tag
            for path in paths
            for operation in schema["paths"][path].values()
            for tag in operation.get("tags", [])
        }
        assert tags == {"Orientations"}


def test_send_from_a_planned_step_serving_a_goal(api_client_for):
    """#9: the API sends from a planned step (no second step) and links the goal."""
    from tests.factories import GoalFactory, StepFactory

    sc = make_scenario()
    goal = GoalFactory(pathway=sc.pathway)
    planned = StepFactory(pathway=sc.pathway, goal=goal, owner="partner")
    api = api_client_for(sc.referent)
    wrong = api.post(base(sc.sender_org), payload(sc, goal_id=goal.pk + 100))
    assert wrong.status_code == 400
    assert wrong.json()["field"] == "goal_id"
    created = api.post(base(sc.sender_org), payload(sc, step_id=planned.pk, goal_id=goal.pk))
    assert created.status_code == 201, created.json()
    referral = Referral.objects.get()
    assert referral.step_id == planned.pk
    assert sc.pathway.steps.count() == 1
