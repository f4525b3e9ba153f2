"""Partner meeting in a real browser: the host writes a meeting with a partner from its
declared partnerships and an action carried by the partner's professional; the partner's
professional finds it in « mes actions » and marks it done."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory


def test_partner_meeting_action_followed(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    partner = OrganisationFactory(name="Mission locale Est", kind="mission_locale")
    PartnershipFactory(source=organisation, target=partner, declared_by=referent)
    advisor = MembershipFactory(
        organisation=partner, role="referent", user__first_name="Inès", user__last_name="Morel"
    ).user

    login_as(referent, organisation)
    page.goto("/coordination/")
    page.get_by_role("link", name="Réunions partenariales").click()
    page.get_by_role("link", name="Nouvelle réunion").click()
    page.get_by_label(re.compile(r"^Objet")).fill("Comité technique emploi des jeunes")
    page.get_by_label("Mission locale Est").check(force=True)
    page.get_by_label(re.compile(r"^Ordre du jour")).fill("1. Bilan du trimestre\n2. Forum emploi")
    action = page.get_by_test_id("action-0")
    action.get_by_label(re.compile(r"^Action")).fill("Réserver la salle du forum")
    action.get_by_label(re.compile(r"^Porteur$|^Porteur \(")).select_option(label="Inès Morel")
    due = timezone.localdate() + dt.timedelta(days=14)
    action.get_by_label(re.compile(r"^Échéance")).fill(due.isoformat())
    page.get_by_role("button", name="Enregistrer la réunion").click()
    expect(page.get_by_text("Réunion enregistrée.")).to_be_visible()
    expect(page.get_by_test_id("actions")).to_contain_text("Réserver la salle du forum")

    page.context.clear_cookies()
    login_as(advisor, partner)
    page.goto("/coordination/")
    expect(page.get_by_test_id("my-open-actions")).to_contain_text("1 action à faire")
    page.goto("/reunions-partenaires/actions/")
    row = page.get_by_test_id("action-row")
    expect(row).to_contain_text("Comité technique emploi des jeunes")
    row.get_by_label("Commentaire").fill("Salle Jean Moulin réservée")
    row.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Action mise à jour.")).to_be_visible()
    expect(page.get_by_text("Aucune action.")).to_be_visible()
    page.get_by_role("link", name="Voir aussi les actions terminées").click()
    expect(page.get_by_test_id("action-row")).to_contain_text("Faite — Salle Jean Moulin réservée")
