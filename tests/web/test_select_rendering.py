"""dsfr_field renders plain <select> widgets in Python: the markup must stay the one
Django's templates give (values, labels, selection, groups, attributes, escaping)."""

from __future__ import annotations

import pytest
from django import forms
from django.test import SimpleTestCase

from relais.web.templatetags.relais_tags import _fast_select, dsfr_field


class _Form(forms.Form):
    referent = forms.ChoiceField(
        label="Référent",
        required=False,
        choices=[("", "— Tous —"), ("1", "Awa Diallo"), ("2", "<b>Jean</b> & Cie")],
    )
    domains = forms.MultipleChoiceField(
        label="Domaines",
        choices=[
            ("Emploi", [("projet", "Projet professionnel"), ("formation", "Formation")]),
            ("Vie quotidienne", [("logement", "Logement")]),
        ],
        widget=forms.SelectMultiple,
    )
    answer = forms.NullBooleanField(label="Réponse", required=False)


class _CustomSelect(forms.Select):
    option_template_name = "custom/option.html"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"referent": "2", "domains": ["formation", "logement"], "answer": "true"},
        {"referent": "inconnu", "domains": ["rien"]},  # invalid values stay unselected
    ],
)
def test_same_markup_as_django_templates(data):
    form = _Form(data or None)
    if data:
        form.is_valid()
    checker = SimpleTestCase()
    for name in ("referent", "domains", "answer"):
        bound = form[name]
        attrs = {"class": "fr-select", "aria-describedby": f"{bound.auto_id}-hint"}
        expected = bound.as_widget(attrs=attrs)
        fast = bound.as_widget(widget=_fast_select(bound.field.widget), attrs=attrs)
        checker.assertHTMLEqual(fast, expected)


def test_labels_and_values_are_escaped():
    html = str(dsfr_field(_Form()["referent"])["widget"])
    assert "&lt;b&gt;Jean&lt;/b&gt; &amp; Cie" in html
    assert "<b>" not in html


def test_widgets_with_their_own_templates_keep_them():
    assert _fast_select(_CustomSelect()) is None
    assert _fast_select(forms.RadioSelect()) is None


def test_the_field_widget_itself_is_not_changed():
    form = _Form()
    widget = form.fields["referent"].widget
    dsfr_field(form["referent"])
    assert type(widget) is forms.Select


def test_options_tag_escapes_and_keeps_order():
    from relais.web.templatetags.relais_tags import options

    html = options([(2, "Zoé <b>"), (1, "Awa & co")])
    assert html == (
        '<option value="2">Zoé &lt;b&gt;</option><option value="1">Awa &amp; co</option>'
    )


def test_multiple_checkboxes_are_laid_out_as_checkboxes_and_radios_as_radios():
    class Form(forms.Form):
        resources = forms.MultipleChoiceField(
            label="Ressources",
            choices=[("rsa", "RSA"), ("are", "ARE")],
            widget=forms.CheckboxSelectMultiple,
        )
        household = forms.ChoiceField(
            label="Foyer", choices=[("alone", "Seul·e")], widget=forms.RadioSelect
        )

    form = Form()
    assert dsfr_field(form["resources"])["kind"] == "checkboxes"
    assert dsfr_field(form["household"])["kind"] == "radio"
