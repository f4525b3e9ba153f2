"""Writes of the territory module: territories, indicators, needs analyses (the watch
log: test_watch.py)."""

from __future__ import annotations

import pytest

from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.territory import services
from relais.territory.models import Indicator
from tests.factories.accounts import MembershipFactory
from tests.factories.territory import IndicatorFactory, NeedsAnalysisFactory, TerritoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(organisation):
    return MembershipFactory(organisation=organisation, role="manager")


def test_territory_create_with_default_comparison(membership):
    territory = services.territory_create(
        membership=membership, name="Est lyonnais", areas_text="Villeurbanne\nVaulx-en-Velin"
    )
    assert territory.areas == ["commune:69266", "commune:69256"]
    assert territory.comparison_areas == ["departement:69", "france"]


def test_territory_create_reports_every_error_at_once(membership):
    TerritoryFactory(organisation=membership.organisation, name="Est")
    with pytest.raises(services.MultipleErrors) as error:
        services.territory_create(membership=membership, name="est", areas_text="Atlantide")
    assert {e.field for e in error.value.errors} == {"name", "zones"}


def test_only_managers_define_territories(organisation):
    referent = MembershipFactory(organisation=organisation, role="referent")
    with pytest.raises(PermissionDenied):
        services.territory_create(membership=referent, name="X", areas_text="69")


def test_territory_update_detects_concurrent_edits(membership):
    territory = TerritoryFactory(organisation=membership.organisation)
    services.territory_update(
        membership=membership, territory=territory, expected_version=1, name="A", areas_text="69"
    )
    with pytest.raises(StaleObjectError):
        services.territory_update(
            membership=membership,
            territory=territory,
            expected_version=1,
            name="B",
            areas_text="69",
        )
    territory.refresh_from_db()
    assert (territory.name, territory.areas, territory.version) == ("A", ["departement:69"], 2)


def test_territory_of_another_organisation_is_refused(membership):
    territory = TerritoryFactory()
    with pytest.raises(PermissionDenied):
        services.territory_update(
            membership=membership,
            territory=territory,
            expected_version=1,
            name="A",
            areas_text="69",
        )


def test_indicator_create_rules(membership):
    count = services.indicator_create(
        membership=membership, name="Allocataires RSA", source="CAF", theme="income"
    )
    rate = services.indicator_create(
        membership=membership,
        name="Taux de pauvreté",
        source="INSEE, Filosofi",
        theme="income",
        aggregation="weighted",
        weight=count,
        unit="%",
    )
    assert rate.weight == count and count.code == "allocataires-rsa"
    with pytest.raises(services.MultipleErrors) as error:
        services.indicator_create(membership=membership, name="", source="", theme="x")
    assert {e.field for e in error.value.errors} == {"name", "source", "theme"}
    with pytest.raises(DomainError, match="additionne"):
        services.indicator_create(
            membership=membership, name="Autre", source="CAF", theme="income", weight=count
        )
    with pytest.raises(DomainError, match="déjà"):
        services.indicator_create(
            membership=membership, name="Allocataires RSA", source="CAF", theme="income"
        )
    assert Indicator.objects.count() == 2


def test_needs_analysis_year_versions_start_from_last_year(membership):
    territory = TerritoryFactory(organisation=membership.organisation)
    first = services.needs_analysis_create(membership=membership, territory=territory, year=2025)
    services.needs_analysis_write(
        membership=membership,
        analysis=first,
        section="context",
        text="Mandat 2020-2026.",
        expected_version=1,
    )
    second = services.needs_analysis_create(membership=membership, territory=territory, year=2026)
    assert second.narratives == {"context": "Mandat 2020-2026."}
    assert second.title == f"Analyse des besoins sociaux 2026 — {territory.name}"
    with pytest.raises(DomainError, match="existe déjà"):
        services.needs_analysis_create(membership=membership, territory=territory, year=2026)
    with pytest.raises(DomainError, match="année"):
        services.needs_analysis_create(membership=membership, territory=territory, year=1990)


def test_needs_analysis_write_rules(membership):
    analysis = NeedsAnalysisFactory(territory__organisation=membership.organisation)
    with pytest.raises(DomainError, match="Section inconnue"):
        services.needs_analysis_write(
            membership=membership, analysis=analysis, section="x", text="", expected_version=1
        )
    with pytest.raises(DomainError, match="20000 caractères"):
        services.needs_analysis_write(
            membership=membership,
            analysis=analysis,
            section="problem",
            text="a" * 20_001,
            expected_version=1,
        )
    services.needs_analysis_write(
        membership=membership, analysis=analysis, section="problem", text="Un", expected_version=1
    )
    with pytest.raises(StaleObjectError):
        services.needs_analysis_write(
            membership=membership,
            analysis=analysis,
            section="problem",
            text="Deux",
            expected_version=1,
        )
    staff = MembershipFactory(organisation=membership.organisation, role="staff")
    with pytest.raises(PermissionDenied):
        services.needs_analysis_write(
            membership=staff, analysis=analysis, section="problem", text="x", expected_version=2
        )


def test_shared_indicators_are_not_imported_into(membership):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from relais.territory.imports import import_upload

    shared = IndicatorFactory(organisation=None)
    with pytest.raises(DomainError, match="communs"):
        import_upload(
            membership=membership,
            indicator=shared,
            uploaded_file=SimpleUploadedFile("a.csv", b"a;b\n"),
        )
