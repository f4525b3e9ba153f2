"""`make bench` compares each page with its own SQL replayed by the driver alone
(bench/middleware.py): the replay must measure the page's statements and leave nothing."""

from __future__ import annotations

import re

import pytest

from relais.core.models import AccessLogEntry
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def replaying(settings):
    settings.MIDDLEWARE = ["bench.middleware.SqlReplayMiddleware", *settings.MIDDLEWARE]


def test_the_page_answers_with_its_query_count_and_raw_time(
    replaying, referent_client, referent, organisation
):
    person = PersonFactory(organisation=organisation, referent=referent)
    before = AccessLogEntry.objects.count()
    response = referent_client.get(f"/personnes/{person.pk}/", headers={"X-Bench-Sql-Replay": "3"})
    assert response.status_code == 200
    found = re.fullmatch(r"queries=(\d+);raw=([0-9.]+)", response.headers["X-Bench-Sql"])
    assert found and int(found.group(1)) >= 3 and float(found.group(2)) > 0
    # The page journaled its read once; the three replays of its INSERT were rolled back.
    assert AccessLogEntry.objects.count() == before + 1


def test_without_the_header_nothing_is_replayed(replaying, referent_client):
    response = referent_client.get("/")
    assert "X-Bench-Sql" not in response.headers
