"""Closing a pathway (#9): the exit form shows the open referrals it will cancel, and the
partner finds the referral cancelled."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from relais.network.referrals.models import ReferralStatus
from relais.notifications.models import Notification
from relais.pathways.models import GoalStatus
from tests.factories import GoalFactory
from tests.network.referrals.support import make_scenario, send


def choose(scope, label: str) -> None:
    scope.locator("label.fr-label").filter(has_text=re.compile(f"^{re.escape(label)}$")).click()


def test_closing_a_pathway_cancels_its_open_referral(page, login_as):
    sc = make_scenario()
    referral = send(sc)
    goal = GoalFactory(pathway=sc.pathway, text="Trouver un logement")
    login_as(sc.referent, sc.sender_org)

    page.goto(f"/personnes/{sc.person.pk}/parcours/{sc.pathway.pk}/sortie/")
    referrals = page.locator("#open-referrals")
    expect(referrals).to_contain_text("1 orientation en cours sera annulée")
    expect(referrals).to_contain_text("Garantie jeunes renforcée")
    expect(referrals).to_contain_text("Mission locale Lyon Est")
    choose(page, "Déménagement")
    # Every open goal is settled: forgetting it is reported on its field.
    page.get_by_role("button", name="Enregistrer la sortie").click()
    expect(
        page.get_by_text(
            "Indiquez si l'objectif « Trouver un logement » est atteint ou abandonné."
        ).first
    ).to_be_visible()
    choose(page.get_by_test_id("exit-goal"), "Abandonné")
    page.get_by_role("button", name="Enregistrer la sortie").click()
    expect(page.get_by_text("1 orientation(s) annulée(s)")).to_be_visible()
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ABANDONED

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED
    assert Notification.objects.filter(
        organisation=sc.receiver_org, message__contains="annulée"
    ).exists()

    # The partner sees it cancelled and has nothing left to answer.
    login_as(sc.receiver, sc.receiver_org)
    page.goto(f"/orientations/{referral.pk}/")
    expect(page.get_by_text("Annulée par l'émetteur").first).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Accepter|Terminer"))).to_have_count(0)
