"""Distances, bounding boxes, départements and commune lookup."""

from __future__ import annotations

import pytest

from relais.network.directory import geo

PARIS = (48.85661, 2.35222)
LYON = (45.76404, 4.83566)
MARSEILLE = (43.29648, 5.36978)


def test_haversine_known_distances():
    # Great-circle distances between the city halls (published figures: 392 km, 277 km).
    assert geo.haversine_km(*PARIS, *LYON) == pytest.approx(391.5, abs=1.5)
    assert geo.haversine_km(*LYON, *MARSEILLE) == pytest.approx(277.5, abs=1.5)
    # One degree of latitude along a meridian.
    assert geo.haversine_km(45, 4, 46, 4) == pytest.approx(111.195, abs=0.01)


def test_haversine_is_symmetric_and_zero_on_the_same_point():
    assert geo.haversine_km(*LYON, *LYON) == 0
    assert geo.haversine_km(*PARIS, *LYON) == pytest.approx(geo.haversine_km(*LYON, *PARIS))


def test_haversine_antipodes_do_not_overflow():
    assert geo.haversine_km(0, 0, 0, 180) == pytest.approx(20015.1, abs=1)


def test_bounding_box_holds_the_circle():
    lat, lon = LYON
    box = geo.bounding_box(lat, lon, 20)
    assert box.min_lat < lat < box.max_lat
    assert box.max_lat - lat == pytest.approx(20 / 111.195, rel=1e-3)
    # Longitude degrees are shorter at 45.8° N: the box is wider in degrees.
    assert box.max_lon - lon > box.max_lat - lat
    # Points exactly 20 km north, south, east and west are inside; 21 km outside.
    for bearing_lat, bearing_lon in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        for km, inside in ((19.999, True), (21, False)):
            d_lat = bearing_lat * km / 111.195
            # Walk east/west along the parallel: the circle's widest point is a bit north of
            # it, so the box is a little wider than the parallel distance.
            import math

            d_lon = bearing_lon * km / (111.195 * math.cos(math.radians(lat)))
            assert box.contains(lat + d_lat, lon + d_lon) is inside


def test_bounding_box_contains_every_point_within_the_radius():
    lat, lon = 45.0, 4.0
    box = geo.bounding_box(lat, lon, 50)
    # Points on the circle, every 10 degrees of bearing.
    import math

    for degrees in range(0, 360, 10):
        theta = math.radians(degrees)
        delta = 49.999 / geo.EARTH_RADIUS_KM
        phi1, lambda1 = math.radians(lat), math.radians(lon)
        phi2 = math.asin(
            math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
        )
        lambda2 = lambda1 + math.atan2(
            math.sin(theta) * math.sin(delta) * math.cos(phi1),
            math.cos(delta) - math.sin(phi1) * math.sin(phi2),
        )
        assert box.contains(math.degrees(phi2), math.degrees(lambda2))


def test_bounding_box_near_the_pole_and_the_antimeridian_spans_all_longitudes():
    assert geo.bounding_box(89.9, 0, 50).min_lon == -180
    box = geo.bounding_box(-17.5, 179.9, 50)  # Fiji side of the antimeridian
    assert (box.min_lon, box.max_lon) == (-180, 180)


def test_bounding_box_refuses_a_negative_radius():
    with pytest.raises(ValueError):
        geo.bounding_box(45, 4, -1)


@pytest.mark.parametrize(
    ("code", "departement"),
    [
        ("69123", "69"),
        ("01001", "01"),
        ("2A004", "2A"),
        ("2B033", "2B"),
        ("97411", "974"),
        ("98735", "987"),
    ],
)
def test_departement_of(code, departement):
    assert geo.departement_of(code) == departement


@pytest.mark.parametrize(
    ("code", "valid"),
    [("69", True), ("2A", True), ("974", True), ("20", False), ("96", False), ("6", False)],
)
def test_is_departement_code(code, valid):
    assert geo.is_departement_code(code) is valid


def test_communes_within_lyon():
    nearby = geo.communes_within(*LYON, 10)
    assert "69266" in nearby  # Villeurbanne, about 4.2 km
    assert nearby["69266"] == pytest.approx(4.2, abs=0.3)
    assert "69264" not in nearby  # Villefranche-sur-Saône, about 26 km
    assert all(d <= 10 for d in nearby.values())


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("69266", "69266"),
        ("Villeurbanne", "69266"),
        ("villeurbanne (69266)", "69266"),
        ("Lyon", "69123"),
        ("Saint-Étienne-du-Bois (01350)", "01350"),
        ("Saint-Genis-Laval", "69204"),
        ("VILLEFRANCHE-SUR-SAÔNE", "69264"),
        ("38000", "38185"),  # Grenoble's postal code, not an INSEE code
    ],
)
def test_resolve_commune(typed, code):
    assert geo.resolve_commune(typed).code == code


def test_resolve_commune_homonyms_and_unknown():
    with pytest.raises(geo.CommuneLookupError) as error:
        geo.resolve_commune("Saint-Denis")
    assert "Plusieurs communes" in error.value.message
    assert len(error.value.candidates) > 1
    with pytest.raises(geo.CommuneLookupError) as error:
        geo.resolve_commune("Nullepart-sur-Mer")
    assert "Commune inconnue" in error.value.message
    with pytest.raises(geo.CommuneLookupError):
        geo.resolve_commune("   ")


def test_suggest_communes():
    names = [c.code for c in geo.suggest_communes("villeurb")]
    assert names[0] == "69266"
    assert geo.suggest_communes("69123")[0].code == "69123"
    assert geo.suggest_communes("") == []
    assert len(geo.suggest_communes("saint", limit=5)) == 5
    assert geo.commune_display(geo.resolve_commune("69266")) == "Villeurbanne (69266)"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Lyon 3e", "69383"),
        ("Lyon 03", "69383"),
        ("lyon 3", "69383"),
        ("Lyon 3ème", "69383"),
        ("Lyon 3e arrondissement", "69383"),
        ("Lyon 1er", "69381"),
        ("Marseille 13e", "13213"),
        ("Paris 20e", "75120"),
        ("St Priest (69290)", "69290"),
        ("Vaulx en Velin", "69256"),
        ("VAULX-EN-VELIN", "69256"),
        ("Venissieux", "69259"),
        ("Ste Foy les Lyon", "69202"),
        ("Sainte-Foy-lès-Lyon", "69202"),
    ],
)
def test_common_spellings_are_accepted(typed, code):
    """#9, defect 6: « Lyon 3e » was refused; St/Saint, hyphens and accents are ignored."""
    assert geo.resolve_commune(typed).code == code


def test_suggestions_show_the_official_names():
    lyon3 = geo.suggest_communes("Lyon 3")[0]
    assert lyon3.code == "69383"
    assert geo.commune_display(lyon3) == "Lyon 3e Arrondissement (69383)"
    assert geo.commune_display(geo.resolve_commune("69256")) == "Vaulx-en-Velin (69256)"
