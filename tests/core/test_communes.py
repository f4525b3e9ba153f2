"""The commune reference file shipped with the app (COG / INSEE codes)."""

from __future__ import annotations

import pytest

from relais.core.communes import get_commune, is_well_formed_insee_code


def test_lookup_by_code():
    lyon = get_commune("69123")
    assert lyon is not None
    assert lyon.name == "Lyon"
    assert lyon.label.startswith("Lyon (")
    assert lyon.latitude is not None


def test_corsican_codes_case_and_spaces():
    assert get_commune("2A004") is not None
    assert get_commune(" 2a004 ") == get_commune("2A004")


def test_unknown_code():
    assert get_commune("99999") is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [("69123", True), ("2A004", True), ("2b033", True), ("6912", False), ("2C004", False)],
)
def test_format(code, expected):
    assert is_well_formed_insee_code(code) is expected


@pytest.mark.parametrize(
    ("code", "name", "arrondissement"),
    [("75056", "Paris", "75101"), ("69123", "Lyon", "69381"), ("13055", "Marseille", "13201")],
)
def test_paris_lyon_marseille_have_their_commune_code(code, name, arrondissement):
    """The La Poste file lists their arrondissements only; the commune codes must work too."""
    commune = get_commune(code)
    assert commune is not None
    assert commune.name == name
    assert get_commune(arrondissement) is not None


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("69256", "Vaulx-en-Velin"),
        ("69259", "Vénissieux"),
        ("69290", "Saint-Priest"),
        ("69383", "Lyon 3e Arrondissement"),
        ("75101", "Paris 1er Arrondissement"),
        ("01001", "L'Abergement-Clémenciat"),
    ],
)
def test_official_cog_names_not_the_postal_files(code, name):
    """#9, defect 6: the official COG names (accents, hyphens, arrondissements), not La
    Poste's « VAULX EN VELIN », « ST PRIEST », « LYON 03 »."""
    commune = get_commune(code)
    assert commune.name == name
    assert commune.label == f"{name} ({commune.postal_code})"


def test_communes_created_since_the_postal_file_are_known():
    """Communes of the COG missing from the 2020 postal file are accepted (no coordinates)."""
    commune = get_commune("12218")
    assert commune is not None
    assert commune.name == "Conques-en-Rouergue"
    assert commune.latitude is None
