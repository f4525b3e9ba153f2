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


# --- Demo-like map: a label clipped at the left edge, « < 5 » labels overlapping -------------

CHAR_WIDTH = 0.62  # of the font size: wider than the average letter of Marianne or Arial


def _demo_like_map():
    """Eleven organisations with long names, small flows in both directions between
    neighbours and across the circle, partnerships: what the demo shows."""
    names = [
        ("Centre communal d'action sociale de Vaulx-en-Velin", "ccas", "69256"),
        ("PLIE de l'agglomération lyonnaise Uni-Est", "plie", "69266"),
        ("Mission locale Rhône Sud-Est et Vallée de la Chimie", "mission_locale", "69259"),
        ("Atelier chantier d'insertion Les Jardins du Rhône", "aci", "69123"),
        ("Entreprise d'insertion Recyclerie du Grand Lyon", "ei", "69123"),
        ("Centre d'hébergement et de réinsertion sociale Le Phare", "chrs", "69290"),
        ("Maison de la Métropole pour les solidarités", "departement", "69123"),
        ("France Travail Lyon Part-Dieu et Villeurbanne", "france_travail", "69266"),
        ("Organisme de formation AFPA Vénissieux", "training", "69259"),
        ("Association d'entraide des familles de Bron", "association", "69029"),
        ("Cap emploi Rhône-Alpes Métropole", "cap_emploi", "69123"),
    ]
    orgs = [OrganisationFactory(name=n, kind=k, commune_code=c) for n, k, c in names]
    day = 2
    for i, a in enumerate(orgs):
        for step in (1, 2, 5):
            b = orgs[(i + step) % len(orgs)]
            referrals(a, b, [("sent", day, None)])  # one: « < 5 »
            referrals(b, a, [("accepted", day, 4)] * 2)
    referrals(orgs[0], orgs[1], [("accepted", d, 5) for d in range(3, 25)])  # a big flow
    PartnershipFactory(source=orgs[0], target=orgs[3], kind="agreement")
    PartnershipFactory(source=orgs[2], target=orgs[7], kind="network")
    return build()


def _text_boxes(root):
    """(text, left, top, right, bottom) of each <text>, its width estimated from its length."""
    boxes = []
    for t in root.iter(f"{SVG}text"):
        size = float(t.get("font-size"))
        width = len(t.text or "") * size * CHAR_WIDTH
        x, y = float(t.get("x")), float(t.get("y"))
        anchor = t.get("text-anchor", "start")
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        boxes.append((t.text, left, y - size / 2, left + width, y + size / 2))
    return boxes


def test_every_text_is_inside_the_picture(db):
    root = ET.fromstring(str(diagram.actor_map_svg(_demo_like_map())))
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    outside = [
        box
        for box in _text_boxes(root)
        if box[1] < 0 or box[2] < 0 or box[3] > width or box[4] > height
    ]
    assert outside == []


def test_small_count_labels_and_names_do_not_overlap(db):
    root = ET.fromstring(str(diagram.actor_map_svg(_demo_like_map())))
    boxes = _text_boxes(root)
    assert sum(1 for b in boxes if b[0] == "< 5") >= 10
    written = [b for b in boxes if b[0] == "< 5" or "…" in b[0] or b[0] == "23"]
    overlapping = [
        (a, b)
        for i, a in enumerate(written)
        for b in written[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]
    assert overlapping == []


def test_one_legend(db):
    root = ET.fromstring(str(diagram.actor_map_svg(_demo_like_map())))
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    for _key, label, short, _fill in build().groups_present:
        assert texts.count(f"{short} — {label}") == 1
    assert sum("Partenariat déclaré" in t for t in texts) == 1
