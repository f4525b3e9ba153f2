"""When a service is "à confirmer": six months after its last confirmation (or its
creation, if never confirmed), the same for one service and in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.network.directory.models import Service
from relais.network.directory.staleness import is_stale, months_before, stale_threshold
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_staleness_after_six_months():
    today = dt.date(2025, 8, 31)
    assert stale_threshold(today) == dt.date(2025, 2, 28)
    fresh = ServiceFactory(confirmed_on=dt.date(2025, 2, 28))
    stale = ServiceFactory(confirmed_on=dt.date(2025, 2, 27))
    never_old = ServiceFactory(confirmed_on=None)
    Service.objects.filter(pk=never_old.pk).update(
        created_at=timezone.make_aware(dt.datetime(2024, 1, 1))
    )
    never_recent = ServiceFactory(confirmed_on=None)
    assert not is_stale(fresh, today)
    assert is_stale(stale, today)
    assert set(Service.objects.stale(today)) == {stale, never_old}
    assert not is_stale(never_recent, today)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 8, 31), 6, dt.date(2025, 2, 28)),  # no 31 February
        (dt.date(2024, 8, 31), 6, dt.date(2024, 2, 29)),  # leap year
        (dt.date(2025, 3, 15), 6, dt.date(2024, 9, 15)),  # across the year
        (dt.date(2025, 1, 1), 12, dt.date(2024, 1, 1)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected
