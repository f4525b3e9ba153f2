"""Referral pages: sending with the consent check (recorded on the spot), service and person
pickers, redundancy confirmation, the inbox, the receiver's restricted view and its journal,
answers (with double clicks), the external partner's sheet and answers, attachments,
notifications and the navigation entry."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AccessLogEntry, JournalAction
from relais.network.referrals import answers as referral_answers
from relais.network.referrals import services as referrals
from relais.network.referrals.models import Referral, ReferralStatus, ReferralTransition
from relais.notifications.models import Notification
from relais.people.models import Consent
from tests.factories import (
    DiagnosticFactory,
    DocumentFactory,
    DomainAssessmentFactory,
    MembershipFactory,
    NoteFactory,
    OrganisationFactory,
    ServiceFactory,
)
from tests.helpers import count_queries, login_verified, page_text, person_page_text
from tests.network.referrals.support import (
    give_consent,
    index_thematiques,
    make_scenario,
    send,
)

pytestmark = pytest.mark.django_db
S = ReferralStatus


def client_for(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def create_url(sc, service=None) -> str:
    service = service or sc.service
    return f"{reverse('referrals:create')}?service={service.pk}&personne={sc.person.pk}"


def send_data(sc, **extra) -> dict:
    data = {
        "action": "send",
        "personne": sc.person.pk,
        "service": sc.service.pk,
        "pathway": sc.pathway.pk,
        "reason": "Recherche d'emploi après une formation.",
        "asked_for": "Un premier entretien.",
        "availability": "Les matins",
        "contact_preference": "Par téléphone",
        "shared_categories": ["identity"],
    }
    data.update(extra)
    return data


class TestSending:
    def test_sending_reads_each_thing_once(self):
        """The page's choices, the consent scope and the similar actions are read to show
        the page, not to send: the service checks them, once (at most 20 queries, the
        session, the user and the journal included)."""
        sc = make_scenario()
        client = client_for(sc.referent)
        queries = count_queries(lambda: client.post(create_url(sc), send_data(sc)))
        assert Referral.objects.count() == 1
        assert queries <= 20

    def test_refused_without_consent_then_consent_on_the_spot_then_sent(self):
        sc = make_scenario(consent=None)
        client = client_for(sc.referent)
        page = client.get(create_url(sc))
        assert page.status_code == 200
        text = page_text(page)
        assert "Consentement au partage requis" in text
        assert "Orienter LEFÈVRE Amélie vers « Garantie jeunes renforcée »" in text

        refused = client.post(create_url(sc), send_data(sc))
        assert refused.status_code == 400
        text = page_text(refused)
        assert (
            "n'a pas donné son accord pour partager des informations avec Mission locale Lyon Est"
            in text
        )
        assert "Recherche d'emploi après une formation." in text  # input kept
        assert not Referral.objects.exists()

        consent = client.post(
            create_url(sc),
            send_data(
                sc,
                action="consent",
                **{
                    "consent-scope": "organisation",
                    "consent-decided_on": timezone.localdate().isoformat(),
                    "consent-method": "oral_witness",
                    "consent-witness_name": "Julie Martin",
                },
            ),
        )
        assert consent.status_code == 200
        text = page_text(consent)
        assert "Consentement enregistré" in text
        assert "Consentement au partage requis" not in text
        assert "Recherche d'emploi après une formation." in text  # input still kept
        given = Consent.objects.get(purpose="share_org")
        assert given.partner_organisation == sc.receiver_org
        assert given.witness_name == "Julie Martin"
        assert AccessLogEntry.objects.filter(
            action=JournalAction.CREATE, target_type="people.consent"
        ).exists()

        sent = client.post(create_url(sc), send_data(sc))
        referral = Referral.objects.get()
        assert sent.status_code == 302
        assert sent["Location"] == f"/orientations/{referral.pk}/"
        assert referral.shared_categories == ["identity"]
        assert referral.contact_preference == "Par téléphone"
        assert AccessLogEntry.objects.filter(
            action=JournalAction.CREATE, target_type="network.referral", target_id=str(referral.pk)
        ).exists()

    def test_consent_on_the_spot_errors_are_shown(self):
        sc = make_scenario(consent=None)
        response = client_for(sc.referent).post(
            create_url(sc),
            send_data(
                sc,
                action="consent",
                **{
                    "consent-scope": "organisation",
                    "consent-decided_on": timezone.localdate().isoformat(),
                    "consent-method": "oral_witness",
                },
            ),
        )
        assert response.status_code == 400
        assert "devant un témoin" in page_text(response)
        assert not Consent.objects.exists()

    def test_category_consent_recorded_on_the_spot(self):
        sc = make_scenario(consent=None)
        client_for(sc.referent).post(
            create_url(sc),
            send_data(
                sc,
                action="consent",
                **{
                    "consent-scope": "category",
                    "consent-decided_on": timezone.localdate().isoformat(),
                    "consent-method": "oral_witness",
                    "consent-witness_name": "Julie Martin",
                },
            ),
        )
        consent = Consent.objects.get()
        assert consent.purpose == "share_category"
        assert consent.partner_category == "mission_locale"

    def test_reason_gets_the_writing_check_then_may_be_sent_anyway(self):
        """Defect: the reason, read by the partner, went out without any relecture."""
        sc = make_scenario()
        client = client_for(sc.referent)
        reason = "Monsieur est fainéant et toxicomane."
        response = client.post(create_url(sc), send_data(sc, reason=reason))
        assert response.status_code == 200
        text = page_text(response)
        assert "Relecture : 2 mots à reconsidérer" in text
        assert '<mark class="relais-flag">fainéant</mark>' in text
        assert "Envoyer quand même" in text
        assert 'value="Un premier entretien."' in text or "Un premier entretien." in text
        assert not Referral.objects.exists()
        seen = re.search(r'name="flags_seen" value="([0-9a-f]+)"', text).group(1)
        # « Envoyer quand même » is a button of its own: no « action » comes with it.
        data = send_data(sc, reason=reason, flags_seen=seen, save_anyway="1")
        del data["action"]
        response = client.post(create_url(sc), data)
        assert response.status_code == 302
        assert Referral.objects.get().reason == reason

    def test_request_text_gets_the_writing_check(self):
        sc = make_scenario()
        client = client_for(sc.referent)
        response = client.post(create_url(sc), send_data(sc, asked_for="Il est schizophrène."))
        assert "Relecture : 1 mot à reconsidérer" in page_text(response)
        assert not Referral.objects.exists()

    def test_field_errors_keep_the_input(self):
        sc = make_scenario()
        response = client_for(sc.referent).post(
            create_url(sc), send_data(sc, reason="", shared_categories=["health"])
        )
        assert response.status_code == 400
        text = page_text(response)
        assert "Ce champ est obligatoire" in text
        assert not Referral.objects.exists()

    def test_health_without_confirmation_is_refused_next_to_the_field(self):
        sc = make_scenario()
        response = client_for(sc.referent).post(
            create_url(sc), send_data(sc, shared_categories=["diagnostic", "health"])
        )
        assert response.status_code == 400
        assert "explicitement accepté de partager des informations de santé" in page_text(response)

    def test_no_active_pathway_is_said_upfront(self):
        sc = make_scenario()
        sc.pathway.status = "closed"
        sc.pathway.save()
        page = client_for(sc.referent).get(create_url(sc))
        assert "Pas de parcours en cours" in page_text(page)

    def test_unpublished_service_is_refused_with_a_message(self):
        sc = make_scenario()
        sc.service.is_published = False
        sc.service.save()
        page = client_for(sc.referent).get(create_url(sc))
        assert "n'est plus proposé" in page_text(page)
        assert 'data-testid="referral-form"' not in page.content.decode()

    def test_service_picker(self):
        sc = make_scenario()
        ServiceFactory(organisation=sc.receiver_org, name="Garantie retirée", is_published=False)
        ServiceFactory(organisation=sc.sender_org, name="Garantie maison")
        client = client_for(sc.referent)
        url = f"{reverse('referrals:create')}?personne={sc.person.pk}"
        assert "Cherchez un service" in page_text(client.get(url))
        found = page_text(client.get(url + "&q=garantie"))
        assert "Garantie jeunes renforcée" in found
        assert "Garantie retirée" not in found
        assert "Garantie maison" not in found
        index_thematiques(sc.service)
        by_theme = page_text(client.get(url + "&thematique=trouver-un-emploi"))
        assert "Garantie jeunes renforcée" in by_theme
        assert "Aucun service" in page_text(client.get(url + "&thematique=mobilite"))

    def test_person_picker(self):
        sc = make_scenario()
        client = client_for(sc.referent)
        url = f"{reverse('referrals:create')}?service={sc.service.pk}"
        assert "Choisissez d'abord la personne" in page_text(client.get(url))
        found = client.get(url + "&q=lefevre")
        assert f"personne={sc.person.pk}" in found.content.decode()
        assert AccessLogEntry.objects.filter(action=JournalAction.LIST).exists()

    def test_another_organisations_person_is_404(self):
        sc = make_scenario()
        response = client_for(sc.receiver).get(create_url(sc))
        assert response.status_code == 404

    def test_staff_cannot_send(self):
        from tests.factories import MembershipFactory

        sc = make_scenario()
        staff = MembershipFactory(organisation=sc.sender_org, role="staff").user
        assert client_for(staff).get(create_url(sc)).status_code == 403

    def test_redundancy_must_be_confirmed(self):
        sc = make_scenario()
        first = send(sc)
        plie = OrganisationFactory(name="PLIE Lyon", kind="plie")
        give_consent(sc.person, plie, by=sc.referent)
        similar = ServiceFactory(
            organisation=plie, name="Accompagnement PLIE", thematiques=["trouver-un-emploi"]
        )
        client = client_for(sc.referent)
        page = client.get(create_url(sc, similar))
        text = page_text(page)
        assert "Des actions similaires sont déjà en cours" in text
        assert f"/orientations/{first.pk}/" in page.content.decode()
        data = send_data(sc, service=similar.pk)
        refused = client.post(create_url(sc, similar), data)
        assert refused.status_code == 400
        assert "cochez cette case pour confirmer" in page_text(refused)
        data.update(confirm_redundancy="on", redundancy_key=f"referral-{first.pk}")
        sent = client.post(create_url(sc, similar), data)
        assert sent.status_code == 302
        assert Referral.objects.count() == 2
        assert Notification.objects.filter(
            organisation=sc.receiver_org, message__startswith="Risque de doublon"
        ).exists()


class TestPersonSection:
    def test_section_lists_referrals_and_offers_to_send(self):
        sc = make_scenario()
        referral = send(sc)
        text = person_page_text(client_for(sc.referent), sc.person, "orientations")
        assert "Orienter vers un service" in text
        assert f"/orientations/{referral.pk}/" in text
        assert "Garantie jeunes renforcée" in text

    def test_person_page_queries_do_not_grow_with_referrals(self):
        sc = make_scenario()
        send(sc)
        client = client_for(sc.referent)
        url = reverse("people:detail", args=[sc.person.pk])
        few = count_queries(lambda: client.get(url))
        for _ in range(4):
            send(sc, service=ServiceFactory(organisation=sc.receiver_org, thematiques=["mobilite"]))
        assert count_queries(lambda: client.get(url)) == few


class TestInbox:
    def test_receiver_inbox_shows_identity_only_when_shared(self):
        sc = make_scenario()
        shared = send(sc)
        hidden = send(
            sc,
            service=ServiceFactory(organisation=sc.receiver_org, thematiques=["mobilite"]),
            shared_categories=[],
        )
        page = client_for(sc.receiver).get(reverse("referrals:inbox"))
        assert page.status_code == 200
        text = page_text(page)
        assert f"Orientation n° {shared.pk}" in text and f"Orientation n° {hidden.pk}" in text
        assert text.count("LEFÈVRE Amélie") == 1
        assert "Identité non partagée" in text
        entry = AccessLogEntry.objects.get(action=JournalAction.LIST)
        assert entry.organisation_id == sc.sender_org.pk
        assert entry.actor_organisation_id == sc.receiver_org.pk

    def test_identity_hidden_once_consent_is_withdrawn(self):
        from relais.people import services as people_services

        sc = make_scenario()
        send(sc)
        people_services.consent_withdraw(
            consent=sc.consent,
            actor=sc.referent,
            decided_on=timezone.localdate(),
            method="oral_witness",
            witness_name="Collègue",
        )
        text = page_text(client_for(sc.receiver).get(reverse("referrals:inbox")))
        assert "LEFÈVRE" not in text

    def test_tabs(self):
        sc = make_scenario()
        referral = send(sc)
        client = client_for(sc.receiver)
        assert f"n° {referral.pk}" in page_text(client.get("/orientations/?onglet=a-traiter"))
        assert f"n° {referral.pk}" not in page_text(client.get("/orientations/?onglet=en-cours"))
        assert f"n° {referral.pk}" in page_text(client.get("/orientations/?onglet=toutes"))
        assert f"n° {referral.pk}" not in page_text(client.get("/orientations/?onglet=envoyees"))
        sender = client_for(sc.referent)
        assert f"n° {referral.pk}" in page_text(sender.get("/orientations/?onglet=envoyees"))
        assert f"n° {referral.pk}" not in page_text(sender.get("/orientations/?onglet=a-traiter"))
        assert client.get("/orientations/?onglet=nimporte").status_code == 200

    def test_inbox_queries_do_not_grow(self):
        sc = make_scenario()
        send(sc)
        client = client_for(sc.receiver)
        few = count_queries(lambda: client.get("/orientations/?onglet=toutes"))
        sender = client_for(sc.referent)
        few_sent = count_queries(lambda: sender.get("/orientations/?onglet=envoyees"))
        for _ in range(6):
            send(sc, service=ServiceFactory(organisation=sc.receiver_org, thematiques=["mobilite"]))
        assert count_queries(lambda: client.get("/orientations/?onglet=toutes")) == few
        assert count_queries(lambda: sender.get("/orientations/?onglet=envoyees")) == few_sent

    def test_rows_escape_what_users_typed(self):
        sc = make_scenario()
        service = ServiceFactory(
            organisation=sc.receiver_org, thematiques=["mobilite"], name="Auto <b>école</b> & co"
        )
        referral = send(sc, service=service)
        html = client_for(sc.receiver).get("/orientations/?onglet=toutes").content.decode()
        assert "Auto &lt;b&gt;école&lt;/b&gt; &amp; co" in html
        assert "<b>école</b>" not in html
        assert f'href="/orientations/{referral.pk}/">Orientation n° {referral.pk}</a>' in html
        day = timezone.localtime(referral.sent_at).strftime("%d/%m/%Y")
        assert f"<td>{day}</td></tr>" in html

    def test_paginated(self):
        sc = make_scenario()
        for _ in range(21):
            send(sc, service=ServiceFactory(organisation=sc.receiver_org, thematiques=["mobilite"]))
        client = client_for(sc.receiver)
        assert "page 1 sur 2" in page_text(client.get("/orientations/?onglet=toutes"))
        assert "page 2 sur 2" in page_text(client.get("/orientations/?onglet=toutes&page=2"))

    def test_staff_has_no_inbox_nor_nav_entry(self):
        sc = make_scenario()
        client = client_for(sc.receiver_staff)
        assert client.get("/orientations/").status_code == 403
        assert 'data-testid="nav-referrals"' not in client.get("/").content.decode()

    def test_nav_entry_counts_new_referrals(self):
        sc = make_scenario()
        send(sc)
        html = client_for(sc.receiver).get("/").content.decode()
        assert 'data-testid="nav-referrals"' in html
        assert '1<span class="fr-sr-only"> nouvelle</span>' in html


class TestReceiverView:
    def test_opening_marks_seen_and_journals_the_cross_organisation_read(self):
        sc = make_scenario()
        referral = send(sc)
        page = client_for(sc.receiver).get(f"/orientations/{referral.pk}/")
        assert page.status_code == 200
        referral.refresh_from_db()
        assert referral.status == S.SEEN
        entry = AccessLogEntry.objects.filter(
            action=JournalAction.VIEW, target_type="network.referral"
        ).get()
        assert entry.actor == sc.receiver
        assert entry.actor_organisation_id == sc.receiver_org.pk
        assert entry.organisation_id == sc.sender_org.pk
        assert entry.person_id == sc.person.pk

    def test_receiver_sees_only_the_shared_categories(self):
        sc = make_scenario()
        sc.person.rqth = True
        sc.person.household = "alone_children"
        sc.person.save()
        diagnostic = DiagnosticFactory(person=sc.person, author=sc.referent)
        DomainAssessmentFactory(
            diagnostic=diagnostic, domain="mobility", situation="Pas de permis, bus rares."
        )
        DomainAssessmentFactory(
            diagnostic=diagnostic, domain="housing", situation="Hébergée chez sa sœur."
        )
        DomainAssessmentFactory(
            diagnostic=diagnostic, domain="health", situation="Suivi psychiatrique."
        )
        NoteFactory(person=sc.person, author=sc.referent, body="Note interne confidentielle.")
        cv = DocumentFactory(person=sc.person, uploaded_by=sc.referent, title="CV 2026")
        DocumentFactory(person=sc.person, uploaded_by=sc.referent, title="Avis d'imposition")
        referral = send(
            sc,
            shared_categories=["diagnostic", "documents"],
            shared_domains=["mobility"],
            attachments=[cv],
        )
        page = client_for(sc.receiver).get(f"/orientations/{referral.pk}/")
        text = page_text(page)
        assert "Pas de permis, bus rares." in text
        assert "CV 2026" in text
        for secret in (
            "Hébergée chez sa sœur.",
            "Suivi psychiatrique.",
            "Note interne confidentielle.",
            "Avis d'imposition",
            "LEFÈVRE",
            "Lefèvre",
            "amelie.lefevre",
            "RQTH",
        ):
            assert secret not in text, secret
        assert "L'identité de la personne ne vous est pas partagée" in text
        assert "Recherche d'emploi" in text  # the request itself

    def test_health_domain_comes_with_the_health_category(self):
        sc = make_scenario()
        diagnostic = DiagnosticFactory(person=sc.person, author=sc.referent)
        DomainAssessmentFactory(diagnostic=diagnostic, domain="health", situation="Suivi régulier.")
        DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", situation="Sans bail.")
        referral = send(
            sc,
            shared_categories=["diagnostic", "health"],
            health_consent_confirmed=True,
        )
        text = page_text(client_for(sc.receiver).get(f"/orientations/{referral.pk}/"))
        assert "Suivi régulier." in text
        assert "Sans bail." not in text

    def test_receiver_sees_identity_and_situation_when_shared(self):
        sc = make_scenario()
        sc.person.rqth = True
        sc.person.save()
        referral = send(sc, shared_categories=["identity", "situation"])
        text = page_text(client_for(sc.receiver).get(f"/orientations/{referral.pk}/"))
        assert "LEFÈVRE Amélie" in text
        assert "amelie.lefevre@exemple.fr" in text
        assert "RQTH" in text

    def test_withdrawn_consent_hides_everything_shared(self):
        from relais.people import services as people_services

        sc = make_scenario()
        referral = send(sc, shared_categories=["identity"])
        people_services.consent_withdraw(
            consent=sc.consent,
            actor=sc.referent,
            decided_on=timezone.localdate(),
            method="oral_witness",
            witness_name="Collègue",
        )
        text = page_text(client_for(sc.receiver).get(f"/orientations/{referral.pk}/"))
        assert "Consentement retiré" in text
        assert "LEFÈVRE" not in text
        assert "Recherche d'emploi" not in text

    def test_guessing_another_referral_is_404_and_journaled(self):
        sc = make_scenario()
        referral = send(sc)
        outsider_sc = make_scenario()
        response = client_for(outsider_sc.receiver).get(f"/orientations/{referral.pk}/")
        assert response.status_code == 404
        denied = AccessLogEntry.objects.get(action=JournalAction.DENIED)
        assert denied.target_type == "network.referral"
        assert denied.target_id == str(referral.pk)
        assert denied.person_id == sc.person.pk
        assert denied.organisation_id == sc.sender_org.pk
        assert denied.actor == outsider_sc.receiver
        assert client_for(outsider_sc.receiver).get("/orientations/999999/").status_code == 404
        referral.refresh_from_db()
        assert referral.status == S.SENT

    def test_staff_of_the_receiver_is_refused(self):
        sc = make_scenario()
        referral = send(sc)
        assert client_for(sc.receiver_staff).get(f"/orientations/{referral.pk}/").status_code == 403

    def test_attachments(self):
        sc = make_scenario()
        cv = DocumentFactory(person=sc.person, uploaded_by=sc.referent, title="CV 2026")
        other = DocumentFactory(person=sc.person, uploaded_by=sc.referent)
        referral = send(sc, shared_categories=["documents"], attachments=[cv])
        client = client_for(sc.receiver)
        ok = client.get(f"/orientations/{referral.pk}/pieces/{cv.pk}/")
        assert ok.status_code == 200
        assert ok["Content-Disposition"].startswith("attachment")
        assert client.get(f"/orientations/{referral.pk}/pieces/{other.pk}/").status_code == 404
        assert AccessLogEntry.objects.filter(
            action=JournalAction.DENIED, target_type="people.document"
        ).exists()


class TestAnswers:
    def test_accept_then_double_click(self):
        sc = make_scenario()
        referral = send(sc)
        client = client_for(sc.receiver)
        client.get(f"/orientations/{referral.pk}/")
        referral.refresh_from_db()
        data = {"accepter-version": referral.version, "accepter-join_team": "on"}
        first = client.post(f"/orientations/{referral.pk}/accepter/", data)
        assert first.status_code == 302
        second = client.post(f"/orientations/{referral.pk}/accepter/", data, follow=True)
        text = page_text(second)
        assert (
            "Cette orientation a déjà été acceptée par Karim Benali (Mission locale Lyon Est)"
            in text
        )
        assert (
            ReferralTransition.objects.filter(referral=referral, to_status=S.ACCEPTED).count() == 1
        )
        assert AccessLogEntry.objects.filter(
            action=JournalAction.CREATE, target_type="network.teammember"
        ).exists()

    def test_two_members_one_accepts_the_other_refuses(self):
        sc = make_scenario()
        referral = send(sc)
        version = referral.version
        client_for(sc.receiver).post(
            f"/orientations/{referral.pk}/accepter/", {"accepter-version": version}
        )
        response = client_for(sc.receiver_manager).post(
            f"/orientations/{referral.pk}/refuser/",
            {"refuser-version": version, "refuser-refusal_reason": "no_capacity"},
            follow=True,
        )
        assert "déjà été acceptée par Karim Benali" in page_text(response)
        referral.refresh_from_db()
        assert referral.status == S.ACCEPTED

    def test_refuse_needs_a_reason(self):
        sc = make_scenario()
        referral = send(sc)
        response = client_for(sc.receiver).post(
            f"/orientations/{referral.pk}/refuser/", {"refuser-version": referral.version}
        )
        assert response.status_code == 400
        assert "Ce champ est obligatoire" in page_text(response)
        other = client_for(sc.receiver).post(
            f"/orientations/{referral.pk}/refuser/",
            {"refuser-version": referral.version, "refuser-refusal_reason": "other"},
        )
        assert other.status_code == 400
        assert "Précisez le motif" in page_text(other)

    def test_complete_and_the_sender_sees_the_outcome(self):
        sc = make_scenario()
        referral = referral_answers.referral_accept(
            referral=send(sc),
            actor=sc.receiver,
            organisation=sc.receiver_org,
            expected_version=1,
        )
        client = client_for(sc.receiver)
        missing = client.post(
            f"/orientations/{referral.pk}/terminer/", {"terminer-version": referral.version}
        )
        assert missing.status_code == 400
        done = client.post(
            f"/orientations/{referral.pk}/terminer/",
            {"terminer-version": referral.version, "terminer-outcome": "Inscrite en formation."},
        )
        assert done.status_code == 302
        sender_page = client_for(sc.referent).get(f"/orientations/{referral.pk}/")
        assert "Inscrite en formation." in page_text(sender_page)
        person_page = person_page_text(client_for(sc.referent), sc.person, "chronologie")
        assert "Orientation terminée" in person_page

    def test_receiver_cannot_cancel_and_sender_cannot_accept(self):
        sc = make_scenario()
        referral = send(sc)
        response = client_for(sc.receiver).post(
            f"/orientations/{referral.pk}/annuler/",
            {"annuler-version": referral.version, "annuler-comment": "Non"},
        )
        assert response.status_code == 403
        response = client_for(sc.referent).post(
            f"/orientations/{referral.pk}/accepter/", {"accepter-version": referral.version}
        )
        assert response.status_code == 403
        referral.refresh_from_db()
        assert referral.status == S.SENT
        assert AccessLogEntry.objects.filter(action=JournalAction.DENIED).count() == 2

    def test_stale_page_after_the_referral_was_closed(self):
        sc = make_scenario()
        referral = send(sc)
        version = referral.version
        referrals.referral_cancel(
            referral=referral,
            actor=sc.referent,
            organisation=sc.sender_org,
            expected_version=version,
            comment="Erreur",
        )
        response = client_for(sc.receiver).post(
            f"/orientations/{referral.pk}/accepter/", {"accepter-version": version}, follow=True
        )
        assert "Cette orientation a déjà été annulée par Nadia Haddad (CCAS de Villeurbanne)" in (
            page_text(response)
        )

    def test_sender_cancels(self):
        sc = make_scenario()
        referral = send(sc)
        client = client_for(sc.referent)
        missing = client.post(
            f"/orientations/{referral.pk}/annuler/", {"annuler-version": referral.version}
        )
        assert missing.status_code == 400
        ok = client.post(
            f"/orientations/{referral.pk}/annuler/",
            {"annuler-version": referral.version, "annuler-comment": "Erreur de service."},
        )
        assert ok.status_code == 302
        referral.refresh_from_db()
        assert referral.status == S.CANCELLED

    def test_first_appointment_after_acceptance(self):
        sc = make_scenario()
        referral = referral_answers.referral_accept(
            referral=send(sc), actor=sc.receiver, organisation=sc.receiver_org, expected_version=1
        )
        day = timezone.localdate() + dt.timedelta(days=4)
        client_for(sc.receiver).post(
            f"/orientations/{referral.pk}/premier-rendez-vous/",
            {
                "rendez-vous-version": referral.version,
                "rendez-vous-first_appointment_on": day.isoformat(),
            },
        )
        referral.refresh_from_db()
        assert referral.first_appointment_on == day


class TestExternalPartner:
    def test_prescription_sheet_and_answer_by_hand(self):
        sc = make_scenario(external=True)
        referral = send(sc)
        client = client_for(sc.referent)
        page = client.get(f"/orientations/{referral.pk}/")
        assert "Fiche de prescription (PDF)" in page_text(page)
        pdf = client.get(f"/orientations/{referral.pk}/fiche-prescription.pdf")
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        export = AccessLogEntry.objects.get(action=JournalAction.EXPORT)
        assert export.target_id == str(referral.pk)
        answered = client.post(
            f"/orientations/{referral.pk}/reponse/",
            {
                "reponse-version": referral.version,
                "reponse-decision": "refused",
            },
        )
        assert answered.status_code == 400
        assert "motif du refus" in page_text(answered)
        client.post(
            f"/orientations/{referral.pk}/reponse/",
            {
                "reponse-version": referral.version,
                "reponse-decision": "accepted",
                "reponse-first_appointment_on": (
                    timezone.localdate() + dt.timedelta(days=2)
                ).isoformat(),
            },
        )
        referral.refresh_from_db()
        assert referral.status == S.ACCEPTED
        assert referral.answered_by_hand

    def test_no_sheet_for_a_partner_on_the_platform(self):
        sc = make_scenario()
        referral = send(sc)
        assert (
            client_for(sc.referent)
            .get(f"/orientations/{referral.pk}/fiche-prescription.pdf")
            .status_code
            == 404
        )


class TestNotificationsPage:
    def test_list_and_mark_read(self):
        sc = make_scenario()
        send(sc)
        client = client_for(sc.receiver)
        page = client.get("/orientations/notifications/")
        assert "Nouvelle orientation" in page_text(page)
        assert "Nouveau" in page_text(page)
        client.post("/orientations/notifications/")
        assert not Notification.objects.filter(
            organisation=sc.receiver_org, read_at__isnull=True
        ).exists()


class TestStepRedundancyHook:
    def test_adding_a_step_like_one_run_by_a_partner_warns(self):
        from tests.factories import StepFactory

        sc = make_scenario()
        StepFactory(
            pathway=sc.pathway, kind="training", owner="partner", owner_name="AFPA Vénissieux"
        )
        url = reverse(
            "pathways:step_create", kwargs={"pk": sc.person.pk, "pathway_id": sc.pathway.pk}
        )
        response = client_for(sc.referent).post(
            url,
            {
                "title": "Formation CACES",
                "kind": "training",
                "owner": "referent",
                "status": "planned",
            },
            follow=True,
        )
        text = page_text(response)
        assert "Étape « Formation CACES » ajoutée." in text
        assert "risque de doublon" in text
        assert "AFPA Vénissieux" in text

    def test_no_warning_for_a_different_kind(self):
        sc = make_scenario()
        url = reverse(
            "pathways:step_create", kwargs={"pk": sc.person.pk, "pathway_id": sc.pathway.pk}
        )
        response = client_for(sc.referent).post(
            url,
            {"title": "Atelier CV", "kind": "workshop", "owner": "person", "status": "planned"},
            follow=True,
        )
        assert "risque de doublon" not in page_text(response)


def test_an_organisation_that_only_sends_lands_on_its_sent_list():
    sc = make_scenario()
    referral = send(sc)
    text = page_text(client_for(sc.referent).get("/orientations/"))
    assert "Envoyées : 1 orientation" in text
    assert f"n° {referral.pk}" in text
    assert "À traiter" in page_text(client_for(sc.receiver).get("/orientations/"))


class TestAnswersToMyReferrals:
    """The home page and the menu show the partner's answers to the referrals one sent, not
    only the referrals received."""

    def test_answer_shown_until_opened_then_again_at_the_next_answer(self):
        sc = make_scenario()
        referral = send(sc)
        client = client_for(sc.referent)
        home = page_text(client.get("/"))
        assert 'data-testid="referral-answers"' not in home
        assert 'data-testid="nav-answers"' not in home
        referral = referral_answers.referral_accept(
            referral=referral, actor=sc.receiver, organisation=sc.receiver_org, expected_version=1
        )
        home = page_text(client.get("/"))
        assert "Réponses à vos orientations" in home
        assert (
            f"Orientation n° {referral.pk} vers « Garantie jeunes renforcée »</a> : acceptée "
            "par Mission locale Lyon Est" in home
        )
        assert (
            "Lefèvre" not in home.split('data-testid="referral-answers"')[1].split("</section>")[0]
        )
        assert re.search(r'data-testid="nav-answers">1<span class="fr-sr-only"> réponse à', home)
        # Opening it: no longer new.
        assert client.get(f"/orientations/{referral.pk}/").status_code == 200
        home = page_text(client.get("/"))
        assert 'data-testid="referral-answers"' not in home
        assert 'data-testid="nav-answers"' not in home
        # The partner completes it: new again.
        referral.refresh_from_db()
        referral_answers.referral_complete(
            referral=referral,
            actor=sc.receiver,
            organisation=sc.receiver_org,
            expected_version=referral.version,
            outcome="Inscrite en formation.",
        )
        home = page_text(client.get("/"))
        assert "terminée, résultat transmis par Mission locale Lyon Est" in home

    def test_only_the_sender_and_not_the_answers_recorded_by_hand(self):
        sc = make_scenario()
        referral = send(sc)
        referral_answers.referral_refuse(
            referral=referral,
            actor=sc.receiver,
            organisation=sc.receiver_org,
            expected_version=1,
            refusal_reason="no_capacity",
        )
        colleague = client_for(MembershipFactory(organisation=sc.sender_org, role="referent").user)
        assert "Réponses à vos orientations" not in page_text(colleague.get("/"))
        assert "refusée par Mission locale" in page_text(client_for(sc.referent).get("/"))

        external = make_scenario(external=True)
        referral = send(external)
        referral_answers.referral_record_answer(
            referral=referral,
            actor=external.referent,
            organisation=external.sender_org,
            expected_version=1,
            decision="accepted",
        )
        assert "Réponses à vos orientations" not in page_text(
            client_for(external.referent).get("/")
        )


class TestFromAPlannedStep:
    """#9: a referral serves a goal; sent from a planned step, it uses that step."""

    def test_the_pathway_page_offers_it_and_the_referral_uses_the_step(self):
        from tests.factories import GoalFactory, StepFactory

        sc = make_scenario()
        goal = GoalFactory(pathway=sc.pathway, text="Trouver un emploi")
        planned = StepFactory(
            pathway=sc.pathway,
            goal=goal,
            title="Rencontrer la Mission locale",
            kind="referral",
            owner="partner",
        )
        StepFactory(pathway=sc.pathway, title="Refaire son CV", owner="person", kind="other")
        client = client_for(sc.referent)
        page = client.get(f"/personnes/{sc.person.pk}/parcours/{sc.pathway.pk}/").content.decode()
        assert page.count('data-testid="refer-step"') == 1
        assert f"etape={planned.pk}" in page
        form = client.get(create_url(sc) + f"&etape={planned.pk}").content.decode()
        assert "réalise l'étape prévue « Rencontrer la Mission locale »" in form
        response = client.post(create_url(sc), send_data(sc, step=planned.pk, goal=goal.pk))
        assert response.status_code == 302
        referral = Referral.objects.get()
        assert referral.step_id == planned.pk
        assert sc.pathway.steps.count() == 2
        page = client.get(f"/personnes/{sc.person.pk}/parcours/{sc.pathway.pk}/").content.decode()
        assert 'data-testid="refer-step"' not in page

    def test_goal_choice_is_offered_and_checked(self):
        from tests.factories import GoalFactory

        sc = make_scenario()
        goal = GoalFactory(pathway=sc.pathway, text="Trouver un emploi")
        client = client_for(sc.referent)
        assert "Trouver un emploi" in client.get(create_url(sc)).content.decode()
        response = client.post(create_url(sc), send_data(sc, goal=goal.pk + 1000))
        assert response.status_code == 400
        assert "Choisissez un objectif en cours de ce parcours." in response.content.decode()
        response = client.post(create_url(sc), send_data(sc, goal=goal.pk))
        assert response.status_code == 302
        assert Referral.objects.get().step.goal == goal


class TestSharedAddress:
    """#9, defect 7: the address shared with a partner names the commune."""

    def test_the_partner_reads_the_commune_name(self):
        sc = make_scenario()
        sc.person.address = "12 rue Victor Hugo"
        sc.person.postal_code = "69120"
        sc.person.commune_code = "69256"
        sc.person.save()
        referral = send(sc, shared_categories=["identity"])
        text = page_text(client_for(sc.receiver).get(f"/orientations/{referral.pk}/"))
        assert "12 rue Victor Hugo 69120 Vaulx-en-Velin" in text

    def test_the_prescription_sheet_too(self):
        from relais.network.referrals.documents import prescription_context

        sc = make_scenario(external=True)
        sc.person.address = "12 rue Victor Hugo"
        sc.person.postal_code = "69120"
        sc.person.commune_code = "69256"
        sc.person.save()
        referral = send(sc, shared_categories=["identity"])
        context = prescription_context(referral, sc.person)
        assert context["person_commune"] == "Vaulx-en-Velin"
        from django.template.loader import render_to_string

        html = render_to_string("network/referrals/prescription_pdf.html", context)
        assert "12 rue Victor Hugo 69120 Vaulx-en-Velin" in html
