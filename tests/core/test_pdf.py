"""PDFs read the bundled fonts and nothing else."""

import pytest

from relais.core import pdf


def test_fonts_are_found():
    assert pdf.fonts_dir() is not None
    assert pdf.fonts_url().startswith("file://")


def test_fetcher_refuses_any_other_file_and_the_network():
    fetch = pdf._fonts_only_fetcher()
    with pytest.raises(ValueError, match="refusée"):
        fetch.fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="refusée"):
        fetch.fetch(pdf.fonts_url() + "/../../../../../../etc/passwd")
    with pytest.raises(ValueError, match="refusée"):
        fetch.fetch("http://example.com/x.css")


def test_html_with_outside_references_still_renders_without_reading_them(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    html = f'<p>Bonjour</p><img src="{secret.as_uri()}"><img src="http://127.0.0.1:9/x.png">'
    assert pdf.html_to_pdf(html).startswith(b"%PDF")


def test_render_pdf_gives_the_template_its_fonts():
    html = pdf.render_html("core/pdf_fonts.css", {})
    assert "Marianne-Bold.woff" in html
