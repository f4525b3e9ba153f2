"""The thématique checkboxes of the service search, rendered in Python.

85 checkboxes (69 thématiques in 16 categories, each category with its own box): as a
template loop, six nodes each, they were the bulk of the search page's rendering (every
search renders the form again above its results). Their markup does not change but for
`checked` and the categories' counts: each checkbox is built once per process, in both
states, and a page joins them.
"""

from __future__ import annotations

from functools import cache
from html import escape

from django.utils.safestring import SafeString, mark_safe

from relais.network.directory import thematiques


def _checkbox(code: str, label: str) -> tuple[str, str]:
    """(unchecked, checked) markup of one checkbox; `label` is already escaped."""
    id_ = escape(f"thematique-{code}")
    start = (
        '<div class="fr-checkbox-group fr-checkbox-group--sm">'
        f'<input type="checkbox" name="thematique" value="{escape(code)}" id="{id_}"'
    )
    end = f'><label class="fr-label" for="{id_}">{label}</label></div>'
    return start + end, start + " checked" + end


@cache
def _groups() -> tuple[tuple[str, str, tuple[str, str], tuple[tuple[str, str, str], ...]], ...]:
    """Per category: (code, escaped label, its own checkbox, ((code, unchecked, checked), …))."""
    built = []
    for code, label, items in thematiques.groups():
        whole = _checkbox(code, f"Toute la catégorie « {escape(label)} »")
        rows = tuple((c, *_checkbox(c, escape(text))) for c, text in items)
        built.append((code, escape(label), whole, rows))
    return tuple(built)


def thematique_checkboxes(selected: set[str]) -> SafeString:
    """One `<details>` per category (open when some of its boxes are checked, with their
    count), its « whole category » box, then its thématiques."""
    parts = []
    for code, label, whole, rows in _groups():
        count = (code in selected) + sum(1 for c, _, _ in rows if c in selected)
        parts.append(
            '<details class="relais-details relais-thematique-group"'
            f"{' open' if count else ''}><summary>{label}"
        )
        if count:
            parts.append(f" ({count} choisie{'s' if count > 1 else ''})")
        parts.append("</summary>")
        parts.append(whole[code in selected])
        parts.extend(checked if c in selected else unchecked for c, unchecked, checked in rows)
        parts.append("</details>")
    return mark_safe("".join(parts))  # noqa: S308 — every text escaped above
