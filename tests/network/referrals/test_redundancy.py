"""Redundancy warnings: an active action of the same kind or on the same need, run by ANOTHER
organisation for the same person."""

from __future__ import annotations

import pytest

from relais.network.referrals import answers as referral_answers
from relais.network.referrals import redundancy
from relais.network.referrals.models import RedundancyWarning
from relais.network.referrals.redundancy import RedundancyToConfirm, overlap, redundant_with
from relais.notifications.models import Notification
from relais.pathways.models import StepStatus
from tests.factories import OrganisationFactory, ServiceFactory, StepFactory
from tests.network.referrals.support import give_consent, make_scenario, send

pytestmark = pytest.mark.django_db


class TestOverlap:
    def test_precise_thematiques_must_match(self):
        assert overlap(["mobilite--preparer-un-permis"], ["mobilite--acceder-a-un-vehicule"]) == []
        assert overlap(
            ["mobilite", "mobilite--preparer-un-permis"], ["mobilite--preparer-un-permis"]
        ) == ["mobilite--preparer-un-permis"]

    def test_a_category_alone_matches_its_sub_thematiques(self):
        assert overlap(["mobilite"], ["mobilite--acceder-a-un-vehicule"]) == [
            "mobilite--acceder-a-un-vehicule"
        ]
        assert overlap(["mobilite"], ["mobilite"]) == ["mobilite"]

    def test_different_needs(self):
        assert overlap(["mobilite"], ["logement-hebergement"]) == []
        assert overlap([], ["mobilite"]) == []


class TestReferrals:
    def test_an_active_referral_of_another_organisation_on_the_same_need(self):
        sc = make_scenario()
        first = send(sc)
        other_org = OrganisationFactory(name="PLIE Lyon", kind="plie")
        found = redundant_with(
            sc.person,
            thematiques=["trouver-un-emploi--repondre-a-des-offres-demploi"],
            organisation=other_org,
        )
        assert [(r.what, r.object_id) for r in found] == [("referral", first.pk)]
        assert found[0].organisation_name == sc.receiver_org.name
        assert found[0].url == f"/orientations/{first.pk}/"
        assert "même besoin" in found[0].because

    def test_same_organisation_or_other_need_is_not_redundant(self):
        sc = make_scenario()
        send(sc)
        assert (
            redundant_with(
                sc.person, thematiques=["trouver-un-emploi"], organisation=sc.receiver_org
            )
            == []
        )
        assert (
            redundant_with(sc.person, thematiques=["mobilite"], organisation=OrganisationFactory())
            == []
        )

    def test_closed_referrals_do_not_count(self):
        sc = make_scenario()
        first = send(sc)
        referral_answers.referral_refuse(
            referral=first,
            actor=sc.receiver,
            organisation=sc.receiver_org,
            expected_version=first.version,
            refusal_reason="no_capacity",
        )
        assert (
            redundant_with(
                sc.person, thematiques=["trouver-un-emploi"], organisation=OrganisationFactory()
            )
            == []
        )

    def test_sending_a_duplicate_warns_the_other_organisation(self):
        sc = make_scenario()
        first = send(sc)
        plie = OrganisationFactory(name="PLIE Lyon", kind="plie")
        give_consent(sc.person, plie, by=sc.referent)
        similar = ServiceFactory(
            organisation=plie, name="Accompagnement PLIE", thematiques=["trouver-un-emploi"]
        )
        with pytest.raises(RedundancyToConfirm) as refused:
            send(sc, service=similar)
        assert [r.object_id for r in refused.value.redundancies] == [first.pk]
        assert refused.value.field == "confirm_redundancy"
        assert not Notification.objects.filter(message__startswith="Risque de doublon").exists()
        with pytest.raises(RedundancyToConfirm):  # a confirmation of other warnings
            send(sc, service=similar, confirmed_redundancy="referral-999")
        second = send(sc, service=similar, confirmed_redundancy=refused.value.key)
        assert [r.object_id for r in second.redundancies] == [first.pk]
        notice = Notification.objects.filter(
            organisation=sc.receiver_org, message__startswith="Risque de doublon"
        ).get()
        assert notice.link == f"/orientations/{first.pk}/"
        assert sc.sender_org.name in notice.message
        assert "Lefèvre" not in notice.message
        # The warning is kept as raised, for the coordination indicators.
        kept = RedundancyWarning.objects.get()
        assert (kept.kind, kept.referral_id, kept.other_kind, kept.other_referral_id) == (
            "referral",
            second.pk,
            "referral",
            first.pk,
        )
        assert (kept.person_id, kept.organisation_id) == (sc.person.pk, sc.sender_org.pk)
        assert kept.other_organisation_id == sc.receiver_org.pk


class TestSteps:
    def test_active_step_of_the_same_kind_run_by_a_partner(self):
        sc = make_scenario()
        step = StepFactory(
            pathway=sc.pathway, kind="training", owner="partner", owner_name="AFPA Vénissieux"
        )
        found = redundant_with(sc.person, kind="training", organisation=sc.sender_org)
        assert [(r.what, r.object_id) for r in found] == [("step", step.pk)]
        assert found[0].organisation_name == "AFPA Vénissieux"
        assert found[0].organisation_id is None
        assert found[0].url.endswith(f"#etape-{step.pk}")
        # The same partner adding it again is the same organisation (by name).
        assert redundant_with(sc.person, kind="training", organisation="afpa venissieux") == []

    def test_steps_of_the_own_organisation_done_or_vague_are_ignored(self):
        sc = make_scenario()
        StepFactory(pathway=sc.pathway, kind="training")  # carried by the person: own org
        StepFactory(
            pathway=sc.pathway,
            kind="workshop",
            owner="partner",
            owner_name="Atelier",
            status=StepStatus.DONE,
            done_on=sc.pathway.started_on,
        )
        StepFactory(pathway=sc.pathway, kind="other", owner="partner", owner_name="X")
        assert redundant_with(sc.person, kind="training", organisation=sc.sender_org) == []
        assert redundant_with(sc.person, kind="workshop", organisation=sc.sender_org) == []
        assert redundant_with(sc.person, kind="other", organisation=sc.sender_org) == []
        other = OrganisationFactory()
        assert len(redundant_with(sc.person, kind="training", organisation=other)) == 1

    def test_referral_steps_are_compared_by_thematique_not_by_kind(self):
        sc = make_scenario()
        send(sc)
        assert redundant_with(sc.person, kind="referral", organisation=OrganisationFactory()) == []

    def test_notify_others_once_per_organisation_on_the_platform(self):
        sc = make_scenario()
        first = send(sc)
        found = redundant_with(
            sc.person, thematiques=["trouver-un-emploi"], organisation=OrganisationFactory()
        )
        found += redundant_with(
            sc.person, thematiques=["trouver-un-emploi"], organisation=OrganisationFactory()
        )
        before = Notification.objects.count()
        told = redundancy.notify_others(found, new_label="étape « Formation »", by=sc.sender_org)
        assert told == 1
        assert Notification.objects.count() == before + 1
        assert first.pk


def test_warn_step_added_notifies_the_organisation_running_the_other_step():
    from relais.network.referrals.redundancy import warn_step_added

    sc = make_scenario()
    own_step = StepFactory(pathway=sc.pathway, kind="workshop")
    # A professional of another organisation (say, a team member) adds a similar step.
    other = OrganisationFactory(name="PLIE Lyon")
    new_step = StepFactory(pathway=sc.pathway, kind="workshop", title="Atelier numérique")
    message = warn_step_added(new_step, organisation=other)
    assert "risque de doublon" in message
    assert own_step.title in message
    notice = Notification.objects.get(organisation=sc.sender_org)
    assert "PLIE Lyon" in notice.message
    assert warn_step_added(new_step, organisation=sc.sender_org) == ""
    kept = RedundancyWarning.objects.get()
    assert (kept.kind, kept.step_id, kept.other_kind, kept.other_step_id) == (
        "step",
        new_step.pk,
        "step",
        own_step.pk,
    )
    assert kept.organisation_id == other.pk
