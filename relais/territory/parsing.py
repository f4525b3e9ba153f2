"""Reading files of public statistics (CSV or XLSX) as they come: Windows-1252 or UTF-8
(with or without BOM), `;`, `,` or tab separators, decimal commas, thousands separated by
spaces (« 12 345,6 »), secret-statistique markers (« s », « nd ») kept as missing, commune
codes that lost their leading zero in a spreadsheet or belong to communes merged since.

Files are read as a stream, line by line (a national file weighs 200 MB); every problem is
reported with its line number, in French."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from relais.territory import geography
from relais.territory.models import DELIMITER_LABELS, ENCODING_LABELS
from relais.territory.numbers import MISSING, NotANumber, parse_number

__all__ = ["MISSING", "NotANumber", "parse_number"]  # read here by imports and labour

SNIFF_BYTES = 64 * 1024
MAX_COLUMNS = 200
YEAR_HEADER = re.compile(r"^\D{0,12}((?:19|20)\d{2})\D{0,3}$")


class FileUnreadable(ValueError):
    """The file as a whole cannot be read (not a table, wrong kind, empty)."""


@dataclass
class Preview:
    header: list[str]
    rows: list[list[str]]
    encoding: str
    delimiter: str
    year_columns: list[str] = field(default_factory=list)

    @property
    def encoding_label(self) -> str:
        return ENCODING_LABELS[self.encoding]

    @property
    def delimiter_label(self) -> str:
        return DELIMITER_LABELS[self.delimiter]


def is_xlsx(name: str) -> bool:
    return name.lower().endswith(".xlsx")


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A cut multi-byte character at the end of the sample is still UTF-8.
        if error.reason != "unexpected end of data":
            return "cp1252"
    return "utf-8"


ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "cp1252": "Windows-1252"}


def _file_encoding(path: Path, head: bytes) -> str:
    """The encoding of the whole file, or FileUnreadable naming the exact line of the first
    byte it cannot read. The sample decides, except when it holds nothing but ASCII: then
    the first accent further on does (a Windows-1252 file whose first accent comes after
    the sample is read as such, not refused halfway through the import)."""
    encoding = detect_encoding(head)
    if encoding == "utf-8" and head.isascii() and _first_bad_byte(path, "utf-8") is not None:
        encoding = "cp1252"
    _check_bytes(path, encoding)
    return encoding


def _check_bytes(path: Path, encoding: str) -> None:
    bad = _first_bad_byte(path, encoding)
    if bad is not None:
        line, byte = bad
        raise FileUnreadable(
            f"Ligne {line} : caractère illisible en {ENCODING_NAMES[encoding]} "
            f"(octet {byte!r}). "
            "Enregistrez le fichier en UTF-8 ou en Windows-1252 (« CSV (séparateur : "
            "point-virgule) » dans Excel)."
        )


def _first_bad_byte(path: Path, encoding: str) -> tuple[int, bytes] | None:
    """(line number, byte) of the first byte `encoding` cannot decode, or None. One pass
    over the file in 1 MiB pieces (a 200 MB file: a fraction of a second)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line = 1
    with path.open("rb") as raw:
        while chunk := raw.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                # error.object is the bytes the decoder kept from the last piece + this one
                kept = len(error.object) - len(chunk)
                at = max(0, error.start - kept)
                return line + chunk[:at].count(b"\n"), error.object[error.start : error.start + 1]
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            return line, error.object[error.start : error.start + 1]
    return None


def detect_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise FileUnreadable(
            "La première ligne n'a qu'une colonne : séparez les colonnes par « ; », « , » "
            "ou une tabulation, et donnez-leur un titre."
        )
    return best


def _csv_lines(
    path: Path,
    on_bytes: Callable[[int], None] | None = None,
    encoding: str = "",
    delimiter: str = "",
):
    """(encoding, delimiter, iterator of (line number, cells)) of a CSV file, streamed. The
    encoding and the delimiter found at upload are given back by the import's task: the
    file is read as it was previewed (its bytes are still checked, line by line)."""
    with path.open("rb") as probe:
        head = probe.read(SNIFF_BYTES)
    if not head.strip():
        raise FileUnreadable("Le fichier est vide.")
    if encoding in ENCODING_NAMES:
        _check_bytes(path, encoding)
    else:
        encoding = _file_encoding(path, head)
    if delimiter not in (";", ",", "\t"):
        first = head.decode(encoding, errors="replace").splitlines()[0]
        delimiter = detect_delimiter(first)

    def lines() -> Iterator[tuple[int, list[str]]]:
        with path.open("rb") as raw:
            counted = _CountingReader(raw, on_bytes)
            text = io.TextIOWrapper(counted, encoding=encoding, errors="strict", newline="")
            reader = csv.reader(text, delimiter=delimiter)
            number = 0
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except UnicodeDecodeError as error:
                    raise FileUnreadable(
                        f"Ligne {number + 2} : caractère illisible en {encoding.upper()} "
                        f"(octet {error.object[error.start : error.start + 1]!r}). Enregistrez "
                        "le fichier en UTF-8 ou en Windows-1252 (« CSV (séparateur : "
                        "point-virgule) » dans Excel)."
                    ) from error
                except csv.Error as error:
                    raise FileUnreadable(
                        f"Ligne {number + 1} : {csv_error_message(error)}"
                    ) from error
                number = reader.line_num
                yield number, cells

    return encoding, delimiter, lines()


# Python's csv module speaks English; a user reads French. Known messages by their start.
CSV_ERRORS = (
    (
        "field larger than field limit",
        "une case dépasse la taille permise (131 072 caractères) ; "
        "un guillemet est sans doute resté ouvert plus haut",
    ),
    (
        "line contains nul",
        "la ligne contient un caractère nul : ce n'est sans doute pas un fichier texte (CSV)",
    ),
    (
        "new-line character seen in unquoted field",
        "retour à la ligne inattendu dans une case "
        "sans guillemets ; enregistrez le fichier de nouveau au format CSV",
    ),
    (
        "unexpected end of data",
        "le fichier se termine au milieu d'une case (guillemet non refermé)",
    ),
    (
        "expected after",
        "un guillemet fermant doit être suivi du séparateur ou de la fin de la ligne",
    ),
)


def csv_error_message(error: csv.Error) -> str:
    """A French message for an error of the csv reader."""
    text = str(error).lower()
    for start, message in CSV_ERRORS:
        if start in text:
            return message
    return "ligne illisible au format CSV (guillemets ou séparateurs mal placés)"


class _CountingReader(io.RawIOBase):
    """Passes bytes through and tells how many were read (the progress bar)."""

    def __init__(self, raw, on_bytes):
        self._raw = raw
        self._on_bytes = on_bytes
        self._done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self._done += len(data)
        if self._on_bytes is not None:
            self._on_bytes(self._done)
        return len(data)


def _xlsx_lines(path: Path, on_bytes: Callable[[int], None] | None = None):
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileUnreadable("Ce fichier n'est pas un classeur Excel (.xlsx) lisible.") from error
    sheet = book.worksheets[0]
    total = sheet.max_row or 1
    size = path.stat().st_size

    def lines() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if on_bytes is not None and number % 500 == 0:
                    on_bytes(int(size * number / total))
                yield number, ["" if v is None else _cell_text(v) for v in row]
        finally:
            book.close()

    return "xlsx", "", lines()


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def open_lines(
    path: Path,
    name: str,
    on_bytes: Callable[[int], None] | None = None,
    *,
    encoding: str = "",
    delimiter: str = "",
):
    if is_xlsx(name):
        return _xlsx_lines(path, on_bytes)
    return _csv_lines(path, on_bytes, encoding, delimiter)


def preview(path: Path, name: str, rows: int = 8) -> Preview:
    encoding, delimiter, lines = open_lines(path, name)
    header: list[str] | None = None
    shown: list[list[str]] = []
    for _number, cells in lines:
        if header is None:
            header = [c.strip() for c in cells]
            continue
        shown.append(cells)
        if len(shown) >= rows:
            break
    if not header or not any(header):
        raise FileUnreadable("La première ligne doit donner le titre de chaque colonne.")
    if len(header) > MAX_COLUMNS:
        raise FileUnreadable(f"{MAX_COLUMNS} colonnes au plus.")
    years = [h for h in header if YEAR_HEADER.match(h)]
    return Preview(header, shown, encoding, delimiter, years)


def header_year(title: str) -> int | None:
    match = YEAR_HEADER.match(title.strip())
    return int(match.group(1)) if match else None


def normalise_code(raw: str, level: str) -> tuple[str | None, str]:
    """(code in the COG, note) — the note says a former commune was mapped; None when the
    COG does not know the code."""
    code = (raw or "").strip().upper()
    if level == "france":
        return ("FR", "") if code in ("FR", "FRANCE", "FRA", "") else (None, "")
    if level == "commune":
        if code.isdigit() and 3 <= len(code) < 5:
            code = code.zfill(5)  # a spreadsheet dropped the leading zero
        current = geography.current_code(code)
        if current is None:
            return None, ""
        return current, ("" if current == code else f"{code}→{current}")
    if level == "departement":
        if code.isdigit() and len(code) == 1:
            code = code.zfill(2)
        return (code, "") if code in geography.departements() else (None, "")
    if level == "region":
        return (code.zfill(2), "") if code.zfill(2) in geography.regions() else (None, "")
    if level == "epci":
        return (code, "") if code in geography.epcis() else (None, "")
    return None, ""
