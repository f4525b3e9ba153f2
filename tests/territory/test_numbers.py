"""Numbers written the French or the English way, markers of missing figures, and the forms
that are refused rather than guessed."""

from __future__ import annotations

import pytest

from relais.territory.models import Marker
from relais.territory.numbers import MISSING, NotANumber, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12.0),
        ("12 345,6", 12345.6),
        ("12 345", 12345.0),
        ("12\u00a0345", 12345.0),  # no-break space
        ("12\u202f345,6", 12345.6),  # narrow no-break space (French typography)
        ("1 234 567,89", 1234567.89),
        ("12.345,6", 12345.6),  # dot thousands, decimal comma
        ("1.234.567", 1234567.0),
        ("1,234.5", 1234.5),  # comma thousands, decimal point
        ("1,234,567.25", 1234567.25),
        ("0,5", 0.5),
        (",5", 0.5),
        ("1,234", 1.234),  # a lone separator is a decimal one
        ("1.234", 1.234),
        ("-3,2", -3.2),
        ("– 3,2", -3.2),  # en dash and a space
        ("\u22123,2", -3.2),  # minus sign
        ("+4", 4.0),
        ("12,5 %", 12.5),
        ("12,5%", 12.5),
        ("  7 ", 7.0),
        ("\u00a012 345,6\u00a0", 12345.6),
        ("1,5E-2", 0.015),
        ("2e3", 2000.0),
        ("1'234", 1234.0),  # Swiss thousands
    ],
)
def test_numbers(text, value):
    assert parse_number(text) == (pytest.approx(value), "")


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("s", "s"),
        ("S", "s"),
        ("(s)", "s"),
        ("c", "c"),
        ("nd", "nd"),
        ("n.d.", "nd"),
        ("ND", "nd"),
        ("nc", "nc"),
        ("n.c.", "nc"),
        ("n.s.", "ns"),
        ("///", "so"),
        ("…", "nd"),
        ("...", "nd"),
        ("", "nd"),
        ("   ", "nd"),
        (None, "nd"),
    ],
)
def test_markers_are_missing_never_zero(text, marker):
    assert parse_number(text) == (None, marker)


def test_every_marker_is_a_choice_of_the_model():
    assert set(MISSING.values()) <= set(Marker.values) - {""}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1,2,3", "chiffres mal groupés"),
        ("12 34,5", "chiffres mal groupés"),
        ("1 2345", "chiffres mal groupés"),
        ("1.234.5", "chiffres mal groupés"),
        ("12  345", "chiffres mal groupés"),
        ("1,,2", "chiffres mal groupés"),
        ("1.2,3.4", "plusieurs séparateurs décimaux"),
        ("1 234.567,8", "milliers séparés de deux façons"),
        ("12.", "chiffres attendus après le séparateur décimal"),
        ("12abc", "n'est pas un nombre"),
        ("abc", "n'est pas un nombre"),
        ("12 ans", "n'est pas un nombre"),
        ("12,5 €", "n'est pas un nombre"),
        ("%", "n'est pas un nombre"),
        ("–", "n'est pas un nombre"),
        ("--3", "n'est pas un nombre"),
        ("e5", "n'est pas un nombre"),
        ("nan", "n'est pas un nombre"),
        ("inf", "n'est pas un nombre"),
        ("=SOMME(A1:A3)", "formule de tableur"),
    ],
)
def test_malformed_or_ambiguous_numbers_are_refused_quoting_the_text(text, reason):
    with pytest.raises(NotANumber) as caught:
        parse_number(text)
    message = str(caught.value)
    assert f"« {text.strip()} »" in message
    assert reason in message
    assert isinstance(caught.value, ValueError)  # callers catch ValueError


def test_a_long_text_is_quoted_cut():
    with pytest.raises(NotANumber, match=r"« x{40} »"):
        parse_number("x" * 500)
