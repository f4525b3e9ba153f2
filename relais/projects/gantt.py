"""The Gantt chart of an action plan, as server-rendered SVG.

Why SVG from the server rather than a JavaScript library: the Content-Security-Policy
allows no inline style (frappe-gantt sets them), the chart must print and go into the PDF
report unchanged, and on the plan page the same figures are shown in a table beside it
(the table `plan-table` of `projects/plan.html`). Critical tasks are dark red and marked « (critique) »,
late tasks are hatched and marked « (en retard) »: colour is never the only carrier. Each
dependency is drawn as an elbow line from the end of a task to the start of its successor.
"""

from __future__ import annotations

import datetime as dt

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from relais.core.charts import FONT, GRID, INK
from relais.projects.models import TaskStatus
from relais.projects.plan import Plan

ROW = 22
LABEL_WIDTH = 260
CHART_WIDTH = 640
HEADER = 34
NORMAL = "#000091"
CRITICAL = "#c9191e"
DONE = "#18753c"
CANCELLED = "#929292"
MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    day, found = start.replace(day=1), []
    while day <= end:
        found.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return found


def gantt_svg(plan: Plan, *, today: dt.date | None = None) -> SafeString:
    if not plan.tasks or plan.start is None or plan.end is None:
        return mark_safe("")
    span = (plan.end - plan.start).days + 1
    scale = CHART_WIDTH / span
    width = LABEL_WIDTH + CHART_WIDTH + 10
    height = HEADER + ROW * len(plan.tasks) + 10

    def x(day: dt.date) -> float:
        return LABEL_WIDTH + (day - plan.start).days * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="relais-gantt" role="img" '
        f'aria-labelledby="gantt-title gantt-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{FONT}" font-size="11">',
        '<title id="gantt-title">Diagramme de Gantt du plan d\'action</title>',
        f'<desc id="gantt-desc">{len(plan.tasks)} tâches du {plan.start:%d/%m/%Y} au '
        f"{plan.end:%d/%m/%Y}, dont {plan.critical_count} sur le chemin critique et "
        f"{plan.late_count} en retard. Les mêmes données sont dans le tableau qui suit.</desc>",
        '<defs><pattern id="gantt-late" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{CRITICAL}" stroke-width="3"/></pattern></defs>',
    ]
    for month in _months(plan.start, plan.end):
        left = max(x(month), LABEL_WIDTH)
        parts.append(
            f'<line x1="{left:.1f}" y1="{HEADER - 14}" x2="{left:.1f}" y2="{height - 10}" stroke="{GRID}"/>'
            f'<text x="{left + 3:.1f}" y="{HEADER - 18}" fill="{INK}">{MONTHS[month.month - 1]} {month.year}</text>'
        )
    if today and plan.start <= today <= plan.end:
        parts.append(
            f'<line x1="{x(today):.1f}" y1="{HEADER - 14}" x2="{x(today):.1f}" y2="{height - 10}" '
            f'stroke="{CRITICAL}" stroke-dasharray="4 3"/>'
            f'<text x="{x(today) + 3:.1f}" y="{HEADER - 4}" fill="{CRITICAL}">aujourd\'hui</text>'
        )
    rows = {p.pk: i for i, p in enumerate(plan.tasks)}
    for i, p in enumerate(plan.tasks):
        top = HEADER + i * ROW
        task = p.task
        colour = NORMAL
        if task.status == TaskStatus.DONE:
            colour = DONE
        elif task.status == TaskStatus.CANCELLED:
            colour = CANCELLED
        elif p.critical:
            colour = CRITICAL
        marks = []
        if p.critical:
            marks.append("critique")
        if p.late:
            marks.append("en retard")
        title = task.title if len(task.title) <= 34 else task.title[:33] + "…"
        suffix = f" ({', '.join(marks)})" if marks else ""
        bar_width = max(task.duration_days * scale, 3)
        fill = "url(#gantt-late)" if p.late else colour
        parts.append(
            f'<g><text x="4" y="{top + 15}" fill="{INK}">{escape(title)}{escape(suffix)}</text>'
            f'<rect x="{x(task.starts_on):.1f}" y="{top + 4}" width="{bar_width:.1f}" height="{ROW - 8}" '
            f'fill="{fill}" stroke="{colour}" stroke-width="1.5"/></g>'
        )
        for before in p.predecessors:
            j = rows.get(before)
            if j is None:
                continue
            start_x = x(plan.tasks[j].task.ends_on + dt.timedelta(days=1))
            start_y = HEADER + j * ROW + ROW / 2
            end_x = x(task.starts_on)
            end_y = top + ROW / 2
            parts.append(
                f'<polyline points="{start_x:.1f},{start_y:.1f} {start_x + 4:.1f},{start_y:.1f} '
                f'{start_x + 4:.1f},{end_y:.1f} {end_x:.1f},{end_y:.1f}" fill="none" '
                f'stroke="{INK}" stroke-width="0.8" stroke-opacity="0.6"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every user text above is escaped)
