"""The agenda's rows, rendered in Python (as the caseload's, `caseload_tags`): an included
template per appointment, with its three links and four date filters, cost about 1 ms per
row — most of a week's page, whose SQL takes a few milliseconds (docs/performance.md).
Every text is escaped (`html.escape`, the function Django's `escape` calls)."""

from __future__ import annotations

from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from relais.pathways.agenda import ends_at
from relais.pathways.models import Appointment
from relais.web.links import fast_reverse

register = template.Library()


def _local(moment, pattern: str) -> str:
    return timezone.localtime(moment).strftime(pattern)


def row_html(a: Appointment, others: list[Appointment]) -> str:
    person = a.person
    with_name = a.with_user.get_full_name() or a.with_user.email
    conflict = ""
    if others:
        overlapped = ", ".join(
            f"{_local(o.starts_at, '%d/%m %H:%M')} ({escape(o.person.display_name)})"
            for o in others
        )
        conflict = (
            '<p class="fr-badge fr-badge--sm fr-badge--warning fr-mt-1v">Conflit</p>'
            f'<p class="fr-text--xs fr-mb-0">Chevauche : {overlapped}</p>'
        )
    person_url = fast_reverse("people:detail", person.pk)
    update_url = fast_reverse("pathways:appointment_update", person.pk, a.pk)
    ics_url = fast_reverse("agenda:appointment_ics", a.pk)
    marked = ' class="relais-agenda-conflict" data-testid="agenda-conflict"' if others else ""
    starts = timezone.localtime(a.starts_at)
    return (
        f"<tr{marked}>"
        f'<td class="relais-nowrap">{starts:%H:%M} – '
        f"{_local(ends_at(a), '%H:%M')}</td>"
        f'<td><a href="{person_url}#rendez-vous">{escape(person.display_name)}</a></td>'
        f'<td><a href="{update_url}">{escape(a.purpose)}</a>{conflict}</td>'
        f"<td>{escape(with_name)}</td>"
        f"<td>{escape(a.location or '—')}</td>"
        f"<td>{escape(str(a.get_participation_display()))}</td>"
        f'<td><a class="fr-link fr-icon-download-line fr-link--icon-left" href="{ics_url}" '
        f'data-testid="agenda-ics">.ics<span class="fr-sr-only"> : rendez-vous du '
        f"{starts:%d/%m/%Y à %H:%M}</span></a></td>"
        "</tr>"
    )


@register.simple_tag
def agenda_rows(appointments: list[Appointment], conflicts: dict) -> SafeString:
    """The rows of a day's table; `conflicts`: appointment id → the appointments it overlaps."""
    return mark_safe(  # noqa: S308 — every text in row_html is escaped
        "\n".join(row_html(a, conflicts.get(a.pk, [])) for a in appointments)
    )
