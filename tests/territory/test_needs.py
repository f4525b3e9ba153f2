"""Observed needs: aggregated across the organisations that agreed to pool, counts under 5
shown « < 5 », no person named; and the gaps against the directory's services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.territory import services
from relais.territory.gaps import gap_analysis
from relais.territory.needs import OTHERS_LABEL, disclosed, observed_needs, suppress
from tests.factories.accounts import MembershipFactory
from tests.factories.diagnostics import DiagnosticFactory, DomainAssessmentFactory
from tests.factories.network.directory import ServiceFactory
from tests.factories.people import PersonFactory
from tests.factories.territory import VILLEURBANNE, PoolingAgreementFactory, TerritoryFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = (dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 12, 31))


def diagnose(organisation, n, *, commune=VILLEURBANNE, domain="housing", difficulty=2, **kw):
    for _ in range(n):
        person = PersonFactory(organisation=organisation, commune_code=commune)
        diagnostic = DiagnosticFactory(person=person, assessed_on=TODAY, **kw)
        DomainAssessmentFactory(
            diagnostic=diagnostic, domain=domain, difficulty=difficulty, barriers=["25"]
        )


def test_suppress():
    assert [suppress(n) for n in (0, 1, 4, 5, 12345)] == ["0", "< 5", "< 5", "5", "12\u202f345"]


def test_only_pooling_organisations_count(organisation, other_organisation):
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 6)
    diagnose(other_organisation, 7)  # did not agree
    found = observed_needs(territory, start=YEAR[0], end=YEAR[1])
    assert found.persons == 6
    assert found.organisations == 1
    assert found.by_domain == [("housing", "Logement et hébergement", 6, 0)]
    PoolingAgreementFactory(organisation=other_organisation)
    assert observed_needs(territory, start=YEAR[0], end=YEAR[1]).persons == 13


def test_persons_outside_the_territory_or_period_do_not_count(organisation):
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 2, commune="13055")
    person = PersonFactory(organisation=organisation, commune_code=VILLEURBANNE)
    DiagnosticFactory(person=person, assessed_on=dt.date(TODAY.year - 1, 6, 1))
    assert observed_needs(territory, start=YEAR[0], end=YEAR[1]).persons == 0


def test_arrondissements_and_former_communes_count_in_their_commune(organisation):
    """Addresses may name a municipal arrondissement (« Lyon 3e », 69383) or a commune
    merged since (01340, now Arboys en Bugey 01015): their persons count in the commune."""
    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 3, commune="69383")
    diagnose(organisation, 2, commune="69387")
    diagnose(organisation, 1, commune="69123")
    diagnose(organisation, 5, commune="01340")
    lyon = TerritoryFactory(organisation=organisation, areas=["commune:69123"])
    found = observed_needs(lyon, start=YEAR[0], end=YEAR[1])
    assert found.persons == 6
    assert set(found.commune_domain) == {"69123"}
    department = TerritoryFactory(organisation=organisation, areas=["departement:69"])
    assert observed_needs(department, start=YEAR[0], end=YEAR[1]).persons == 6
    ain = TerritoryFactory(organisation=organisation, areas=["commune:01015"])
    found = observed_needs(ain, start=YEAR[0], end=YEAR[1])
    assert found.persons == 5 and set(found.commune_domain) == {"01015"}
    marseille = TerritoryFactory(organisation=organisation, areas=["commune:13055"])
    assert observed_needs(marseille, start=YEAR[0], end=YEAR[1]).persons == 0


def test_services_of_an_arrondissement_are_the_communes_offer(organisation):
    territory = TerritoryFactory(organisation=organisation, areas=["commune:69123"])
    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 5, commune="69383", domain="employment")
    # Two employment services of the same public: one recorded under Lyon, one under Lyon 7e.
    ServiceFactory(commune_code="69123")
    ServiceFactory(commune_code="69387", latitude=45.7456, longitude=4.8417)
    analysis = gap_analysis(observed_needs(territory, start=YEAR[0], end=YEAR[1]), radius_km=10)
    gaps = {g.domain: g for g in analysis.domains}
    assert gaps["employment"].services_in_reach == 2
    assert analysis.redundancies
    assert {r.commune for r in analysis.redundancies} == {"Lyon"}
    assert all(len(r.services) == 2 for r in analysis.redundancies)


def test_a_person_counts_once_on_their_latest_diagnostic(organisation):
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    person = PersonFactory(organisation=organisation, commune_code=VILLEURBANNE)
    first = DiagnosticFactory(person=person, assessed_on=TODAY)
    DomainAssessmentFactory(diagnostic=first, domain="health", difficulty=3)
    DiagnosticFactory(person=person, assessed_on=TODAY)  # no difficulty any more
    diagnose(organisation, 4, domain="employment", difficulty=0)
    found = observed_needs(territory, start=YEAR[0], end=YEAR[1])
    assert found.persons == 5
    assert found.by_domain == []


def test_urgency_evolution_and_age_bands(organisation):
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 5, urgency=2, urgency_suggested=2)
    found = observed_needs(territory, start=YEAR[0], end=YEAR[1])
    assert found.evolution[-1] == (TODAY.year, 5, 5)
    assert sum(n for _l, n in found.by_age) == 5


def test_pooling_agreement_recorded_and_withdrawn(organisation, manager):
    membership = manager.memberships.get()
    agreement = services.pooling_agree(membership=membership)
    assert agreement.agreed_by == manager
    assert services.pooling_agree(membership=membership) == agreement  # once
    services.pooling_withdraw(membership=membership)
    agreement.refresh_from_db()
    assert agreement.withdrawn_by == manager
    assert services.pooling_active(organisation.pk) is None


def test_only_managers_give_the_pooling_agreement(organisation):
    referent = MembershipFactory(organisation=organisation, role="referent")
    with pytest.raises(services.PermissionDenied):
        services.pooling_agree(membership=referent)


def test_gap_communes_and_redundant_offers(organisation):
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 5, domain="housing")
    diagnose(organisation, 5, domain="employment")
    # Two employment services on Lyon (same thématique and public), none for housing.
    ServiceFactory(commune_code="69123")
    ServiceFactory(commune_code="69123")
    found = observed_needs(territory, start=YEAR[0], end=YEAR[1])
    gaps = {g.domain: g for g in gap_analysis(found, radius_km=10).domains}
    assert gaps["employment"].gap_communes == []
    assert gaps["employment"].services_in_reach == 2
    assert [name for _c, name, _n in gaps["housing"].gap_communes] == ["Villeurbanne"]
    analysis = gap_analysis(found, radius_km=10)
    assert len(analysis.redundancies) >= 1
    assert analysis.points and analysis.points[0][3] == "gap"


def test_far_services_are_out_of_reach(organisation):
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 5, domain="employment")
    ServiceFactory(commune_code="13055", latitude=43.2965, longitude=5.3698)  # Marseille
    found = observed_needs(territory, start=YEAR[0], end=YEAR[1])
    gaps = {g.domain: g for g in gap_analysis(found, radius_km=30).domains}
    assert gaps["employment"].services_in_reach == 0
    assert gaps["employment"].gap_communes


def test_by_scheme_of_their_pathways(organisation):
    from tests.factories import PathwayFactory

    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 6)
    from relais.people.models import Person

    for person in Person.objects.filter(organisation=organisation)[:5]:
        PathwayFactory(person=person, scheme="plie")
    found = observed_needs(territory, start=YEAR[0], end=YEAR[1])
    assert found.by_scheme == [("PLIE", 5)]


def test_two_territories_differing_by_a_small_commune_show_the_same_figures(organisation):
    """A manager defines {Villeurbanne + Vaulx-en-Velin} and {Villeurbanne}: Vaulx-en-Velin's
    2 diagnosed persons must not appear as the difference (decision 0049)."""
    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 6)
    diagnose(organisation, 2, commune="69256", domain="health", urgency=2, urgency_suggested=2)
    both = TerritoryFactory(organisation=organisation, areas=["commune:69266", "commune:69256"])
    city = TerritoryFactory(organisation=organisation, areas=["commune:69266"])
    a = observed_needs(both, start=YEAR[0], end=YEAR[1])
    b = observed_needs(city, start=YEAR[0], end=YEAR[1])
    for name in ("persons", "by_domain", "by_commune", "by_age", "barriers", "evolution"):
        assert getattr(a, name) == getattr(b, name), name
    assert a.persons == 6
    assert "Vaulx-en-Velin" not in str(disclosed(a))


def test_small_communes_of_a_whole_departement_are_counted_together(organisation):
    """For the whole Rhône, the small communes together (3 + 2 persons) form « Autres
    communes », never named alone; a territory that leaves out one of the Rhône's communes
    leaves the group out."""
    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 6)
    diagnose(organisation, 3, commune="69256")
    diagnose(organisation, 2, commune="69029")  # Bron
    rhone = TerritoryFactory(organisation=organisation, areas=["departement:69"])
    found = observed_needs(rhone, start=YEAR[0], end=YEAR[1])
    assert found.persons == 11
    assert [(name, n) for _c, name, n in found.by_commune] == [
        ("Villeurbanne", 6),
        (OTHERS_LABEL, 5),
    ]
    gaps = gap_analysis(found, radius_km=10)
    housing = next(g for g in gaps.domains if g.domain == "housing")
    assert [name for _c, name, _n in housing.gap_communes] == ["Villeurbanne"]
    assert housing.others_without_service
    assert {p[0] for p in gaps.points} == {"Villeurbanne"}
    from relais.territory import geography

    almost = [f"commune:{c}" for c in geography.area_communes("departement:69") if c != "69001"]
    assert (
        observed_needs(
            TerritoryFactory(organisation=organisation, areas=almost), start=YEAR[0], end=YEAR[1]
        ).persons
        == 6
    )


def test_dont_bloquante_cannot_give_a_small_difference(organisation):
    """7 persons in difficulty in housing, 6 of them « bloquante »: showing 7 and 6 would say
    that exactly one has an « importante » difficulty; the 6 is hidden."""
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 6, difficulty=3)
    diagnose(organisation, 1, difficulty=2)
    figures = disclosed(observed_needs(territory, start=YEAR[0], end=YEAR[1]))
    [(_k, _label, n, blocking)] = figures.domains
    assert str(n) == "7" and str(blocking) == "s"


def test_the_latest_diagnostic_is_the_one_assessed_last_not_the_one_recorded_last(organisation):
    """A diagnostic of March entered after the one of June: June's is the latest."""
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 4, domain="employment")
    person = PersonFactory(organisation=organisation, commune_code=VILLEURBANNE)
    june = DiagnosticFactory(person=person, assessed_on=dt.date(TODAY.year, 6, 10))
    DomainAssessmentFactory(diagnostic=june, domain="housing", difficulty=3)
    march = DiagnosticFactory(person=person, assessed_on=dt.date(TODAY.year, 3, 1))
    assert march.pk > june.pk
    found = observed_needs(territory, start=YEAR[0], end=YEAR[1])
    assert found.persons == 5
    assert ("housing", "Logement et hébergement", 1, 1) in found.by_domain
