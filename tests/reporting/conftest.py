"""The hand-computed world of tests/factories/reporting.py."""

from __future__ import annotations

import pytest

from tests.factories.reporting import reporting_world


@pytest.fixture
def world(db):
    return reporting_world()
