"""The timeline's items, rendered in Python (as the caseload's rows, `caseload_tags`): the
template loop cost about 0.2 ms per item, 10 ms for a page of 50 — a fifth of the section,
whose SQL takes a few milliseconds (docs/performance.md). Every text is escaped
(`html.escape`, the function Django's `escape` calls)."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from relais.records.timeline import TimelineItem

register = template.Library()


def item_html(item: TimelineItem) -> str:
    at = f" à {item.at_label}" if item.at else ""
    badge = (
        '<span class="fr-badge fr-badge--sm fr-badge--no-icon '
        f'fr-badge--{escape(item.badge_level)} fr-ml-1w">{escape(item.badge)}</span>'
        if item.badge
        else ""
    )
    title = escape(item.title)
    if item.url:
        title = f'<a href="{escape(item.url)}">{title}</a>'
    detail = (
        f'<p class="fr-text--sm fr-mb-0 relais-chrono__detail">{escape(item.detail)}</p>'
        if item.detail
        else ""
    )
    return (
        f'<li class="relais-chrono__item" data-kind="{escape(str(item.kind))}">'
        f'<span class="relais-chrono__icon {escape(item.icon)}" aria-hidden="true"></span>'
        '<div class="relais-chrono__body"><p class="relais-chrono__meta fr-mb-0">'
        f'<time datetime="{item.on_iso}">{item.on_day}{at}</time>'
        f'<span class="fr-tag fr-tag--sm fr-ml-1w">{escape(str(item.kind_label))}</span>'
        f'{badge}</p><p class="fr-mb-0">{title}</p>{detail}</div></li>'
    )


@register.simple_tag
def timeline_items(items: list[TimelineItem]) -> SafeString:
    return mark_safe("\n".join(item_html(i) for i in items))  # noqa: S308 — escaped above
