"""Reading files as they come from statistics offices."""

from __future__ import annotations

import pytest

from relais.territory import parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", (12.0, "")),
        ("12,5", (12.5, "")),
        ("12 345,6", (12345.6, "")),
        ("12\u00a0345,6", (12345.6, "")),
        ("12\u202f345", (12345.0, "")),
        ("1.234,5", (1234.5, "")),
        ("-3.5", (-3.5, "")),
        ("14,2 %", (14.2, "")),
        ("s", (None, "s")),
        ("S", (None, "s")),
        ("nd", (None, "nd")),
        ("n.d.", (None, "nd")),
        ("", (None, "nd")),
    ],
)
def test_parse_number(text, expected):
    assert parsing.parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "12,3,4", "=SOMME(A1:A3)", "12 ans"])
def test_parse_number_refuses_what_is_not_a_number(text):
    with pytest.raises(ValueError, match="»"):
        parsing.parse_number(text)


def test_detect_encoding():
    assert parsing.detect_encoding("\ufeffcode;année".encode()) == "utf-8-sig"
    assert parsing.detect_encoding("code;année".encode()) == "utf-8"
    assert parsing.detect_encoding("code;année".encode("cp1252")) == "cp1252"


def test_detect_delimiter():
    assert parsing.detect_delimiter("a;b;c") == ";"
    assert parsing.detect_delimiter("a\tb") == "\t"
    assert parsing.detect_delimiter("a,b") == ","
    with pytest.raises(parsing.FileUnreadable):
        parsing.detect_delimiter("une seule colonne")


def test_preview_reads_cp1252_with_semicolons(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("Code géo;Année;Valeur\n69266;2021;12 345,6\n".encode("cp1252"))
    preview = parsing.preview(path, "f.csv")
    assert preview.header == ["Code géo", "Année", "Valeur"]
    assert preview.rows == [["69266", "2021", "12 345,6"]]
    assert preview.encoding_label == "Windows-1252"
    assert preview.delimiter_label == "point-virgule"


def test_preview_finds_year_columns(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("CODGEO,P19_POP,P20_POP,2021\n69266,1,2,3\n", encoding="utf-8-sig")
    preview = parsing.preview(path, "f.csv")
    assert preview.header[0] == "CODGEO"  # the BOM is not part of the title
    assert preview.year_columns == ["2021"]


def test_normalise_code():
    assert parsing.normalise_code("1015", "commune") == ("01015", "")
    assert parsing.normalise_code("01340", "commune") == ("01015", "01340→01015")
    assert parsing.normalise_code("99999", "commune") == (None, "")
    assert parsing.normalise_code("1", "departement") == ("01", "")
    assert parsing.normalise_code("200046977", "epci") == ("200046977", "")


def test_a_broken_csv_line_is_reported_in_french(tmp_path):
    """The csv module's own message (« field larger than field limit ») is English."""
    path = tmp_path / "f.csv"
    path.write_bytes(b'Code;Valeur\n69266;"' + b"x" * 140_000 + b"\n")
    with pytest.raises(parsing.FileUnreadable) as caught:
        _encoding, _delimiter, lines = parsing.open_lines(path, "f.csv")
        list(lines)
    message = str(caught.value)
    assert message.startswith("Ligne ")
    assert "guillemet" in message
    assert "field" not in message and "limit" not in message


def test_csv_error_messages_are_french():
    import csv

    for english in (
        "line contains NUL",
        "new-line character seen in unquoted field - do you need to open the file with newline=''?",
        "',' expected after '\"'",
        "something new",
    ):
        message = parsing.csv_error_message(csv.Error(english))
        assert message and english not in message


def test_cp1252_whose_first_accent_comes_after_the_sample(tmp_path):
    """The first 64 KiB are plain ASCII: the accent further on decides the encoding."""
    path = tmp_path / "tardif.csv"
    rows = ["code;libelle;2024"] + [f"{69000 + i % 900:05d};Lyon;{i}" for i in range(8000)]
    rows.append("69264;Saint-Étienne-des-Oullières;12")
    path.write_bytes("\r\n".join(rows).encode("cp1252"))
    assert path.stat().st_size > parsing.SNIFF_BYTES
    encoding, _delimiter, lines = parsing.open_lines(path, "tardif.csv")
    assert encoding == "cp1252"
    last = list(lines)[-1]
    assert last == (8002, ["69264", "Saint-Étienne-des-Oullières", "12"])


def test_an_unreadable_byte_late_in_the_file_is_reported_at_its_line(tmp_path):
    """UTF-8 with accents at the top, then a byte neither UTF-8 nor Windows-1252 reads."""
    path = tmp_path / "abime.csv"
    rows = ["code;libellé;2024"] + [f"{69000 + i % 900:05d};Lyon;{i}" for i in range(6000)]
    data = "\n".join(rows).encode("utf-8") + b"\n69264;Vill\x81e;3\n69265;Lyon;4\n"
    path.write_bytes(data)
    with pytest.raises(parsing.FileUnreadable, match=r"^Ligne 6002 : caractère illisible"):
        parsing.open_lines(path, "abime.csv")
