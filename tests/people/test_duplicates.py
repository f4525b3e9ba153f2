"""Possible duplicates at intake (relais.people.duplicates + relais.people.matching):
names compared field by field, phonetically, particles ignored; birth dates by kind of
difference; parents, children, twins and namesakes left alone; blocking keys indexed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relais.core.phonetic import french_phonetic
from relais.core.text import fold
from relais.people.duplicates import (
    date_variants,
    find_duplicates,
    keys_of,
    swapped_day_month,
)
from relais.people.matching import Profile, compare, date_kind
from relais.people.models import PersonMatchKey
from relais.people.services import person_update
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

BORN = dt.date(1985, 3, 12)


def profile(birth, first, born=BORN, **kwargs):
    return Profile(birth_name=birth, first_names=first, birth_date=born, **kwargs)


class TestFolding:
    @pytest.mark.parametrize(
        ("typed", "folded"),
        [
            ("Łukasik", "lukasik"),
            ("Cœur", "coeur"),
            ("Strauß", "strauss"),
            ("Øberg", "oberg"),
            ("Æbelø", "aebelo"),
            ("Đorđević", "dordevic"),
            ("Þórsson", "thorsson"),
            ("Marie-Hélène  D’Arc", "marie helene d arc"),
            ("Иванов", "ivanov"),  # another script: a searchable romanisation, not ""
            ("🙂 Léa", "lea"),
        ],
    )
    def test_letters_are_transliterated_never_dropped(self, typed, folded):
        assert fold(typed) == folded


class TestPhonetic:
    @pytest.mark.parametrize(
        ("a", "b"),
        [
            ("Cissé", "Sissé"),
            ("Belkacem", "Belkassem"),
            ("Youssef", "Youcef"),
            ("Mohamed", "Mouhamed"),
            ("Lefèvre", "Lefebvre"),
            ("Le Goff", "Legoff"),
            ("N'Diaye", "Ndiaye"),
            ("Dupont", "Dupond"),
        ],
    )
    def test_heard_alike(self, a, b):
        assert french_phonetic(a) == french_phonetic(b)

    @pytest.mark.parametrize(("a", "b"), [("Marie", "Mario"), ("Jean", "Jeanne")])
    def test_close_names_of_twins_stay_apart(self, a, b):
        assert french_phonetic(a) != french_phonetic(b)

    def test_no_letter(self):
        assert french_phonetic("") == ""
        assert french_phonetic("王小明")  # romanised, not empty


class TestModel:
    def test_exact_match_explained(self):
        match = compare(profile("Dupont", "Jean"), profile("DUPONT", "jean"))
        assert match.is_likely and match.score >= 90
        assert match.reasons == ("même nom de naissance", "même prénom", "même date de naissance")

    def test_phonetic_birth_name_explained(self):
        match = compare(profile("Sissé", "Awa"), profile("Cissé", "Awa"))
        assert match.is_likely
        assert "nom de naissance proche (phonétique)" in match.reasons

    def test_usage_name_typed_as_birth_name(self):
        match = compare(
            profile("Martin", "Sophie"), profile("Durand", "Sophie", usage_name="Martin")
        )
        assert match.is_likely
        assert "même nom (nom de naissance saisi, nom d’usage du dossier)" in match.reasons

    def test_one_given_name_of_several(self):
        match = compare(profile("Dupont", "Claire"), profile("Dupont", "Marie-Claire"))
        assert match.is_likely and "l’un des prénoms en commun" in match.reasons

    def test_inverted_names(self):
        match = compare(profile("Jean", "Dupont"), profile("Dupont", "Jean"))
        assert match.is_likely and "nom et prénom inversés" in match.reasons

    def test_parent_and_child_are_not_duplicates(self):
        match = compare(profile("Dupont", "Jean"), profile("Dupont", "Jean", dt.date(1960, 3, 12)))
        assert match.date == "very_far" and not match.is_likely

    def test_one_digit_twenty_years_apart_is_a_parent_not_a_typo(self):
        assert date_kind(dt.date(1985, 3, 12), dt.date(1965, 3, 12)) == "very_far"

    def test_twins_are_not_duplicates(self):
        assert not compare(profile("Dupont", "Jean"), profile("Dupont", "Paul")).is_likely
        boy, girl = profile("Dupont", "Jean", sex="M"), profile("Dupont", "Jeanne", sex="F")
        assert not compare(boy, girl).is_likely

    def test_common_names_weigh_less(self):
        typed, record = profile("Martin", "Marie"), profile("Martin", "Marie", BORN.replace(day=20))
        rare = compare(typed, record, {})
        common = compare(typed, record, {("s", "martin"): 400, ("g", "mari"): 600})
        assert common.weight < rare.weight

    def test_identifiers_count_when_both_have_them(self):
        typed = profile("Dupont", "Jean", dt.date(1990, 5, 1), france_travail_id="1234567A")
        same_id = compare(
            typed, profile("Dupont", "Jean", dt.date(1980, 5, 1), france_travail_id="1234567a")
        )
        assert "même identifiant France Travail" in same_id.reasons
        other_id = compare(typed, profile("Dupont", "Jean", france_travail_id="7654321B"))
        without = compare(typed, profile("Dupont", "Jean"))
        assert other_id.weight < without.weight

    @pytest.mark.parametrize(
        ("birth", "first"),
        [("", "Jean"), ("D", "J"), ("x" * 200, "y" * 200), ("Иванов", "Иван"), ("王", "小明")],
    )
    def test_bad_names_never_fail(self, birth, first):
        typed = profile(birth, first)
        if typed.is_comparable:
            assert compare(typed, typed).is_likely

    def test_29_february(self):
        variants = date_variants(dt.date(1988, 2, 29))
        assert dt.date(1988, 3, 1) in variants and dt.date(1988, 2, 29) in variants
        assert compare(
            profile("Dupont", "Jean", dt.date(1988, 2, 29)),
            profile("Dupont", "Jean", dt.date(1988, 3, 1)),
        ).is_likely


class TestDates:
    def test_swap(self):
        assert swapped_day_month(dt.date(1985, 3, 12)) == dt.date(1985, 12, 3)
        assert swapped_day_month(dt.date(1985, 3, 25)) is None  # no 25th month
        assert swapped_day_month(dt.date(1985, 4, 4)) is None  # same either way

    @pytest.mark.parametrize(
        ("other", "kind"),
        [
            (dt.date(1985, 3, 12), "exact"),
            (dt.date(1985, 12, 3), "swap"),
            (dt.date(1985, 3, 17), "one_digit"),
            (dt.date(1985, 3, 21), "transposed"),
            (dt.date(1986, 3, 12), "one_digit"),
            (dt.date(1985, 2, 25), "near"),
            (dt.date(1975, 3, 12), "one_digit"),
            (dt.date(1991, 3, 12), "same_day_month"),
            (dt.date(1990, 7, 1), "far"),
            (dt.date(1958, 3, 12), "very_far"),
        ],
    )
    def test_kinds(self, other, kind):
        assert date_kind(BORN, other) == kind

    def test_a_year_off_across_a_decade(self):
        assert date_kind(dt.date(1989, 3, 12), dt.date(1990, 3, 12)) == "year"

    def test_variants_stay_within_15_years(self):
        variants = date_variants(BORN)
        assert dt.date(1985, 12, 3) in variants and dt.date(1986, 3, 12) in variants
        assert dt.date(1958, 3, 12) not in variants


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
        found = self.find(organisation, birth_name="LEGOFF", first_names="helene marie")
        assert [c.person for c in found] == [existing]
        assert found[0].score >= 90
        assert "même date de naissance" in found[0].reasons

    def test_inverted_names(self, organisation):
        existing = PersonFactory(
            organisation=organisation, birth_name="Jean", first_names="Dupont", birth_date=BORN
        )
        (candidate,) = self.find(organisation)
        assert candidate.person == existing
        assert "nom et prénom inversés" in candidate.reasons

    def test_phonetic_name_and_near_date(self, organisation):
        existing = PersonFactory(
            organisation=organisation,
            birth_name="Belkacem",
            first_names="Youssef",
            birth_date=BORN + dt.timedelta(days=9),
        )
        (candidate,) = self.find(organisation, birth_name="Belkassem", first_names="Youcef")
        assert candidate.person == existing
        assert candidate.reasons[0] == "nom de naissance proche (phonétique)"

    def test_typo_in_both_names_same_date(self, organisation):
        existing = PersonFactory(
            organisation=organisation, birth_name="Dupnot", first_names="Jaen", birth_date=BORN
        )
        assert [c.person for c in self.find(organisation)] == [existing]

    def test_parent_and_child_left_alone(self, organisation):
        PersonFactory(
            organisation=organisation,
            birth_name="Dupont",
            first_names="Jean",
            birth_date=dt.date(1960, 3, 12),
        )
        assert self.find(organisation) == []

    def test_twin_left_alone(self, organisation):
        PersonFactory(
            organisation=organisation, birth_name="Dupont", first_names="Paul", birth_date=BORN
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

    @pytest.mark.parametrize("birth_name", ["", " ", "-"])
    def test_empty_names_find_nothing(self, organisation, birth_name):
        PersonFactory(organisation=organisation, birth_date=BORN)
        assert self.find(organisation, birth_name=birth_name) == []

    def test_keys_follow_the_record(self, organisation):
        person = PersonFactory(
            organisation=organisation, birth_name="Dupont", first_names="Jean", birth_date=BORN
        )
        stored = set(PersonMatchKey.objects.filter(person=person).values_list("key", flat=True))
        assert stored == keys_of(Profile(birth_name="Dupont", first_names="Jean", birth_date=BORN))
        person_update(
            person=person,
            actor=UserFactory(),
            expected_version=person.version,
            data={"birth_name": "Łukasik"},
        )
        assert self.find(organisation) == []
        assert [c.person.pk for c in self.find(organisation, birth_name="Lukasik")] == [person.pk]

    def test_fixed_number_of_indexed_queries(self, organisation):
        for day in range(1, 28):
            PersonFactory(organisation=organisation, birth_date=dt.date(1985, 2, day))
        PersonFactory(organisation=organisation, birth_name="Dupont", first_names="Jean")
        with CaptureQueriesContext(connection) as ctx:
            self.find(organisation)
        sqls = [q["sql"] for q in ctx.captured_queries]
        assert len(sqls) <= 4
        by_key, by_date = sqls[:2]
        assert "people_personmatchkey" in by_key and '"key" IN' in by_key
        assert '"birth_date" IN' in by_date
        assert all('"organisation_id" =' in sql for sql in (by_key, by_date))
