"""Merging two records (every child record moves, identity chosen, reversible for 30
days), « pas la même personne », and the search of likely pairs in an organisation."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django import db
from django.db import connection
from django.utils import timezone

from relais.core.errors import DomainError
from relais.people import merging
from relais.people.merging import person_merge, person_merge_undo, persons_mark_distinct
from relais.people.models import (
    Consent,
    DuplicateSearch,
    LifeEvent,
    Person,
    PersonMatchKey,
    PersonMerge,
)
from relais.people.pairs import duplicate_search_start, find_pairs
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    DiagnosticFactory,
    LifeEventFactory,
    MembershipFactory,
    NoteFactory,
    PathwayFactory,
    PersonFactory,
    UserFactory,
)
from tests.factories.network.coordination import CoordinationTeamFactory
from tests.factories.network.referrals import ReferralFactory

pytestmark = pytest.mark.django_db

BORN = dt.date(1985, 3, 12)


def pair(organisation):
    kept = PersonFactory(
        organisation=organisation, birth_name="Dupont", first_names="Jean", birth_date=BORN
    )
    merged = PersonFactory(
        organisation=organisation,
        birth_name="Dupond",
        first_names="Jean",
        birth_date=BORN,
        phone="07 00 00 00 01",
    )
    return kept, merged


def merge(organisation, kept, merged, actor=None, **kwargs):
    kept.refresh_from_db()
    merged.refresh_from_db()
    return person_merge(
        organisation_id=organisation.pk,
        actor=actor or UserFactory(),
        kept_id=kept.pk,
        merged_id=merged.pk,
        kept_version=kept.version,
        merged_version=merged.version,
        **kwargs,
    )


def test_every_child_record_moves_and_comes_back(organisation):
    kept, merged = pair(organisation)
    children = [
        ConsentFactory(person=merged),
        LifeEventFactory(person=merged),
        DiagnosticFactory(person=merged),
        PathwayFactory(person=merged),
        NoteFactory(person=merged),
        AppointmentFactory(person=merged),
        CoordinationTeamFactory(person=merged),
        ReferralFactory(person=merged),
    ]
    ConsentFactory(person=kept)
    done = merge(organisation, kept, merged, choices={"phone": "merged", "birth_name": "kept"})
    for child in children:
        child.refresh_from_db()
        assert child.person_id == kept.pk, type(child).__name__
    kept.refresh_from_db()
    merged.refresh_from_db()
    assert kept.phone == "07 00 00 00 01" and kept.birth_name == "Dupont"
    assert merged.merged_into_id == kept.pk
    assert not PersonMatchKey.objects.filter(person=merged).exists()
    assert Consent.objects.filter(person=kept).count() == 2

    person_merge_undo(merge_id=done.pk, organisation_id=organisation.pk, actor=UserFactory())
    for child in children:
        child.refresh_from_db()
        assert child.person_id == merged.pk, type(child).__name__
    kept.refresh_from_db()
    merged.refresh_from_db()
    assert kept.phone == "06 12 34 56 78"
    assert merged.merged_into_id is None
    assert Consent.objects.filter(person=kept).count() == 1
    assert PersonMatchKey.objects.filter(person=merged).exists()


def test_registered_callbacks_run_after_records_moved(organisation, monkeypatch):
    calls = []
    monkeypatch.setattr(merging, "_AFTER_RECORDS_MOVED", [])
    merging.after_records_moved(calls.append)
    merging.after_records_moved(calls.append)  # registered once
    kept, merged = pair(organisation)
    diagnostic = DiagnosticFactory(person=merged)
    seen = []
    merging.after_records_moved(
        lambda ids: seen.append(type(diagnostic).objects.get(pk=diagnostic.pk).person_id)
    )
    done = merge(organisation, kept, merged)
    person_merge_undo(merge_id=done.pk, organisation_id=organisation.pk, actor=UserFactory())
    assert calls == [[kept.pk, merged.pk], [kept.pk, merged.pk]]
    assert seen == [kept.pk, merged.pk]  # run once the records have moved


def test_merged_record_is_hidden(organisation):
    kept, merged = pair(organisation)
    merge(organisation, kept, merged)
    membership = MembershipFactory(organisation=organisation, role="manager")
    assert list(Person.objects.own_of(membership)) == [kept]
    assert not Person.objects.visible_to(membership).filter(pk=merged.pk).exists()


def test_merged_record_is_no_longer_proposed_at_intake(organisation):
    from relais.people.duplicates import find_duplicates

    kept, merged = pair(organisation)
    merge(organisation, kept, merged)
    found = find_duplicates(
        organisation_id=organisation.pk, birth_name="Dupond", first_names="Jean", birth_date=BORN
    )
    assert [c.person for c in found] == [kept]


def test_merge_with_itself_refused(organisation):
    kept, _ = pair(organisation)
    with pytest.raises(DomainError, match="lui-même"):
        merge(organisation, kept, kept)


def test_merge_across_organisations_refused(organisation, other_organisation):
    kept, _ = pair(organisation)
    stranger = PersonFactory(organisation=other_organisation)
    with pytest.raises(DomainError, match="votre structure"):
        merge(organisation, kept, stranger)
    with pytest.raises(DomainError, match="votre structure"):
        merge(other_organisation, stranger, kept)


def test_second_merge_of_the_same_pair_refused_clearly(organisation):
    kept, merged = pair(organisation)
    kept_version, merged_version = kept.version, merged.version
    merge(organisation, kept, merged)
    with pytest.raises(DomainError, match="déjà été fusionné"):
        person_merge(
            organisation_id=organisation.pk,
            actor=UserFactory(),
            kept_id=merged.pk,
            merged_id=kept.pk,
            kept_version=merged_version,
            merged_version=kept_version,
        )


def test_stale_versions_refused(organisation):
    kept, merged = pair(organisation)
    with pytest.raises(DomainError, match="modifié depuis"):
        person_merge(
            organisation_id=organisation.pk,
            actor=UserFactory(),
            kept_id=kept.pk,
            merged_id=merged.pk,
            kept_version=kept.version + 1,
            merged_version=merged.version,
        )


def test_two_coordination_teams_refused_nothing_moved(organisation):
    kept, merged = pair(organisation)
    CoordinationTeamFactory(person=kept)
    CoordinationTeamFactory(person=merged)
    event = LifeEventFactory(person=merged)
    with pytest.raises(DomainError, match="équipe"):
        merge(organisation, kept, merged)
    event.refresh_from_db()
    assert event.person_id == merged.pk
    assert not PersonMerge.objects.exists()


def test_undo_only_within_30_days_and_once(organisation):
    kept, merged = pair(organisation)
    done = merge(organisation, kept, merged)
    PersonMerge.objects.filter(pk=done.pk).update(merged_at=timezone.now() - dt.timedelta(days=31))
    with pytest.raises(DomainError, match="30 jours"):
        person_merge_undo(merge_id=done.pk, organisation_id=organisation.pk, actor=UserFactory())
    PersonMerge.objects.filter(pk=done.pk).update(merged_at=timezone.now())
    person_merge_undo(merge_id=done.pk, organisation_id=organisation.pk, actor=UserFactory())
    with pytest.raises(DomainError, match="déjà été annulée"):
        person_merge_undo(merge_id=done.pk, organisation_id=organisation.pk, actor=UserFactory())


class TestPairs:
    def test_finds_likely_pairs_and_leaves_others(self, organisation):
        kept, merged = pair(organisation)
        PersonFactory(  # a parent: same names, 30 years before
            organisation=organisation,
            birth_name="Dupont",
            first_names="Jean",
            birth_date=dt.date(1955, 3, 12),
        )
        PersonFactory(
            organisation=organisation, birth_name="Dupont", first_names="Paul", birth_date=BORN
        )
        found = find_pairs(organisation_id=organisation.pk)
        assert [(a, b) for _, _, a, b, _ in found] == [(kept.pk, merged.pk)]

    def test_distinct_pairs_are_remembered(self, organisation):
        kept, merged = pair(organisation)
        persons_mark_distinct(
            organisation_id=organisation.pk,
            actor=UserFactory(),
            first_id=merged.pk,
            second_id=kept.pk,
        )
        assert find_pairs(organisation_id=organisation.pk) == []

    def test_background_search_saves_its_pairs(
        self, organisation, django_capture_on_commit_callbacks
    ):
        kept, merged = pair(organisation)
        with django_capture_on_commit_callbacks(execute=True):
            search = duplicate_search_start(organisation_id=organisation.pk, actor=UserFactory())
        search.refresh_from_db()
        assert search.status == "done" and search.progress == 100 and search.pair_count == 1
        assert DuplicateSearch.objects.count() == 1
        (found,) = search.pairs.all()
        assert (found.first_id, found.second_id) == (kept.pk, merged.pk)
        assert "même prénom" in found.reasons


def test_life_events_are_a_child_relation():
    # A guard against a relation missed by the merge: every FK to Person is moved.
    from relais.people.merging import _child_relations

    labels = {rel.related_model._meta.label for rel in _child_relations()}
    assert {
        "people.Consent",
        "people.LifeEvent",
        "people.Document",
        "pathways.Pathway",
        "pathways.Note",
        "pathways.Appointment",
        "diagnostics.Diagnostic",
        "network.CoordinationTeam",
        "network.CaseConference",
        "network.Referral",
    } <= labels
    assert LifeEvent._meta.label in labels


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Deux transactions concurrentes : testé sur PostgreSQL (SQLite sérialise les écritures).",
)
@pytest.mark.django_db(transaction=True)
def test_two_managers_merging_the_same_pair_at_once(organisation):
    """Both start from the same versions; the records are locked, so the second waits for
    the first, then is told the record is already merged. Nothing is lost."""
    a, b = pair(organisation)
    event = LifeEventFactory(person=b)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(kept, merged):
        try:
            barrier.wait()
            person_merge(
                organisation_id=organisation.pk,
                actor=None,
                kept_id=kept.pk,
                merged_id=merged.pk,
                kept_version=kept.version,
                merged_version=merged.version,
            )
            outcomes.append("merged")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            db.connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=(a, b)),
        threading.Thread(target=attempt, args=(b, a)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=len)[0] == "merged"
    assert outcomes.count("merged") == 1
    refused = next(o for o in outcomes if o != "merged")
    assert "déjà été fusionné" in refused or "modifié depuis" in refused
    assert PersonMerge.objects.count() == 1
    event.refresh_from_db()
    assert event.person_id in (a.pk, b.pk)
    assert Person.objects.filter(merged_into__isnull=True).count() == 1
