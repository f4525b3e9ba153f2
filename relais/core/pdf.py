"""PDFs from HTML templates (WeasyPrint), with the DSFR's Marianne font.

WeasyPrint may read the bundled fonts and nothing else: no network, no other file. The HTML
holds user text (escaped by the templates), but a PDF must not be a way to read the server's
disk or to make it fetch a URL, whatever ends up in it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def fonts_dir() -> Path | None:
    """The folder of the DSFR fonts shipped by django-dsfr, if the static files hold them."""
    found = finders.find("dsfr/dist/fonts/Marianne-Regular.woff")
    return Path(found).parent if found else None


def fonts_url() -> str:
    """`file://` URL of the fonts folder, for the templates' @font-face rules ("" without)."""
    fonts = fonts_dir()
    return fonts.as_uri() if fonts else ""


def _fonts_only_fetcher():
    from weasyprint.urls import URLFetcher

    allowed = fonts_dir()

    class FontsOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if allowed is not None and parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(allowed.resolve()):
                    return super().fetch(url, headers)
            raise ValueError(f"Ressource refusée dans le PDF : {url}")

    return FontsOnlyFetcher(allowed_protocols={"file"})


def html_to_pdf(html: str, *, stylesheet: str = "") -> bytes:
    """The PDF of an HTML page; `stylesheet`: CSS added to the page's own styles."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()  # needed for @font-face (the DSFR's Marianne)
    stylesheets = [CSS(string=stylesheet, font_config=fonts)] if stylesheet else []
    return HTML(string=html, url_fetcher=_fonts_only_fetcher()).write_pdf(
        stylesheets=stylesheets, font_config=fonts
    )


def render_html(template: str, context: dict[str, Any]) -> str:
    """The template rendered with `fonts_url` (for its @font-face rules) in its context."""
    return render_to_string(template, {"fonts_url": fonts_url(), **context})


def render_pdf(template: str, context: dict[str, Any], *, stylesheet: str = "") -> bytes:
    """The PDF of a template (see `render_html`)."""
    return html_to_pdf(render_html(template, context), stylesheet=stylesheet)
