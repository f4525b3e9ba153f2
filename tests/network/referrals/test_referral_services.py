"""Referral services: sending (consent, service, pathway rules), the answers of both sides,
the step kept in sync, the transitions recorded, the coordination team, a partner "hors
plateforme", delays, and concurrent answers (exactly one transition)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.network.coordination.models import TeamMember
from relais.network.referrals import answers as referral_answers
from relais.network.referrals import selectors as referral_selectors
from relais.network.referrals import services as referrals
from relais.network.referrals import workflow
from relais.network.referrals.models import Referral, ReferralStatus, ReferralTransition
from relais.pathways.models import PathwayStatus, Step, StepKind, StepOwner, StepStatus
from relais.people import services as people_services
from tests.factories import (
    DocumentFactory,
    MembershipFactory,
    OrganisationFactory,
    PathwayFactory,
    ServiceFactory,
)
from tests.network.referrals.support import give_consent, make_scenario, send

pytestmark = pytest.mark.django_db
S = ReferralStatus


def answer(sc, referral, verb: str, *, user=None, **kwargs):
    name = f"referral_{verb}"
    service = getattr(referral_answers, name, None) or getattr(referrals, name)
    return service(
        referral=referral,
        actor=user or sc.receiver,
        organisation=sc.receiver_org,
        expected_version=kwargs.pop("expected_version", referral.version),
        **kwargs,
    )


def statuses(referral) -> list[tuple[str, str]]:
    return list(
        ReferralTransition.objects.filter(referral=referral)
        .order_by("at", "id")
        .values_list("from_status", "to_status")
    )


class TestSend:
    def test_send_records_the_referral_its_first_transition_and_a_step(self):
        sc = make_scenario()
        referral = send(sc)
        assert referral.status == S.SENT
        assert referral.sender_organisation == sc.sender_org
        assert referral.receiver_organisation == sc.receiver_org
        assert referral.pathway == sc.pathway
        assert referral.expires_at - referral.sent_at == dt.timedelta(days=30)
        transition = ReferralTransition.objects.get(referral=referral)
        assert (transition.from_status, transition.to_status) == ("", S.SENT)
        assert transition.actor == sc.referent
        assert transition.actor_organisation == sc.sender_org
        step = Step.objects.get(pk=referral.step_id)
        assert step.pathway == sc.pathway
        assert step.kind == StepKind.REFERRAL
        assert step.owner == StepOwner.PARTNER
        assert step.owner_name == sc.receiver_org.name
        assert step.status == StepStatus.PLANNED
        assert "Garantie jeunes renforcée" in step.title

    def test_expiry_is_configurable(self, settings):
        settings.RELAIS_REFERRAL_EXPIRY_DAYS = 10
        referral = send(make_scenario())
        assert referral.expires_at - referral.sent_at == dt.timedelta(days=10)

    def test_reason_and_request_are_required_and_bounded(self):
        sc = make_scenario()
        with pytest.raises(DomainError) as error:
            send(sc, reason="   ")
        assert error.value.field == "reason"
        with pytest.raises(DomainError) as error:
            send(sc, asked_for="x" * 3001)
        assert error.value.field == "asked_for"
        assert "3000 caractères" in error.value.message

    def test_only_who_accompanies_the_person_may_send(self):
        sc = make_scenario()
        staff = MembershipFactory(organisation=sc.sender_org, role="staff").user
        with pytest.raises(PermissionDenied):
            send(sc, actor=staff)
        with pytest.raises(PermissionDenied):
            send(sc, actor=sc.receiver)
        assert not Referral.objects.exists()

    def test_unpublished_service_or_inactive_organisation_is_refused(self):
        sc = make_scenario()
        sc.service.is_published = False
        sc.service.save()
        with pytest.raises(DomainError, match="n'est plus proposé") as error:
            send(sc)
        assert error.value.field == "service"
        sc.service.is_published = True
        sc.service.save()
        sc.receiver_org.is_active = False
        sc.receiver_org.save()
        with pytest.raises(DomainError, match="ne figure plus dans l'annuaire"):
            send(sc)
        assert not Referral.objects.exists()
        assert not Step.objects.filter(kind=StepKind.REFERRAL).exists()

    def test_service_of_ones_own_organisation_is_refused(self):
        sc = make_scenario()
        own = ServiceFactory(organisation=sc.sender_org)
        with pytest.raises(DomainError, match="votre structure"):
            send(sc, service=own)

    def test_second_open_referral_to_the_same_service_is_refused(self):
        sc = make_scenario()
        first = send(sc)
        with pytest.raises(DomainError, match=f"orientation n° {first.pk}"):
            send(sc)
        answer(sc, first, "refuse", refusal_reason="no_capacity")
        send(sc)  # after a refusal, a new one is possible

    def test_no_active_pathway_is_refused_with_a_clear_message(self):
        sc = make_scenario()
        sc.pathway.status = PathwayStatus.CLOSED
        sc.pathway.save()
        with pytest.raises(DomainError, match="pas de parcours en cours") as error:
            send(sc)
        assert error.value.field == "pathway"

    def test_several_active_pathways_need_a_choice(self):
        sc = make_scenario()
        other = PathwayFactory(person=sc.person, referent=sc.referent, scheme="plie")
        with pytest.raises(DomainError, match="plusieurs parcours"):
            send(sc)
        referral = send(sc, pathway=other)
        assert referral.pathway == other
        assert Step.objects.get(pk=referral.step_id).pathway == other

    def test_pathway_of_another_person_is_refused(self):
        sc = make_scenario()
        foreign = PathwayFactory(referent=sc.referent)
        with pytest.raises(DomainError, match="parcours en cours de la personne"):
            send(sc, pathway=foreign)


class TestConsent:
    def test_no_consent_refuses_with_a_message_naming_the_receiver(self):
        sc = make_scenario(consent=None)
        with pytest.raises(DomainError) as error:
            send(sc)
        assert error.value.field == "consent"
        assert "Mission locale Lyon Est" in error.value.message
        assert not Referral.objects.exists()

    def test_consent_naming_the_organisation(self):
        send(make_scenario(consent="org"))

    def test_consent_for_its_kind_of_organisation(self):
        send(make_scenario(consent="category"))

    def test_consent_for_another_organisation_or_purpose_does_not_count(self):
        sc = make_scenario(consent=None)
        give_consent(sc.person, OrganisationFactory(kind="plie"), named=True, by=sc.referent)
        give_consent(sc.person, OrganisationFactory(kind="plie"), named=False, by=sc.referent)
        with pytest.raises(DomainError):
            send(sc)

    def test_withdrawn_consent_does_not_count(self):
        sc = make_scenario(consent="org")
        people_services.consent_withdraw(
            consent=sc.consent,
            actor=sc.referent,
            decided_on=timezone.localdate(),
            method="oral_witness",
            witness_name="Collègue",
        )
        with pytest.raises(DomainError) as error:
            send(sc)
        assert error.value.field == "consent"

    def test_consent_recorded_after_a_refusal_lets_the_referral_go(self):
        sc = make_scenario(consent=None)
        with pytest.raises(DomainError):
            send(sc)
        people_services.consent_give(
            person=sc.person,
            actor=sc.referent,
            purpose="share_org",
            partner_organisation=sc.receiver_org,
            decided_on=timezone.localdate(),
            method="oral_witness",
            witness_name="Collègue",
        )
        assert send(sc).status == S.SENT

    def test_health_needs_a_named_consent_and_an_explicit_confirmation(self):
        sc = make_scenario(consent="category")
        with pytest.raises(DomainError, match="cochez aussi « Diagnostic »") as error:
            send(sc, shared_categories=["health"], health_consent_confirmed=True)
        assert error.value.field == "shared_categories"
        health = ["diagnostic", "health"]
        with pytest.raises(DomainError, match="nommée") as error:
            send(sc, shared_categories=health, health_consent_confirmed=True)
        assert error.value.field == "shared_categories"
        give_consent(sc.person, sc.receiver_org, named=True, by=sc.referent)
        with pytest.raises(DomainError, match="explicitement") as error:
            send(sc, shared_categories=health)
        assert error.value.field == "health_consent_confirmed"
        referral = send(sc, shared_categories=health, health_consent_confirmed=True)
        assert referral.shared_categories == ["diagnostic", "health"]
        assert referral.shared_domains == []
        assert "santé" in ReferralTransition.objects.get(referral=referral).comment

    def test_diagnostic_domains_rules(self):
        sc = make_scenario()
        with pytest.raises(DomainError, match="cochez « Diagnostic »"):
            send(sc, shared_domains=["housing"])
        with pytest.raises(DomainError, match="Choisissez les domaines"):
            send(sc, shared_categories=["diagnostic"])
        with pytest.raises(DomainError, match="catégorie « Santé »") as error:
            send(
                sc,
                shared_categories=["diagnostic", "health"],
                shared_domains=["health"],
                health_consent_confirmed=True,
            )
        assert error.value.field == "shared_domains"
        with pytest.raises(DomainError, match="inconnu"):
            send(sc, shared_categories=["diagnostic"], shared_domains=["astrologie"])
        referral = send(
            sc, shared_categories=["diagnostic", "identity"], shared_domains=["mobility", "housing"]
        )
        # Stored in the vocabularies' order.
        assert referral.shared_categories == ["identity", "diagnostic"]
        assert referral.shared_domains == ["mobility", "housing"]

    def test_attachments_rules(self):
        sc = make_scenario()
        cv = DocumentFactory(person=sc.person, uploaded_by=sc.referent)
        foreign = DocumentFactory(uploaded_by=sc.referent)
        with pytest.raises(DomainError, match="Documents choisis"):
            send(sc, attachments=[cv])
        with pytest.raises(DomainError, match="Choisissez les documents"):
            send(sc, shared_categories=["documents"])
        with pytest.raises(DomainError, match="n'appartient pas"):
            send(sc, shared_categories=["documents"], attachments=[foreign])
        referral = send(sc, shared_categories=["documents"], attachments=[cv])
        assert list(referral.attachments.all()) == [cv]


class TestAnswers:
    def test_the_closed_loop_with_step_sync(self):
        sc = make_scenario()
        referral = send(sc)
        seen = referral_answers.referral_mark_seen(
            referral=referral, actor=sc.receiver, organisation=sc.receiver_org
        )
        assert seen.status == S.SEEN and seen.seen_at is not None
        assert seen.version == referral.version  # a read receipt, not an edit
        appointment = timezone.localdate() + dt.timedelta(days=5)
        accepted = answer(sc, seen, "accept", first_appointment_on=appointment, comment="Bienvenue")
        assert accepted.status == S.ACCEPTED
        assert accepted.answered_at is not None
        assert accepted.first_appointment_on == appointment
        step = Step.objects.get(pk=referral.step_id)
        assert step.status == StepStatus.IN_PROGRESS
        assert step.planned_on == appointment
        started = answer(sc, accepted, "start")
        assert started.status == S.IN_PROGRESS
        done = answer(sc, started, "complete", outcome="Entrée en formation le 3 mars.")
        assert done.status == S.DONE and done.closed_at is not None
        step.refresh_from_db()
        assert step.status == StepStatus.DONE
        assert step.done_on == timezone.localdate()
        assert step.outcome == "Entrée en formation le 3 mars."
        assert statuses(referral) == [
            ("", S.SENT),
            (S.SENT, S.SEEN),
            (S.SEEN, S.ACCEPTED),
            (S.ACCEPTED, S.IN_PROGRESS),
            (S.IN_PROGRESS, S.DONE),
        ]
        accept = ReferralTransition.objects.get(referral=referral, to_status=S.ACCEPTED)
        assert accept.actor == sc.receiver
        assert accept.actor_organisation == sc.receiver_org
        assert accept.comment == "Bienvenue"

    def test_mark_seen_is_idempotent_and_only_for_the_receiver(self):
        sc = make_scenario()
        referral = send(sc)
        referral_answers.referral_mark_seen(
            referral=referral, actor=sc.referent, organisation=sc.sender_org
        )
        referral.refresh_from_db()
        assert referral.status == S.SENT
        for _ in range(3):
            referral_answers.referral_mark_seen(
                referral=referral, actor=sc.receiver, organisation=sc.receiver_org
            )
        assert ReferralTransition.objects.filter(referral=referral, to_status=S.SEEN).count() == 1

    def test_accepting_without_opening_first_sets_seen_at(self):
        sc = make_scenario()
        accepted = answer(sc, send(sc), "accept")
        assert accepted.seen_at == accepted.answered_at

    def test_refusal_cancels_the_step_with_the_reason(self):
        sc = make_scenario()
        referral = send(sc)
        refused = answer(sc, referral, "refuse", refusal_reason="no_capacity", comment="Complet")
        assert refused.status == S.REFUSED
        assert refused.refusal_reason == "no_capacity"
        assert refused.refusal_comment == "Complet"
        step = Step.objects.get(pk=referral.step_id)
        assert step.status == StepStatus.CANCELLED
        assert "Plus de place disponible".lower() in step.outcome.lower()
        assert "Complet" in step.outcome

    def test_cancel_by_the_sender(self):
        sc = make_scenario()
        referral = answer(sc, send(sc), "accept")
        with pytest.raises(PermissionDenied):
            answer(sc, referral, "cancel", comment="Non")
        cancelled = referrals.referral_cancel(
            referral=referral,
            actor=sc.referent,
            organisation=sc.sender_org,
            expected_version=referral.version,
            comment="La personne a trouvé un emploi.",
        )
        assert cancelled.status == S.CANCELLED
        step = Step.objects.get(pk=referral.step_id)
        assert step.status == StepStatus.CANCELLED
        assert "trouvé un emploi" in step.outcome

    def test_sender_cannot_answer_and_staff_cannot_act(self):
        sc = make_scenario()
        referral = send(sc)
        with pytest.raises(PermissionDenied):
            referral_answers.referral_accept(
                referral=referral,
                actor=sc.referent,
                organisation=sc.sender_org,
                expected_version=referral.version,
            )
        with pytest.raises(PermissionDenied):
            answer(sc, referral, "accept", user=sc.receiver_staff)
        outsider = MembershipFactory(role="referent")
        with pytest.raises(PermissionDenied):
            referral_answers.referral_accept(
                referral=referral,
                actor=outsider.user,
                organisation=outsider.organisation,
                expected_version=referral.version,
            )
        assert statuses(referral) == [("", S.SENT)]

    def test_closed_pathway_is_left_alone(self):
        sc = make_scenario()
        referral = send(sc)
        Step.objects.filter(pk=referral.step_id).update(status=StepStatus.CANCELLED)
        sc.pathway.status = PathwayStatus.CLOSED
        sc.pathway.save()
        answer(sc, referral, "accept")
        assert Step.objects.get(pk=referral.step_id).status == StepStatus.CANCELLED

    def test_accepting_may_join_the_coordination_team(self):
        sc = make_scenario()
        cv = DocumentFactory(person=sc.person, uploaded_by=sc.referent)
        referral = send(
            sc,
            shared_categories=["identity", "diagnostic", "documents"],
            shared_domains=["mobility"],
            attachments=[cv],
        )
        accepted = answer(sc, referral, "accept", join_team=True)
        member = TeamMember.objects.get()
        assert accepted.team_member == member
        assert member.team.person == sc.person
        assert member.user == sc.receiver
        assert member.organisation == sc.receiver_org
        assert member.role == sc.service.name
        assert member.shared_categories == ["identity", "diagnostic", "documents"]
        assert member.shared_domains == ["mobility"]
        assert list(member.shared_documents.all()) == [cv]
        assert member.referral == referral
        assert member.added_by == sc.receiver

    def test_health_shared_with_the_member_carries_the_explicit_agreement(self):
        sc = make_scenario()  # consent naming the receiving organisation
        referral = send(
            sc,
            shared_categories=["diagnostic", "health"],
            shared_domains=["mobility"],
            health_consent_confirmed=True,
        )
        answer(sc, referral, "accept", join_team=True)
        member = TeamMember.objects.get()
        assert member.shared_categories == ["diagnostic", "health"]
        assert member.shared_domains == ["mobility"]
        assert member.health_consent_on == sc.consent.decided_on
        assert member.health_consent_method == sc.consent.method
        assert member.health_consent_witness == sc.consent.witness_name

    def test_not_joining_the_team(self):
        sc = make_scenario()
        answer(sc, send(sc), "accept", join_team=False)
        assert not TeamMember.objects.exists()


class TestConcurrency:
    def test_double_click_on_accept_records_one_transition(self):
        sc = make_scenario()
        referral = send(sc)
        version = referral.version
        answer(sc, referral, "accept", expected_version=version)
        with pytest.raises(workflow.ReferralConflict) as error:
            answer(sc, referral, "accept", expected_version=version)
        assert "déjà été acceptée par Karim Benali (Mission locale Lyon Est)" in error.value.message
        assert (
            ReferralTransition.objects.filter(referral=referral, to_status=S.ACCEPTED).count() == 1
        )

    def test_two_members_answering_at_once(self):
        sc = make_scenario()
        referral = send(sc)
        version = referral.version
        answer(sc, referral, "accept", expected_version=version)
        with pytest.raises(workflow.ReferralConflict, match="déjà été acceptée"):
            answer(
                sc,
                referral,
                "refuse",
                user=sc.receiver_manager,
                expected_version=version,
                refusal_reason="no_capacity",
            )
        referral.refresh_from_db()
        assert referral.status == S.ACCEPTED
        assert statuses(referral) == [("", S.SENT), (S.SENT, S.ACCEPTED)]

    def test_without_version_the_status_still_protects(self):
        sc = make_scenario()
        referral = send(sc)
        answer(sc, referral, "accept", expected_version=None)
        with pytest.raises(DomainError):
            answer(sc, referral, "accept", expected_version=None)
        assert ReferralTransition.objects.filter(to_status=S.ACCEPTED).count() == 1

    def test_cancel_while_the_receiver_accepts(self):
        sc = make_scenario()
        referral = send(sc)
        version = referral.version
        referrals.referral_cancel(
            referral=referral,
            actor=sc.referent,
            organisation=sc.sender_org,
            expected_version=version,
            comment="Erreur de service",
        )
        with pytest.raises(workflow.ReferralConflict, match="déjà été annulée par Nadia Haddad"):
            answer(sc, referral, "accept", expected_version=version)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Verrouillage de ligne concurrent : testé sur PostgreSQL (SQLite sérialise les écritures).",
)
@pytest.mark.django_db(transaction=True)
def test_threads_answering_at_once_record_exactly_one_transition():
    sc = make_scenario()
    referral = send(sc)
    version = referral.version
    barrier = threading.Barrier(4)
    results: list[str] = []

    def act(user):
        try:
            barrier.wait()
            referral_answers.referral_accept(
                referral=Referral(pk=referral.pk),
                actor=user,
                organisation=sc.receiver_org,
                expected_version=version,
            )
            results.append("ok")
        except workflow.ReferralConflict:
            results.append("conflict")
        finally:
            connection.close()  # this thread's own connection

    users = [sc.receiver, sc.receiver_manager, sc.receiver, sc.receiver_manager]
    threads = [threading.Thread(target=act, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "conflict", "conflict", "ok"]
    assert (
        ReferralTransition.objects.filter(referral_id=referral.pk, to_status=S.ACCEPTED).count()
        == 1
    )


class TestExternalPartner:
    def test_sender_records_the_answers_by_hand(self):
        sc = make_scenario(external=True)
        referral = send(sc)
        appointment = timezone.localdate() + dt.timedelta(days=3)
        done = referral_answers.referral_record_answer(
            referral=referral,
            actor=sc.referent,
            organisation=sc.sender_org,
            expected_version=referral.version,
            decision=S.DONE,
            first_appointment_on=appointment,
            outcome="Permis obtenu.",
            comment="Réponse reçue par téléphone.",
        )
        assert done.status == S.DONE
        assert done.answered_by_hand
        assert done.first_appointment_on == appointment
        assert done.seen_at is None
        assert statuses(referral) == [("", S.SENT), (S.SENT, S.ACCEPTED), (S.ACCEPTED, S.DONE)]
        last = ReferralTransition.objects.filter(referral=referral).last()
        assert last.actor == sc.referent
        assert "saisie par l'émetteur" in last.comment
        assert "téléphone" in last.comment
        assert Step.objects.get(pk=referral.step_id).status == StepStatus.DONE

    def test_refusal_by_hand(self):
        sc = make_scenario(external=True)
        referral = send(sc)
        with pytest.raises(DomainError, match="motif"):
            referral_answers.referral_record_answer(
                referral=referral,
                actor=sc.referent,
                organisation=sc.sender_org,
                expected_version=referral.version,
                decision=S.REFUSED,
            )
        refused = referral_answers.referral_record_answer(
            referral=referral,
            actor=sc.referent,
            organisation=sc.sender_org,
            expected_version=referral.version,
            decision=S.REFUSED,
            refusal_reason="not_eligible",
        )
        assert refused.status == S.REFUSED

    def test_first_appointment_recorded_later(self):
        sc = make_scenario(external=True)
        referral = send(sc)
        accepted = referral_answers.referral_record_answer(
            referral=referral,
            actor=sc.referent,
            organisation=sc.sender_org,
            expected_version=referral.version,
            decision=S.ACCEPTED,
        )
        day = timezone.localdate() + dt.timedelta(days=10)
        updated = referral_answers.referral_set_first_appointment(
            referral=accepted,
            actor=sc.referent,
            organisation=sc.sender_org,
            expected_version=accepted.version,
            first_appointment_on=day,
        )
        assert updated.first_appointment_on == day
        assert Step.objects.get(pk=referral.step_id).planned_on == day

    def test_not_for_a_partner_on_the_platform(self):
        sc = make_scenario()
        referral = send(sc)
        with pytest.raises(DomainError, match="utilise la plateforme"):
            referral_answers.referral_record_answer(
                referral=referral,
                actor=sc.referent,
                organisation=sc.sender_org,
                expected_version=referral.version,
                decision=S.ACCEPTED,
            )


class TestDelays:
    def test_delays_of_a_referral_and_the_annotation(self):
        sc = make_scenario()
        referral = send(sc)
        sent = timezone.now() - dt.timedelta(days=4)
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=sent,
            seen_at=sent + dt.timedelta(hours=5),
            answered_at=sent + dt.timedelta(days=2),
            first_appointment_on=timezone.localdate(sent + dt.timedelta(days=2))
            + dt.timedelta(days=6),
        )
        referral.refresh_from_db()
        delays = referral_selectors.delays(referral)
        assert delays.to_seen == dt.timedelta(hours=5)
        assert delays.to_answer == dt.timedelta(days=2)
        assert delays.to_first_appointment == dt.timedelta(days=6)
        annotated = referral_selectors.with_delays(Referral.objects.filter(pk=referral.pk)).get()
        assert annotated.seen_delay == dt.timedelta(hours=5)
        assert annotated.answer_delay == dt.timedelta(days=2)
        assert annotated.first_appointment_delay.days in (5, 6)  # answered_at's UTC day
        assert referral_selectors.format_delay(delays.to_seen) == "5 h"
        assert referral_selectors.format_delay(delays.to_answer) == "2 j"
        assert referral_selectors.format_delay(dt.timedelta(minutes=3)) == "moins d'une heure"
        assert referral_selectors.format_delay(None) == ""
