"""Professional thread in a real browser: a team member of another organisation reads the
référent's message and answers; after the person withdraws their consent, the thread is
gone for them and a message they were writing is refused with the text given back."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import expect

from relais.network.coordination import threads
from relais.people.models import Consent
from relais.people.services import consent_withdraw
from tests.factories import MembershipFactory, PersonFactory, co_follower
from tests.helpers import open_person_section


def test_thread_visible_then_gone_after_withdrawal(page, login_as, organisation):
    referent = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(organisation=organisation, referent=referent)
    member = co_follower(person)

    login_as(referent, organisation)
    page.goto(f"/personnes/{person.pk}/")
    section = open_person_section(page, "echanges")
    section.get_by_role("link", name="Écrire à l'équipe de coordination").click()
    page.get_by_label(re.compile(r"^Objet")).fill("Dossier FSL")
    page.get_by_label(re.compile(r"^Message")).fill("Le dossier FSL est parti ce matin.")
    page.get_by_role("button", name="Envoyer à l'équipe").click()
    expect(page.get_by_text("Message envoyé à l'équipe de coordination.")).to_be_visible()
    thread = threads.threads_of(person).get()

    page.context.clear_cookies()
    login_as(member.user, member.organisation)
    page.goto(f"/personnes/{person.pk}/echanges/{thread.pk}/")
    expect(page.get_by_test_id("messages")).to_contain_text("Le dossier FSL est parti ce matin.")
    page.get_by_label(re.compile(r"^Votre réponse")).fill("Merci, je préviens la CAF.")
    page.get_by_role("button", name="Répondre").click()
    expect(page.get_by_text("Message envoyé.")).to_be_visible()
    # The member starts another answer; meanwhile the person withdraws the consent.
    page.get_by_label(re.compile(r"^Votre réponse")).fill("Et le rendez-vous de jeudi ?")
    consent = Consent.objects.get(person=person, partner_organisation=member.organisation)
    consent_withdraw(
        consent=consent,
        actor=referent,
        decided_on=timezone.localdate(),
        method="oral_witness",
        witness_name="Paul Roux",
    )
    page.get_by_role("button", name="Répondre").click()
    expect(page.get_by_test_id("thread-refused")).to_contain_text("accord au partage a été retiré")
    expect(page.get_by_label("Votre texte, pour le conserver")).to_have_value(
        "Et le rendez-vous de jeudi ?"
    )
    assert page.goto(f"/personnes/{person.pk}/echanges/{thread.pk}/").status == 404
    assert thread.messages.count() == 2
