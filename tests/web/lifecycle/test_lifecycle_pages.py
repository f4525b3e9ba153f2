"""The lifecycle pages: archive and unarchive from the person page, the archived record
read-only through the web and the API, the retention page, postponement, rights requests;
wrong users get 403 or 404; query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from relais.core.models import AccessLogEntry, JournalAction
from relais.people.models import LifeEvent, Person
from relais.records.models import RetentionHold, RetentionPolicy, RightsRequest
from tests.factories import MembershipFactory, PersonFactory
from tests.helpers import count_queries, login_verified, page_text, person_page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent, birth_name="Archambault")


def archive(person):
    Person.objects.filter(pk=person.pk).update(archived_at=timezone.now())


def client_for(client, user):
    login_verified(client, user)
    return client


class TestArchive:
    def test_the_referent_archives_from_the_person_page(self, referent_client, person):
        assert "Archiver le dossier" in person_page_text(referent_client, person, "conservation")
        response = referent_client.post(f"/personnes/{person.pk}/archiver/", follow=True)
        text = page_text(response)
        assert "Le dossier est archivé" in text
        assert 'data-testid="archived-banner"' in text
        assert "Modifier l'identité" not in text
        assert Person.objects.get(pk=person.pk).archived_at is not None
        assert AccessLogEntry.objects.filter(action=JournalAction.UPDATE).count() == 1

    def test_hidden_from_the_caseload_and_the_search(self, referent_client, staff_member, person):
        staff = client_for(Client(), staff_member)
        assert "ARCHAMBAULT" in page_text(referent_client.get("/"))
        assert "ARCHAMBAULT" in page_text(staff.get("/?q=Archambault"))
        archive(person)
        assert "ARCHAMBAULT" not in page_text(referent_client.get("/"))
        assert "ARCHAMBAULT" not in page_text(staff.get("/?q=Archambault"))

    def test_the_referent_may_not_unarchive(self, referent_client, person):
        archive(person)
        assert referent_client.post(f"/personnes/{person.pk}/desarchiver/").status_code == 403
        assert AccessLogEntry.objects.filter(action=JournalAction.DENIED, person_id=person.pk)

    def test_a_manager_unarchives(self, manager_client, person):
        archive(person)
        response = manager_client.post(f"/personnes/{person.pk}/desarchiver/", follow=True)
        assert "Le dossier est désarchivé" in page_text(response)
        assert Person.objects.get(pk=person.pk).archived_at is None

    def test_another_referent_may_not_archive(self, client, organisation, person):
        other = MembershipFactory(organisation=organisation, role="referent").user
        assert (
            client_for(client, other).post(f"/personnes/{person.pk}/archiver/").status_code == 403
        )

    def test_another_organisation_gets_a_404(self, client, other_organisation, person):
        outsider = MembershipFactory(organisation=other_organisation, role="manager").user
        client = client_for(client, outsider)
        assert client.post(f"/personnes/{person.pk}/archiver/").status_code == 404
        assert client.post(f"/personnes/{person.pk}/desarchiver/").status_code == 404

    def test_get_is_refused(self, referent_client, person):
        assert referent_client.get(f"/personnes/{person.pk}/archiver/").status_code == 405

    def test_an_open_pathway_is_explained(self, referent_client, person):
        from tests.factories import PathwayFactory

        PathwayFactory(person=person)
        response = referent_client.post(f"/personnes/{person.pk}/archiver/", follow=True)
        assert "clôturez-le" in page_text(response)
        assert Person.objects.get(pk=person.pk).archived_at is None


class TestReadOnly:
    def test_a_web_form_shows_the_refusal(self, referent_client, person):
        archive(person)
        response = referent_client.post(
            f"/personnes/{person.pk}/evenements/nouveau/",
            {"kind": "move", "occurred_on": "2024-01-01", "description": ""},
        )
        assert response.status_code == 200
        assert "Ce dossier est archivé" in page_text(response)
        assert not LifeEvent.objects.exists()


class TestRetentionPage:
    def test_a_manager_sets_the_policy(self, manager_client, organisation):
        response = manager_client.post(
            "/structure/conservation/", {"months": "36", "document_months": "6"}, follow=True
        )
        assert "La politique de conservation est enregistrée" in page_text(response)
        policy = RetentionPolicy.objects.get(organisation=organisation)
        assert (policy.months_after_last_activity, policy.document_months_after_expiry) == (36, 6)

    @pytest.mark.parametrize(
        ("months", "message"),
        [("0", "entre 12 et 60 mois"), ("1000", "entre 12 et 60 mois"), ("abc", "nombre entier")],
    )
    def test_bad_input_is_kept_and_explained(self, manager_client, organisation, months, message):
        response = manager_client.post(
            "/structure/conservation/", {"months": months, "document_months": "3"}
        )
        text = page_text(response)
        assert response.status_code == 200 and message in text
        assert f'value="{months}"' in text
        assert not RetentionPolicy.objects.exists()

    def test_a_referent_gets_a_403(self, referent_client):
        assert referent_client.get("/structure/conservation/").status_code == 403

    def test_lists_due_archived_and_overdue_requests(self, manager_client, organisation, manager):
        old = PersonFactory(organisation=organisation, birth_name="Ancien")
        Person.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=800))
        archived = PersonFactory(organisation=organisation, birth_name="Rangé")
        archive(archived)
        RightsRequest.objects.create(
            organisation=organisation,
            person=archived,
            kind="erasure",
            received_on=dt.date(2020, 1, 1),
            details="Tout",
            due_on=dt.date(2020, 2, 1),
            recorded_by=manager,
        )
        text = page_text(manager_client.get("/structure/conservation/"))
        assert "ANCIEN" in text and "RANGÉ" in text
        assert "en retard" in text

    def test_query_count(self, manager_client, organisation, manager):
        def batch(n):
            for i in range(n):
                p = PersonFactory(organisation=organisation)
                Person.objects.filter(pk=p.pk).update(
                    created_at=timezone.now() - dt.timedelta(days=800),
                    archived_at=timezone.now() if i % 2 else None,
                )
                RightsRequest.objects.create(
                    organisation=organisation,
                    person=p,
                    kind="rectification",
                    received_on=dt.date.today(),
                    details="X",
                    due_on=dt.date.today(),
                    recorded_by=manager,
                )

        batch(2)
        few = count_queries(lambda: manager_client.get("/structure/conservation/"))
        batch(10)
        assert count_queries(lambda: manager_client.get("/structure/conservation/")) == few


class TestHold:
    def test_a_manager_postpones(self, manager_client, person):
        until = (timezone.localdate() + dt.timedelta(days=100)).isoformat()
        response = manager_client.post(
            f"/personnes/{person.pk}/conservation/report/",
            {"until": until, "reason": "Contentieux prud'homal"},
            follow=True,
        )
        assert "L'effacement est reporté" in page_text(response)
        assert RetentionHold.objects.get(person=person).reason == "Contentieux prud'homal"

    def test_bad_date_is_explained(self, manager_client, person):
        response = manager_client.post(
            f"/personnes/{person.pk}/conservation/report/",
            {"until": "2001-01-01", "reason": "X"},
        )
        assert "dans le futur" in page_text(response)

    def test_a_referent_gets_a_403(self, referent_client, person):
        response = referent_client.get(f"/personnes/{person.pk}/conservation/report/")
        assert response.status_code == 403


class TestRequests:
    def test_record_extend_and_close(self, referent_client, client, manager, person):
        response = referent_client.post(
            f"/personnes/{person.pk}/demandes/nouvelle/",
            {
                "kind": "rectification",
                "received_on": timezone.localdate().isoformat(),
                "details": "Corriger l'adresse",
            },
            follow=True,
        )
        assert "La demande est enregistrée" in page_text(response)
        request = RightsRequest.objects.get()
        created = AccessLogEntry.objects.get(action=JournalAction.CREATE)
        assert created.target_type == "records.rightsrequest" and created.person_id == person.pk
        manager_client = client_for(client, manager)
        url = f"/structure/demandes/{request.pk}/"
        response = manager_client.post(
            url, {"action": "prolonger", "prolonger-reason": "Demande complexe"}, follow=True
        )
        assert "prolongé de deux mois" in page_text(response)
        response = manager_client.post(
            url, {"action": "clore", "clore-decision": "refused", "clore-reason": ""}
        )
        assert "Un refus doit être motivé" in page_text(response)
        response = manager_client.post(
            url,
            {"action": "clore", "clore-decision": "refused", "clore-reason": "Adresse exacte"},
            follow=True,
        )
        assert "La demande est close" in page_text(response)
        assert RightsRequest.objects.get().status == "refused"

    def test_accepted_erasure_from_the_page(self, client, manager, person):
        request = RightsRequest.objects.create(
            organisation=person.organisation,
            person=person,
            kind="erasure",
            received_on=timezone.localdate(),
            details="Tout effacer",
            due_on=timezone.localdate(),
            recorded_by=manager,
        )
        manager_client = client_for(client, manager)
        response = manager_client.post(
            f"/structure/demandes/{request.pk}/",
            {"action": "clore", "clore-decision": "done", "clore-reason": ""},
            follow=True,
        )
        assert f"le dossier n° {person.pk} est effacé" in page_text(response)
        assert not Person.objects.filter(pk=person.pk).exists()

    def test_bad_input_is_all_reported(self, referent_client, person):
        response = referent_client.post(
            f"/personnes/{person.pk}/demandes/nouvelle/",
            {"kind": "", "received_on": "pas une date", "details": ""},
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert set(form.errors) == {"kind", "received_on", "details"}

    def test_staff_gets_a_403(self, client, staff_member, person):
        response = client_for(client, staff_member).get(
            f"/personnes/{person.pk}/demandes/nouvelle/"
        )
        assert response.status_code == 403

    def test_another_organisations_request_is_a_404(
        self, client, other_organisation, person, manager
    ):
        request = RightsRequest.objects.create(
            organisation=person.organisation,
            person=person,
            kind="erasure",
            received_on=timezone.localdate(),
            details="X",
            due_on=timezone.localdate(),
            recorded_by=manager,
        )
        outsider = MembershipFactory(organisation=other_organisation, role="manager").user
        response = client_for(client, outsider).get(f"/structure/demandes/{request.pk}/")
        assert response.status_code == 404

    def test_a_referent_may_not_open_a_request(self, referent_client, person, manager):
        request = RightsRequest.objects.create(
            organisation=person.organisation,
            person=person,
            kind="erasure",
            received_on=timezone.localdate(),
            details="X",
            due_on=timezone.localdate(),
            recorded_by=manager,
        )
        assert referent_client.get(f"/structure/demandes/{request.pk}/").status_code == 403


def test_request_page_query_count(client, manager, organisation):
    manager_client = client_for(client, manager)

    def new_request():
        return RightsRequest.objects.create(
            organisation=organisation,
            person=PersonFactory(organisation=organisation),
            kind="erasure",
            received_on=dt.date.today(),
            details="X",
            due_on=dt.date.today(),
            recorded_by=manager,
        )

    first = new_request()
    few = count_queries(lambda: manager_client.get(f"/structure/demandes/{first.pk}/"))
    for _ in range(10):
        new_request()
    assert count_queries(lambda: manager_client.get(f"/structure/demandes/{first.pk}/")) == few
