"""The actor map diagram (relais.network.actor_map.diagram): a well-formed, accessible SVG
that masks small counts, escapes names, and lays nodes out the same way every time."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from relais.network.actor_map import diagram
from tests.factories import OrganisationFactory, PartnershipFactory
from tests.network.actor_map.support import SVG, build, referrals

pytestmark = pytest.mark.django_db


def test_svg_is_well_formed_accessible_and_masks_small_counts(lyon):
    ccas, plie, aci, _grenoble = lyon
    referrals(ccas, plie, [("accepted", d, 5) for d in range(1, 8)])
    referrals(plie, aci, [("sent", 2, None)])
    PartnershipFactory(source=ccas, target=aci, kind="agreement")
    amap = build()
    root = ET.fromstring(str(diagram.actor_map_svg(amap, chart_id="carte")))
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
    svg = str(diagram.actor_map_svg(amap))
    root = ET.fromstring(svg)
    assert "Aucun lien observé ni déclaré" in "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    ccas, _plie, *_ = lyon
    strange = OrganisationFactory(name='<b>"A" & B</b>', commune_code="69123")
    PartnershipFactory(source=strange, target=ccas)
    svg = str(diagram.actor_map_svg(build()))
    ET.fromstring(svg)  # still well-formed
    assert "<b>" not in svg


def test_layout_is_deterministic(lyon):
    ccas, plie, aci, _ = lyon
    referrals(ccas, plie, [("sent", 1, None)])
    referrals(plie, aci, [("sent", 1, None)])
    first = [(n.name, n.x, n.y) for n in build().diagram_nodes]
    assert first == [(n.name, n.x, n.y) for n in build().diagram_nodes]
    assert len({(x, y) for _, x, y in first}) == 3


def test_the_diagram_draws_the_biggest_flows_only(lyon, monkeypatch):
    ccas, plie, aci, _ = lyon
    referrals(ccas, plie, [("sent", 1, None)] * 6)
    referrals(plie, aci, [("sent", 1, None)] * 2)
    monkeypatch.setattr(diagram, "MAX_DIAGRAM_FLOWS", 1)
    root = ET.fromstring(str(diagram.actor_map_svg(build())))
    arrows = [p for p in root.iter(f"{SVG}path") if p.get("marker-end")]
    assert len(arrows) == 1
    assert "les 1 principaux des 2 flux" in root.find(f"{SVG}desc").text
