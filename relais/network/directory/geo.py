"""Distances and places for the service search and the actor map.

Distances are great-circle distances (haversine) on a spherical Earth of mean radius
6,371 km: within a département the error against the ellipsoid is far below what matters
for "is this service within 20 km?". Communes and their coordinates come from
`relais.core.communes` (La Poste's file, Paris/Lyon/Marseille added).

Nothing here touches the database."""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from relais.core.communes import Commune, all_communes, get_commune
from relais.core.text import fold

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180  # ≈ 111.2 km

INSEE_TOKEN_RE = re.compile(r"\b((?:\d{2}|2[AB])\d{3})\b", re.IGNORECASE)
POSTAL_TOKEN_RE = re.compile(r"\b(\d{5})\b")
DEPARTEMENT_RE = re.compile(r"^(?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-8]|98[4-9])$")

# Codes of data·inclusion's "zone d'éligibilité" that mean the whole country.
FRANCE_CODES = ("france", "99100")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in decimal degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


def bounding_box(lat: float, lon: float, radius_km: float) -> BoundingBox:
    """The smallest latitude/longitude rectangle holding every point within `radius_km` of
    (lat, lon): the cheap, indexable pre-filter before the exact haversine distance.

    The longitude half-width is asin(sin(r)/cos(lat)) (the meridians tangent to the circle),
    slightly more than r/cos(lat). Near a pole, or when the circle reaches the
    antimeridian, the box spans every longitude (never the case in mainland France; the
    Pacific territories near 180° are then searched on all longitudes, still exact after
    the haversine filter)."""
    if radius_km < 0:
        raise ValueError("Le rayon doit être positif.")
    angular = radius_km / EARTH_RADIUS_KM
    d_lat = math.degrees(angular)
    min_lat, max_lat = lat - d_lat, lat + d_lat
    if min_lat <= -90 or max_lat >= 90:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    ratio = math.sin(angular) / math.cos(math.radians(lat))
    if ratio >= 1:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    d_lon = math.degrees(math.asin(ratio))
    min_lon, max_lon = lon - d_lon, lon + d_lon
    if min_lon < -180 or max_lon > 180:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    return BoundingBox(min_lat, max_lat, min_lon, max_lon)


def departement_of(commune_code: str) -> str:
    """The département of a commune code (COG): two characters ("69", "2A", "2B"), three
    overseas ("974")."""
    code = (commune_code or "").strip().upper()
    if code.startswith(("97", "98")):
        return code[:3]
    return code[:2]


def is_departement_code(code: str) -> bool:
    return bool(DEPARTEMENT_RE.match((code or "").strip().upper()))


# --- Communes: by latitude (distance scans) and by folded name (lookup) -------------------


@dataclass(frozen=True)
class _LatitudeIndex:
    latitudes: tuple[float, ...]
    communes: tuple[Commune, ...]


@cache
def _latitude_index() -> _LatitudeIndex:
    located = sorted(
        (c for c in all_communes() if c.latitude is not None and c.longitude is not None),
        key=lambda c: c.latitude,
    )
    return _LatitudeIndex(tuple(c.latitude for c in located), tuple(located))


def communes_within(lat: float, lon: float, radius_km: float) -> dict[str, float]:
    """Commune code → distance (km) of every commune whose centre lies within
    `radius_km` of (lat, lon). A bisection on latitude, then the exact distance."""
    index = _latitude_index()
    box = bounding_box(lat, lon, radius_km)
    start = bisect_left(index.latitudes, box.min_lat)
    end = bisect_right(index.latitudes, box.max_lat)
    result: dict[str, float] = {}
    for commune in index.communes[start:end]:
        if not box.contains(commune.latitude, commune.longitude):
            continue
        distance = haversine_km(lat, lon, commune.latitude, commune.longitude)
        if distance <= radius_km:
            result[commune.code] = distance
    return result


_SHORT_WORDS = {"saint": "st", "sainte": "ste"}
# « 3e », « 03 », « 3ème », « 1er », « 1ere » after a name: an arrondissement's number.
_ORDINAL_RE = re.compile(r"^0*(\d{1,2})(?:e|er|ere|eme|me)?$")


def _name_key(value: str) -> str:
    """Folded commune name, as people write it: accents, case, hyphens and apostrophes
    ignored, « saint »/« sainte » and « st »/« ste » alike, and an arrondissement's number
    however it is written (« Lyon 3e Arrondissement », « Lyon 3e », « Lyon 03 », « lyon 3 »
    all give "lyon 3")."""
    words = [_SHORT_WORDS.get(w, w) for w in fold(value).split()]
    if len(words) >= 2 and words[-1] in ("arrondissement", "arr", "arrdt"):
        words = words[:-1]
    if len(words) >= 2:
        number = _ORDINAL_RE.match(words[-1])
        if number:
            words[-1] = str(int(number.group(1)))
    return " ".join(words)


@cache
def _name_index() -> dict[str, tuple[Commune, ...]]:
    index: dict[str, list[Commune]] = {}
    for commune in all_communes():
        index.setdefault(_name_key(commune.name), []).append(commune)
    return {key: tuple(sorted(v, key=lambda c: c.code)) for key, v in index.items()}


@cache
def _sorted_names() -> tuple[str, ...]:
    return tuple(sorted(_name_index()))


def commune_display(commune: Commune) -> str:
    """« Villeurbanne (69266) »: the commune's name and INSEE code, as typed back into the
    search form (the code removes any ambiguity between homonyms)."""
    return f"{commune.name} ({commune.code})"


def suggest_communes(text: str, limit: int = 15) -> list[Commune]:
    """Communes whose name starts with `text` (accents, case, hyphens and "saint"/"st"
    ignored), or whose INSEE code / postal code starts with it; exact names first."""
    text = (text or "").strip()
    if not text:
        return []
    if text[:2].isdigit() or text[:2].upper() in {"2A", "2B"}:
        prefix = text.upper().replace(" ", "")
        found = [c for c in all_communes() if c.code.startswith(prefix) or c.postal_code == prefix]
        return sorted(found, key=lambda c: (c.code != prefix, c.code))[:limit]
    key = _name_key(text)
    if not key:
        return []
    names = _sorted_names()
    found: list[Commune] = []
    for name in names[bisect_left(names, key) :]:
        if not name.startswith(key):
            break
        found.extend(_name_index()[name])
        if len(found) >= limit * 3:
            break
    return sorted(found, key=lambda c: (_name_key(c.name) != key, len(c.name), c.code))[:limit]


class CommuneLookupError(ValueError):
    """The text names no commune, or several: `message` says which, in French."""

    def __init__(self, message: str, candidates: list[Commune] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.candidates = candidates or []


def resolve_commune(text: str) -> Commune:
    """The commune meant by what a user typed: an INSEE code (« 69266 »), a name
    (« Villeurbanne », « saint-étienne »), a suggestion (« Villeurbanne (69266) ») or a
    postal code naming a single commune. Raises CommuneLookupError otherwise."""
    text = (text or "").strip()
    if not text:
        raise CommuneLookupError("Indiquez une commune (nom ou code INSEE).")
    for token in INSEE_TOKEN_RE.findall(text):
        commune = get_commune(token)
        if commune is not None:
            return commune
    postal = POSTAL_TOKEN_RE.findall(text)
    if postal:
        matches = [c for c in all_communes() if c.postal_code == postal[-1]]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise CommuneLookupError(
                "Plusieurs communes ont ce code postal : choisissez-en une dans la liste.",
                matches,
            )
    name = INSEE_TOKEN_RE.sub("", POSTAL_TOKEN_RE.sub("", text)).strip(" ()-—,")
    key = _name_key(name)
    matches = list(_name_index().get(key, ()))
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise CommuneLookupError(
            f"Plusieurs communes s'appellent « {name} » : précisez laquelle (avec son code "
            "INSEE, proposé dans la liste).",
            matches,
        )
    raise CommuneLookupError(
        f"Commune inconnue : « {text} ». Tapez le début de son nom et choisissez-la dans "
        "la liste, ou saisissez son code INSEE (5 caractères, ex. 69123 pour Lyon)."
    )


def commune_coordinates(code: str) -> tuple[float, float] | None:
    commune = get_commune(code) if code else None
    if commune is None or commune.latitude is None or commune.longitude is None:
        return None
    return commune.latitude, commune.longitude
