"""The rows of the caseload table, rendered in Python (as Django's admin renders its change
lists): a template loop cost about 150 µs per row, 7 ms for a page of 50, a sixth of a
page that must answer in under 50 ms (docs/performance.md). Every value goes through
`format_html`, which escapes it."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from relais.pathways.caseload import CaseloadRow

register = template.Library()

_NONE = "—"


def _cell(content) -> SafeString:
    return format_html("<td>{}</td>", content)


def _muted(text: str) -> SafeString:
    return format_html('<span class="fr-text--sm">{}</span>', text)


def row_html(row: CaseloadRow, *, is_manager: bool, can_reassign: bool) -> SafeString:
    p = row.person
    cells: list[SafeString] = []
    if can_reassign:
        cells.append(
            format_html(
                '<td><div class="fr-checkbox-group fr-checkbox-group--sm">'
                '<input type="checkbox" name="persons" value="{pk}" id="choix-{pk}">'
                '<label class="fr-label" for="choix-{pk}"><span class="fr-sr-only">'
                "Sélectionner {name}</span></label></div></td>",
                pk=p.pk,
                name=p.display_name,
            )
        )
    cells.append(
        format_html(
            '<td><a href="{}">{}</a><br><span class="fr-text--xs">{} ans</span></td>',
            row.url,
            p.display_name,
            p.age,
        )
    )
    if is_manager:
        referent = p.referent
        cells.append(
            _cell(
                (referent.get_full_name() or referent.email)
                if referent
                else _muted("Sans référent")
            )
        )
    if p.current_scheme:
        more = p.active_pathways - 1
        cells.append(
            format_html(
                "<td>{}{}</td>",
                row.scheme_label,
                format_html(' <span class="fr-text--xs">(+{})</span>', more) if more > 0 else "",
            )
        )
    else:
        cells.append(_cell(_NONE))
    if row.urgency_label:
        cells.append(
            format_html(
                '<td><span class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--{}">'
                "{}</span></td>",
                row.urgency_level,
                row.urgency_label,
            )
        )
    else:
        cells.append(_cell(_muted("Pas de diagnostic")))
    if p.next_step_on:
        cells.append(
            format_html(
                '<td>{}<br><span class="fr-text--xs">{}</span></td>',
                row.next_step_day,
                Truncator(p.next_step_title or "").chars(60),
            )
        )
    else:
        cells.append(_cell(_NONE))
    cells.append(_cell(row.next_review_day or _NONE))
    cells.append(_cell(row.last_contact_day if p.last_contact_on else _muted("Aucun")))
    alerts = format_html_join(
        mark_safe("<br>"),
        '<p class="fr-badge fr-badge--sm fr-badge--{} fr-mb-1v" data-alert="{}">{}</p>',
        ((level, key, label) for key, label, level in row.alert_items),
    )
    cells.append(format_html('<td data-testid="caseload-alerts">{}</td>', alerts or _NONE))
    return format_html(
        '<tr data-testid="caseload-row" data-person="{}">{}</tr>',
        p.pk,
        mark_safe("".join(cells)),  # noqa: S308 — each cell is built by format_html
    )


@register.simple_tag
def caseload_rows(rows, is_manager: bool, can_reassign: bool) -> SafeString:
    return mark_safe(  # noqa: S308 — each row is built by format_html
        "\n".join(row_html(r, is_manager=is_manager, can_reassign=can_reassign) for r in rows)
    )
