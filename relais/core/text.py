"""Text normalisation shared by domain apps: accent/case-insensitive keys, French phones."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _transliterated(value: str) -> str:
    # Letters, marks and digits of any script are transliterated to ASCII (anyascii: « Ł »
    # → "L", « ß » → "ss", « Œ » → "OE", « Þ » → "Th", Cyrillic, Greek, Arabic, Chinese…);
    # symbols and punctuation (emoji included) become spaces, never words.
    kept = "".join(
        c if unicodedata.category(c)[0] in "LMN" else " "
        for c in unicodedata.normalize("NFC", value)
    )
    return anyascii(kept)


def fold(value: str) -> str:
    """Lowercase ASCII, letters and digits only, words separated by one space:
    « Marie-Hélène  D'Arc » → "marie helene d arc", « Łukasik » → "lukasik", « Cœur » →
    "coeur", « Strauß » → "strauss", « Иванов » → "ivanov". Letters that do not decompose
    are transliterated, never dropped, and a name in another script keeps a searchable
    romanisation. The one folding of names: the name search, `Person.name_key` and the
    duplicate check's keys all use it."""
    value = value or ""
    if value.isascii():  # nothing to transliterate: the same result, much faster
        return _NON_ALNUM.sub(" ", value.lower()).strip()
    return _NON_ALNUM.sub(" ", _transliterated(value).lower()).strip()


def collapse(value: str) -> str:
    """The folded value without its spaces: « Le Goff », « LEGOFF » and « N'Diaye » /
    « Ndiaye » give the same "legoff", "ndiaye" (particles joined or split)."""
    return fold(value).replace(" ", "")


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


# Control characters but tab, line feed and carriage return.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def one_line(value: object) -> str:
    """The text on one line: control characters removed, runs of white space made one
    space (names, titles)."""
    return " ".join(CONTROL_CHARS.sub("", str(value or "")).split())


def clean_text(
    value: str | None,
    *,
    field: str | None = None,
    label: str = "",
    limit: int | None = None,
    required: bool = False,
) -> str:
    """A free text as services store it: stripped; a DomainError (French, on `field`) when
    it is required and empty or longer than `limit` characters."""
    from relais.core.errors import DomainError

    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"Le champ « {label} » est obligatoire.", field=field)
    if limit is not None and len(text) > limit:
        raise DomainError(
            f"« {label} » : {limit} caractères au plus (vous en avez saisi {len(text)}).",
            field=field,
        )
    return text


# Besides letters (of any script, with their accents and marks): what a name may hold.
NAME_PUNCTUATION = frozenset(" -‐'’ʼ.")


def name_character_error(name: str, label: str) -> str | None:
    """The French message for a name holding a character no name holds (markup, digits,
    symbols), or None. Letters of every script are accepted, with spaces, hyphens,
    apostrophes (' and ’) and dots (« Marie-Hélène d’Arc », « J.-P. », « Łukasz », « 王 »)."""
    refused = []
    for char in unicodedata.normalize("NFC", name):
        if char in NAME_PUNCTUATION or unicodedata.category(char)[0] in ("L", "M"):
            continue
        if char not in refused:
            refused.append(char)
    if not refused:
        return None
    shown = ", ".join(f"« {c} »" for c in refused[:5] if c.isprintable())
    return (
        f"« {label} » ne peut contenir que des lettres, des espaces, des traits d'union, "
        f"des apostrophes et des points" + (f" (refusé : {shown})." if shown else ".")
    )
