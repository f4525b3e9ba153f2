"""Building the actor map (relais.network.actor_map.flows): flows of the period (count,
acceptance, median answer delay), territory bounds, partnerships, constant query count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from relais.core.errors import DomainError
from relais.network.actor_map import diagram, exports, flows
from tests.factories import OrganisationFactory, PartnershipFactory
from tests.helpers import count_queries
from tests.network.actor_map.support import build, referrals

pytestmark = pytest.mark.django_db


def test_flows_count_acceptance_and_median(lyon):
    ccas, plie, aci, _ = lyon
    referrals(
        ccas,
        plie,
        [
            ("accepted", 1, 24),
            ("in_progress", 2, 48),
            ("done", 3, 72),
            ("refused", 4, 10),
            ("sent", 5, None),
            ("expired", 6, None),
        ],
    )
    referrals(plie, aci, [("accepted", 10, 5), ("sent", 11, None)])
    amap = build()
    flows = {(f.source.name, f.target.name): f for f in amap.flows}
    main = flows[("CCAS de Lyon", "PLIE Uni-Est")]
    assert main.count == 6
    assert main.answered == 4
    assert main.accepted == 3
    assert main.acceptance_rate == pytest.approx(0.75)
    # Answered delays 10, 24, 48, 72 h: median 36 h.
    assert main.median_delay == timedelta(hours=36)
    assert main.count_label == "6"
    assert main.rate_label == "75\u202f%"
    assert main.delay_label == "1,5 jours"
    small = flows[("PLIE Uni-Est", "Jardin d'insertion")]
    assert small.count_label == "< 5"
    assert small.rate_label == "non communiqué" and small.delay_label == "non communiqué"
    assert amap.flows[0] is main  # biggest first
    nodes = {n.name: n for n in amap.organisations}
    assert nodes["PLIE Uni-Est"].received == 6 and nodes["PLIE Uni-Est"].sent == 2
    assert nodes["PLIE Uni-Est"].sent_label == "< 5"


def test_median_of_an_odd_number_and_answers_only_of_that_flow(lyon):
    ccas, plie, aci, _ = lyon
    referrals(ccas, plie, [("accepted", 1, 1), ("refused", 2, 2), ("accepted", 3, 30)])
    referrals(ccas, aci, [("accepted", 1, 100)])
    flows = {f.target.name: f for f in build().flows}
    assert flows["PLIE Uni-Est"].median_delay == timedelta(hours=2)
    assert flows["Jardin d'insertion"].median_delay == timedelta(hours=100)


def test_period_and_territory_bounds(lyon):
    ccas, plie, _aci, grenoble = lyon
    referrals(ccas, plie, [("sent", 1, None), ("sent", 30, None)])
    assert build(end=date(2026, 6, 29)).flows[0].count == 1
    assert build(start=date(2026, 6, 30)).flows[0].count == 1
    # A flow to a partner outside the territory: drawn, marked outside.
    referrals(ccas, grenoble, [("sent", 5, None)])
    amap = build()
    assert [n.name for n in amap.outside] == ["Mission locale de Grenoble"]
    assert not next(f for f in amap.flows if f.target == amap.outside[0]).target.in_territory
    # Organisations of the territory only: not Grenoble's.
    assert {n.name for n in amap.organisations} == {
        "CCAS de Lyon",
        "PLIE Uni-Est",
        "Jardin d'insertion",
    }
    # A list of communes.
    amap = build("Lyon, Villeurbanne")
    assert {n.name for n in amap.organisations} == {"CCAS de Lyon", "PLIE Uni-Est"}


def test_inactive_organisations_are_left_out(lyon):
    OrganisationFactory(name="Fermée", commune_code="69123", is_active=False)
    assert "Fermée" not in {n.name for n in build().organisations}


def test_partnerships_active_and_ended(lyon):
    ccas, plie, aci, grenoble = lyon
    PartnershipFactory(source=ccas, target=plie, kind="agreement", description="Convention 2026")
    PartnershipFactory(source=plie, target=aci, kind="funding", ended_on=date(2025, 1, 1))
    PartnershipFactory(source=grenoble, target=ccas, kind="network")
    amap = build()
    rows = {(p.source.name, p.target.name): p for p in amap.partnerships}
    assert rows[("CCAS de Lyon", "PLIE Uni-Est")].is_active
    assert rows[("CCAS de Lyon", "PLIE Uni-Est")].kind_label == "Convention"
    assert not rows[("PLIE Uni-Est", "Jardin d'insertion")].is_active
    assert amap.partnerships[-1].is_active is False  # ended ones last
    assert "Mission locale de Grenoble" in {n.name for n in amap.outside}
    # The diagram draws the ongoing ones only, with their nodes.
    assert {n.name for n in amap.diagram_nodes} == {
        "CCAS de Lyon",
        "PLIE Uni-Est",
        "Mission locale de Grenoble",
    }


def test_each_referral_counted_once_whichever_side_is_in_the_territory(lyon):
    ccas, plie, _aci, grenoble = lyon
    referrals(ccas, plie, [("accepted", 1, 2)] * 5)  # inside → inside
    referrals(grenoble, ccas, [("refused", 2, 4)] * 6)  # outside → inside
    referrals(ccas, grenoble, [("accepted", 3, 6)] * 7)  # inside → outside
    referrals(
        grenoble, OrganisationFactory(commune_code="38185"), [("sent", 4, None)] * 3
    )  # elsewhere
    flows = {(f.source.name, f.target.name): f for f in build().flows}
    assert len(flows) == 3
    assert flows[("CCAS de Lyon", "PLIE Uni-Est")].count == 5
    incoming = flows[("Mission locale de Grenoble", "CCAS de Lyon")]
    assert (incoming.count, incoming.answered, incoming.accepted) == (6, 6, 0)
    assert incoming.median_delay == timedelta(hours=4)
    assert flows[("CCAS de Lyon", "Mission locale de Grenoble")].median_delay == timedelta(hours=6)


def test_period_checks():
    with pytest.raises(DomainError):
        flows.check_period(date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(DomainError):
        flows.check_period(date(2020, 1, 1), date(2026, 1, 1))


def test_query_count_is_constant(lyon):
    ccas, plie, aci, grenoble = lyon

    def run():
        amap = build()
        diagram.actor_map_svg(amap)
        exports.actor_map_csv(amap)

    referrals(ccas, plie, [("accepted", 1, 3)])
    PartnershipFactory(source=ccas, target=grenoble)
    few = count_queries(run)
    for i in range(6):
        other = OrganisationFactory(commune_code="69123", name=f"Autre {i}")
        referrals(other, aci, [("accepted", 2, 5), ("refused", 3, 8)])
        PartnershipFactory(source=other, target=OrganisationFactory(commune_code="01001"))
    assert count_queries(run) == few
