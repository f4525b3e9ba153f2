"""Evolution domain by domain across diagnostics, and its SVG chart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from relais.diagnostics.charts import MAX_COLUMNS, evolution_chart_svg
from relais.diagnostics.domains import Domain
from relais.diagnostics.selectors import (
    DomainEvolution,
    diagnostics_of,
    evolution,
    latest_diagnostic,
    latest_diagnostic_value,
)
from relais.people.models import Person
from tests.factories import DiagnosticFactory, DomainAssessmentFactory, PersonFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def person():
    return PersonFactory()


def make(person, days_ago: int, **levels):
    diagnostic = DiagnosticFactory(
        person=person, assessed_on=date.today() - timedelta(days=days_ago)
    )
    for domain, level in levels.items():
        DomainAssessmentFactory(diagnostic=diagnostic, domain=domain, difficulty=level)
    return diagnostic


class TestEvolution:
    def test_oldest_first_with_not_addressed_as_none(self, person):
        make(person, 10, housing=1, health=2)
        make(person, 100, housing=3)
        evo = evolution(diagnostics_of(person))
        assert evo.dates[0] < evo.dates[1]
        rows = {r.domain: r for r in evo.rows}
        assert len(rows) == 12
        assert rows["housing"].levels == (3, 1)
        assert rows["health"].levels == (None, 2)
        assert rows["housing"].change == -2
        assert rows["housing"].change_label == "en baisse de 2 niveaux"
        assert rows["health"].change is None
        assert rows["health"].change_label == "—"

    def test_change_labels(self):
        assert DomainEvolution("x", "X", (1, None, 1)).change_label == "stable"
        assert DomainEvolution("x", "X", (0, 1)).change_label == "en hausse de 1 niveau"

    def test_empty(self, person):
        evo = evolution(diagnostics_of(person))
        assert evo.is_empty
        assert evolution_chart_svg(evo) == ""

    def test_queries_do_not_grow_with_the_number_of_diagnostics(self, person):
        make(person, 5, housing=1)
        one = count_queries(lambda: evolution(diagnostics_of(person)))
        for i in range(9):
            make(person, 30 * (i + 1), **dict.fromkeys(Domain.values, i % 4))
        ten = count_queries(lambda: evolution(diagnostics_of(person)))
        assert one == ten <= 3

    def test_latest(self, person):
        assert latest_diagnostic(person) is None
        make(person, 50)
        newest = make(person, 2)
        assert latest_diagnostic(person) == newest
        annotated = Person.objects.annotate(
            last_urgency=latest_diagnostic_value("urgency"),
            last_id=latest_diagnostic_value("id"),
        ).get(pk=person.pk)
        assert annotated.last_id == newest.pk
        assert annotated.last_urgency == newest.urgency


class TestChart:
    def chart(self, person, n=2, **kwargs):
        for i in range(n):
            make(person, 10 * (n - i), housing=i % 4, health=3)
        return str(evolution_chart_svg(evolution(diagnostics_of(person)), **kwargs))

    def test_accessible_svg_without_inline_style(self, person):
        svg = self.chart(person, chart_id="evo-1")
        root = ET.fromstring(svg)  # well-formed XML
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == "evo-1-titre evo-1-desc"
        assert root.find(f"{SVG}title").get("id") == "evo-1-titre"
        assert "12 domaines" in root.find(f"{SVG}desc").text
        assert "style=" not in svg
        assert "<script" not in svg

    def test_one_cell_per_domain_and_diagnostic_with_the_figure(self, person):
        svg = self.chart(person, n=3)
        root = ET.fromstring(svg)
        cells = root.findall(f"{SVG}g")
        assert len(cells) == 12 * 3
        tooltips = [c.find(f"{SVG}title").text for c in cells]
        assert any(
            t.startswith("Santé") and t.endswith("3 — difficulté bloquante") for t in tooltips
        )
        assert any("non abordé" in t for t in tooltips)
        figures = [c.find(f"{SVG}text").text for c in cells]
        assert figures.count("3") >= 3

    def test_only_the_last_columns_are_drawn(self, person):
        svg = self.chart(person, n=MAX_COLUMNS + 2)
        root = ET.fromstring(svg)
        assert len(root.findall(f"{SVG}g")) == 12 * MAX_COLUMNS
        assert f"les {MAX_COLUMNS} derniers des {MAX_COLUMNS + 2}" in svg

    def test_text_is_escaped(self, person, monkeypatch):
        from relais.diagnostics import selectors

        make(person, 3, housing=1)
        evo = evolution(diagnostics_of(person))
        hostile = selectors.Evolution(
            dates=evo.dates,
            diagnostic_ids=evo.diagnostic_ids,
            rows=(DomainEvolution("housing", "<script>alert(1)</script>", (1,)),),
        )
        svg = str(evolution_chart_svg(hostile, chart_id='x"><script>'))
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
        ET.fromstring(svg)

    def test_dates_in_french_format(self, person):
        svg = self.chart(person)
        assert re.search(r">\d{2}/\d{2}/\d{4}<", svg)
