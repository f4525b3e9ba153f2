"""The whole structure of an accepted file, not only its first bytes.

`relais.core.uploads` tells a file's type from its first bytes; that alone let through a PDF
header followed by an executable, a PDF carrying JavaScript, or a Word document holding
hundreds of megabytes of zeros. Here each accepted type is opened for real: a PDF is parsed
(pypdf) and refused if it carries active content (scripts, launch actions, embedded files) or
data after its end; an image is decoded (Pillow) within a pixel budget; an Office or
OpenDocument file is a ZIP archive whose members are checked (count, total size, compression
ratio, paths, macros and ActiveX); an Office 97-2003 file is refused when it holds macros.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from typing import IO

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from relais.core.errors import DomainError

# A scanned page at 600 dpi is about 35 million pixels; 80 million leaves room for a poster.
MAX_IMAGE_PIXELS = 80_000_000
# Office/OpenDocument: what an honest document of at most RELAIS_DOCUMENT_MAX_BYTES unpacks to.
MAX_ZIP_MEMBERS = 5_000
MAX_ZIP_UNPACKED = 150 * 1024 * 1024
MAX_ZIP_RATIO = 150  # text XML compresses ~10-20×; 200 MB of zeros compresses ~1000×
ZIP_RATIO_FLOOR = 1024 * 1024  # small members may compress better without being a bomb
# Bytes allowed after the last %%EOF of a PDF (some scanners add a few).
PDF_TRAILING_SLACK = 1024

# Names whose presence in a PDF means it can act on its own when opened.
_PDF_ACTIVE = (
    (b"/JavaScript", "du code JavaScript"),
    (b"/JS", "du code JavaScript"),
    (b"/Launch", "une commande qui lance un programme"),
    (b"/EmbeddedFile", "des fichiers joints"),
    (b"/EmbeddedFiles", "des fichiers joints"),
    (b"/RichMedia", "un contenu multimédia actif"),
    (b"/XFA", "un formulaire dynamique (XFA)"),
)
_PDF_NAME = re.compile(rb"/[A-Za-z]+")


class RefusedFile(DomainError):
    """The uploaded file is not accepted (type, size, content)."""


def refuse(message: str) -> RefusedFile:
    return RefusedFile(message, field="file")


def check_pdf(stream: IO[bytes]) -> None:
    stream.seek(0)
    content = stream.read()
    end = content.rfind(b"%%EOF")
    if end < 0 or len(content[end + 5 :].strip()) > PDF_TRAILING_SLACK:
        raise refuse(
            "Ce PDF est incomplet ou suivi d'autres données : enregistrez-le de nouveau "
            "depuis votre logiciel (« Imprimer en PDF ») puis déposez-le."
        )
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            raise refuse(
                "Ce PDF est protégé par un mot de passe : déposez-en une version sans "
                "protection, que vos collègues pourront ouvrir."
            )
        pages = len(reader.pages)
        names = set(_PDF_NAME.findall(content))
        # Names hidden in compressed object streams: walk what the pages and the catalogue
        # refer to, as pypdf resolves it.
        for page in reader.pages:
            names.update(_names_in(page))
        names.update(_names_in(reader.trailer["/Root"]))
    except RefusedFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise refuse("Ce PDF est illisible ou endommagé.") from None
    if pages == 0:
        raise refuse("Ce PDF ne contient aucune page.")
    for name, what in _PDF_ACTIVE:
        if name in names:
            raise refuse(
                f"Ce PDF contient {what}, qui pourrait s'exécuter à son ouverture : il est "
                "refusé. Imprimez-le de nouveau en PDF (ou numérisez le papier) puis déposez-le."
            )
    stream.seek(0)


def _names_in(obj, depth: int = 0, seen: set[int] | None = None) -> set[bytes]:
    """The PDF names used as keys in `obj` and what it refers to (bounded walk)."""
    seen = set() if seen is None else seen
    found: set[bytes] = set()
    if depth > 12 or id(obj) in seen or len(seen) > 20_000:
        return found
    seen.add(id(obj))
    obj = obj.get_object() if hasattr(obj, "get_object") else obj
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in ("/Parent", "/P"):
                continue
            found.add(str(key).encode("latin-1", "replace"))
            if str(value) in ("/JavaScript", "/Launch"):
                found.add(str(value).encode())
            found |= _names_in(value, depth + 1, seen)
    elif isinstance(obj, list):
        for value in obj:
            found |= _names_in(value, depth + 1, seen)
    return found


def check_image(stream: IO[bytes]) -> None:
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise refuse(
                        f"Cette image est trop grande ({width} × {height} pixels) : "
                        "réduisez-la avant de la déposer."
                    )
                image.load()
    except RefusedFile:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise refuse("Cette image est illisible ou endommagée.") from None
    stream.seek(0)


def check_zip_document(stream: IO[bytes]) -> None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise refuse("Ce document contient trop d'éléments pour un document ordinaire.")
            total = 0
            for info in members:
                name = info.filename
                if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
                    raise refuse("Ce document est mal formé (chemin interne suspect).")
                lowered = name.lower()
                if "activex" in lowered or lowered.rsplit("/", 1)[-1].startswith("oleobject"):
                    raise refuse(
                        "Ce document contient des objets actifs (ActiveX ou objets OLE) : "
                        "enregistrez-le en PDF puis déposez-le."
                    )
                total += info.file_size
                if info.file_size > ZIP_RATIO_FLOOR and info.file_size > MAX_ZIP_RATIO * max(
                    info.compress_size, 1
                ):
                    raise refuse(_BOMB)
            if total > MAX_ZIP_UNPACKED:
                raise refuse(_BOMB)
            bad = archive.testzip()
            if bad is not None:
                raise refuse("Ce document est endommagé.")
    except RefusedFile:
        raise
    except (zipfile.BadZipFile, ValueError, RuntimeError, NotImplementedError, OSError):
        raise refuse("Ce fichier est une archive illisible ou endommagée.") from None
    stream.seek(0)


_BOMB = (
    "Ce document se décompresse en un volume anormal de données : il est refusé. "
    "Enregistrez-le en PDF puis déposez-le."
)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def check_ole_document(stream: IO[bytes]) -> None:
    stream.seek(0)
    content = stream.read()
    if _utf16("_VBA_PROJECT") in content or _utf16("Macros") in content:
        raise refuse(
            "Les documents contenant des macros ne sont pas acceptés : "
            "enregistrez-le en PDF ou en document sans macro."
        )
    stream.seek(0)
