from __future__ import annotations

import pytest
from django.db import transaction

from tests.demo.seeded.seeding import seed_twice


@pytest.fixture(scope="package")
def seed_runs(django_db_setup, django_db_blocker):
    """The two runs of `seed_demo` (see seeding.py), rolled back after the folder's tests."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_twice()
        transaction.set_rollback(True)
