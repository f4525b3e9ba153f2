"""Are two identities the same person? A record-linkage model (Fellegi–Sunter-like).

Each field is compared on its own and the comparison falls in a *level* (same, phonetic,
typo, one of several given names, different…); each level carries a weight, in bits: the
log-ratio of how often true duplicates and different persons show that level. The weights
add up; a pair whose total reaches `THRESHOLD` is proposed as a possible duplicate, with
the reasons, in French, of every agreeing field. Fields compared:

- birth name and usage name, each against each (« Martin » typed where the record says
  usage name « Martin », birth name « Durand »), particles and spaces ignored (« Le Goff »
  / « Legoff »), with the French phonetic key (relais.core.phonetic);
- the given names, whole and one by one (« Claire » / « Marie-Claire »);
- the birth date, by the kind of difference: same, day and month swapped, one digit,
  two adjacent digits swapped, one year apart, a few days apart; 15 years or more apart is
  strong evidence of *another* person (a parent and a child), whatever the digits;
- sex, phone, e-mail and France Travail identifier, when both records have them.

Agreement on a name weighs less when the name is common in the organisation (sharing
« Martin » says less than sharing « Kowalczyk »): `Frequencies` gives how many of the
organisation's persons carry a name's phonetic key.

Names typed the wrong way round (first name as last name) are compared both ways; the
better reading is kept with a small penalty. Model, weights and measured precision and
recall: docs/identity-matching.md. Nothing here reads the database."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz.distance import JaroWinkler, Levenshtein

from relais.core.phonetic import french_phonetic
from relais.core.text import fold

# --- Weights (bits) ---------------------------------------------------------------------------
# Tuned on the tuning set of tests/people/identity_cases.py; measured on the held-out one.
THRESHOLD = 8.5

SURNAME = {"exact": 9.0, "phonetic": 7.5, "close": 5.0, "partial": 4.0, None: -7.0}
GIVEN = {"exact": 6.0, "phonetic": 5.0, "partial": 3.5, "close": 3.0, None: -12.0}
DATE = {
    "exact": 7.0,
    "swap": 5.0,
    "one_digit": 4.0,
    "transposed": 4.0,
    "year": 3.0,
    "near": 2.0,
    "same_day_month": -4.0,
    "far": -9.0,
    "very_far": -14.0,
}
INVERTED_PENALTY = 1.0
# Frequent names: an agreement loses `FREQUENCY_SLOPE` bits per doubling of the persons
# bearing the name in the organisation, beyond the first, at most `FREQUENCY_CAP` bits.
FREQUENCY_SLOPE = 0.5
FREQUENCY_CAP = 3.0
SEX = {"agree": 0.5, "disagree": -6.0}
# Relatives often share a phone or an address: they weigh less than an identifier.
PHONE = {"agree": 3.0, "disagree": -1.0}
EMAIL = {"agree": 4.0, "disagree": -0.5}
FRANCE_TRAVAIL = {"agree": 9.0, "disagree": -4.0}

VERY_FAR_YEARS = 15
NEAR_DAYS = 31
CLOSE_JARO_WINKLER = 0.9

SURNAME_REASON = {
    "exact": "même nom",
    "phonetic": "nom proche (phonétique)",
    "close": "nom proche (faute de frappe)",
    "partial": "nom composé en partie commun",
}
GIVEN_REASON = {
    "exact": "même prénom",
    "phonetic": "prénom proche (phonétique)",
    "partial": "l’un des prénoms en commun",
    "close": "prénom proche (faute de frappe)",
}
DATE_REASON = {
    "exact": "même date de naissance",
    "swap": "jour et mois de naissance inversés",
    "one_digit": "date de naissance à un chiffre près",
    "transposed": "deux chiffres de la date de naissance inversés",
    "year": "même jour et mois de naissance, à un an près",
}
ROLE_NAME = {"birth": "nom de naissance", "usage": "nom d’usage"}

_DIGITS = re.compile(r"\D")


@dataclass(frozen=True, slots=True)
class Name:
    """One name (a birth name, a usage name, a given name) in its compared forms."""

    text: str  # folded: "le goff"
    joined: str  # particles and spaces ignored: "legoff"
    phonetic: str  # "legof"
    words: frozenset[str]  # folded words of 3 letters or more

    @classmethod
    def of(cls, value: str) -> Name | None:
        text = fold(value)[:200]
        if not text:
            return None
        joined = text.replace(" ", "")
        return cls(
            text=text,
            joined=joined,
            phonetic=french_phonetic(joined),
            words=frozenset(w for w in text.split() if len(w) >= 3),
        )


def _name_level(a: Name, b: Name) -> str | None:
    if a.joined == b.joined:
        return "exact"
    if a.phonetic and a.phonetic == b.phonetic:
        return "phonetic"
    shortest = min(len(a.joined), len(b.joined))
    if shortest >= 4:
        distance = Levenshtein.distance(a.joined, b.joined, score_cutoff=2)
        if distance <= 1 or (distance == 2 and shortest >= 8):
            return "close"
        if JaroWinkler.normalized_similarity(a.joined, b.joined) >= CLOSE_JARO_WINKLER:
            return "close"
        if len(a.phonetic) >= 4 and Levenshtein.distance(a.phonetic, b.phonetic) <= 1:
            return "close"
    if a.words & b.words:
        return "partial"
    return None


_ORDER = ("exact", "phonetic", "close", "partial")


def _better(level: str | None, than: str | None) -> bool:
    if level is None:
        return False
    return than is None or _ORDER.index(level) < _ORDER.index(than)


class Profile:
    """An identity prepared once for many comparisons (the typed identity, or a record)."""

    __slots__ = (
        "birth_date",
        "digits",
        "email",
        "france_travail_id",
        "given",
        "given_words",
        "inverted",
        "ordinal",
        "phone",
        "pk",
        "sex",
        "surnames",
    )

    def __init__(
        self,
        *,
        birth_name: str,
        first_names: str,
        birth_date: dt.date,
        usage_name: str = "",
        sex: str = "",
        phone: str = "",
        email: str = "",
        france_travail_id: str = "",
        pk: int | None = None,
    ) -> None:
        self.pk = pk
        surnames = []
        birth, usage = Name.of(birth_name), Name.of(usage_name)
        if birth:
            surnames.append(("birth", birth))
        if usage and (not birth or usage.joined != birth.joined):
            surnames.append(("usage", usage))
        self.surnames: tuple[tuple[str, Name], ...] = tuple(surnames)
        self.given = Name.of(first_names)
        words = fold(first_names)[:200].split()
        self.given_words: tuple[Name, ...] = tuple(
            n for n in (Name.of(w) for w in dict.fromkeys(words)) if n
        )
        self.birth_date = birth_date
        self.digits = birth_date.strftime("%d%m%Y")
        self.ordinal = birth_date.toordinal()
        self.inverted: Profile | bool | None = False  # computed once, when first needed
        self.sex = sex if sex in ("F", "M") else ""
        self.phone = _DIGITS.sub("", phone or "")[-9:]
        self.email = (email or "").strip().lower()
        self.france_travail_id = (france_travail_id or "").strip().upper()

    @property
    def is_comparable(self) -> bool:
        return bool(self.surnames and self.given)


def given_level(a: Profile, b: Profile) -> str | None:
    if a.given is None or b.given is None:
        return None
    level = _name_level(a.given, b.given)
    if level in ("exact", "phonetic"):
        return level
    # One given name of several in common (« Claire » / « Marie-Claire »).
    if len(a.given_words) > 1 or len(b.given_words) > 1:
        for x in a.given_words:
            for y in b.given_words:
                if len(x.joined) >= 2 and (x.joined == y.joined or x.phonetic == y.phonetic):
                    return "partial"
    return level


def surname_level(a: Profile, b: Profile) -> tuple[str | None, str, str]:
    """(level, typed role, record role) of the best agreement between the surnames."""
    best: tuple[str | None, str, str] = (None, "birth", "birth")
    for role_a, x in a.surnames:
        for role_b, y in b.surnames:
            level = _name_level(x, y)
            if _better(level, best[0]):
                best = (level, role_a, role_b)
                if level == "exact" and role_a == role_b:
                    return best
    return best


def date_kind(a: dt.date, b: dt.date) -> str:
    """The kind of difference between two birth dates (see DATE)."""
    return _date_kind(a.toordinal(), b.toordinal(), a.strftime("%d%m%Y"), b.strftime("%d%m%Y"))


def _date_kind(a: int, b: int, x: str, y: str) -> str:
    # a, b: ordinals; x, y: "DDMMYYYY".
    if a == b:
        return "exact"
    days = abs(a - b)
    if days >= 365.25 * VERY_FAR_YEARS:
        return "very_far"
    if x[:2] == y[2:4] and x[2:4] == y[:2] and x[4:] == y[4:]:
        return "swap"
    diff = [i for i in range(8) if x[i] != y[i]]
    if len(diff) == 1:
        return "one_digit"
    if (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and x[diff[0]] == y[diff[1]]
        and x[diff[1]] == y[diff[0]]
    ):
        return "transposed"
    if x[:4] == y[:4]:
        return "year" if abs(int(x[4:]) - int(y[4:])) == 1 else "same_day_month"
    if days <= NEAR_DAYS:
        return "near"
    return "far"


def _best_extras(a: Profile, b: Profile) -> float:
    extra = SEX["agree"] if a.sex and b.sex else 0.0
    for field, weights in (
        ("phone", PHONE),
        ("email", EMAIL),
        ("france_travail_id", FRANCE_TRAVAIL),
    ):
        if getattr(a, field) and getattr(b, field):
            extra += weights["agree"]
    return extra


def cannot_match(a: Profile, b: Profile) -> bool:
    """True when even the best agreement of the names could not reach the threshold with
    these birth dates (a cheap test before `compare`, for the search of a whole base)."""
    kind = _date_kind(a.ordinal, b.ordinal, a.digits, b.digits)
    best = SURNAME["exact"] + GIVEN["exact"] + DATE[kind] + _best_extras(a, b)
    return best < THRESHOLD


Frequencies = Mapping[tuple[str, str], int]


def _frequency_penalty(count: int) -> float:
    if count <= 1:
        return 0.0
    return min(FREQUENCY_CAP, FREQUENCY_SLOPE * math.log2(count))


@dataclass(frozen=True, slots=True)
class Match:
    weight: float
    reasons: tuple[str, ...]
    date: str  # the kind of birth-date difference
    surname: str | None
    given: str | None

    @property
    def is_likely(self) -> bool:
        return self.weight >= THRESHOLD

    @property
    def score(self) -> int:
        """0-100 for display: 67 at the threshold, 97 eight bits above."""
        x = (self.weight - THRESHOLD) / 2 + 1
        return round(100 / (1 + 2 ** (-x)))


def _names_weight(
    a: Profile, b: Profile, frequencies: Frequencies
) -> tuple[float, list[str], str | None, str | None]:
    reasons = []
    s_level, role_a, role_b = surname_level(a, b)
    weight = SURNAME[s_level]
    if s_level:
        if s_level in ("exact", "phonetic"):
            code = dict(a.surnames)[role_a].phonetic
            weight -= _frequency_penalty(frequencies.get(("s", code), 1))
        reason = SURNAME_REASON[s_level]
        if role_a == role_b:
            reason = reason.replace("nom", ROLE_NAME[role_b], 1)
        else:
            reason += f" ({ROLE_NAME[role_a]} saisi, {ROLE_NAME[role_b]} du dossier)"
        reasons.append(reason)
    g_level = given_level(a, b)
    if g_level in ("phonetic", "close") and a.sex and b.sex and a.sex != b.sex:
        # « Jean » / « Jeanne », « Enzo » / « Enza »: close given names of the two sexes
        # are those of a brother and a sister, not a typo.
        g_level = None
    weight += GIVEN[g_level]
    if g_level:
        if g_level in ("exact", "phonetic") and a.given:
            weight -= _frequency_penalty(frequencies.get(("g", a.given.phonetic), 1))
        reasons.append(GIVEN_REASON[g_level])
    return weight, reasons, s_level, g_level


def _inverted(p: Profile) -> Profile | None:
    """The same identity, its (birth) name and given names exchanged."""
    if not p.surnames or p.given is None:
        return None
    q = Profile.__new__(Profile)
    for slot in Profile.__slots__:
        setattr(q, slot, getattr(p, slot))
    birth = p.surnames[0][1]
    q.surnames = (("birth", p.given),)
    q.given = birth
    q.given_words = tuple(n for n in (Name.of(w) for w in birth.text.split()) if n)
    q.inverted = None
    return q


def compare(a: Profile, b: Profile, frequencies: Frequencies | None = None) -> Match:
    """How likely the typed identity `a` is the record `b`."""
    frequencies = frequencies or {}
    weight, reasons, s_level, g_level = _names_weight(a, b, frequencies)
    if s_level is None or g_level is None:
        if a.inverted is False:
            a.inverted = _inverted(a)
        inverted = a.inverted
        if inverted is not None:
            w2, r2, s2, g2 = _names_weight(inverted, b, frequencies)
            w2 -= INVERTED_PENALTY
            if w2 > weight:
                weight, reasons, s_level, g_level = w2, [*r2, "nom et prénom inversés"], s2, g2
    kind = _date_kind(a.ordinal, b.ordinal, a.digits, b.digits)
    weight += DATE[kind]
    if kind in DATE_REASON:
        reasons.append(DATE_REASON[kind])
    elif kind == "near":
        days = abs((a.birth_date - b.birth_date).days)
        reasons.append(f"dates de naissance proches ({days} jour{'s' if days > 1 else ''} d’écart)")
    if a.sex and b.sex:
        weight += SEX["agree" if a.sex == b.sex else "disagree"]
    for field, weights, reason in (
        ("phone", PHONE, "même téléphone"),
        ("email", EMAIL, "même adresse e-mail"),
        ("france_travail_id", FRANCE_TRAVAIL, "même identifiant France Travail"),
    ):
        x, y = getattr(a, field), getattr(b, field)
        if x and y:
            if x == y:
                weight += weights["agree"]
                reasons.append(reason)
            else:
                weight += weights["disagree"]
    return Match(
        weight=round(weight, 2),
        reasons=tuple(reasons),
        date=kind,
        surname=s_level,
        given=g_level,
    )
