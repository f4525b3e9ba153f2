"""Reviews on time or late, each rule on its own pathway: the date the previous review
set, and for a first review (or after a review that set no date) the pathway's rhythm —
the same day of the month, that many months after the start, or the month's last day when
it has no such day."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.accounts.models import Role
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PathwayFactory,
    PersonFactory,
    ReviewFactory,
)
from tests.reporting.test_indicators import values

pytestmark = pytest.mark.django_db

ON_TIME, LATE, TOTAL = "Bilans tenus à temps", "Bilans tenus en retard", "Bilans tenus (total)"


def _pathway(org, started_on, every=3):
    person = PersonFactory(organisation=org)
    return PathwayFactory(person=person, started_on=started_on, review_every_months=every)


@pytest.fixture
def manager():
    org = OrganisationFactory()
    # Five persons at least: below that an organisation's dashboard shows nothing.
    for _ in range(5):
        PersonFactory(organisation=org)
    return MembershipFactory(organisation=org, role=Role.MANAGER), org


def _counts(membership):
    found = values(membership, "reviews")
    return found[ON_TIME], found[LATE], found[TOTAL]


def test_first_review_by_the_rhythm(manager):
    membership, org = manager
    # Started 15 January, every 3 months: due 15 April.
    ReviewFactory(pathway=_pathway(org, dt.date(2026, 1, 15)), held_on=dt.date(2026, 4, 15))
    ReviewFactory(pathway=_pathway(org, dt.date(2026, 1, 15)), held_on=dt.date(2026, 4, 16))
    # Started 31 January, every month: due on February's last day.
    ReviewFactory(pathway=_pathway(org, dt.date(2026, 1, 31), 1), held_on=dt.date(2026, 2, 28))
    ReviewFactory(pathway=_pathway(org, dt.date(2026, 1, 31), 1), held_on=dt.date(2026, 3, 1))
    assert _counts(membership) == (2, 2, 4)


def test_later_reviews_by_the_date_the_previous_one_set(manager):
    membership, org = manager
    on_time = _pathway(org, dt.date(2025, 6, 1))
    ReviewFactory(pathway=on_time, held_on=dt.date(2025, 12, 1), next_review_on=dt.date(2026, 3, 1))
    ReviewFactory(pathway=on_time, held_on=dt.date(2026, 3, 1))
    late = _pathway(org, dt.date(2025, 6, 1))
    ReviewFactory(pathway=late, held_on=dt.date(2025, 12, 1), next_review_on=dt.date(2026, 3, 1))
    ReviewFactory(pathway=late, held_on=dt.date(2026, 3, 2))
    # The review before the period is not counted; only the latest earlier one decides.
    assert _counts(membership) == (1, 1, 2)


def test_after_a_review_that_set_no_date_the_rhythm_decides(manager):
    membership, org = manager
    # Started 10 January 2026, every 3 months: due 10 April; the February review set no
    # next date, so the April review is judged on the rhythm.
    pathway = _pathway(org, dt.date(2026, 1, 10))
    ReviewFactory(pathway=pathway, held_on=dt.date(2026, 2, 1), next_review_on=None)
    ReviewFactory(pathway=pathway, held_on=dt.date(2026, 4, 10))
    assert _counts(membership) == (2, 0, 2)


def test_no_review_held(manager):
    membership, _org = manager
    assert _counts(membership) == (0, 0, 0)
