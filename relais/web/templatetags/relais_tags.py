"""Template helpers: DSFR form fields with labels, hints and errors tied to the input."""

import copy
from functools import cache

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_DJANGO_SELECT_TEMPLATES = (
    "django/forms/widgets/select.html",
    "django/forms/widgets/select_option.html",
)


class _PythonRenderedSelect:
    """Renders a <select> in Python, the same markup as Django's templates for it.

    Django renders each <option> through a template of its own: a list of 150 référents
    costs several milliseconds per select, on pages that must answer in tens of
    milliseconds (the caseload filter, the journal filter). Only widgets that use
    Django's own select templates are rendered this way (see `_fast_select`)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        "" if option["value"] is None else option["value"],
                        flatatt(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 — every part is escaped above


@cache
def _python_rendered(cls: type) -> type:
    return type(cls.__name__, (_PythonRenderedSelect, cls), {})


def _fast_select(widget: forms.Widget) -> forms.Widget | None:
    """A copy of `widget` rendered in Python, or None if it has templates of its own."""
    if (widget.template_name, widget.option_template_name) != _DJANGO_SELECT_TEMPLATES:
        return None
    fast = copy.copy(widget)
    fast.__class__ = _python_rendered(type(widget))
    return fast


def _field_kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    # CheckboxSelectMultiple is a subclass of RadioSelect: tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


@register.inclusion_tag("includes/field.html")
def dsfr_field(field: forms.BoundField, hint: str = "") -> dict:
    kind = _field_kind(field)
    error_id = f"{field.auto_id}-error"
    hint_text = hint or field.help_text
    hint_id = f"{field.auto_id}-hint"
    describedby = []
    if hint_text:
        describedby.append(hint_id)
    if field.errors:
        describedby.append(error_id)
    attrs = {}
    if kind in {"input", "textarea"}:
        attrs["class"] = "fr-input"
    elif kind == "select":
        attrs["class"] = "fr-select"
    if describedby and kind not in {"radio", "checkboxes"}:
        attrs["aria-describedby"] = " ".join(describedby)
    if field.errors and kind not in {"radio", "checkboxes"}:
        attrs["aria-invalid"] = "true"
    return {
        "field": field,
        "kind": kind,
        "widget": field.as_widget(
            widget=_fast_select(field.field.widget) if kind == "select" else None, attrs=attrs
        ),
        "hint": hint_text,
        "hint_id": hint_id,
        "error_id": error_id,
    }


@register.filter
def role_label(value: str) -> str:
    from relais.accounts.models import Role

    return Role(value).label if value in Role.values else value


@register.simple_tag
def options(choices) -> SafeString:
    """<option> elements for (value, label) pairs, in one go: long lists (a structure's
    référents) rendered by a template loop cost a few milliseconds per page."""
    return format_html_join("", '<option value="{}">{}</option>', choices)


@register.filter
def de(name: object) -> str:
    """« de » before a name, elided before a vowel: « Rôle d'Anne », « Journal d'Élan
    Emploi », « Chronologie de DUPONT Jean » (never « de Anne »)."""
    import unicodedata

    text = str(name or "")
    first = unicodedata.normalize("NFD", text[:1])[:1].lower()
    return f"d'{text}" if first and first in "aeiou" else f"de {text}"


@register.filter
def fields_in_error(form: forms.BaseForm) -> list[dict]:
    """The fields of `form` in error, in the form's order, for the error summary at the top
    (includes/form_errors.html): the label, the messages and the id to link to — the input,
    the first choice of a radio or checkbox group, none for a hidden field."""
    rows = []
    for field in form:
        if not field.errors:
            continue
        anchor = ""
        if not field.is_hidden:
            kind = _field_kind(field)
            anchor = f"{field.auto_id}_0" if kind in {"radio", "checkboxes"} else field.id_for_label
        rows.append({"label": field.label, "errors": list(field.errors), "anchor": anchor})
    return rows
