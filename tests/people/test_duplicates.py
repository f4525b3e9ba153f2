"""Possible duplicates at intake: names compared regardless of accents, case, hyphens and
order; birth dates the same, day/month swapped, another year, or close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relais.people.duplicates import (
    _Names,
    date_closeness,
    find_duplicates,
    name_keys,
    name_similarity,
    swapped_day_month,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

BORN = dt.date(1985, 3, 12)


def names(birth, first, usage=""):
    return _Names.of(birth, usage, first)


class TestNameSimilarity:
    @pytest.mark.parametrize(
        ("a", "b"),
        [
            (("Hélène", "Dupré"), ("HELENE", "dupre")),  # accents and case
            (("Marie-Hélène", "Le Goff"), ("marie helene", "LE-GOFF")),  # hyphens
            (("Jean", "Dupont"), ("Dupont", "Jean")),  # first and last names inverted
        ],
    )
    def test_same_name_scores_100(self, a, b):
        assert name_similarity(names(a[1], a[0]), names(b[1], b[0])) == 100

    def test_usage_name_matches_birth_name(self):
        typed = names("Martin", "Sophie")
        existing = names("Durand", "Sophie", usage="Martin")
        assert name_similarity(typed, existing) == 100

    def test_first_of_several_first_names_is_slightly_lower(self):
        score = name_similarity(names("Dupont", "Jean"), names("Dupont", "Jean Pierre"))
        assert 90 <= score < 100

    def test_typo_is_close(self):
        assert name_similarity(names("Dupond", "Jean"), names("Dupont", "Jean")) >= 90

    def test_different_people_are_far(self):
        assert name_similarity(names("Dupont", "Jean"), names("Martin", "Claire")) < 50


class TestDates:
    def test_swap(self):
        assert swapped_day_month(dt.date(1985, 3, 12)) == dt.date(1985, 12, 3)
        assert swapped_day_month(dt.date(1985, 3, 25)) is None  # no 25th month
        assert swapped_day_month(dt.date(1985, 4, 4)) is None  # same either way

    def test_closeness_order(self):
        same = date_closeness(BORN, BORN)[0]
        swapped = date_closeness(BORN, dt.date(1985, 12, 3))[0]
        other_year = date_closeness(BORN, dt.date(1958, 3, 12))[0]
        assert same > swapped > other_year
        assert date_closeness(BORN, dt.date(1985, 9, 1)) is not None  # within a year
        assert date_closeness(BORN, dt.date(1990, 1, 1)) is None

    def test_name_keys_cover_both_orders(self):
        keys = name_keys("Le-Goff", "", "Jean")
        assert {"le goff jean", "jean le goff"} <= keys


class TestFindDuplicates:
    def find(self, organisation, **kwargs):
        params = {"birth_name": "Dupont", "first_names": "Jean", "birth_date": BORN}
        params.update(kwargs)
        return find_duplicates(organisation_id=organisation.pk, **params)

    def test_accents_case_and_hyphens(self, organisation):
        existing = PersonFactory(
            organisation=organisation,
            birth_name="Le Goff",
            first_names="Hélène-Marie",
            birth_date=BORN,
        )
        found = self.find(organisation, birth_name="LE-GOFF", first_names="helene marie")
        assert [c.person for c in found] == [existing]
        assert found[0].score == 100
        assert "même date de naissance" in found[0].reasons

    def test_inverted_names(self, organisation):
        existing = PersonFactory(
            organisation=organisation, birth_name="Jean", first_names="Dupont", birth_date=BORN
        )
        (candidate,) = self.find(organisation)
        assert candidate.person == existing
        assert "nom et prénom inversés" in candidate.reasons
        assert candidate.score == 100

    def test_day_month_swapped(self, organisation):
        existing = PersonFactory(
            organisation=organisation,
            birth_name="Dupont",
            first_names="Jean",
            birth_date=dt.date(1985, 12, 3),
        )
        (candidate,) = self.find(organisation)
        assert candidate.person == existing
        assert "jour et mois de naissance inversés" in candidate.reasons
        assert 90 <= candidate.score < 100

    def test_typo_in_year_found_through_the_name_index(self, organisation):
        existing = PersonFactory(
            organisation=organisation,
            birth_name="Dupont",
            first_names="Jean",
            birth_date=dt.date(1958, 3, 12),
        )
        (candidate,) = self.find(organisation)
        assert candidate.person == existing

    def test_close_date_needs_a_very_similar_name(self, organisation):
        near = PersonFactory(
            organisation=organisation,
            birth_name="Dupont",
            first_names="Jean",
            birth_date=BORN + dt.timedelta(days=40),
        )
        PersonFactory(  # similar-ish name, close date: not enough
            organisation=organisation,
            birth_name="Dumont",
            first_names="Jeanne",
            birth_date=BORN + dt.timedelta(days=40),
        )
        found = self.find(organisation)
        assert [c.person for c in found] == [near]
        assert found[0].score < 100

    def test_close_date_with_a_typo_in_one_name(self, organisation):
        existing = PersonFactory(
            organisation=organisation,
            birth_name="Dupond",
            first_names="Jean",
            birth_date=BORN - dt.timedelta(days=200),
        )
        assert [c.person for c in self.find(organisation)] == [existing]

    def test_same_date_tolerates_a_looser_name(self, organisation):
        existing = PersonFactory(
            organisation=organisation, birth_name="Dupond", first_names="Jean", birth_date=BORN
        )
        assert [c.person for c in self.find(organisation)] == [existing]

    def test_homonym_born_years_apart_is_not_a_duplicate(self, organisation):
        PersonFactory(
            organisation=organisation,
            birth_name="Dupont",
            first_names="Jean",
            birth_date=dt.date(1970, 6, 1),
        )
        assert self.find(organisation) == []

    def test_other_organisations_are_never_searched(self, organisation, other_organisation):
        PersonFactory(
            organisation=other_organisation,
            birth_name="Dupont",
            first_names="Jean",
            birth_date=BORN,
        )
        assert self.find(organisation) == []

    def test_best_first_and_excluding_self(self, organisation):
        exact = PersonFactory(
            organisation=organisation, birth_name="Dupont", first_names="Jean", birth_date=BORN
        )
        swapped = PersonFactory(
            organisation=organisation,
            birth_name="Dupont",
            first_names="Jean",
            birth_date=dt.date(1985, 12, 3),
        )
        assert [c.person for c in self.find(organisation)] == [exact, swapped]
        assert [c.person for c in self.find(organisation, exclude_pk=exact.pk)] == [swapped]

    def test_fixed_number_of_indexed_queries(self, organisation):
        for day in range(1, 28):
            PersonFactory(organisation=organisation, birth_date=dt.date(1985, 2, day))
        PersonFactory(organisation=organisation, birth_name="Dupont", first_names="Jean")
        with CaptureQueriesContext(connection) as ctx:
            self.find(organisation)
        sqls = [q["sql"] for q in ctx.captured_queries]
        assert len(sqls) <= 5
        same_date, window, by_name = sqls[:3]
        assert '"birth_date" IN' in same_date
        # The window reads only the rows sharing a word of the name.
        assert '"birth_date" BETWEEN' in window and "%dupont%" in window
        assert '"name_key" IN' in by_name
        assert all('"organisation_id" =' in sql for sql in (same_date, window, by_name))
