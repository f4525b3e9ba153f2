"""The rows of the caseload table, rendered in Python (as Django's admin renders its change
lists): a template loop cost about 150 µs per row, 7 ms for a page of 50, a sixth of a
page that must answer in under 50 ms (docs/performance.md). Each row is one string built
from escaped values (`html.escape`, the function Django's `escape` calls): `format_html`
per cell cost about as much again (its `conditional_escape` and `mark_safe` per value)."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from relais.pathways.caseload import CaseloadRow

register = template.Library()

_NONE = "—"
_TITLE_CHARS = 60


def _muted(text: str) -> str:
    return f'<span class="fr-text--sm">{text}</span>'


def _shorten(text: str) -> str:
    """At most `_TITLE_CHARS` characters, the last one « … » when cut (as `truncatechars`)."""
    return text if len(text) <= _TITLE_CHARS else text[: _TITLE_CHARS - 1] + "…"


def row_html(row: CaseloadRow, *, is_manager: bool, can_reassign: bool) -> SafeString:
    p = row.person
    pk = int(p.pk)
    name = escape(p.display_name)
    cells: list[str] = []
    if can_reassign:
        cells.append(
            '<td><div class="fr-checkbox-group fr-checkbox-group--sm">'
            f'<input type="checkbox" name="persons" value="{pk}" id="choix-{pk}">'
            f'<label class="fr-label" for="choix-{pk}"><span class="fr-sr-only">'
            f"Sélectionner {name}</span></label></div></td>"
        )
    cells.append(
        f'<td><a href="{escape(row.url)}">{name}</a><br>'
        f'<span class="fr-text--xs">{int(p.age)} ans</span></td>'
    )
    if is_manager:
        referent = p.referent
        if referent:
            cells.append(f"<td>{escape(referent.get_full_name() or referent.email)}</td>")
        else:
            cells.append(f"<td>{_muted('Sans référent')}</td>")
    if p.current_scheme:
        more = p.active_pathways - 1
        others = f' <span class="fr-text--xs">(+{int(more)})</span>' if more > 0 else ""
        cells.append(f"<td>{escape(row.scheme_label)}{others}</td>")
    else:
        cells.append(f"<td>{_NONE}</td>")
    if row.urgency_label:
        cells.append(
            '<td><span class="fr-badge fr-badge--sm fr-badge--no-icon '
            f'fr-badge--{row.urgency_level}">{escape(row.urgency_label)}</span></td>'
        )
    else:
        cells.append(f"<td>{_muted('Pas de diagnostic')}</td>")
    if p.next_step_on:
        title = escape(_shorten(p.next_step_title or ""))
        cells.append(f'<td>{row.next_step_day}<br><span class="fr-text--xs">{title}</span></td>')
    else:
        cells.append(f"<td>{_NONE}</td>")
    cells.append(f"<td>{row.next_review_day or _NONE}</td>")
    cells.append(f"<td>{row.last_contact_day if p.last_contact_on else _muted('Aucun')}</td>")
    alerts = "<br>".join(
        f'<p class="fr-badge fr-badge--sm fr-badge--{level} fr-mb-1v" data-alert="{key}">'
        f"{escape(label)}</p>"
        for key, label, level in row.alert_items
    )
    cells.append(f'<td data-testid="caseload-alerts">{alerts or _NONE}</td>')
    return mark_safe(  # noqa: S308 — every value above is escaped or a number
        f'<tr data-testid="caseload-row" data-person="{pk}">{"".join(cells)}</tr>'
    )


@register.simple_tag
def caseload_rows(rows, is_manager: bool, can_reassign: bool) -> SafeString:
    return mark_safe(  # noqa: S308 — each row is built by row_html
        "\n".join(row_html(r, is_manager=is_manager, can_reassign=can_reassign) for r in rows)
    )
