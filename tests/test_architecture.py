"""The one-way layers of docs/architecture.md hold (the contracts of pyproject.toml, which
`make test` also checks with `lint-imports`), and an upward import would break them."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.application import use_cases
from importlinter.application.app_config import settings

PYPROJECT = str(Path(__file__).resolve().parent.parent / "pyproject.toml")


class _Builder:
    """Hands import-linter a graph we may add imports to."""

    def __init__(self, graph):
        self.graph = graph

    def build(self, *args, **kwargs):
        return self.graph


@pytest.fixture
def graph():
    return grimp.build_graph("relais", cache_dir=None)


def contracts_kept(graph) -> bool:
    """`lint-imports` with our contracts, on this graph (it prints its report)."""
    configuration.configure()
    settings.configure(GRAPH_BUILDER=_Builder(graph))
    try:
        return use_cases.lint_imports(
            config_filename=PYPROJECT, cache_dir=None, no_logo=True, is_debug_mode=True
        )
    finally:
        configuration.configure()


def test_the_layers_hold(graph):
    assert contracts_kept(graph)


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("relais.people.models", "relais.pathways.models"),  # a domain reaching up
        ("relais.pathways.services", "relais.network.referrals.models"),
        ("relais.network.directory.search", "relais.network.referrals.models"),  # wing up
        ("relais.network.coordination.teams", "relais.network.models"),  # via the aggregate
        ("relais.people.services", "relais.web.forms_helpers"),  # domain → web
        ("relais.records.timeline", "relais.api.access"),  # domain → api
        ("relais.web.people.views", "relais.api.access"),  # web ↔ api
        ("relais.core.text", "relais.accounts.models"),
    ],
)
def test_an_upward_import_breaks_them(graph, importer, imported):
    graph.add_import(
        importer=importer, imported=imported, line_number=1, line_contents=f"import {imported}"
    )
    assert not contracts_kept(graph)
