"""Reporting API: the dashboards' indicators as JSON, with the same suppression."""

from __future__ import annotations

import pytest

from relais.core.models import AccessLogEntry
from tests.factories import MembershipFactory
from tests.factories.reporting import reporting_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return reporting_world()


PERIOD = {"start": "2026-01-01", "end": "2026-06-30"}


def url(world, scope):
    return f"/api/v1/organisations/{world.org.pk}/indicators/{scope}"


def by_key(response):
    return {i["key"]: i for i in response.json()["indicators"]}


def test_organisation_indicators_are_suppressed(api_client_for, world):
    api = api_client_for(world.manager.user)
    response = api.get(url(world, "structure"), PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert body["suppression"] is True
    followed = by_key(response)["persons_followed"]
    assert followed["lines"][0]["cells"][0] == {"text": "< 5", "value": None, "suppressed": True}
    assert followed["definition"]


def test_caseload_indicators_show_the_figures(api_client_for, world):
    api = api_client_for(world.r1.user)
    response = api.get(url(world, "file-active"), {**PERIOD, "keys": "persons_followed"})
    assert response.status_code == 200
    assert list(by_key(response)) == ["persons_followed"]
    assert by_key(response)["persons_followed"]["lines"][0]["cells"][0]["value"] == 2


def test_referent_may_not_read_the_organisation_indicators(api_client_for, world):
    response = api_client_for(world.r1.user).get(url(world, "structure"), PERIOD)
    assert response.status_code == 403


def test_another_organisation_is_not_found(api_client_for, world):
    outsider = MembershipFactory(role="manager").user
    response = api_client_for(outsider).get(url(world, "structure"), PERIOD)
    assert response.status_code == 404


def test_period_ending_before_it_starts(api_client_for, world):
    response = api_client_for(world.manager.user).get(
        url(world, "structure"), {"start": "2026-06-30", "end": "2026-01-01"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "end"
    assert "précéder" in response.json()["detail"]


def test_foreign_referent_filter_is_refused_and_journaled(api_client_for, world):
    stranger = MembershipFactory(role="referent").user
    response = api_client_for(world.manager.user).get(
        url(world, "structure"), {**PERIOD, "referent_id": stranger.pk}
    )
    assert response.status_code == 403
    assert AccessLogEntry.objects.filter(action="denied", target_id=str(stranger.pk)).exists()


def test_bad_values(api_client_for, world):
    api = api_client_for(world.manager.user)
    assert api.get(url(world, "structure"), {**PERIOD, "scheme": "x"}).status_code == 422
    assert api.get(url(world, "nope"), PERIOD).status_code == 404
    assert api.get(url(world, "structure"), {"start": "2026-01-01"}).status_code == 200
    far = api.get(url(world, "structure"), {"start": "0001-01-01", "end": "0002-01-01"})
    assert far.status_code == 400


def test_team_indicators_ignore_commune_and_age_band(api_client_for, world):
    api = api_client_for(world.team.user)
    team_url = f"/api/v1/organisations/{world.team.organisation_id}/indicators/coordination"
    found = api.get(
        team_url,
        {**PERIOD, "commune": "75056", "age_band": "55-plus", "keys": "persons_followed"},
    )
    assert found.status_code == 200
    plain = api.get(team_url, {**PERIOD, "keys": "persons_followed"})
    assert by_key(plain)["persons_followed"]["lines"][0]["cells"][0]["value"] == 5
    assert by_key(found) == by_key(plain)


def test_fewer_than_five_persons_give_no_indicator(api_client_for, world):
    api = api_client_for(world.manager.user)
    response = api.get(url(world, "structure"), {**PERIOD, "commune": "59350"})
    assert response.status_code == 200
    assert response.json()["indicators"] == []
    assert response.json()["withheld"].startswith("Moins de 5 personnes")
    assert api.get(url(world, "structure"), PERIOD).json()["withheld"] is None


def test_beyond_the_caseload_a_period_must_be_whole_months(api_client_for, world):
    api = api_client_for(world.manager.user)
    response = api.get(url(world, "structure"), {"start": "2026-01-01", "end": "2026-06-15"})
    assert response.status_code == 400
    assert response.json()["field"] == "end"
    assert "mois entiers" in response.json()["detail"]
    own = api_client_for(world.r1.user).get(
        url(world, "file-active"), {"start": "2026-01-03", "end": "2026-06-15"}
    )
    assert own.status_code == 200
