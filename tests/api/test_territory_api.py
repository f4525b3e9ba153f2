"""Territory API: territories, indicators and values, observed needs with « < 5 »."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.territory import needs_summary
from tests.factories.diagnostics import DiagnosticFactory, DomainAssessmentFactory
from tests.factories.people import PersonFactory
from tests.factories.territory import (
    IndicatorFactory,
    IndicatorValueFactory,
    PoolingAgreementFactory,
    TerritoryFactory,
)

pytestmark = pytest.mark.django_db


def test_territories(referent_api, organisation):
    territory = TerritoryFactory(organisation=organisation)
    TerritoryFactory()
    body = referent_api.get(f"/api/v1/organisations/{organisation.pk}/territories").json()
    assert [t["id"] for t in body] == [territory.pk]
    assert body[0]["areas"][0] == {"area": "commune:69123", "label": "Lyon (69123)"}
    assert body[0]["communes"] == 2 and body[0]["population"] > 600_000


def test_indicator_values_missing_is_null_with_marker(referent_api, organisation):
    indicator = IndicatorFactory(organisation=organisation)
    IndicatorValueFactory(indicator=indicator, geo_code="69123", year=2021, value=5)
    IndicatorValueFactory(indicator=indicator, geo_code="69266", year=2021, value=None, marker="s")
    base = f"/api/v1/organisations/{organisation.pk}/indicators"
    assert [i["id"] for i in referent_api.get(base).json()] == [indicator.pk]
    body = referent_api.get(f"{base}/{indicator.pk}/values?year=2021").json()
    assert body["count"] == 2
    assert body["values"][1] == {
        "geo_code": "69266",
        "level": "commune",
        "year": 2021,
        "value": None,
        "marker": "s",
    }
    other = IndicatorFactory()
    assert referent_api.get(f"{base}/{other.pk}/values").status_code == 404


def test_observed_needs_suppressed(referent_api, organisation):
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    persons = [PersonFactory(organisation=organisation, commune_code="69266") for _ in range(5)]
    diagnostic = DiagnosticFactory(person=persons[0], assessed_on=timezone.localdate())
    DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", difficulty=3)
    for person in persons[1:]:
        DiagnosticFactory(person=person, assessed_on=timezone.localdate())
    body = referent_api.get(
        f"/api/v1/organisations/{organisation.pk}/territories/{territory.pk}/observed-needs"
    ).json()
    assert body["persons"] == "5"
    assert body["by_domain"][0]["persons"] == "< 5"
    assert persons[0].birth_name not in str(body)
    assert body["computed_at"] is None  # computed for this request
    needs_summary.refresh()
    body = referent_api.get(
        f"/api/v1/organisations/{organisation.pk}/territories/{territory.pk}/observed-needs"
    ).json()
    assert body["persons"] == "5" and body["computed_at"]


def test_observed_needs_total_with_age_bands_gets_secondary_suppression(referent_api, organisation):
    """5 persons aged 26-49 and 1 aged 50+: with the total 6 given, the 5 must be hidden too
    (as « s », hidden to protect the other), or 6 - 5 gives the lone one."""
    import datetime as dt

    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    today = timezone.localdate()
    for age in (30, 31, 32, 33, 34, 60):
        person = PersonFactory(
            organisation=organisation,
            commune_code="69266",
            birth_date=dt.date(today.year - age - 1, 1, 1),
        )
        DiagnosticFactory(person=person, assessed_on=today)
    body = referent_api.get(
        f"/api/v1/organisations/{organisation.pk}/territories/{territory.pk}/observed-needs"
    ).json()
    ages = {row["label"]: row["persons"] for row in body["by_age"]}
    assert body["persons"] == "6"
    assert ages == {"moins de 26 ans": "0", "26 à 49 ans": "s", "50 ans et plus": "< 5"}


def test_other_organisation_gets_404(referent_api, other_organisation):
    territory = TerritoryFactory(organisation=other_organisation)
    response = referent_api.get(
        f"/api/v1/organisations/{other_organisation.pk}/territories/{territory.pk}"
    )
    assert response.status_code == 404
