"""The field checks shared by the forms, the services and the import: zone codes and
coordinates in France."""

from __future__ import annotations

import pytest

from relais.network.directory.datainclusion import checks


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("france", True),
        ("99100", True),
        ("69123", True),
        ("75056", True),
        ("2A004", True),
        ("69", True),
        ("2A", True),
        ("974", True),
        ("200093201", True),  # EPCI (SIREN with a valid key)
        ("200093202", False),  # wrong SIREN key
        ("20", False),
        ("00", False),
        ("99999", False),
        ("6912", False),
        ("lyon", False),
    ],
)
def test_zone_codes(code, ok):
    assert (checks.zone_code_error(code) is None) is ok


@pytest.mark.parametrize(
    ("lat", "lon", "ok"),
    [
        (45.76, 4.83, True),  # Lyon
        (41.92, 8.74, True),  # Ajaccio
        (16.24, -61.53, True),  # Guadeloupe
        (14.6, -61.07, True),  # Martinique
        (4.93, -52.33, True),  # Cayenne
        (-20.88, 55.45, True),  # Saint-Denis de La Réunion
        (-12.78, 45.23, True),  # Mamoudzou
        (-17.53, -149.57, True),  # Papeete
        (-22.27, 166.44, True),  # Nouméa
        (40.42, -3.70, False),  # Madrid
        (51.51, -0.13, False),  # London
        (0.0, 0.0, False),
        (4.83, 45.76, False),  # swapped
        (None, None, True),
        (45.76, None, False),
    ],
)
def test_coordinates_in_france(lat, lon, ok):
    assert (checks.coordinates_error(lat, lon) is None) is ok


def test_swapped_coordinates_are_hinted():
    assert "inversées" in checks.coordinates_error(4.83, 45.76)
