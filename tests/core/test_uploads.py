"""Uploaded files: the real type read from the content (relais.core.uploads)."""

from __future__ import annotations

import io

import pytest

from relais.core.uploads import RefusedFile, sniff_file_type
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
