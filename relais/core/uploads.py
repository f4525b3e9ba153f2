"""Uploaded files: their real type read from their content (not their name), their whole
structure checked (relais.core.file_checks), an optional virus scan, their size, a safe
original name, their hash. No domain knowledge: the people's documents and consents'
signed forms use it, and so may any module that stores a file."""

from __future__ import annotations

import hashlib
import math
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings

from relais.core import file_checks
from relais.core.antivirus import scan_for_viruses
from relais.core.file_checks import RefusedFile as RefusedFile  # re-exported for callers
from relais.core.file_checks import refuse
from relais.core.text import one_line


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extensions: tuple[str, ...]


PDF = FileType("application/pdf", "PDF", ("pdf",))
JPEG = FileType("image/jpeg", "image JPEG", ("jpg", "jpeg"))
PNG = FileType("image/png", "image PNG", ("png",))
WEBP = FileType("image/webp", "image WebP", ("webp",))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "document Word",
    ("docx",),
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "classeur Excel",
    ("xlsx",),
)
ODT = FileType("application/vnd.oasis.opendocument.text", "texte OpenDocument", ("odt",))
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", "classeur OpenDocument", ("ods",))
DOC = FileType("application/msword", "document Word 97-2003", ("doc",))
XLS = FileType("application/vnd.ms-excel", "classeur Excel 97-2003", ("xls",))

ALLOWED_FILE_TYPES = (PDF, JPEG, PNG, WEBP, DOCX, XLSX, ODT, ODS, DOC, XLS)
ALLOWED_TYPES_TEXT = (
    "PDF, JPEG, PNG, WebP, Word (DOC, DOCX), Excel (XLS, XLSX), OpenDocument (ODT, ODS)"
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODF_TYPES = {ODT.content_type: ODT, ODS.content_type: ODS}


def _sniff_zip(stream: IO[bytes]) -> FileType:
    """OOXML (DOCX, XLSX) and OpenDocument (ODT, ODS) are zip containers: the container says
    what it holds ([Content_Types].xml, or the `mimetype` entry for OpenDocument)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > 100:
                    raise refuse("Ce document OpenDocument est mal formé.")
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared in _ODF_TYPES:
                    return _ODF_TYPES[declared]
            elif "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size > 1_000_000:
                    raise refuse("Ce document Office est mal formé.")
                manifest = archive.read("[Content_Types].xml")
                if b"macroEnabled" in manifest or "vbaProject.bin" in {
                    PurePath(n).name for n in names
                }:
                    raise refuse(
                        "Les documents contenant des macros ne sont pas acceptés : "
                        "enregistrez-le en PDF ou en document sans macro."
                    )
                if b"wordprocessingml.document.main+xml" in manifest:
                    return DOCX
                if b"spreadsheetml.sheet.main+xml" in manifest:
                    return XLSX
    except (zipfile.BadZipFile, KeyError, ValueError, RuntimeError, NotImplementedError):
        raise refuse("Ce fichier est une archive illisible ou endommagée.") from None
    raise refuse(f"Ce type de fichier n'est pas accepté. Types acceptés : {ALLOWED_TYPES_TEXT}.")


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _sniff_ole(stream: IO[bytes], extension: str) -> FileType:
    """Word 97-2003 and Excel 97-2003 share the OLE2 container (as do installers): look for
    the stream that makes it a document."""
    stream.seek(0)
    content = stream.read()
    if extension == "doc" and _utf16("WordDocument") in content:
        return DOC
    if extension == "xls" and (_utf16("Workbook") in content or _utf16("Book") in content):
        return XLS
    if _utf16("WordDocument") in content:
        return DOC
    if _utf16("Workbook") in content:
        return XLS
    raise refuse(f"Ce type de fichier n'est pas accepté. Types acceptés : {ALLOWED_TYPES_TEXT}.")


def sniff_file_type(stream: IO[bytes], filename: str = "") -> FileType:
    """The real type of a file, from its content (its « magic bytes »), whatever its name
    says. Raises RefusedFile for anything outside ALLOWED_FILE_TYPES."""
    stream.seek(0)
    head = stream.read(16)
    extension = PurePath(filename).suffix.lower().lstrip(".")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        stream.seek(0)
        return _sniff_zip(stream)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(stream, extension)
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        raise refuse(
            "Ce fichier est un programme exécutable, quel que soit son nom : il est refusé. "
            f"Types acceptés : {ALLOWED_TYPES_TEXT}."
        )
    raise refuse(
        f"Le contenu de ce fichier ne correspond à aucun type accepté ({ALLOWED_TYPES_TEXT})."
    )


def size_in_mb(size: int, *, rounding=round) -> str:
    """« 2,5 » for 2.5 MiB, to one decimal; `rounding=math.ceil` never shows a size smaller
    than it is (a file just over the limit must not read « 10 Mo : maximum 10 Mo »)."""
    tenths = rounding(size * 10 / (1024 * 1024))
    text = f"{tenths / 10:.1f}".replace(".", ",")
    return text.removesuffix(",0")


def check_upload(uploaded: Any) -> tuple[FileType, str]:
    """Size, then real type, then name: returns the type and a safe original name."""
    limit = settings.RELAIS_DOCUMENT_MAX_BYTES
    size = uploaded.size or 0
    if size == 0:
        raise refuse("Le fichier est vide.")
    if size > limit:
        raise refuse(
            f"Le fichier fait {size_in_mb(size, rounding=math.ceil)} Mo : la taille maximale est de "
            f"{size_in_mb(limit)} Mo. Réduisez-le (par exemple en le numérisant en "
            "noir et blanc ou en PDF) puis déposez-le de nouveau."
        )
    original = PurePath(str(uploaded.name or "document").replace("\\", "/")).name
    original = one_line(original)[:150] or "document"
    file_type = sniff_file_type(uploaded, original)
    extension = PurePath(original).suffix.lower().lstrip(".")
    if not extension:
        original = f"{original}.{file_type.extensions[0]}"
    elif extension not in file_type.extensions:
        raise refuse(
            f"Le nom du fichier se termine par « .{extension} » mais son contenu est un "
            f"fichier {file_type.label} : renommez-le en « .{file_type.extensions[0]} » "
            "ou déposez le bon fichier."
        )
    check_structure(uploaded, file_type)
    scan_for_viruses(uploaded)
    return file_type, original


def check_structure(stream: IO[bytes], file_type: FileType) -> None:
    """Open the file as its type for real (relais.core.file_checks)."""
    if file_type is PDF:
        file_checks.check_pdf(stream)
    elif file_type in (JPEG, PNG, WEBP):
        file_checks.check_image(stream)
    elif file_type in (DOCX, XLSX, ODT, ODS):
        file_checks.check_zip_document(stream)
    elif file_type in (DOC, XLS):
        file_checks.check_ole_document(stream)


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()
