"""Uploaded files: the real type read from the content (relais.core.uploads)."""

from __future__ import annotations

import io
import socket
import threading
import zipfile

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from relais.core import file_checks
from relais.core.uploads import RefusedFile, check_upload, sniff_file_type
from tests.people import files


class TestSniffing:
    @pytest.mark.parametrize(
        ("data", "name", "content_type"),
        [
            (files.PDF_BYTES, "a.pdf", "application/pdf"),
            (files.PNG_BYTES, "a.png", "image/png"),
            (files.JPEG_BYTES, "a.jpg", "image/jpeg"),
            (files.WEBP_BYTES, "a.webp", "image/webp"),
            (
                files.DOCX_BYTES,
                "a.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            (
                files.XLSX_BYTES,
                "a.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (files.ODT_BYTES, "a.odt", "application/vnd.oasis.opendocument.text"),
            (files.ODS_BYTES, "a.ods", "application/vnd.oasis.opendocument.spreadsheet"),
            (files.DOC_BYTES, "a.doc", "application/msword"),
            (files.XLS_BYTES, "a.xls", "application/vnd.ms-excel"),
        ],
    )
    def test_allowed_types(self, data, name, content_type):
        assert sniff_file_type(io.BytesIO(data), name).content_type == content_type

    def test_exe_renamed_pdf_is_refused(self):
        with pytest.raises(RefusedFile, match="programme exécutable"):
            sniff_file_type(io.BytesIO(files.EXE_BYTES), "attestation.pdf")

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"<html><script>alert(1)</script></html>", "aucun type accepté"),
            (b"#!/bin/sh\nrm -rf /\n", "aucun type accepté"),
            (files.PLAIN_ZIP_BYTES, "n'est pas accepté"),
            (files.DOCM_BYTES, "macros"),
            (files.MSI_BYTES, "n'est pas accepté"),
            (b"PK\x03\x04 not really a zip", "illisible"),
        ],
    )
    def test_other_contents_are_refused(self, data, message):
        with pytest.raises(RefusedFile, match=message):
            sniff_file_type(io.BytesIO(data), "document.pdf")


class TestWholeStructure:
    """The first bytes are not enough: each accepted type is opened for real."""

    def check(self, data: bytes, name: str):
        return check_upload(files.upload(name, data))

    def test_real_files_of_each_type_pass(self):
        for data, name in [
            (files.pdf_bytes(3), "a.pdf"),
            (files.PNG_BYTES, "a.png"),
            (files.JPEG_BYTES, "a.jpg"),
            (files.WEBP_BYTES, "a.webp"),
            (files.DOCX_BYTES, "a.docx"),
            (files.ODT_BYTES, "a.odt"),
        ]:
            assert self.check(data, name)[1] == name

    def test_a_pdf_header_followed_by_an_executable_is_refused(self):
        with pytest.raises(RefusedFile, match=r"illisible|incomplet"):
            self.check(b"%PDF-1.7\n" + files.EXE_BYTES * 50, "a.pdf")

    def test_an_executable_appended_to_a_real_pdf_is_refused(self):
        with pytest.raises(RefusedFile, match="suivi d'autres données"):
            self.check(files.PDF_BYTES + files.EXE_BYTES * 50, "a.pdf")

    def test_a_pdf_with_javascript_is_refused(self):
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('bonjour');"),
            }
        )
        buffer = io.BytesIO()
        writer.write(buffer)
        with pytest.raises(RefusedFile, match="JavaScript"):
            self.check(buffer.getvalue(), "a.pdf")

    def test_a_pdf_with_an_attached_file_is_refused(self):
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer.add_attachment("programme.exe", files.EXE_BYTES)
        buffer = io.BytesIO()
        writer.write(buffer)
        with pytest.raises(RefusedFile, match="fichiers joints"):
            self.check(buffer.getvalue(), "a.pdf")

    def test_a_pdf_without_pages_is_refused(self):
        buffer = io.BytesIO()
        PdfWriter().write(buffer)
        with pytest.raises(RefusedFile, match="aucune page"):
            self.check(buffer.getvalue(), "a.pdf")

    def test_an_encrypted_pdf_is_refused(self):
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer.encrypt("secret")
        buffer = io.BytesIO()
        writer.write(buffer)
        with pytest.raises(RefusedFile, match="mot de passe"):
            self.check(buffer.getvalue(), "a.pdf")

    def test_a_truncated_image_is_refused(self):
        with pytest.raises(RefusedFile, match="image est illisible"):
            self.check(files.PNG_BYTES[:40], "a.png")

    def test_an_image_with_only_a_png_header_is_refused(self):
        with pytest.raises(RefusedFile, match="image est illisible"):
            self.check(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "a.png")

    def test_an_image_too_large_to_decode_is_refused(self, monkeypatch):
        monkeypatch.setattr(file_checks, "MAX_IMAGE_PIXELS", 10_000)
        with pytest.raises(RefusedFile, match="trop grande"):
            self.check(files.image_bytes("PNG", (200, 200)), "a.png")

    def test_a_docx_carrying_a_zip_bomb_is_refused(self):
        bomb = files.zip_bytes(
            {"[Content_Types].xml": files.ooxml_types("wordprocessingml.document.main+xml")}
        )
        buffer = io.BytesIO(bomb)
        with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("word/media/zeros.bin", b"\0" * (200 * 1024 * 1024))
        with pytest.raises(RefusedFile, match="volume anormal"):
            self.check(buffer.getvalue(), "a.docx")

    def test_a_docx_with_activex_is_refused(self):
        data = files.zip_bytes(
            {
                "[Content_Types].xml": files.ooxml_types("wordprocessingml.document.main+xml"),
                "word/activeX/activeX1.xml": b"<ax/>",
            }
        )
        with pytest.raises(RefusedFile, match="objets actifs"):
            self.check(data, "a.docx")

    def test_a_doc_with_macros_is_refused(self):
        data = files.DOC_BYTES + "_VBA_PROJECT".encode("utf-16-le")
        with pytest.raises(RefusedFile, match="macros"):
            self.check(data, "a.doc")


class TestVirusScan:
    """A ClamAV daemon speaking the INSTREAM protocol, on a local socket."""

    @pytest.fixture
    def clamd(self, settings):
        server = socket.create_server(("127.0.0.1", 0))
        received: list[bytes] = []

        def serve():
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                with conn:
                    data = b""
                    while not data.endswith(b"\0\0\0\0") or len(data) < 14:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    received.append(data)
                    infected = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in data
                    conn.sendall(
                        b"stream: Eicar-Test-Signature FOUND\0" if infected else b"stream: OK\0"
                    )

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        settings.RELAIS_CLAMAV_ADDRESS = f"tcp:127.0.0.1:{server.getsockname()[1]}"
        yield received
        server.close()

    def test_a_clean_file_is_scanned_and_accepted(self, clamd):
        assert check_upload(files.upload("a.pdf", files.PDF_BYTES))[0].label == "PDF"
        assert clamd and clamd[0].startswith(b"zINSTREAM\0")

    def test_an_infected_file_is_refused(self, clamd):
        data = files.zip_bytes(
            {
                "[Content_Types].xml": files.ooxml_types("wordprocessingml.document.main+xml"),
                "word/document.xml": b"<w>EICAR-STANDARD-ANTIVIRUS-TEST-FILE</w>",
            }
        )
        with pytest.raises(RefusedFile, match="Eicar-Test-Signature"):
            check_upload(files.upload("a.docx", data))

    def test_an_unreachable_daemon_never_blocks_an_upload(self, settings, caplog):
        settings.RELAIS_CLAMAV_ADDRESS = "tcp:127.0.0.1:9"
        assert check_upload(files.upload("a.pdf", files.PDF_BYTES))[0].label == "PDF"
        assert "Virus scan unavailable" in caplog.text

    def test_no_daemon_configured_means_no_scan(self, settings):
        settings.RELAIS_CLAMAV_ADDRESS = ""
        assert check_upload(files.upload("a.pdf", files.PDF_BYTES))[0].label == "PDF"


@pytest.mark.django_db
def test_a_request_larger_than_the_limit_is_refused_before_it_is_read(client, settings):
    settings.RELAIS_MAX_REQUEST_BYTES = 1024
    response = client.post("/connexion/", {"username": "x" * 4000, "password": "y"})
    assert response.status_code == 413
    assert "trop volumineuse" in response.content.decode()
    api = client.post("/api/v1/me", data="x" * 4000, content_type="application/json")
    assert api.status_code == 413
    assert "trop volumineuse" in api.json()["detail"]
