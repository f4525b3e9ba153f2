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
    html = str(dsfr_field(_Form()["referent"]))
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
    resources = str(dsfr_field(form["resources"]))
    household = str(dsfr_field(form["household"]))
    assert resources.count('class="fr-checkbox-group"') == 2 and "<fieldset" in resources
    assert 'type="checkbox"' in resources
    assert 'class="fr-radio-group"' in household and 'type="radio"' in household


def test_text_inputs_and_textareas_rendered_in_python_match_django():
    from django.test import SimpleTestCase

    from relais.web.templatetags.relais_tags import _fast_widget

    class Form(forms.Form):
        name = forms.CharField(max_length=20, initial='Zoé "<b>"')
        born = forms.DateField(required=False)
        count = forms.IntegerField(min_value=0)
        text = forms.CharField(widget=forms.Textarea, initial="a < b")

    checker = SimpleTestCase()
    for name in ("name", "born", "count", "text"):
        bound = Form()[name]
        attrs = {"class": "fr-input", "aria-invalid": "true"}
        expected = bound.as_widget(attrs=attrs)
        fast = bound.as_widget(widget=_fast_widget(bound.field.widget), attrs=attrs)
        checker.assertHTMLEqual(fast, expected)


class _Errors(forms.Form):
    name = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    def clean(self):
        self.add_error("name", "Ce code n'est pas valide <b>")
        self.add_error("kind", "L'option « A » n'est plus proposée")


def test_error_messages_are_escaped_once():
    form = _Errors(data={"name": "x", "kind": "a"})
    assert not form.is_valid()
    name, kind = str(dsfr_field(form["name"])), str(dsfr_field(form["kind"]))
    assert "Ce code n&#x27;est pas valide &lt;b&gt;" in name
    assert "&amp;" not in name and "&amp;" not in kind
    assert "L&#x27;option « A » n&#x27;est plus proposée" in kind


class _Choices(forms.Form):
    kind = forms.ChoiceField(
        choices=[("x", "X <b>"), ('y"&', "Y")],
        widget=forms.RadioSelect(attrs={"data-x": 'a"b', "disabled": True, "hidden": False}),
        initial="x",
    )
    domains = forms.MultipleChoiceField(
        choices=[("1", "Un"), ("2", "Deux"), (3, "Trois")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    answer = forms.TypedChoiceField(
        choices=[(True, "Oui"), (False, "Non"), (None, "?")], widget=forms.RadioSelect
    )


@pytest.mark.parametrize("data", [None, {"kind": 'y"&', "domains": ["1", "3"], "answer": "False"}])
def test_radio_and_checkbox_options_render_as_djangos_templates(data):
    from relais.web.templatetags.relais_tags import _option_tag

    form = _Choices(data, initial={"domains": ["2"]})
    compared = 0
    for name in ("kind", "domains", "answer"):
        for choice in form[name]:
            assert str(_option_tag(choice)) == str(choice.tag())
            compared += 1
    assert compared == 8
