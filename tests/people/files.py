"""Small, real files of each type, built in memory for the upload tests."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(kind: str, size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


PDF_BYTES = pdf_bytes()
PNG_BYTES = image_bytes("PNG")
JPEG_BYTES = image_bytes("JPEG")
WEBP_BYTES = image_bytes("WEBP")
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64 + b"This program cannot be run in DOS mode"


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml_types(main: str) -> bytes:
    return (
        '<?xml version="1.0"?><Types><Override PartName="/main.xml" '
        f'ContentType="application/vnd.openxmlformats-officedocument.{main}"/></Types>'
    ).encode()


def ooxml(main: str) -> bytes:
    return zip_bytes({"[Content_Types].xml": ooxml_types(main), "word/document.xml": b"<w/>"})


DOCX_BYTES = ooxml("wordprocessingml.document.main+xml")
XLSX_BYTES = ooxml("spreadsheetml.sheet.main+xml")
DOCM_BYTES = zip_bytes(
    {
        "[Content_Types].xml": b'<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
        "word/vbaProject.bin": b"\x00",
    }
)
ODT_BYTES = zip_bytes(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}
)
ODS_BYTES = zip_bytes(
    {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<o/>"}
)
PLAIN_ZIP_BYTES = zip_bytes({"photo.jpg": JPEG_BYTES})
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOC_BYTES = OLE_MAGIC + b"\x00" * 64 + "WordDocument".encode("utf-16-le") + b"\x00" * 16
XLS_BYTES = OLE_MAGIC + b"\x00" * 64 + "Workbook".encode("utf-16-le") + b"\x00" * 16
MSI_BYTES = OLE_MAGIC + b"\x00" * 64 + "SummaryInformation".encode("utf-16-le")


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)
