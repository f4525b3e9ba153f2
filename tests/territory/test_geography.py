"""The COG geography: communes with their département, région, EPCI and population, former
codes of merged communes, and the areas a manager types."""

from __future__ import annotations

import json

import pytest

from relais.core.errors import DomainError
from relais.territory import geography
from relais.territory.cog import build
from relais.territory.services import default_comparison, parse_areas


def test_commune_carries_departement_region_epci_population():
    villeurbanne = geography.communes()["69266"]
    assert villeurbanne.name == "Villeurbanne"
    assert (villeurbanne.departement, villeurbanne.region) == ("69", "84")
    assert villeurbanne.epci == "200046977"  # Métropole de Lyon
    assert villeurbanne.population > 100_000
    assert villeurbanne.coordinates is not None


def test_former_code_of_a_merged_commune_maps_to_the_current_one():
    # Arboys en Bugey (01015) was made of Arbignieu and Saint-Bois (01340).
    assert geography.current_code("01340") == "01015"
    assert geography.current_code("01015") == "01015"
    assert geography.current_code("99999") is None


def test_arrondissements_belong_to_their_commune():
    assert geography.arrondissements()["69383"] == "69123"
    assert geography.arrondissements()["75120"] == "75056"
    assert geography.arrondissements()["13216"] == "13055"
    assert len(geography.arrondissements()) == 45
    assert geography.commune_of("69383") == "69123"
    assert geography.commune_of("01340") == "01015"
    assert geography.commune_of("69266") == "69266"
    codes = geography.recorded_codes(["69123", "01015"])
    assert {"69123", "69381", "69389", "01015", "01340"} <= set(codes)
    assert "75101" not in codes
    # Statistics are by commune: an arrondissement is not a commune of the COG.
    assert geography.current_code("69383") is None
    assert "69383" not in geography.area_communes("departement:69")


def test_area_communes_for_each_level():
    assert len(geography.area_communes("departement:69")) > 250
    assert "69266" in geography.area_communes("epci:200046977")
    assert geography.area_communes("commune:69266") == ("69266",)
    assert len(geography.area_communes("france")) > 34_000
    assert geography.area_label("departement:69") == "Rhône (69)"


def test_parse_areas_mixes_levels_and_names():
    areas = parse_areas("69\n200046977; Villeurbanne, 01340, France, Lyon 3e, 75105")
    assert areas == [
        "departement:69",
        "epci:200046977",
        "commune:69266",
        "commune:01015",
        "france",
        "commune:69123",
        "commune:75056",
    ]


def test_parse_areas_reports_every_unknown_entry_at_once():
    with pytest.raises(DomainError) as error:
        parse_areas("69, Nulle-Part-sur-Mer, 999999999")
    assert "« Nulle-Part-sur-Mer »" in error.value.message
    assert "« 999999999 »" in error.value.message
    with pytest.raises(DomainError):
        parse_areas("  ")


def test_default_comparison_is_the_departement_and_france():
    assert default_comparison(["commune:69266", "commune:69123"]) == ["departement:69", "france"]
    assert default_comparison(["departement:69"]) == ["france"]


def test_build_from_package_json(tmp_path):
    source = tmp_path / "data"
    source.mkdir()
    communes = [
        {
            "code": "01015",
            "nom": "Arboys en Bugey",
            "type": "commune-actuelle",
            "departement": "01",
            "region": "84",
            "population": 710,
            "anciensCodes": ["01340"],
        },
        {"code": "01015", "nom": "Arbignieu", "type": "commune-deleguee", "chefLieu": "01015"},
        {"code": "01120", "nom": "Cordieux", "type": "commune-associee", "chefLieu": "01015"},
    ]
    (source / "communes.json").write_text(json.dumps(communes), encoding="utf-8")
    (source / "epci.json").write_text(
        json.dumps(
            [{"code": "240100883", "nom": "CC Test", "type": "CC", "membres": [{"code": "01015"}]}]
        ),
        encoding="utf-8",
    )
    (source / "departements.json").write_text(
        json.dumps([{"code": "01", "nom": "Ain", "region": "84"}])
    )
    (source / "regions.json").write_text(
        json.dumps([{"code": "84", "nom": "Auvergne-Rhône-Alpes"}])
    )
    target = tmp_path / "out"
    counts = build(source, target)
    assert counts == {
        "communes": 1,
        "former": 2,
        "arrondissements": 0,
        "epci": 1,
        "departements": 1,
        "regions": 1,
    }
    text = (target / "cog_communes_geo.csv").read_text(encoding="utf-8")
    assert "01015,Arboys en Bugey,01,84,240100883,710" in text
    former = (target / "cog_former_codes.csv").read_text(encoding="utf-8")
    assert "01340,01015" in former and "01120,01015" in former


def test_refresh_cog_command_reads_the_package_archive(tmp_path, monkeypatch):
    """`manage.py refresh_cog <.tgz> --package-version V`, as `npm pack` downloads it."""
    import io
    import tarfile

    from django.core.management import call_command

    from relais.territory import cog
    from relais.territory.management.commands import refresh_cog

    entries = {
        "communes.json": [
            {"code": "69123", "nom": "Lyon", "type": "commune-actuelle", "departement": "69"},
            {
                "code": "69383",
                "nom": "Lyon 3e Arrondissement",
                "type": "arrondissement-municipal",
                "commune": "69123",
            },
        ],
        "epci.json": [],
        "departements.json": [{"code": "69", "nom": "Rhône", "region": "84"}],
        "regions.json": [{"code": "84", "nom": "Auvergne-Rhône-Alpes"}],
    }
    archive = tmp_path / "etalab-decoupage-administratif-9.9.9.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in entries.items():
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(f"package/data/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    target = tmp_path / "out"
    monkeypatch.setattr(refresh_cog, "build_from", lambda source: cog.build_from(source, target))
    out = io.StringIO()
    call_command("refresh_cog", str(archive), "--package-version", "9.9.9", stdout=out)
    assert "1 communes" in out.getvalue() and "1 arrondissements" in out.getvalue()
    assert "(paquet 9.9.9)" in out.getvalue()
    assert "69383,Lyon 3e Arrondissement,69123" in (target / "cog_arrondissements.csv").read_text()
