"""Template helpers: DSFR form fields with labels, hints and errors tied to the input."""

from django import forms, template

register = template.Library()


def _field_kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
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
        "widget": field.as_widget(attrs=attrs),
        "hint": hint_text,
        "hint_id": hint_id,
        "error_id": error_id,
    }


@register.filter
def role_label(value: str) -> str:
    from relais.accounts.models import Role

    return Role(value).label if value in Role.values else value
