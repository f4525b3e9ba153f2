"""The space's pages over HTTP: sign-in flow, each page, the separation of the two realms,
notes never shown, and query counts."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AccessLogEntry
from relais.person_space.models import Cosignature, Message
from relais.web.person_space.auth import COOKIE_NAME, COOKIE_PATH
from tests.factories import (
    AppointmentFactory,
    ContractFactory,
    DiagnosticFactory,
    DomainAssessmentFactory,
    GoalFactory,
    NoteFactory,
    PathwayFactory,
    StepFactory,
    co_follower,
)
from tests.factories.person_space import SpaceAccessFactory, space_client
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db

PAGES = [
    "space:home",
    "space:pathway",
    "space:appointments",
    "space:contracts",
    "space:consents",
    "space:documents",
    "space:diagnostic",
    "space:messages",
    "space:rights",
    "space:notes",
]


@pytest.fixture
def access():
    access = SpaceAccessFactory()
    pathway = PathwayFactory(
        person=access.person, organisation=access.person.organisation, referent=access.invited_by
    )
    goal = GoalFactory(pathway=pathway, text="Trouver un logement")
    StepFactory(pathway=pathway, goal=goal, title="Déposer la demande de logement social")
    AppointmentFactory(person=access.person, with_user=access.invited_by, purpose="Point logement")
    ContractFactory(pathway=pathway, number=1)
    co_follower(access.person)
    diagnostic = DiagnosticFactory(person=access.person)
    DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", person_words="Je veux un T2")
    return access


class TestSignInPages:
    def test_full_sign_in_by_code(self, client, django_capture_on_commit_callbacks):
        access = SpaceAccessFactory()
        assert client.get(reverse("space:login")).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("space:login"), {"contact": access.contact})
        assert response.status_code == 302
        assert response.url == reverse("space:code")
        code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
        response = client.post(
            reverse("space:code"), {"code": "000000" if code != "000000" else "1"}
        )
        assert "Il vous reste 9 essais" in page_text(response)
        assert AccessLogEntry.objects.filter(action="denied", target_id=str(access.pk)).exists()
        response = client.post(reverse("space:code"), {"code": code})
        assert response.status_code == 302
        cookie = response.cookies[COOKIE_NAME]
        assert cookie["path"] == COOKIE_PATH
        assert cookie["httponly"]
        assert client.get(reverse("space:home")).status_code == 200

    def test_unknown_contact_looks_the_same(self, client):
        response = client.post(reverse("space:login"), {"contact": "personne@inconnue.fr"})
        assert response.status_code == 302
        assert response.url == reverse("space:code")
        assert mail.outbox == []
        response = client.post(reverse("space:code"), {"code": "123456"})
        assert "pas le bon" in page_text(response)

    def test_code_page_without_request(self, client):
        assert client.get(reverse("space:code")).url == reverse("space:login")

    def test_empty_contact(self, client):
        response = client.post(reverse("space:login"), {"contact": ""})
        assert "Indiquez votre adresse e-mail ou votre numéro" in page_text(response)

    def test_link_needs_a_button_press(self, client, referent, django_capture_on_commit_callbacks):
        access = SpaceAccessFactory()
        from relais.person_space.services import request_sign_in_code

        with django_capture_on_commit_callbacks(execute=True):
            request_sign_in_code(contact=access.contact)
        path = re.search(r"(/mon-espace/connexion/lien/[\w-]+/)", mail.outbox[0].body).group(1)
        assert client.get(path).status_code == 200  # a link preview spends nothing
        assert client.post(path).status_code == 302
        response = client.post(path)
        assert response.status_code == 400
        assert "déjà servi" in page_text(response)

    def test_paper_code_rate_limited_by_address(self, client):
        for _ in range(10):
            client.post(reverse("space:paper"), {"code": "ABCDE-FGHJK"})
        response = client.post(reverse("space:paper"), {"code": "ABCDE-FGHJK"})
        assert "Trop d'essais" in page_text(response)

    def test_logout(self, client):
        access = SpaceAccessFactory()
        space_client(client, access)
        response = client.post(reverse("space:logout"))
        assert response.url == reverse("space:login")
        assert client.get(reverse("space:home")).url == reverse("space:login")


class TestPages:
    @pytest.mark.parametrize("name", PAGES)
    def test_page_opens_and_is_journaled_as_the_person(self, client, access, name):
        space_client(client, access)
        response = client.get(reverse(name))
        assert response.status_code == 200
        entry = AccessLogEntry.objects.order_by("-id").first()
        assert entry.actor is None
        assert entry.person_id == access.person_id
        assert entry.actor_email.startswith("personne (espace personnel)")

    @pytest.mark.parametrize("name", PAGES)
    def test_page_needs_the_space_session(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url == reverse("space:login")

    def test_home_shows_the_pathway_in_plain_words(self, client, access):
        space_client(client, access)
        text = page_text(client.get(reverse("space:home")))
        assert "Déposer la demande de logement social" in text
        assert "Point logement" in text
        assert "attend votre signature" in text

    def test_ics(self, client, access):
        space_client(client, access)
        appointment = access.person.appointments.get()
        response = client.get(reverse("space:appointment_ics", args=[appointment.pk]))
        assert response["Content-Type"] == "text/calendar"
        assert b"BEGIN:VEVENT" in response.content
        other = AppointmentFactory()
        assert client.get(reverse("space:appointment_ics", args=[other.pk])).status_code == 404

    def test_contract_shows_changes_and_prints(self, client, access):
        pathway = access.person.pathways.get()
        StepFactory(pathway=pathway, title="Atelier CV")
        second = ContractFactory(pathway=pathway, number=2)
        space_client(client, access)
        text = page_text(client.get(reverse("space:contract", args=[second.pk])))
        assert "Nouvelle étape : Atelier CV" in text
        response = client.get(reverse("space:contract_pdf", args=[second.pk]))
        assert response["Content-Type"] == "application/pdf"
        other = ContractFactory()
        assert client.get(reverse("space:contract", args=[other.pk])).status_code == 404

    def test_cosign_over_http(self, client, access, django_capture_on_commit_callbacks):
        contract = access.person.pathways.get().contracts.get()
        space_client(client, access)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("space:contract_code", args=[contract.pk]))
        assert response.status_code == 302
        code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
        response = client.post(
            reverse("space:contract_sign", args=[contract.pk]),
            {"code": code, "seen_hash": contract.content_hash},
        )
        assert "Cochez la case" in page_text(response)
        assert not Cosignature.objects.exists()

    def test_notes_never_shown(self, client, access):
        for visibility in ("author", "organisation", "team"):
            NoteFactory(
                person=access.person,
                author=access.invited_by,
                visibility=visibility,
                body=f"ÉCRIT-SECRET-{visibility}",
            )
        space_client(client, access)
        for name in PAGES:
            assert "ÉCRIT-SECRET" not in page_text(client.get(reverse(name)))
        response = client.get(reverse("space:export_json"))
        assert "ÉCRIT-SECRET" not in response.content.decode()
        data = json.loads(response.content)
        assert "Trouver un logement" in response.content.decode()
        assert data

    def test_upload_refused_keeps_the_request(self, client, access):
        from tests.people import files

        membership = access.invited_by.memberships.get()
        from relais.person_space.services import document_request_create

        request = document_request_create(
            person=access.person,
            actor=access.invited_by,
            membership=membership,
            title="Avis d'imposition",
            kind="tax",
            due_on=timezone.localdate() + dt.timedelta(days=5),
        )
        space_client(client, access)
        response = client.post(
            reverse("space:document_upload", args=[request.pk]),
            {"file": files.upload("avis.pdf", files.EXE_BYTES)},
        )
        assert response.status_code == 400
        assert 'data-testid="error-summary"' in response.content.decode()
        response = client.post(
            reverse("space:document_upload", args=[request.pk]),
            {"file": files.upload("avis.pdf", files.PDF_BYTES)},
        )
        assert response.status_code == 302
        assert "Avis d'imposition" in page_text(client.get(reverse("space:documents")))

    def test_message_and_correction(self, client, access):
        space_client(client, access)
        response = client.post(reverse("space:messages"), {"body": ""})
        assert "Écrivez votre message." in page_text(response)
        client.post(reverse("space:messages"), {"body": "Bonjour"})
        client.post(reverse("space:rights"), {"body": "Mon adresse a changé"})
        client.post(reverse("space:diagnostic"), {"body": "Ça avance"})
        assert sorted(Message.objects.values_list("topic", flat=True)) == [
            "correction",
            "message",
            "review",
        ]

    def test_consent_withdrawal_over_http(self, client, access):
        from relais.network.coordination.models import TeamMember

        member = TeamMember.objects.get(team__person=access.person)
        share = access.person.consents.get(purpose="share_org")
        space_client(client, access)
        response = client.post(
            reverse("space:consents"), {"action": "withdraw", "consent": share.pk}
        )
        assert response.status_code == 302
        assert not TeamMember.objects.active().filter(pk=member.pk).exists()
        response = client.post(reverse("space:consents"), {"action": "withdraw", "consent": "abc"})
        assert response.status_code == 302


class TestRealms:
    def test_professional_session_cannot_open_the_space(self, client, referent):
        login_verified(client, referent)
        for name in PAGES:
            response = client.get(reverse(name))
            assert response.status_code == 302
            assert response.url == reverse("space:login")

    def test_person_session_opens_no_professional_page_nor_api(self, client, access):
        space_client(client, access)
        person = access.person
        for path in ("/", f"/personnes/{person.pk}/", "/agenda/", "/structure/membres/"):
            response = client.get(path)
            assert response.status_code == 302, path
            assert response.url.startswith(reverse("accounts:login")), path
        # Real professional endpoints (relais/api/routers/people.py): refused, not missing.
        organisation = person.organisation_id
        for path in (
            f"/api/v1/organisations/{organisation}/persons",
            f"/api/v1/organisations/{organisation}/persons/{person.pk}",
        ):
            response = client.get(path)
            assert response.status_code in (401, 403), (path, response.status_code)
        assert client.get("/api/v1/me").status_code == 401


class TestQueryCounts:
    def _batch(self, access, n):
        pathway = access.person.pathways.get()
        for i in range(n):
            StepFactory(pathway=pathway, title=f"Étape {i}")
            AppointmentFactory(person=access.person, with_user=access.invited_by)
            Message.objects.create(person=access.person, author_kind="person", body=f"m{i}")

    @pytest.mark.parametrize("name", PAGES)
    def test_constant(self, client, access, name):
        space_client(client, access)
        self._batch(access, 2)
        client.get(reverse(name))
        few = count_queries(lambda: client.get(reverse(name)))
        self._batch(access, 30)
        many = count_queries(lambda: client.get(reverse(name)))
        assert many == few, name


class TestOneTimelineItemPerAction:
    """Each action in the space is journaled once (by its service): the professional's
    timeline shows one item for it, and reading the page that follows adds none."""

    @pytest.mark.parametrize(
        ("page", "post"),
        [
            ("space:messages", {"body": "Bonjour"}),
            ("space:diagnostic", {"body": "Ça avance"}),
            ("space:rights", {"body": "Mon adresse a changé"}),
            ("space:consents", {"action": "give", "purpose": "contact_sms"}),
        ],
    )
    def test_one_action_one_item(self, client, access, page, post):
        from relais.records.timeline import TimelineKind, build_timeline

        space_client(client, access)
        response = client.post(reverse(page), post, follow=True)
        assert response.status_code == 200
        membership = access.invited_by.memberships.get()
        items = build_timeline(access.person, membership, kinds=[TimelineKind.PERSON_SPACE]).items
        assert len(items) == 1, [i.title for i in items]

    def test_a_failed_consent_change_journals_no_change(self, client, access):
        from relais.records.timeline import TimelineKind, build_timeline

        space_client(client, access)
        client.post(reverse("space:consents"), {"action": "withdraw", "consent": "999999"})
        client.post(reverse("space:consents"), {"action": "nothing"})
        membership = access.invited_by.memberships.get()
        items = build_timeline(access.person, membership, kinds=[TimelineKind.PERSON_SPACE]).items
        assert items == []
        assert not AccessLogEntry.objects.filter(
            person_id=access.person_id, action="update"
        ).exists()

    def test_the_professional_timeline_page_shows_one_item(self, client, access):
        space_client(client, access)
        client.post(reverse("space:messages"), {"body": "Bonjour"}, follow=True)
        referent = Client()
        login_verified(referent, access.invited_by)
        text = page_text(referent.get(f"/personnes/{access.person_id}/chronologie/"))
        assert text.count("Dans son espace : message envoyé") == 1


def test_the_code_page_says_when_to_try_again(client, django_capture_on_commit_callbacks):
    access = SpaceAccessFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("space:login"), {"contact": access.contact})
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(9):
        client.post(reverse("space:code"), {"code": wrong})
    text = page_text(client.post(reverse("space:code"), {"code": wrong}))
    access.refresh_from_db()
    until = timezone.localtime(access.locked_until)
    assert f"bloqué pendant 15 minutes. Réessayez à partir de {until:%H:%M}." in text
