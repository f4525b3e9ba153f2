"""The service search's thématique checkboxes rendered in Python
(`relais.web.search.checkboxes`): the markup the template loop gave, for any selection."""

import pytest
from django.template import engines

from relais.network.directory import thematiques
from relais.web.search.checkboxes import thematique_checkboxes

# The template loop the function replaces, kept here as the reference.
REFERENCE = """{% for g in groups %}<details class="relais-details relais-thematique-group"\
{% if g.count %} open{% endif %}><summary>{{ g.label }}{% if g.count %} ({{ g.count }} \
choisie{{ g.count|pluralize }}){% endif %}</summary><div class="fr-checkbox-group \
fr-checkbox-group--sm"><input type="checkbox" name="thematique" value="{{ g.code }}" \
id="thematique-{{ g.code }}"{% if g.checked %} checked{% endif %}><label class="fr-label" \
for="thematique-{{ g.code }}">Toute la catégorie « {{ g.label }} »</label></div>\
{% for t in g.items %}<div class="fr-checkbox-group fr-checkbox-group--sm"><input \
type="checkbox" name="thematique" value="{{ t.code }}" id="thematique-{{ t.code }}"\
{% if t.checked %} checked{% endif %}><label class="fr-label" for="thematique-{{ t.code }}">\
{{ t.label }}</label></div>{% endfor %}</details>{% endfor %}"""


def reference(selected: set[str]) -> str:
    groups = []
    for code, label, items in thematiques.groups():
        rows = [{"code": c, "label": text, "checked": c in selected} for c, text in items]
        count = sum(r["checked"] for r in rows) + (code in selected)
        groups.append(
            {
                "code": code,
                "label": label,
                "checked": code in selected,
                "count": count,
                "items": rows,
            }
        )
    return engines["django"].from_string(REFERENCE).render({"groups": groups})


GROUPS = thematiques.groups()
FIRST_CATEGORY, _, FIRST_ITEMS = GROUPS[0]
LAST_CATEGORY, _, LAST_ITEMS = GROUPS[-1]


@pytest.mark.parametrize(
    "selected",
    [
        set(),
        {FIRST_ITEMS[0][0]},
        {FIRST_CATEGORY},
        {FIRST_CATEGORY, FIRST_ITEMS[0][0], FIRST_ITEMS[-1][0], LAST_ITEMS[0][0]},
        {LAST_CATEGORY, *(c for c, _ in LAST_ITEMS)},
        {"pas-une-thematique", "<script>"},
    ],
)
def test_same_markup_as_the_template_loop(selected):
    assert str(thematique_checkboxes(selected)) == reference(selected)


def test_every_thematique_once_and_the_counts():
    html = str(thematique_checkboxes({FIRST_ITEMS[0][0], FIRST_ITEMS[1][0]}))
    for code, _label, items in GROUPS:
        assert html.count(f'value="{code}"') == 1
        for c, _ in items:
            assert html.count(f'value="{c}"') == 1
    assert "(2 choisies)" in html
    assert html.count(" checked") == 2
    assert html.count("<details") == len(GROUPS)
    assert html.count(" open>") == 1
