"""The caseload rows rendered in Python: same markup as the page expects, every value
escaped."""

from __future__ import annotations

import datetime as dt
from html import escape
from types import SimpleNamespace

from relais.pathways.caseload import Alert, CaseloadRow
from relais.web.templatetags.caseload_tags import caseload_rows, row_html


def person(**overrides):
    values = {
        "pk": 7,
        "display_name": "DUPONT <script>alert(1)</script>",
        "age": 34,
        "referent": SimpleNamespace(get_full_name=lambda: "Awa Diallo", email="awa@x.fr"),
        "current_scheme": "rsa",
        "active_pathways": 2,
        "urgency": 2,
        "next_step_on": dt.date(2026, 3, 9),
        "next_step_title": "Atelier " + "très long " * 10,
        "next_review_on": None,
        "last_contact_on": None,
        "created_at": None,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def row(**overrides):
    alerts = overrides.pop("alerts", [Alert.REVIEW_OVERDUE, Alert.STEP_OVERDUE])
    r = CaseloadRow(person(**overrides), alerts)
    r.url = "/personnes/7/"
    return r


def test_manager_row_with_every_cell():
    html = row_html(row(), is_manager=True, can_reassign=True)
    assert html.startswith('<tr data-testid="caseload-row" data-person="7">')
    assert 'id="choix-7"' in html and 'value="7"' in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert '<a href="/personnes/7/">' in html and "34 ans" in html
    assert "Awa Diallo" in html
    assert "(+1)" in html  # a second ongoing pathway
    assert "fr-badge--warning" in html  # urgency 2
    assert "09/03/2026" in html and "Atelier très long" in html and "…" in html
    assert ">Aucun<" in html  # no contact yet
    assert html.count("data-alert=") == 2 and "</p><br><p" in html


def test_referent_row_has_no_checkbox_nor_referent_column():
    html = row_html(row(), is_manager=False, can_reassign=False)
    assert "checkbox" not in html and "Awa Diallo" not in html
    assert html.count("<td") == 7


def test_empty_values_are_dashes_and_words():
    html = row_html(
        row(
            referent=None,
            current_scheme="",
            urgency=None,
            next_step_on=None,
            alerts=[],
        ),
        is_manager=True,
        can_reassign=False,
    )
    assert "Sans référent" in html and "Pas de diagnostic" in html
    assert html.count("<td>—</td>") == 3  # pathway, next step, next review
    assert '<td data-testid="caseload-alerts">—</td>' in html


def test_rows_are_joined():
    assert caseload_rows([row(), row(pk=8)], True, True).count("<tr ") == 2


def test_step_titles_are_cut_as_truncatechars():
    from django.utils.text import Truncator

    for length in (0, 59, 60, 61, 200):
        title = ("Démarche <logement> & " * 20)[:length]
        html = row_html(row(next_step_title=title), is_manager=False, can_reassign=False)
        expected = Truncator(title).chars(60)
        assert len(expected) <= 60
        assert escape(expected) in html


def test_quotes_and_ampersands_are_escaped_everywhere():
    html = row_html(
        row(display_name='O\'BRIEN "Jo" & co', alerts=[]), is_manager=True, can_reassign=True
    )
    assert "O&#x27;BRIEN &quot;Jo&quot; &amp; co" in html
    assert '"Jo"' not in html
