"""A référent sends a referral from the person page: first refused for lack of consent, the
consent is recorded on the spot, the referral goes. A professional of the receiving
organisation (another browser) finds it in the inbox, accepts it, then completes it with an
outcome; the référent sees the outcome in the person's timeline."""

from __future__ import annotations

import datetime as dt
import re

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from relais.accounts.backends import PASSWORD_BACKEND
from relais.accounts.models import OrganisationKind
from relais.network.coordination.models import TeamMember
from relais.network.referrals.models import Referral, ReferralStatus
from relais.pathways.models import Step, StepStatus
from tests.browser.conftest import AXE_ON_LOAD
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PathwayFactory,
    PersonFactory,
    ServiceFactory,
)
from tests.helpers import confirmed_device, open_person_section


def choose(scope, label: str) -> None:
    """Tick a DSFR radio or checkbox on its label, as a user does."""
    scope.locator("label.fr-label").filter(
        has_text=re.compile(f"^{re.escape(label)}")
    ).first.click()


def open_session_in_new_context(browser, live_server, axe_reports, user, organisation):
    """Another professional, in another browser (own cookies), with the same axe checks."""
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    context.add_init_script(script=Axe().axe_script)
    context.add_init_script(script=AXE_ON_LOAD)
    context.expose_binding(
        "__relaisAxeReport", lambda source, path, violations: axe_reports.add(path, violations)
    )
    device = confirmed_device(user)
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = PASSWORD_BACKEND
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store["otp_device_id"] = device.persistent_id
    store["relais_organisation_id"] = organisation.pk
    store.create()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": store.session_key, "url": live_server.url}]
    )
    return context


def test_referral_closed_loop(page, login_as, browser, live_server, axe_reports):
    ccas = OrganisationFactory(name="CCAS de Villeurbanne", kind=OrganisationKind.CCAS)
    mission_locale = OrganisationFactory(
        name="Mission locale Lyon Est", kind=OrganisationKind.MISSION_LOCALE
    )
    referent = MembershipFactory(
        organisation=ccas, role="referent", user__first_name="Nadia", user__last_name="Haddad"
    ).user
    receiver = MembershipFactory(
        organisation=mission_locale,
        role="referent",
        user__first_name="Karim",
        user__last_name="Benali",
    ).user
    person = PersonFactory(
        organisation=ccas,
        referent=referent,
        birth_name="Lefèvre",
        first_names="Amélie",
        birth_date=dt.date(1990, 5, 12),
    )
    pathway = PathwayFactory(person=person, referent=referent)
    service = ServiceFactory(organisation=mission_locale, name="Garantie jeunes renforcée")

    # --- The référent prepares the referral from the person page.
    login_as(referent, ccas)
    page.goto(f"/personnes/{person.pk}/")
    section = open_person_section(page, "orientations")
    expect(section.get_by_text("Aucune orientation pour le moment.")).to_be_visible()
    section.get_by_role("link", name="Orienter vers un service").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("choisir un service")
    page.get_by_label(re.compile(r"^Nom du service ou de la structure")).fill("garantie")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name="Garantie jeunes renforcée").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Orienter LEFÈVRE Amélie vers « Garantie jeunes renforcée »"
    )
    expect(page.get_by_text("Consentement au partage requis")).to_be_visible()
    page.get_by_label(re.compile(r"^Motif de l'orientation")).fill(
        "Souhaite trouver un emploi dans la logistique après sa formation."
    )
    page.get_by_label(re.compile(r"^Ce qui est demandé")).fill("Un premier entretien.")
    page.get_by_label(re.compile(r"^Disponibilités")).fill("Les matins")
    page.get_by_label(re.compile(r"^Préférence de contact")).select_option("Par téléphone")
    choose(page.get_by_test_id("referral-form"), "Identité et coordonnées")

    # First refused: no consent covers the Mission locale.
    page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(
        page.get_by_text(
            re.compile(
                "n'a pas donné son accord pour partager des informations avec Mission locale"
            )
        ).first
    ).to_be_visible()
    assert not Referral.objects.exists()

    # The consent is recorded on the spot (oral, with a witness); the input is kept.
    consent = page.get_by_test_id("consent-on-the-spot")
    choose(consent, "Oral, devant témoin")
    consent.get_by_label(re.compile(r"^Nom du témoin")).fill("Julie Martin")
    consent.get_by_role("button", name="Enregistrer le consentement").click()
    expect(page.get_by_text(re.compile("Consentement enregistré"))).to_be_visible()
    expect(page.get_by_test_id("consent-on-the-spot")).to_have_count(0)
    expect(page.get_by_label(re.compile(r"^Motif de l'orientation"))).to_have_value(
        "Souhaite trouver un emploi dans la logistique après sa formation."
    )
    # The reason leaves the organisation: it is read over first; the référent keeps it.
    page.get_by_label(re.compile(r"^Motif de l'orientation")).fill(
        "Souhaite trouver un emploi dans la logistique après sa formation. Dit être dépressive."
    )
    page.get_by_role("button", name="Envoyer l'orientation").click()
    check = page.get_by_test_id("writing-check")
    expect(check).to_contain_text("Relecture : 1 mot à reconsidérer")
    assert not Referral.objects.exists()
    check.get_by_role("button", name="Envoyer quand même").click()
    expect(
        page.get_by_text("Orientation envoyée à Mission locale Lyon Est.", exact=False)
    ).to_be_visible()
    referral = Referral.objects.get()
    expect(page.get_by_test_id("referral-status")).to_have_text("Envoyée")
    assert Step.objects.get(pk=referral.step_id).pathway == pathway

    # --- The receiver, in another browser, finds it in the inbox.
    other = open_session_in_new_context(browser, live_server, axe_reports, receiver, mission_locale)
    try:
        receiving = other.new_page()
        receiving.goto("/")
        expect(receiving.get_by_test_id("nav-referrals")).to_contain_text("1")
        receiving.get_by_test_id("nav-referrals").click()
        row = receiving.get_by_test_id("referral-row")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("LEFÈVRE Amélie")
        expect(row).to_contain_text("CCAS de Villeurbanne")
        row.get_by_role("link", name=f"Orientation n° {referral.pk}").click()
        expect(receiving.get_by_test_id("referral-status")).to_have_text("Vue")
        expect(receiving.get_by_test_id("shared-identity")).to_contain_text("LEFÈVRE Amélie")
        expect(
            receiving.get_by_text("Souhaite trouver un emploi dans la logistique")
        ).to_be_visible()

        first_appointment = (dt.date.today() + dt.timedelta(days=6)).isoformat()
        receiving.locator("#id_accepter-first_appointment_on").fill(first_appointment)
        receiving.get_by_role("button", name="Accepter", exact=True).click()
        expect(receiving.get_by_text(re.compile("Orientation acceptée"))).to_be_visible()
        expect(receiving.get_by_test_id("referral-status")).to_have_text("Acceptée")

        receiving.get_by_label(re.compile(r"^Résultat transmis à l'émetteur")).fill(
            "Inscrite au parcours, premier entretien honoré, entrée en formation le 3 mars."
        )
        receiving.get_by_role("button", name="Terminer l'orientation").click()
        expect(receiving.get_by_text(re.compile("Orientation terminée"))).to_be_visible()
        expect(receiving.get_by_test_id("referral-outcome")).to_contain_text("entrée en formation")
        receiving.evaluate("() => window.__axeDone || null")
    finally:
        other.close()

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DONE
    assert TeamMember.objects.filter(user=receiver, organisation=mission_locale).exists()
    assert Step.objects.get(pk=referral.step_id).status == StepStatus.DONE

    # --- The référent finds the answer on the home page and in the menu, opens it.
    page.goto("/")
    expect(page.get_by_test_id("nav-answers")).to_contain_text("1")
    answers = page.get_by_test_id("referral-answers")
    expect(answers).to_contain_text("terminée, résultat transmis par Mission locale Lyon Est")
    answers.get_by_role("link", name=re.compile("Garantie jeunes renforcée")).click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Terminée")
    page.goto("/")
    expect(page.get_by_test_id("referral-answers")).to_have_count(0)
    expect(page.get_by_test_id("nav-answers")).to_have_count(0)

    # --- The référent sees the outcome in the person's timeline.
    page.goto(f"/personnes/{person.pk}/")
    timeline = open_person_section(page, "chronologie")
    open_person_section(page, "orientations")
    expect(
        timeline.get_by_text(re.compile("Orientation terminée : Garantie jeunes renforcée"))
    ).to_be_visible()
    expect(timeline.get_by_text(re.compile("entrée en formation le 3 mars"))).to_be_visible()
    expect(page.locator("#orientations").get_by_test_id("referral-status")).to_have_text("Terminée")
    assert service.pk
