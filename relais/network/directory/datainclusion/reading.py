"""Reading uploaded files into rows, first step of an import (it never writes): the size
limit, the encodings (UTF-8 with or without BOM, Windows-1252, refusals with the line),
CSV separators and headers, JSON lists or {"structures", "services"} objects — each row
keeping the line it comes from, so that every later problem names it."""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from relais.network.directory.datainclusion.report import ImportReport
from relais.network.directory.datainclusion.schema import SERVICE_FIELDS, STRUCTURE_FIELDS

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UPLOAD_LABEL = "5 Mo"


@dataclass
class ImportFile:
    """An uploaded file. `kind`: "json", "structures" (CSV) or "services" (CSV)."""

    name: str
    content: bytes
    kind: str


@dataclass
class Row:
    kind: str  # "structure" | "service"
    file: str
    line: int
    data: dict[str, Any]


def decode(content: bytes, name: str, report: ImportReport) -> str | None:
    """UTF-8 (with or without BOM) or Windows-1252 (said in the report); anything else is
    refused with the line of the first unreadable byte."""
    if content.startswith(b"PK\x03\x04"):
        report.error(
            name,
            None,
            "",
            "Ce fichier est un classeur (Excel, LibreOffice…), pas un CSV : "
            "enregistrez-le au format « CSV UTF-8 » puis déposez-le de nouveau.",
        )
        return None
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:4096]:
        report.error(
            name,
            None,
            "",
            "Encodage non pris en charge (UTF-16 ou fichier binaire) : enregistrez le fichier "
            "en UTF-8.",
        )
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as error:
            line = content[: error.start].count(b"\n") + 1
            report.error(
                name,
                line,
                "",
                "Encodage non reconnu (ni UTF-8, ni Windows-1252) : enregistrez le fichier en "
                "UTF-8.",
            )
            return None
        line = content[: utf8_error.start].count(b"\n") + 1
        report.notices.append(
            f"{name} : le fichier n'est pas en UTF-8 (premier caractère non UTF-8 ligne {line}). "
            "Il a été lu en Windows-1252 (l'encodage des anciennes versions d'Excel) : "
            "vérifiez les accents du résultat."
        )
        return text
    if content.startswith(b"\xef\xbb\xbf"):
        report.notices.append(
            f"{name} : UTF-8 avec BOM (marque d'ordre des octets), lu sans difficulté."
        )
    return text


def _close_field(name: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.8)
    return close[0] if close else None


def _unknown_fields(
    names: Iterable[str], known: Sequence[str], file: str, report: ImportReport, line: int | None
) -> None:
    """A misspelt field ("thematique") is an error; a field of another schema is ignored
    (and said in the report)."""
    ignored = []
    for name in names:
        if name in known or not name:
            continue
        close = _close_field(name, known)
        if close:
            report.error(file, line, name, f"Champ inconnu : vouliez-vous dire « {close} » ?")
        else:
            ignored.append(name)
    if ignored:
        report.notices.append(
            f"{file} : champ{'s' if len(ignored) > 1 else ''} ignoré{'s' if len(ignored) > 1 else ''} "
            f"(hors du schéma data·inclusion v1) : {', '.join(sorted(set(ignored)))}."
        )


DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "virgule", ";": "point-virgule", "\t": "tabulation"}


def _sniff_delimiter(header_line: str, known: Sequence[str]) -> str:
    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        names = [cell.strip().lower() for cell in cells]
        return sum(name in known for name in names), len(names)

    return max(DELIMITERS, key=score)


def parse_csv(text: str, file: ImportFile, report: ImportReport) -> list[Row]:
    expected = "service" if file.kind == "services" else "structure"
    known = SERVICE_FIELDS if expected == "service" else STRUCTURE_FIELDS
    lines = text.splitlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        report.error(file.name, None, "", "Le fichier est vide.")
        return []
    delimiter = _sniff_delimiter(lines[header_index], SERVICE_FIELDS + STRUCTURE_FIELDS)
    if delimiter != ",":
        report.notices.append(f"{file.name} : séparateur « {DELIMITER_NAMES[delimiter]} » détecté.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[Row] = []
    previous_line = 0
    try:
        for cells in reader:
            start = previous_line + 1
            previous_line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip().lstrip("\ufeffï»¿").lower() for cell in cells]
                if not any(name in known for name in header):
                    report.error(
                        file.name,
                        start,
                        "",
                        "En-têtes non reconnus : la première ligne doit donner les noms des "
                        f"champs data·inclusion ({', '.join(known[:4])}…).",
                    )
                    return []
                if expected == "structure" and "structure_id" in header:
                    report.error(
                        file.name,
                        start,
                        "structure_id",
                        "Ce fichier contient des services (colonne structure_id) : "
                        "déposez-le comme fichier des services.",
                    )
                    return []
                if expected == "service" and "structure_id" not in header and "siret" in header:
                    report.error(
                        file.name,
                        start,
                        "",
                        "Ce fichier semble contenir des structures (pas de colonne "
                        "structure_id) : déposez-le comme fichier des structures.",
                    )
                    return []
                duplicates = sorted({n for n in header if n and header.count(n) > 1})
                for name in duplicates:
                    report.error(file.name, start, name, "Colonne en double dans l'en-tête.")
                _unknown_fields(header, known, file.name, report, start)
                continue
            if len(cells) != len(header):
                report.error(
                    file.name,
                    start,
                    "",
                    f"{len(cells)} colonnes au lieu de {len(header)} (celles de l'en-tête) : "
                    "vérifiez le séparateur et les guillemets de cette ligne.",
                )
                continue
            data = {name: cell for name, cell in zip(header, cells, strict=True) if name in known}
            rows.append(Row(expected, file.name, start, data))
    except csv.Error as error:
        report.error(file.name, reader.line_num, "", f"CSV illisible : {error}.")
        return []
    if header is None:
        report.error(file.name, None, "", "Le fichier est vide.")
    return rows


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _skip(text: str, index: int) -> int:
    return _WHITESPACE.match(text, index).end()


def _array_offsets(text: str, index: int, decoder: json.JSONDecoder) -> tuple[list[int], int]:
    """Start offsets of the items of the array opening at `index` (a valid document)."""
    offsets: list[int] = []
    index = _skip(text, index + 1)
    if text[index] == "]":
        return offsets, index + 1
    while True:
        offsets.append(index)
        _, index = decoder.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] == ",":
            index = _skip(text, index + 1)
            continue
        return offsets, index + 1


def _item_offsets(text: str) -> dict[tuple[str | None, int], int]:
    """(container key or None for a top-level list, item index) → offset in the text."""
    decoder = json.JSONDecoder()
    index = _skip(text, 0)
    found: dict[tuple[str | None, int], int] = {}
    if text[index] == "[":
        offsets, _ = _array_offsets(text, index, decoder)
        return {(None, n): offset for n, offset in enumerate(offsets)}
    if text[index] != "{":
        return found
    index = _skip(text, index + 1)
    while text[index] != "}":
        key, index = decoder.raw_decode(text, index)
        index = _skip(text, _skip(text, index) + 1)  # the colon
        if text[index] == "[":
            offsets, index = _array_offsets(text, index, decoder)
            found.update({(key, n): offset for n, offset in enumerate(offsets)})
        else:
            _, index = decoder.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] == ",":
            index = _skip(text, index + 1)
    return found


def parse_json(text: str, file: ImportFile, report: ImportReport) -> list[Row]:
    try:
        document = json.loads(text)
    except RecursionError:
        # Hundreds of nested brackets: no data·inclusion file looks like that, and the
        # parser gives up before the server does.
        report.error(
            file.name,
            None,
            "",
            "JSON trop imbriqué : le fichier contient des listes ou des objets imbriqués sur "
            "des centaines de niveaux, ce qui n'est pas un fichier data·inclusion.",
        )
        return []
    except json.JSONDecodeError as error:
        report.error(
            file.name,
            error.lineno,
            "",
            f"JSON invalide (colonne {error.colno}) : vérifiez les virgules, guillemets et "
            "crochets autour de cet endroit.",
        )
        return []
    newlines = [i for i, char in enumerate(text) if char == "\n"]

    def line_of(offset: int | None) -> int:
        return bisect_right(newlines, offset) + 1 if offset is not None else 1

    offsets = _item_offsets(text)
    containers: list[tuple[str | None, list, str | None]] = []
    if isinstance(document, list):
        containers.append((None, document, None))
    elif isinstance(document, dict) and ({"structures", "services"} & set(document)):
        for key, kind in (("structures", "structure"), ("services", "service")):
            if key not in document:
                continue
            if not isinstance(document[key], list):
                report.error(file.name, None, key, f"« {key} » doit être une liste.")
                continue
            containers.append((key, document[key], kind))
        _unknown_fields(
            [k for k in document if k not in ("structures", "services")],
            (),
            file.name,
            report,
            None,
        )
    else:
        report.error(
            file.name,
            1,
            "",
            "Format attendu : une liste de structures et/ou de services, ou un objet "
            '{"structures": [...], "services": [...]}.',
        )
        return []
    rows: list[Row] = []
    for key, items, kind in containers:
        for n, item in enumerate(items):
            line = line_of(offsets.get((key, n)))
            if not isinstance(item, dict):
                report.error(file.name, line, "", "Chaque élément doit être un objet JSON { … }.")
                continue
            item_kind = kind or ("service" if "structure_id" in item else "structure")
            known = SERVICE_FIELDS if item_kind == "service" else STRUCTURE_FIELDS
            _unknown_fields(item, known, file.name, report, line)
            data = {k: v for k, v in item.items() if k in known}
            rows.append(Row(item_kind, file.name, line, data))
    return rows


def read_files(files: Sequence[ImportFile], report: ImportReport) -> list[Row]:
    rows: list[Row] = []
    for file in files:
        if len(file.content) > MAX_UPLOAD_BYTES:
            report.error(file.name, None, "", too_big_message(len(file.content)))
            continue
        text = decode(file.content, file.name, report)
        if text is None:
            continue
        if file.kind == "json":
            rows.extend(parse_json(text, file, report))
        else:
            rows.extend(parse_csv(text, file, report))
    return rows


def too_big_message(size: int) -> str:
    megabytes = f"{size / 1024 / 1024:.1f}".replace(".", ",")
    return (
        f"Le fichier pèse {megabytes} Mo : la limite est de {MAX_UPLOAD_LABEL}. "
        "Découpez-le en plusieurs fichiers (par exemple par département) et importez-les "
        "l'un après l'autre."
    )
