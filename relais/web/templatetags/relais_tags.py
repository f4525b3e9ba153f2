"""Template helpers: DSFR form fields with labels, hints and errors tied to the input."""

import copy
from functools import cache
from html import escape

from django import forms, template
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
        parts = [f'<select name="{_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{_escape(group_name)}">')
            for option in options:
                value = option["value"]
                parts.append(
                    f'<option value="{"" if value is None else _escape(value)}"'
                    f"{_attrs(option['attrs'])}>{_escape(option['label'])}</option>"
                )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 — every part is escaped above


def _escape(value) -> str:
    """Django's `conditional_escape`, as a plain string: one call per option of long lists
    (`format_html` per option cost about 10 µs, a list of 200 countries 2 ms)."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape(str(value))


def _attrs(attrs: dict) -> str:
    """Django's `attrs.html` (and `flatatt`) as a plain string: True → the bare name,
    False → left out, else name="value"."""
    if not attrs:
        return ""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


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


_DJANGO_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "email",
        "date",
        "datetime",
        "time",
        "number",
        "tel",
        "url",
        "password",
        "search",
        "hidden",
        "color",
    )
)
_DJANGO_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


class _PythonRenderedInput:
    """An <input> or <textarea> rendered in Python, the same markup as Django's templates.

    Django renders each widget through two templates (the widget's and `attrs.html`): on a
    form of twenty fields that was a third of the intake page's time."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        if widget["template_name"] == _DJANGO_TEXTAREA_TEMPLATE:
            return format_html(
                '<textarea name="{}"{}>\n{}</textarea>',
                widget["name"],
                mark_safe(_attrs(widget["attrs"])),  # noqa: S308 — escaped in _attrs
                widget["value"] or "",
            )
        return _input(widget)


def _input(widget: dict) -> SafeString:
    """Django's `input.html` for a widget's context (an input, or one option of a group)."""
    value = "" if widget["value"] is None else f' value="{_escape(widget["value"])}"'
    return mark_safe(  # noqa: S308 — every part is escaped
        f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


@cache
def _python_rendered_input(cls: type) -> type:
    return type(cls.__name__, (_PythonRenderedInput, cls), {})


def _fast_widget(widget: forms.Widget) -> forms.Widget | None:
    """A copy of `widget` rendered in Python, or None if it has templates of its own."""
    if isinstance(widget, forms.Select):
        return _fast_select(widget)
    template = getattr(widget, "template_name", "")
    if template not in _DJANGO_INPUT_TEMPLATES and template != _DJANGO_TEXTAREA_TEMPLATE:
        return None
    if isinstance(widget, forms.CheckboxInput | forms.MultiWidget | forms.FileInput):
        return None
    fast = copy.copy(widget)
    fast.__class__ = _python_rendered_input(type(widget))
    return fast


_DJANGO_OPTION_TEMPLATES = frozenset(
    ("django/forms/widgets/radio_option.html", "django/forms/widgets/checkbox_option.html")
)


def _option_tag(choice: forms.boundfield.BoundWidget) -> SafeString:
    """`choice.tag()` — one radio button or checkbox of a group — rendered in Python, the
    same markup as Django's option templates (three templates per option otherwise)."""
    if choice.template_name not in _DJANGO_OPTION_TEMPLATES:
        return choice.tag()
    return _input(choice.data)


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


def _messages(field: forms.BoundField) -> SafeString:
    """The field's messages, escaped once (a plain `" ".join` of safe strings is a str that
    `format_html` would escape a second time: « n&#x27;est »)."""
    return format_html_join(" ", "{}", ((e,) for e in field.errors))


def _errors(field: forms.BoundField, error_id: str, css: str) -> SafeString:
    if not field.errors:
        return SafeString("")
    return format_html(
        '<p class="{}" id="{}">{}</p>',
        css,
        error_id,
        _messages(field),
    )


@register.simple_tag
def dsfr_field(field: forms.BoundField, hint: str = "") -> SafeString:
    """A DSFR form field — label, hint, widget, errors tied to the input — rendered in
    Python (the markup of the DSFR's input, select, checkbox and radio groups): through a
    template per field, rendering was most of a form page's time."""
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
    optional = "" if field.field.required else " (facultatif)"
    error_class = " fr-{}-group--error" if field.errors else ""
    if kind == "checkbox":
        return format_html(
            '<div class="fr-checkbox-group{}">{}<label class="fr-label" for="{}">{}{}</label>'
            "{}</div>",
            format_html("{} fr-mb-3w", " fr-checkbox-group--error" if field.errors else ""),
            field.as_widget(attrs=attrs),
            field.id_for_label,
            field.label,
            format_html('<span class="fr-hint-text" id="{}">{}</span>', hint_id, hint_text)
            if hint_text
            else "",
            _errors(field, error_id, "fr-error-text"),
        )
    if kind in {"radio", "checkboxes"}:
        group = "fr-radio-group" if kind == "radio" else "fr-checkbox-group"
        choices = format_html_join(
            "",
            '<div class="fr-fieldset__element"><div class="{}">{}'
            '<label class="fr-label" for="{}">{}</label></div></div>',
            (
                (group, _option_tag(choice), choice.id_for_label, choice.choice_label)
                for choice in field
            ),
        )
        errors = (
            format_html(
                '<div class="fr-messages-group"><p class="fr-message fr-message--error" '
                'id="{}">{}</p></div>',
                error_id,
                _messages(field),
            )
            if field.errors
            else ""
        )
        return format_html(
            '<fieldset class="fr-fieldset{}"{}><legend class="fr-fieldset__legend" id="{}-legend">'
            "{}{}{}</legend>{}{}</fieldset>",
            " fr-fieldset--error" if field.errors else "",
            format_html(' aria-labelledby="{}-legend {}" role="group"', field.auto_id, error_id)
            if field.errors
            else "",
            field.auto_id,
            field.label,
            optional,
            format_html('<span class="fr-hint-text">{}</span>', hint_text) if hint_text else "",
            choices,
            errors,
        )
    group = "select" if kind == "select" else "input"
    return format_html(
        '<div class="fr-{}-group{}"><label class="fr-label" for="{}">{}{}{}</label>{}{}</div>',
        group,
        error_class.format(group) if field.errors else "",
        field.id_for_label,
        field.label,
        optional,
        format_html('<span class="fr-hint-text" id="{}">{}</span>', hint_id, hint_text)
        if hint_text
        else "",
        field.as_widget(widget=_fast_widget(field.field.widget), attrs=attrs),
        _errors(field, error_id, "fr-error-text"),
    )


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


@register.simple_tag(takes_context=True)
def submission_field(context) -> SafeString:
    """The hidden token of a form that creates something (`relais.web.submissions`): the one
    sent back when the form is shown again with its errors, else a new one."""
    from relais.core.submissions import new_token

    request = context.get("request")
    sent = request.POST.get("submission", "") if request is not None else ""
    return format_html(
        '<input type="hidden" name="submission" value="{}">', sent[:64] or new_token()
    )
