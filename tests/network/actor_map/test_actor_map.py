"""Actor map: territory, flows (count, acceptance, median answer delay), partnerships,
small-count masking, the SVG (well-formed, accessible) and the CSV."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from relais.core.errors import DomainError
from relais.network.actor_map import flows as am
from relais.network.actor_map.flows import Territory, build_actor_map, parse_territory
from tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    ReferralFactory,
    ServiceFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 6, 30)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 6, day, hour, tzinfo=timezone.get_current_timezone())


def referrals(sender, receiver, specs):
    """specs: (status, sent day, answer delay in hours or None)."""
    person = PersonFactory(organisation=sender)
    service = ServiceFactory(organisation=receiver)
    for status, day, hours in specs:
        sent = at(day)
        ReferralFactory(
            person=person,
            service=service,
            status=status,
            sent_at=sent,
            answered_at=sent + timedelta(hours=hours) if hours is not None else None,
            refusal_reason="no_capacity" if status == "refused" else "",
        )


@pytest.fixture
def lyon():
    ccas = OrganisationFactory(name="CCAS de Lyon", kind="ccas", commune_code="69123")
    plie = OrganisationFactory(name="PLIE Uni-Est", kind="plie", commune_code="69266")
    aci = OrganisationFactory(name="Jardin d'insertion", kind="aci", commune_code="69259")
    grenoble = OrganisationFactory(
        name="Mission locale de Grenoble", kind="mission_locale", commune_code="38185"
    )
    return ccas, plie, aci, grenoble


def build(territory="69", start=date(2026, 6, 1), end=TODAY):
    return build_actor_map(parse_territory(territory), start=start, end=end)


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


def test_svg_is_well_formed_accessible_and_masks_small_counts(lyon):
    ccas, plie, aci, _grenoble = lyon
    referrals(ccas, plie, [("accepted", d, 5) for d in range(1, 8)])
    referrals(plie, aci, [("sent", 2, None)])
    PartnershipFactory(source=ccas, target=aci, kind="agreement")
    amap = build()
    svg = str(am.actor_map_svg(amap, chart_id="carte", standalone=True))
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(svg.split("\n", 1)[1])
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "carte-titre carte-desc"
    assert root.find(f"{SVG}title").text.startswith("Cartographie des acteurs — département 69")
    assert "Les mêmes données figurent dans les tableaux" in root.find(f"{SVG}desc").text
    circles = [c for c in root.iter(f"{SVG}circle")]
    assert len(circles) >= 3
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "7" in texts and "< 5" in texts
    assert "CCAS" in texts and "PLIE" in texts and "SIAE" in texts  # type codes in the nodes
    assert any(p.get("stroke-dasharray") == "7 5" for p in root.iter(f"{SVG}path"))
    assert all(el.get("style") is None for el in root.iter())
    widths = sorted(
        float(p.get("stroke-width")) for p in root.iter(f"{SVG}path") if p.get("marker-end")
    )
    assert widths[0] == 1.5 and widths[-1] > 5  # the big flow is drawn thicker


def test_svg_without_ties_and_escaping(lyon):
    OrganisationFactory(name='<b>"Quote" & co</b>', commune_code="69123")
    amap = build()
    svg = str(am.actor_map_svg(amap))
    root = ET.fromstring(svg)
    assert "Aucun lien observé ni déclaré" in "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    ccas, _plie, *_ = lyon
    strange = OrganisationFactory(name='<b>"A" & B</b>', commune_code="69123")
    PartnershipFactory(source=strange, target=ccas)
    svg = str(am.actor_map_svg(build()))
    ET.fromstring(svg)  # still well-formed
    assert "<b>" not in svg


def test_layout_is_deterministic(lyon):
    ccas, plie, aci, _ = lyon
    referrals(ccas, plie, [("sent", 1, None)])
    referrals(plie, aci, [("sent", 1, None)])
    first = [(n.name, n.x, n.y) for n in build().diagram_nodes]
    assert first == [(n.name, n.x, n.y) for n in build().diagram_nodes]
    assert len({(x, y) for _, x, y in first}) == 3


def test_csv(lyon):
    ccas, plie, aci, _ = lyon
    referrals(ccas, plie, [("accepted", d, 24) for d in range(1, 6)])
    referrals(plie, aci, [("accepted", 1, 24)])
    PartnershipFactory(source=ccas, target=aci, kind="funding", started_on=date(2025, 3, 1))
    rows = list(csv.reader(io.StringIO(am.actor_map_csv(build())), delimiter=";"))
    assert rows[0][:3] == ["type", "de", "commune (de)"]
    assert rows[1] == [
        "orientations",
        "CCAS de Lyon",
        "Lyon",
        "PLIE Uni-Est",
        "Villeurbanne",
        "",
        "5",
        "100\u202f%",
        "1,0 jours",
        "01/06/2026",
        "30/06/2026",
    ]
    assert rows[2][6:9] == ["< 5", "non communiqué", "non communiqué"]
    assert (
        rows[3][0] == "partenariat" and rows[3][5] == "Financement" and rows[3][9] == "01/03/2025"
    )


def test_query_count_is_constant(lyon):
    ccas, plie, aci, grenoble = lyon

    def run():
        amap = build()
        am.actor_map_svg(amap)
        am.actor_map_csv(amap)

    referrals(ccas, plie, [("accepted", 1, 3)])
    PartnershipFactory(source=ccas, target=grenoble)
    few = count_queries(run)
    for i in range(6):
        other = OrganisationFactory(commune_code="69123", name=f"Autre {i}")
        referrals(other, aci, [("accepted", 2, 5), ("refused", 3, 8)])
        PartnershipFactory(source=other, target=OrganisationFactory(commune_code="01001"))
    assert count_queries(run) == few


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("69", Territory(departement="69")),
        ("2a", Territory(departement="2A")),
        ("974", Territory(departement="974")),
        ("69123 69266", Territory(communes=("69123", "69266"))),
        ("Lyon, Villeurbanne", Territory(communes=("69123", "69266"))),
        ("Lyon; 69123", Territory(communes=("69123",))),
    ],
)
def test_parse_territory(text, expected):
    assert parse_territory(text) == expected


@pytest.mark.parametrize("text", ["", "20", "Nullepart", "99999"])
def test_parse_territory_errors(text):
    with pytest.raises(DomainError) as error:
        parse_territory(text)
    assert error.value.field == "territoire"


def test_period_checks():
    with pytest.raises(DomainError):
        am.check_period(date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(DomainError):
        am.check_period(date(2020, 1, 1), date(2026, 1, 1))


def test_labels():
    assert am.count_label(0) == "0"
    assert am.count_label(4) == "< 5"
    assert am.count_label(5) == "5"
    assert am.count_label(12345) == "12\u202f345"
    assert am.delay_label(timedelta(hours=5, minutes=20)) == "5 h"
    assert am.delay_label(None) == "—"
    assert am.rate_label(None) == "—"
    assert Territory(communes=("69123", "69266", "69259", "69034", "38185")).label == (
        "Lyon, Villeurbanne, Venissieux, Caluire Et Cuire et 1 autre"
    )


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


def test_the_diagram_draws_the_biggest_flows_only(lyon, monkeypatch):
    ccas, plie, aci, _ = lyon
    referrals(ccas, plie, [("sent", 1, None)] * 6)
    referrals(plie, aci, [("sent", 1, None)] * 2)
    monkeypatch.setattr(am, "MAX_DIAGRAM_FLOWS", 1)
    root = ET.fromstring(str(am.actor_map_svg(build())))
    arrows = [p for p in root.iter(f"{SVG}path") if p.get("marker-end")]
    assert len(arrows) == 1
    assert "les 1 principaux des 2 flux" in root.find(f"{SVG}desc").text
