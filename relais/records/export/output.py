"""The export as JSON (for a machine) and as PDF (for the person)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from relais.core import pdf
from relais.records.export.structure import Item, PersonExport


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def _item_json(item: Item) -> dict[str, Any]:
    data = {label: _json_value(value) for label, value in item.fields}
    for group in item.children:
        data[group.title] = [_item_json(child) for child in group.items]
    return data


def as_json(export: PersonExport) -> dict[str, Any]:
    result: dict[str, Any] = {
        "Export": {
            "Objet": "Droit d'accès aux données personnelles (RGPD, article 15)",
            "Personne": export.title,
            "Structure": export.organisation,
            "Établi le": _json_value(export.generated_at),
            "Établi par": export.generated_by,
        }
    }
    for group in export.groups:
        if group.key in ("identite", "situation"):
            result[group.title] = _item_json(group.items[0])
        else:
            result[group.title] = [_item_json(item) for item in group.items]
    return result


def render_pdf(export: PersonExport) -> bytes:
    """The export as a PDF (WeasyPrint), titled with the person's name in its metadata."""
    return pdf.render_pdf(
        "records/export_pdf.html",
        {"export": export},
        stylesheet=pdf.render_html("records/export_pdf.css", {}),
    )
