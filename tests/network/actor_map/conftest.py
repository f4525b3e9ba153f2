"""The `lyon` fixture of the actor map tests (see support.py)."""

import pytest

from tests.network.actor_map.support import lyon_organisations


@pytest.fixture
def lyon(db):
    return lyon_organisations()
