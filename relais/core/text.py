"""Text normalisation shared by domain apps: accent/case-insensitive keys, French phones."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(value: str) -> str:
    """Lowercase, strip accents, turn hyphens/apostrophes/punctuation into single spaces:
    « Marie-Hélène  D'Arc » → "marie helene d arc". Used for search and duplicate keys."""
    if (value or "").isascii():  # no accents to strip: the same result, much faster
        return _NON_ALNUM.sub(" ", (value or "").lower()).strip()
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", ascii_only.lower()).strip()


def normalise_french_phone(value: str) -> str:
    """Return the phone in national format « 06 12 34 56 78 », or raise ValueError.

    Accepts spaces, dots, dashes, +33 / 0033 prefixes and overseas numbers (10 digits
    starting with 0 once normalised)."""
    digits = re.sub(r"[\s.\-()/]", "", value or "")
    if digits.startswith("+33"):
        digits = "0" + digits[3:]
    elif digits.startswith("0033"):
        digits = "0" + digits[4:]
    if not re.fullmatch(r"0[1-9]\d{8}", digits):
        raise ValueError(value)
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
