from __future__ import annotations

import pytest

from tests.factories import PersonFactory
from tests.helpers import login_verified


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(
        organisation=organisation, referent=referent, birth_name="Dupré", first_names="Hélène"
    )


@pytest.fixture
def staff_client(client, staff_member):
    login_verified(client, staff_member)
    return client
