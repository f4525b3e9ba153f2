"""The access journal page: managers only, filters, pagination, bad filter input."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from relais.core.models import JournalAction
from tests.factories import (
    AccessLogEntryFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db

JOURNAL = "/structure/journal/"
PARIS = ZoneInfo("Europe/Paris")


def rows(response) -> int:
    return page_text(response).count("<tr>") - 1  # minus the header row


def test_manager_only(referent_client, client, staff_member):
    assert referent_client.get(JOURNAL).status_code == 403
    login_verified(client, staff_member)
    assert client.get(JOURNAL).status_code == 403


def test_lists_the_organisation_entries_only(manager_client, organisation, manager):
    AccessLogEntryFactory(organisation=organisation, actor=manager, person_id=4242)
    AccessLogEntryFactory(organisation=OrganisationFactory(), person_id=9999)
    response = manager_client.get(JOURNAL)
    assert response.status_code == 200
    text = page_text(response)
    assert "1 entrée" in text
    assert "n° 4242" in text
    assert "9999" not in text
    assert manager.email in text


def test_entries_by_members_in_other_organisations_are_shown(manager_client, organisation):
    """A member's reading of another organisation's record is in this organisation's journal."""
    partner = OrganisationFactory(name="Partenaire")
    AccessLogEntryFactory(organisation=partner, actor_organisation=organisation, person_id=77)
    text = page_text(manager_client.get(JOURNAL))
    assert "n° 77" in text


class TestFilters:
    @pytest.fixture
    def entries(self, organisation, manager):
        colleague = MembershipFactory(organisation=organisation).user
        AccessLogEntryFactory(
            organisation=organisation,
            actor=manager,
            person_id=1,
            action=JournalAction.VIEW,
            created_at=datetime(2026, 3, 1, 10, tzinfo=PARIS),
        )
        AccessLogEntryFactory(
            organisation=organisation,
            actor=colleague,
            person_id=2,
            action=JournalAction.UPDATE,
            created_at=datetime(2026, 3, 15, 23, 30, tzinfo=PARIS),
        )
        AccessLogEntryFactory(
            organisation=organisation,
            actor=colleague,
            person_id=2,
            action=JournalAction.EXPORT,
            created_at=datetime(2026, 4, 2, 0, 15, tzinfo=PARIS),
        )
        return colleague

    def test_by_person(self, manager_client, entries):
        response = manager_client.get(JOURNAL, {"person": 2})
        assert "2 entrées" in page_text(response)

    def test_by_user(self, manager_client, entries, manager):
        response = manager_client.get(JOURNAL, {"actor": manager.pk})
        assert "1 entrée" in page_text(response)

    def test_by_action(self, manager_client, entries):
        response = manager_client.get(JOURNAL, {"action": "export"})
        assert "1 entrée" in page_text(response)

    def test_by_dates_in_paris_time(self, manager_client, entries):
        # The 15/03 at 23:30 in Paris is the 15/03 (22:30 UTC); the 02/04 at 00:15 is the 02/04.
        response = manager_client.get(JOURNAL, {"date_from": "2026-03-15", "date_to": "2026-03-15"})
        assert "1 entrée" in page_text(response)
        response = manager_client.get(JOURNAL, {"date_from": "2026-03-02"})
        assert "2 entrées" in page_text(response)
        response = manager_client.get(JOURNAL, {"date_to": "2026-04-01"})
        assert "2 entrées" in page_text(response)

    def test_combined(self, manager_client, entries):
        response = manager_client.get(
            JOURNAL, {"person": 2, "action": "update", "actor": entries.pk}
        )
        assert "1 entrée" in page_text(response)

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"date_from": "31/02/2026"}, "Saisissez une date valide."),
            ({"date_to": "hier"}, "Saisissez une date valide."),
            ({"person": "douze"}, "Saisissez un nombre entier."),
            ({"person": "0"}, "supérieure ou égale à 1"),
            ({"person": "9" * 30}, "inférieure ou égale à"),
            ({"action": "drop"}, "Sélectionnez un choix valide."),
            ({"actor": "999999"}, "Sélectionnez un choix valide."),
            (
                {"date_from": "2026-04-01", "date_to": "2026-03-01"},
                "La date de fin doit être postérieure à la date de début.",
            ),
        ],
    )
    def test_bad_input_gives_a_french_error_and_no_rows(
        self, manager_client, entries, params, message
    ):
        response = manager_client.get(JOURNAL, params)
        assert response.status_code == 200
        text = page_text(response)
        assert message in text
        assert "Aucune entrée ne correspond." in text

    def test_user_list_is_the_organisation_members(self, manager_client, entries, manager):
        outsider = MembershipFactory().user
        text = page_text(manager_client.get(JOURNAL))
        assert f'value="{manager.pk}"' in text
        assert f'value="{entries.pk}"' in text
        assert outsider.email not in text


class TestPagination:
    def test_fifty_per_page_and_filters_kept_in_links(self, manager_client, organisation):
        AccessLogEntryFactory.create_batch(120, organisation=organisation, person_id=5)
        AccessLogEntryFactory(organisation=organisation, person_id=6)
        first = manager_client.get(JOURNAL, {"person": 5})
        text = page_text(first)
        assert "120 entrées" in text
        assert rows(first) == 50
        assert "1 / 3" in text
        assert 'href="?person=5&page=2"' in text

        last = manager_client.get(JOURNAL, {"person": 5, "page": 3})
        assert rows(last) == 20
        assert "3 / 3" in page_text(last)

    @pytest.mark.parametrize("page", ["999", "abc", "-1", ""])
    def test_out_of_range_page_does_not_crash(self, manager_client, organisation, page):
        AccessLogEntryFactory.create_batch(60, organisation=organisation)
        response = manager_client.get(JOURNAL, {"page": page})
        assert response.status_code == 200
        assert rows(response) in {50, 10}


def test_query_count_does_not_grow_with_entries(manager_client, organisation):
    def add(n):
        for _ in range(n):
            actor = MembershipFactory(organisation=organisation).user
            AccessLogEntryFactory(organisation=organisation, actor=actor)

    add(5)
    with_5 = count_queries(lambda: manager_client.get(JOURNAL))
    add(25)
    response = manager_client.get(JOURNAL)
    assert rows(response) == 30
    with_30 = count_queries(lambda: manager_client.get(JOURNAL))
    assert with_30 == with_5


def test_records_are_named_in_french_with_the_dossier_number(manager_client, organisation):
    """#9, defect 5: no model codes (`people.person`, `network.caseconference`) and no English
    capability codes on the manager's page."""
    AccessLogEntryFactory(
        organisation=organisation, target_type="people.person", target_id="61", person_id=61
    )
    AccessLogEntryFactory(
        organisation=organisation,
        target_type="network.caseconference",
        target_id="5",
        person_id=61,
    )
    AccessLogEntryFactory(
        organisation=organisation,
        action=JournalAction.DENIED,
        target_type="people.person",
        target_id="62",
        person_id=62,
        summary="droit manquant : accompaniment",
    )
    AccessLogEntryFactory(
        organisation=organisation,
        action=JournalAction.LIST,
        target_type="people.person",
        target_id="",
        person_id=None,
        summary="file active : 3 personne(s), page 1",
    )
    text = page_text(manager_client.get(JOURNAL))
    assert "people.person" not in text
    assert "network.caseconference" not in text
    assert "accompaniment" not in text
    assert "Dossier de personne n° 61" in text
    assert "Réunion de synthèse n° 5" in text
    assert "droit manquant : accompagnement" in text
    assert "Personnes" in text


def test_a_merged_record_s_entries_are_shown_with_the_kept_record(
    manager_client, organisation, manager
):
    """#10: the journal is append-only, so a merged record's entries keep its number; the
    kept record's journal shows them too."""
    kept = PersonFactory(organisation=organisation)
    merged = PersonFactory(organisation=organisation, merged_into=kept)
    stranger = PersonFactory(organisation=organisation)
    for person in (kept, merged, stranger):
        AccessLogEntryFactory(
            organisation=organisation, actor=manager, person_id=person.pk, target_id=person.pk
        )
    response = manager_client.get(JOURNAL, {"person": kept.pk})
    text = page_text(response)
    assert "2 entrées" in text
    assert f"n° {merged.pk}" in text
    assert f"n° {stranger.pk}" not in text
