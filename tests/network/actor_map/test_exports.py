"""The actor map downloads (relais.network.actor_map.exports): CSV and SVG file."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from relais.network.actor_map import exports
from tests.factories import PartnershipFactory
from tests.network.actor_map.support import SVG, build, referrals

pytestmark = pytest.mark.django_db


def test_csv(lyon):
    ccas, plie, aci, _ = lyon
    referrals(ccas, plie, [("accepted", d, 24) for d in range(1, 6)])
    referrals(plie, aci, [("accepted", 1, 24)])
    PartnershipFactory(source=ccas, target=aci, kind="funding", started_on=date(2025, 3, 1))
    rows = list(csv.reader(io.StringIO(exports.actor_map_csv(build())), delimiter=";"))
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


def test_svg_file_has_its_xml_declaration(lyon):
    ccas, plie, *_ = lyon
    referrals(ccas, plie, [("accepted", 1, 5)])
    amap = build()
    svg = exports.actor_map_svg_file(amap, chart_id="carte")
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(svg.split("\n", 1)[1])
    assert root.tag == f"{SVG}svg"
    assert root.get("aria-labelledby") == "carte-titre carte-desc"
