"""The tests' PDF title reader finds the title in a compressed stream whatever its last byte."""

from __future__ import annotations

import zlib

from tests.pdfs import pdf_title


def _stream_ending_with(last: bytes) -> bytes:
    for n in range(100_000):
        compressed = zlib.compress(b"<< /Producer (WeasyPrint) /Title (Bilan %d) >>" % n)
        if compressed.endswith(last):
            return compressed
    raise AssertionError("no such stream")


def test_title_read_from_a_stream_whose_last_byte_is_a_carriage_return():
    compressed = _stream_ending_with(b"\r")
    pdf = b"%PDF-1.7\n1 0 obj\n<< /Filter /FlateDecode >>\nstream\n" + compressed
    pdf += b"\nendstream\nendobj\n%%EOF"
    assert pdf_title(pdf).startswith("Bilan ")


def test_no_title_gives_an_empty_string():
    assert pdf_title(b"%PDF-1.7\n%%EOF") == ""


def test_page_text_read_with_its_white_space_made_one_space():
    from relais.core.pdf import html_to_pdf
    from tests.pdfs import pdf_text

    pdf = html_to_pdf(
        "<html><body><h1>Bilan</h1><p>12\u202f345 personnes</p>"
        '<p style="page-break-before: always">Page suivante</p></body></html>'
    )
    assert pdf_text(pdf) == "Bilan 12 345 personnes Page suivante"
