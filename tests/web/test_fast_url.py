"""`{% url %}` in the project's templates (`relais.web.templatetags.fast_url`, a template
builtin): Django's syntax, Django's path, whatever the arguments."""

import pytest
from django.template import Context, Engine, engines
from django.urls import NoReverseMatch, reverse

from relais.web.templatetags.fast_url import FastURLNode


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_the_projects_templates_use_it():
    template = engines["django"].from_string("{% url 'people:detail' 1 %}")
    assert isinstance(template.template.nodelist[0], FastURLNode)
    assert not isinstance(Engine().from_string("{% url 'web:home' %}").nodelist[0], FastURLNode)


def djangos(source: str, **context) -> str:
    """What Django's own `{% url %}` renders (an engine without the project's builtins)."""
    return Engine().from_string(source).render(Context(context))


@pytest.mark.parametrize(
    ("source", "context"),
    [
        ("{% url 'web:home' %}", {}),
        ("{% url 'people:detail' pk %}", {"pk": 12}),
        ("{% url 'people:detail' pk %}", {"pk": 13}),
        ("{% url 'people:detail' pk %}", {"pk": "14"}),
        ("{% url 'people:section' 3 key %}", {"key": "chronologie"}),
        ("{% url 'people:section' 3 key %}", {"key": "conservation"}),
        ("{% url 'people:detail' pk=pk %}", {"pk": 5}),
        ("{% url name pk 9 %}", {"name": "pathways:note_detail", "pk": 7}),
        ("{% url 'accounts:invitation' token %}", {"token": "a b&c<d>"}),
        ("{% url 'accounts:invitation' token %}", {"token": "jeton-simple"}),
        ("{% url 'admin:index' %}", {}),
        ("{% url 'people:detail' 3 as link %}[{{ link }}]", {}),
        ("{% url 'people:detail' -1 as link %}[{{ link }}]", {}),
        ("{% url 'no:such' as link %}[{{ link }}]", {}),
        ("{% autoescape off %}{% url 'accounts:invitation' t %}{% endautoescape %}", {"t": "a&b"}),
    ],
)
def test_same_result_as_djangos_tag(source, context):
    expected = djangos(source, **context)
    assert render(source, **context) == expected
    assert render(source, **context) == expected  # from the cache


@pytest.mark.parametrize(
    "source", ["{% url 'people:detail' 'chronologie' %}", "{% url 'no:such' %}"]
)
def test_a_missing_page_raises_as_djangos_tag(source):
    with pytest.raises(NoReverseMatch):
        djangos(source)
    with pytest.raises(NoReverseMatch):
        render(source)


def test_autoescape_off_leaves_the_path_as_it_is():
    source = "{% autoescape off %}{% url 'accounts:invitation' token %}{% endautoescape %}"
    assert render(source, token="a&b") == reverse("accounts:invitation", args=["a&b"])
