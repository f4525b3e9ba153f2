from django.template.loader import render_to_string

from relais.core.charts import Chart, Series


def _chart(**kwargs):
    defaults = dict(
        title="Sorties par catégorie",
        categories=["Emploi durable", "Autre"],
        series=[Series("2025", [12, None]), Series("2026", [3.5, 7])],
        unit="%",
    )
    return Chart(**{**defaults, **kwargs})


def test_bar_chart_is_an_accessible_image_carrying_each_figure():
    svg = str(_chart().svg())
    assert 'role="img"' in svg and "<title>Sorties par catégorie</title>" in svg
    assert "3,5\u00a0%" in svg and "12\u00a0%" in svg
    assert "&lt; 5" in svg  # the suppressed figure is labelled, not drawn
    assert "style=" not in svg  # the CSP forbids inline styles


def test_text_is_escaped():
    svg = str(_chart(categories=["<script>", "b"]).svg())
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_line_chart_breaks_at_a_missing_value():
    chart = _chart(
        kind="line",
        categories=["2020", "2021", "2022", "2023"],
        series=[Series("Taux", [1, None, 3, 4])],
    )
    svg = str(chart.svg())
    assert svg.count("<polyline") == 1  # 2020 alone, then 2022–2023
    assert svg.count("<circle") == 3


def test_the_data_table_shows_the_same_figures():
    html = render_to_string("core/chart.html", {"chart": _chart(), "chart_id": "sorties"})
    assert '<th scope="row">Emploi durable</th><td>12\u00a0%</td><td>3,5\u00a0%</td>' in html
    assert "&lt; 5" in html
