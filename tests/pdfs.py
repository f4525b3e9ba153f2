"""Reading a PDF in tests, with no external tool: its document title (below) and the text
of its pages (`pdf_text`, through pypdf, already a dependency for the uploads' checks)."""

from __future__ import annotations

import io
import re
import zlib

_STREAM_START = re.compile(rb"stream\r?\n")
_TITLE = re.compile(rb"/Title\s*(\((?:[^()\\]|\\.)*\)|<[0-9a-fA-F]+>)")


def _decode(raw: bytes) -> str:
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode())
        if data.startswith(b"\xfe\xff"):
            return data[2:].decode("utf-16-be")
        return data.decode("latin-1")
    return re.sub(rb"\\(.)", rb"\1", raw[1:-1]).decode("latin-1")


def pdf_title(pdf: bytes) -> str:
    """The document title from the PDF's metadata (the /Title of the dictionary holding
    /Producer, not a bookmark's), wherever WeasyPrint put it (plain or in a compressed
    object stream), decoded from PDF string syntax.

    Each stream is inflated from its first byte until zlib says it ended, rather than cut
    at « endstream »: compressed bytes may end with a carriage return, which a pattern
    stopping at an optional « \\r\\nendstream » would strip (a test failing once in a few
    hundred runs, as the creation date changes the bytes)."""
    chunks = [pdf]
    for match in _STREAM_START.finditer(pdf):
        try:
            chunks.append(zlib.decompressobj().decompress(pdf[match.end() :]))
        except zlib.error:
            continue
    for chunk in chunks:
        for found in _TITLE.finditer(chunk):
            before = chunk[max(0, found.start() - 400) : found.start()]
            if b"/Producer" in before[before.rfind(b"<<") :]:
                return _decode(found.group(1))
    return ""


def pdf_text(pdf: bytes) -> str:
    """The text of every page, as a reader would copy it, with runs of white space (line
    breaks, the narrow spaces of figures) made one space, so that a test can look for a
    sentence wherever the layout wrapped it."""
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())
