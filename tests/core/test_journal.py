"""The access journal: `record()` and, above all, the guard that makes forgetting it an error."""

from __future__ import annotations

import pytest
from django.db.models.signals import post_init
from django.test import override_settings

from relais.accounts.models import Organisation
from relais.core import journal
from relais.core.journal import JournalMissingError
from relais.core.models import AccessLogEntry, JournalAction
from tests.factories import AccessLogEntryFactory, OrganisationFactory
from tests.helpers import login_verified

pytestmark = pytest.mark.django_db


class TestRecord:
    def test_entry_names_the_record_not_the_person(self, manager, organisation):
        entry = journal.record(
            actor=manager,
            action=JournalAction.VIEW,
            target=organisation,
            actor_organisation=organisation,
            summary="fiche",
            ip="192.0.2.9",
            path="/structure/",
        )
        entry = AccessLogEntry.objects.get(pk=entry.pk)
        assert (entry.actor, entry.actor_email, entry.actor_organisation) == (
            manager,
            manager.email,
            organisation,
        )
        assert (entry.action, entry.target_type, entry.target_id) == (
            "view",
            "accounts.organisation",
            str(organisation.pk),
        )
        assert (entry.summary, entry.ip, entry.path) == ("fiche", "192.0.2.9", "/structure/")

    def test_target_gives_person_and_holding_organisation(self, manager, organisation, monkeypatch):
        monkeypatch.setattr(Organisation, "journal_person_id", 314, raising=False)
        monkeypatch.setattr(Organisation, "journal_organisation_id", organisation.pk, raising=False)
        entry = journal.record(actor=manager, action=JournalAction.UPDATE, target=organisation)
        assert entry.person_id == 314
        assert entry.organisation == organisation

    def test_system_actor_and_type_id_target(self):
        entry = journal.record(
            actor=None, action=JournalAction.EXPORT, target_type="people.person", target_id=12
        )
        assert entry.actor is None
        assert entry.actor_email == "système"
        assert (entry.target_type, entry.target_id) == ("people.person", "12")

    def test_long_texts_are_cut(self):
        entry = journal.record(
            actor=None,
            action=JournalAction.VIEW,
            target_type="t" * 100,
            summary="s" * 500,
            path="/" + "p" * 500,
        )
        assert (len(entry.target_type), len(entry.summary), len(entry.path)) == (60, 200, 300)

    def test_unknown_action(self):
        with pytest.raises(ValueError, match="Action de journal inconnue"):
            journal.record(actor=None, action="read", target_type="people.person")
        assert not AccessLogEntry.objects.exists()

    def test_for_organisation_covers_held_records_and_members_actions(self, organisation):
        elsewhere = OrganisationFactory()
        held = AccessLogEntryFactory(organisation=organisation, actor_organisation=elsewhere)
        by_member = AccessLogEntryFactory(organisation=elsewhere, actor_organisation=organisation)
        AccessLogEntryFactory(organisation=elsewhere)
        assert set(AccessLogEntry.objects.for_organisation(organisation)) == {held, by_member}


@pytest.fixture
def organisation_holds_personal_data(monkeypatch):
    """No personal-data model exists yet: pretend Organisation is one, for the guard."""
    monkeypatch.setattr(Organisation, "holds_personal_data", True, raising=False)
    uid = "tests-journal-guard-organisation"
    post_init.connect(journal._track_loaded, sender=Organisation, dispatch_uid=uid)
    yield
    post_init.disconnect(sender=Organisation, dispatch_uid=uid)


@pytest.mark.urls("tests.core.journal_urls")
@pytest.mark.usefixtures("organisation_holds_personal_data")
class TestGuard:
    def test_the_model_is_seen_as_personal_data(self):
        assert Organisation in journal.personal_data_models()

    def test_loading_without_journal_is_an_error(self, client, organisation):
        with pytest.raises(JournalMissingError) as excinfo:
            client.get(f"/sans-journal/{organisation.pk}/")
        message = str(excinfo.value)
        assert "Données personnelles servies sans entrée au journal" in message
        assert f"accounts.organisation#{organisation.pk}" in message
        assert "/sans-journal/" in message

    def test_loading_with_journal_passes(self, client, manager, organisation):
        login_verified(client, manager)
        response = client.get(f"/avec-journal/{organisation.pk}/", REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 200
        entry = AccessLogEntry.objects.get()
        assert (entry.actor, entry.actor_organisation, entry.action) == (
            manager,
            organisation,
            "view",
        )
        assert (entry.target_type, entry.target_id) == (
            "accounts.organisation",
            str(organisation.pk),
        )
        assert (entry.ip, entry.path) == ("203.0.113.5", f"/avec-journal/{organisation.pk}/")

    def test_one_list_entry_covers_its_rows(self, client):
        OrganisationFactory.create_batch(3)
        assert client.get("/liste/").status_code == 200
        assert AccessLogEntry.objects.count() == 1

    def test_rows_not_covered_by_the_list_entry_are_an_error(self, client):
        OrganisationFactory.create_batch(3)
        with pytest.raises(JournalMissingError):
            client.get("/liste-partielle/")

    def test_error_answers_are_not_checked(self, client, organisation):
        assert client.get(f"/refus/{organisation.pk}/").status_code == 403

    def test_outside_a_request_nothing_is_tracked(self, organisation):
        Organisation.objects.get(pk=organisation.pk)  # no request, no guard: no error

    def test_lenient_mode_logs_instead_of_raising(self, client, organisation, monkeypatch):
        logged = []
        monkeypatch.setattr(journal.logger, "error", logged.append)
        with override_settings(RELAIS_JOURNAL_STRICT=False):
            response = client.get(f"/sans-journal/{organisation.pk}/")
        assert response.status_code == 200
        assert len(logged) == 1
        assert f"accounts.organisation#{organisation.pk}" in logged[0]


@pytest.mark.urls("tests.core.journal_urls")
class TestDeclaredView:
    def test_declared_view_without_entry_is_an_error(self, client, db):
        with pytest.raises(JournalMissingError, match="vue déclarée"):
            client.get("/declaree-sans-entree/")

    def test_declared_view_with_entry_passes(self, client, db):
        assert client.get("/declaree-avec-entree/").status_code == 200
        entry = AccessLogEntry.objects.get()
        assert (entry.action, entry.target_type, entry.target_id) == (
            "export",
            "people.person",
            "7",
        )


def test_without_the_patch_organisation_is_not_personal_data():
    """The guard tests patch the model; make sure the patch never leaks into other tests."""
    assert not getattr(Organisation, "holds_personal_data", False)
    assert Organisation not in journal.personal_data_models()
