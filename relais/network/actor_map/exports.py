"""The actor map's downloads: the flows and partnerships as CSV (what French spreadsheets
open directly), and the diagram as an SVG file of its own."""

from __future__ import annotations

import io

from relais.core.cells import SafeWriter
from relais.network.actor_map.diagram import actor_map_svg
from relais.network.actor_map.graph import ActorMap

CSV_HEADER = (
    "type",
    "de",
    "commune (de)",
    "vers",
    "commune (vers)",
    "nature",
    "orientations",
    "taux d'acceptation",
    "délai médian de réponse",
    "depuis",
    "jusqu'au",
)


def actor_map_csv(actor_map: ActorMap) -> str:
    """Flows and partnerships, one line each, « ; » separated (what French spreadsheets
    open directly); small counts masked as in the tables."""
    out = io.StringIO()
    writer = SafeWriter(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for f in actor_map.flows:
        writer.writerow(
            (
                "orientations",
                f.source.name,
                f.source.commune_name,
                f.target.name,
                f.target.commune_name,
                "",
                f.count_label,
                f.rate_label,
                f.delay_label,
                actor_map.start.strftime("%d/%m/%Y"),
                actor_map.end.strftime("%d/%m/%Y"),
            )
        )
    for p in actor_map.partnerships:
        writer.writerow(
            (
                "partenariat",
                p.source.name,
                p.source.commune_name,
                p.target.name,
                p.target.commune_name,
                p.kind_label,
                "",
                "",
                "",
                p.started_on.strftime("%d/%m/%Y") if p.started_on else "",
                p.ended_on.strftime("%d/%m/%Y") if p.ended_on else "",
            )
        )
    return out.getvalue()


def actor_map_svg_file(actor_map: ActorMap, *, chart_id: str = "cartographie") -> str:
    """The diagram as an SVG file of its own (with its XML declaration), for the download."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + actor_map_svg(actor_map, chart_id=chart_id)
