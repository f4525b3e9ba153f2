"""Numbers as statistics offices and spreadsheets write them, French or English: « 12 345,6 »
(spaces, no-break or narrow no-break spaces between thousands), « 12.345,6 », « 1,234.5 »,
« 0,5 », « – 3,2 » (typographic minus or en dash), « 12,5 % » (the value 12.5) — and the
markers of a missing figure (« s », « nd », « (s) », « c », « n.s. », « /// », « … », an empty
cell), kept as missing with their marker, never as a zero.

Strict: a form that could be read two ways or is malformed (« 1,2,3 », « 12 34,5 »,
« 1.234.5 », « 12abc ») is refused with the reason in French, rather than guessed. One rule
for the lone separator: « 1,234 » and « 1.234 » are decimals (a French file writes
thousands with spaces; an English one with a comma *and* a decimal point)."""

from __future__ import annotations

import re

from relais.core.cells import looks_like_formula

# The marker a missing figure keeps (`Marker` in models.py), by its lower-case spelling.
MISSING = {
    "s": "s",
    "(s)": "s",
    "secret": "s",
    "c": "c",
    "nd": "nd",
    "n.d.": "nd",
    "n.d": "nd",
    "na": "nd",
    "n/a": "nd",
    "…": "nd",
    "...": "nd",
    "-": "nd",
    "": "nd",
    "nc": "nc",
    "n.c.": "nc",
    "n.c": "nc",
    "ns": "ns",
    "n.s.": "ns",
    "n.s": "ns",
    "///": "so",
}

_PLAIN = re.compile(r"-?\d+(?:[.,]\d+)?")  # the fast path: most cells of a national file
_SCIENTIFIC = re.compile(r"(?:\d+(?:[.,]\d*)?|[.,]\d+)[eE][+-]?\d+")
_MINUS = "-\u2212\u2013\u2012\u2014"  # hyphen-minus, minus sign, en dash, figure dash, em dash
_SPACES = "\u0020\u00a0\u202f\u2009\u2007"  # space, no-break, narrow no-break, thin, figure
_SPACE_RUN = re.compile(f"[{_SPACES}']")
_ALLOWED = re.compile(r"[\d ., ]+")
_FIRST_GROUP = re.compile(r"\d{1,3}")
_GROUP = re.compile(r"\d{3}")
_DIGITS = re.compile(r"\d+")


class NotANumber(ValueError):
    """The French reason a cell is neither a number nor a marker of a missing figure."""


def parse_number(text: str | None) -> tuple[float | None, str]:
    """(value, "") for a number, (None, marker) for a missing figure; NotANumber (a
    ValueError) with the French reason, quoting the text, for anything else."""
    raw = (text or "").strip(_SPACES + "\t")
    if _PLAIN.fullmatch(raw):
        return float(raw.replace(",", ".")), ""
    marker = MISSING.get(raw.lower())
    if marker is not None:
        return None, marker
    shown = f"« {raw[:40]} »"
    if looks_like_formula(raw):
        raise NotANumber(f"{shown} ressemble à une formule de tableur")
    body = raw
    if body.endswith("%"):
        body = body[:-1].rstrip(_SPACES)
    negative = False
    if body and (body[0] in _MINUS or body[0] == "+"):
        negative = body[0] != "+"
        body = body[1:].lstrip(_SPACES)
    if not body:
        raise NotANumber(f"{shown} n'est pas un nombre (ni « s », ni « nd »)")
    scientific = _SCIENTIFIC.fullmatch(body)
    value = float(body.replace(",", ".")) if scientific else _grouped(body, shown)
    return (-value if negative else value), ""


def _grouped(body: str, shown: str) -> float:
    """A number without sign: digits, thousands separators, one decimal separator."""
    body = _SPACE_RUN.sub(" ", body)
    if not _ALLOWED.fullmatch(body) or not any(c.isdigit() for c in body):
        raise NotANumber(f"{shown} n'est pas un nombre (ni « s », ni « nd »)")
    dots, commas, spaced = body.count("."), body.count(","), " " in body
    if dots and commas:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        if body.count(decimal) > 1:
            raise NotANumber(
                f"{shown} : plusieurs séparateurs décimaux « {decimal} » dans un même nombre"
            )
        if spaced:
            raise NotANumber(
                f"{shown} : milliers séparés de deux façons (espaces et « {thousands} »)"
            )
    elif dots > 1 or commas > 1:
        decimal, thousands = None, "." if dots else ","
        if spaced:
            raise NotANumber(
                f"{shown} : milliers séparés de deux façons (espaces et « {thousands} »)"
            )
    elif dots or commas:
        decimal, thousands = ("." if dots else ","), " "
    else:
        decimal, thousands = None, " "
    whole, _, fraction = body.partition(decimal) if decimal else (body, "", "")
    if decimal and not _DIGITS.fullmatch(fraction):
        raise NotANumber(f"{shown} : chiffres attendus après le séparateur décimal « {decimal} »")
    if thousands == " " and decimal and whole == "":
        whole = "0"  # « ,5 »
    groups = whole.split(thousands)
    if len(groups) > 1 and not (
        _FIRST_GROUP.fullmatch(groups[0]) and all(_GROUP.fullmatch(g) for g in groups[1:])
    ):
        raise NotANumber(
            f"{shown} : chiffres mal groupés (les milliers se séparent par groupes de trois "
            "chiffres, « 12 345,6 »)"
        )
    if not all(_DIGITS.fullmatch(g) for g in groups):
        raise NotANumber(f"{shown} n'est pas un nombre (ni « s », ni « nd »)")
    return float("".join(groups) + ("." + fraction if decimal else ""))
