"""The caseload (file active): columns, alerts one by one with their boundaries, filters,
sorting, accent-insensitive search, scope (référent / manager), constant query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.pathways import caseload
from relais.pathways.caseload import Alert, CaseloadFilters, Sort
from relais.pathways.models import Goal, Step
from relais.people.models import Person
from tests.factories import (
    AppointmentFactory,
    ContractFactory,
    DiagnosticFactory,
    GoalFactory,
    MembershipFactory,
    NoteFactory,
    PathwayFactory,
    PersonFactory,
    StepFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


def in_days(days: int) -> dt.date:
    return today() + dt.timedelta(days=days)


@pytest.fixture
def membership(organisation):
    return MembershipFactory(organisation=organisation, role="referent")


@pytest.fixture
def manager_membership(organisation):
    return MembershipFactory(organisation=organisation, role="manager")


def new_person(membership, **kwargs):
    """A person of the référent, opened long ago and seen today (no alert by default)."""
    kwargs.setdefault("created_at", timezone.now() - dt.timedelta(days=400))
    person = PersonFactory(organisation=membership.organisation, referent=membership.user, **kwargs)
    return person


def seen(person, days_ago: int, author=None):
    return NoteFactory(person=person, occurred_on=ago(days_ago), author=author or person.referent)


def listing(membership, **filters):
    # Everyone the référent follows or followed: the "currently followed" default view is
    # tested in test_caseload_current.py.
    filters.setdefault("followed", caseload.FOLLOWED_ALL)
    return list(caseload.caseload(membership, CaseloadFilters(**filters), today=today()))


def row_of(membership, person, **filters):
    persons = [p for p in listing(membership, **filters) if p.pk == person.pk]
    assert persons, "person not in the caseload"
    return caseload.rows(persons, today=today())[0]


class TestColumns:
    def test_current_pathway_urgency_next_step_review_and_contact(self, membership):
        person = new_person(membership)
        PathwayFactory(person=person, scheme="plie", started_on=ago(300), status="closed")
        current = PathwayFactory(
            person=person, scheme="cej", started_on=ago(30), next_review_on=in_days(20)
        )
        PathwayFactory(person=person, scheme="rsa", started_on=ago(90), next_review_on=in_days(5))
        DiagnosticFactory(person=person, assessed_on=ago(100), urgency=3, urgency_suggested=3)
        DiagnosticFactory(person=person, assessed_on=ago(10), urgency=1, urgency_suggested=1)
        StepFactory(pathway=current, title="Plus tard", planned_on=in_days(30))
        StepFactory(pathway=current, title="Bientôt", planned_on=in_days(3))
        StepFactory(
            pathway=current, title="Fait", planned_on=in_days(1), status="done", done_on=today()
        )
        StepFactory(pathway=current, title="En attente", planned_on=in_days(2), status="on_hold")
        seen(person, 12)
        AppointmentFactory(
            person=person,
            starts_at=timezone.now() - dt.timedelta(days=4),
            participation="seen",
        )
        AppointmentFactory(
            person=person,
            starts_at=timezone.now() - dt.timedelta(days=1),
            participation="no_show",
        )
        [p] = listing(membership)
        assert p.current_scheme == "cej"
        assert p.active_pathways == 2
        assert p.urgency == 1
        assert p.next_step_title == "Bientôt"
        assert p.next_step_on == in_days(3)
        assert p.next_review_on == in_days(5)
        assert caseload.contact_since(p) == ago(4)
        row = caseload.rows([p], today=today())[0]
        assert row.alerts == []
        assert row.urgency_label == "À surveiller"
        assert row.scheme_label.startswith("Contrat d'engagement jeune")

    def test_person_without_anything(self, membership):
        person = new_person(membership, created_at=timezone.now())
        [p] = listing(membership)
        assert p.pk == person.pk
        assert p.current_scheme is None
        assert p.active_pathways == 0
        assert p.urgency is None
        assert p.next_step_on is None
        assert p.last_contact_on is None
        assert caseload.rows([p], today=today())[0].alerts == []


class TestAlerts:
    def test_review_overdue(self, membership):
        late = new_person(membership)
        PathwayFactory(person=late, next_review_on=ago(1))
        seen(late, 0)
        on_time = new_person(membership)
        PathwayFactory(person=on_time, next_review_on=today())
        seen(on_time, 0)
        closed = new_person(membership)
        PathwayFactory(person=closed, next_review_on=ago(30), status="closed")
        seen(closed, 0)
        assert row_of(membership, late).alerts == [Alert.REVIEW_OVERDUE]
        assert row_of(membership, on_time).alerts == []
        assert row_of(membership, closed).alerts == []

    @pytest.mark.parametrize(
        ("days", "expected"),
        [
            (0, []),
            (29, []),
            (30, [Alert.NO_CONTACT_30]),
            (59, [Alert.NO_CONTACT_30]),
            (60, [Alert.NO_CONTACT_60]),
            (200, [Alert.NO_CONTACT_60]),
        ],
    )
    def test_no_contact_boundaries_from_notes(self, membership, days, expected):
        person = new_person(membership)
        seen(person, days)
        assert row_of(membership, person).alerts == expected
        # The same rule in the database (filtering).
        for alert in (Alert.NO_CONTACT_30, Alert.NO_CONTACT_60):
            found = [p.pk for p in listing(membership, alert=str(alert))]
            assert (person.pk in found) is (alert in expected)

    @pytest.mark.parametrize(
        ("days", "expected"), [(29, []), (30, [Alert.NO_CONTACT_30]), (60, [Alert.NO_CONTACT_60])]
    )
    def test_no_contact_boundaries_from_honoured_appointments(self, membership, days, expected):
        person = new_person(membership)
        noon = timezone.make_aware(dt.datetime.combine(ago(days), dt.time(12, 0)))
        AppointmentFactory(person=person, starts_at=noon, participation="seen")
        # Missed or future appointments are not contacts.
        AppointmentFactory(person=person, starts_at=timezone.now(), participation="no_show")
        AppointmentFactory(person=person, starts_at=timezone.now() + dt.timedelta(days=2))
        assert row_of(membership, person).alerts == expected

    def test_without_any_contact_the_opening_date_counts(self, membership):
        new = new_person(membership, created_at=timezone.now() - dt.timedelta(days=10))
        old = new_person(membership, created_at=timezone.now() - dt.timedelta(days=45))
        assert row_of(membership, new).alerts == []
        assert row_of(membership, old).alerts == [Alert.NO_CONTACT_30]

    def test_author_only_notes_count_as_contact(self, membership):
        person = new_person(membership)
        NoteFactory(person=person, occurred_on=today(), visibility="author")
        assert row_of(membership, person).alerts == []

    def test_step_overdue(self, membership):
        person = new_person(membership)
        seen(person, 0)
        pathway = PathwayFactory(person=person)
        StepFactory(pathway=pathway, planned_on=ago(1), status="in_progress")
        ok = new_person(membership)
        seen(ok, 0)
        ok_pathway = PathwayFactory(person=ok)
        StepFactory(pathway=ok_pathway, planned_on=today())
        StepFactory(pathway=ok_pathway, planned_on=ago(5), status="on_hold")
        StepFactory(pathway=ok_pathway, planned_on=ago(5), status="cancelled")
        StepFactory(pathway=ok_pathway, planned_on=ago(5), status="done", done_on=ago(5))
        assert row_of(membership, person).alerts == [Alert.STEP_OVERDUE]
        assert row_of(membership, ok).alerts == []

    def test_contract_to_renew_matches_the_pathway_rule(self, membership):
        from relais.pathways.models import Pathway
        from relais.pathways.selectors import contract_needs_renewal, with_plan

        person = new_person(membership)
        seen(person, 0)
        pathway = PathwayFactory(person=person)
        goal = GoalFactory(pathway=pathway, text="Permis B")
        StepFactory(pathway=pathway, goal=goal, planned_on=in_days(10))
        ContractFactory(pathway=pathway, signed=True)
        assert row_of(membership, person).alerts == []

        # A step done: the terms do not change (its status and done date are not terms).
        step = Step.objects.get()
        step.status = "done"
        step.done_on = today()
        step.save()
        assert row_of(membership, person).alerts == []

        # A goal changed after signature.
        Goal.objects.filter(pk=goal.pk).update(
            text="Permis B et véhicule", updated_at=timezone.now() + dt.timedelta(seconds=1)
        )
        assert row_of(membership, person).alerts == [Alert.CONTRACT_TO_RENEW]
        loaded = with_plan(Pathway.objects.filter(pk=pathway.pk)).get()
        assert contract_needs_renewal(loaded) is True
        found = [p.pk for p in listing(membership, alert="contract_to_renew")]
        assert found == [person.pk]

        # A new signed version: nothing to renew any more.
        ContractFactory(pathway=pathway, signed=True)
        assert row_of(membership, person).alerts == []

    def test_unsigned_contract_is_never_to_renew(self, membership):
        person = new_person(membership)
        seen(person, 0)
        pathway = PathwayFactory(person=person)
        ContractFactory(pathway=pathway)
        GoalFactory(pathway=pathway)
        assert row_of(membership, person).alerts == []

    def test_several_alerts_and_any_alert_filter(self, membership):
        busy = new_person(membership)
        pathway = PathwayFactory(person=busy, next_review_on=ago(3))
        StepFactory(pathway=pathway, planned_on=ago(2))
        seen(busy, 61)
        calm = new_person(membership)
        seen(calm, 1)
        assert row_of(membership, busy).alerts == [
            Alert.REVIEW_OVERDUE,
            Alert.NO_CONTACT_60,
            Alert.STEP_OVERDUE,
        ]
        assert [p.pk for p in listing(membership, alert="any")] == [busy.pk]
        ordered = listing(membership, sort="-alertes")
        assert [p.pk for p in ordered] == [busy.pk, calm.pk]
        assert ordered[0].alert_count == 3


class TestScopeFiltersSearchSort:
    def test_referent_sees_their_persons_manager_sees_all(
        self, membership, manager_membership, organisation, other_organisation
    ):
        mine = new_person(membership)
        colleague = MembershipFactory(organisation=organisation, role="referent")
        theirs = new_person(colleague)
        nobody = PersonFactory(organisation=organisation, referent=None)
        archived = new_person(membership, archived_at=timezone.now())
        PersonFactory(organisation=other_organisation)
        assert [p.pk for p in listing(membership)] == [mine.pk]
        everyone = {p.pk for p in listing(manager_membership)}
        assert everyone == {mine.pk, theirs.pk, nobody.pk}
        assert archived.pk not in everyone
        assert [p.pk for p in listing(manager_membership, referent=str(colleague.user_id))] == [
            theirs.pk
        ]
        assert [p.pk for p in listing(manager_membership, referent="aucun")] == [nobody.pk]
        # A référent cannot widen their scope with the référent filter.
        assert [p.pk for p in listing(membership, referent=str(colleague.user_id))] == [mine.pk]

    def test_staff_has_no_caseload(self, organisation):
        staff = MembershipFactory(organisation=organisation, role="staff")
        PersonFactory(organisation=organisation, referent=staff.user)
        assert listing(staff) == []

    def test_search_ignores_accents_case_and_hyphens(self, membership):
        helene = new_person(membership, birth_name="Dupré-Léger", first_names="Hélène")
        new_person(membership, birth_name="Martin", first_names="Paul")
        for query in ["helene", "HÉLÈNE", "dupre leger", "Dupre-Leger", "léger hel"]:
            assert [p.pk for p in listing(membership, search=query)] == [helene.pk], query
        assert listing(membership, search="zzz") == []

    def test_scheme_and_urgency_filters(self, membership):
        plie = new_person(membership)
        PathwayFactory(person=plie, scheme="plie")
        DiagnosticFactory(person=plie, urgency=2, urgency_suggested=2)
        rsa = new_person(membership)
        PathwayFactory(person=rsa, scheme="rsa")
        PathwayFactory(person=rsa, scheme="plie", status="closed")
        bare = new_person(membership)
        assert [p.pk for p in listing(membership, scheme="plie")] == [plie.pk]
        assert [p.pk for p in listing(membership, scheme="rsa")] == [rsa.pk]
        assert [p.pk for p in listing(membership, urgency="2")] == [plie.pk]
        assert {p.pk for p in listing(membership, urgency="aucun")} == {rsa.pk, bare.pk}
        assert listing(membership, urgency="3") == []
        # Unknown values are ignored rather than failing.
        assert len(listing(membership, scheme="nope", urgency="9", alert="nope")) == 3

    @pytest.mark.parametrize("sort", [str(s) for s in Sort])
    def test_every_sort_ascending_and_descending(self, membership, sort):
        a = new_person(membership, birth_name="Abel")
        b = new_person(membership, birth_name="Zola")
        PathwayFactory(person=a, scheme="cej", next_review_on=in_days(2))
        StepFactory(pathway=a.pathways.get(), planned_on=in_days(1))
        DiagnosticFactory(person=a, urgency=3, urgency_suggested=3)
        seen(a, 40)
        seen(b, 1)
        for order in (sort, f"-{sort}"):
            result = listing(membership, sort=order)
            assert {p.pk for p in result} == {a.pk, b.pk}
        asc = [p.pk for p in listing(membership, sort="nom")]
        desc = [p.pk for p in listing(membership, sort="-nom")]
        assert asc == [a.pk, b.pk] and desc == [b.pk, a.pk]

    def test_empty_values_sort_last_both_ways(self, membership):
        with_review = new_person(membership, birth_name="Zed")
        PathwayFactory(person=with_review, next_review_on=in_days(3))
        without = new_person(membership, birth_name="Alpha")
        assert [p.pk for p in listing(membership, sort="bilan")] == [with_review.pk, without.pk]
        assert [p.pk for p in listing(membership, sort="-bilan")] == [with_review.pk, without.pk]

    def test_sort_by_urgency_and_last_contact(self, membership):
        low = new_person(membership, birth_name="Bas")
        DiagnosticFactory(person=low, urgency=0)
        high = new_person(membership, birth_name="Haut")
        DiagnosticFactory(person=high, urgency=3, urgency_suggested=3)
        seen(low, 2)
        seen(high, 20)
        assert [p.pk for p in listing(membership, sort="-urgence")] == [high.pk, low.pk]
        assert [p.pk for p in listing(membership, sort="contact")] == [high.pk, low.pk]


def build_people(membership, n: int):
    for i in range(n):
        person = new_person(membership, birth_name=f"Nom{i:03d}")
        pathway = PathwayFactory(person=person, next_review_on=ago(i % 3))
        goal = GoalFactory(pathway=pathway)
        StepFactory(pathway=pathway, goal=goal, planned_on=ago(i % 5 - 2))
        DiagnosticFactory(person=person, urgency=i % 4, urgency_suggested=i % 4)
        seen(person, i)
        AppointmentFactory(
            person=person, starts_at=timezone.now() - dt.timedelta(days=i), participation="seen"
        )
        if i % 4 == 0:
            ContractFactory(pathway=pathway, signed=True)
            Goal.objects.filter(pathway=pathway).update(
                text=f"Changé {i}", updated_at=timezone.now() + dt.timedelta(seconds=1)
            )


def page_queries(membership, **filters) -> int:
    def run():
        persons = list(caseload.caseload(membership, CaseloadFilters(**filters))[:50])
        caseload.rows(persons)

    return count_queries(run)


@pytest.mark.parametrize(
    "filters",
    [{}, {"sort": "-alertes"}, {"alert": "contract_to_renew"}, {"alert": "any", "search": "nom"}],
)
def test_query_count_is_constant(membership, filters):
    build_people(membership, 5)
    small = page_queries(membership, **filters)
    build_people(membership, 45)
    large = page_queries(membership, **filters)
    assert small == large
    assert large <= 5
    assert len(listing(membership)) == 50


COLUMNS = ("current_scheme", "urgency", "next_step_on", "next_review_on", "last_contact_on")


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"sort": "-nom"},
        {"sort": "urgence"},
        {"sort": "-alertes"},
        {"alert": "any"},
        {"urgency": "2", "search": "nom"},
    ],
)
def test_page_persons_reads_the_same_page_as_the_whole_query(membership, filters):
    build_people(membership, 12)
    expected = list(caseload.caseload(membership, CaseloadFilters(**filters)))[2:4]
    light = caseload.caseload(membership, CaseloadFilters(**filters), columns=False)
    page, persons = caseload.page_persons(light, 2, per_page=2)
    assert page.number == 2
    assert [p.pk for p in persons] == [p.pk for p in expected]
    for person, reference in zip(persons, expected, strict=True):
        assert [getattr(person, c) for c in COLUMNS] == [getattr(reference, c) for c in COLUMNS]


def test_columns_set_on_one_person_are_those_of_the_caseload(membership):
    """`with_columns` (the person page's summary, a query compiled once) gives each person
    the same columns and alerts as the caseload's own query, person after person."""
    build_people(membership, 12)
    expected = {
        p.pk: p
        for p in caseload.caseload(membership, CaseloadFilters(followed=caseload.FOLLOWED_ALL))
    }
    names = [*COLUMNS, "active_pathways", "next_step_title", "next_follow_up_on"]
    for pk, reference in expected.items():
        (person,) = caseload.with_columns([Person.objects.get(pk=pk)])
        assert [getattr(person, c) for c in names] == [getattr(reference, c) for c in names]
        assert caseload.rows([person])[0].alerts == caseload.rows([reference])[0].alerts
    assert count_queries(lambda: caseload.with_columns([Person.objects.first()])) == 2


def test_page_persons_queries_do_not_grow_with_the_page(membership):
    def run():
        light = caseload.caseload(membership, CaseloadFilters(), columns=False)
        caseload.rows(caseload.page_persons(light, 1)[1])

    build_people(membership, 5)
    small = count_queries(run)
    build_people(membership, 45)
    assert count_queries(run) == small


def test_row_dates_are_shown_day_month_year_whatever_the_backend_gives(membership):
    person = new_person(membership)
    person.next_step_on = dt.date(2026, 3, 9)
    person.next_review_on = None
    person.last_contact_on = "2026-11-02"  # computed dates may come back as text
    row = caseload.CaseloadRow(person, [])
    assert (row.next_step_day, row.next_review_day, row.last_contact_day) == (
        "09/03/2026",
        "",
        "02/11/2026",
    )


def test_page_persons_pages_like_get_page(membership):
    build_people(membership, 7)
    light = caseload.caseload(membership, CaseloadFilters(), columns=False)
    everyone = [p.pk for p in caseload.caseload(membership, CaseloadFilters())]
    page, persons = caseload.page_persons(light, "2", per_page=3)
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (2, 7, 3)
    assert [p.pk for p in persons] == everyone[3:6]
    for past_the_end in ("9", "abc", None):
        page, persons = caseload.page_persons(light, past_the_end, per_page=3)
        expected = 1 if past_the_end in ("abc", None) else 3
        assert page.number == expected
        assert [p.pk for p in persons] == everyone[(expected - 1) * 3 : expected * 3]
    nobody = caseload.caseload(membership, CaseloadFilters(search="zzz"), columns=False)
    page, persons = caseload.page_persons(nobody, "1")
    assert (page.number, page.paginator.count, persons) == (1, 0, [])
