"""The territory of an actor map (relais.network.actor_map.territory): a département or
communes, from what the user typed."""

from __future__ import annotations

import pytest

from relais.core.errors import DomainError
from relais.network.actor_map.territory import Territory, parse_territory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("69", Territory(departement="69")),
        ("2a", Territory(departement="2A")),
        ("974", Territory(departement="974")),
        ("69123 69266", Territory(communes=("69123", "69266"))),
        ("Lyon, Villeurbanne", Territory(communes=("69123", "69266"))),
        ("Lyon; 69123", Territory(communes=("69123",))),
    ],
)
def test_parse_territory(text, expected):
    assert parse_territory(text) == expected


@pytest.mark.parametrize("text", ["", "20", "Nullepart", "99999"])
def test_parse_territory_errors(text):
    with pytest.raises(DomainError) as error:
        parse_territory(text)
    assert error.value.field == "territoire"


def test_territory_label():
    assert Territory(departement="69").label == "département 69"
    assert Territory(communes=("69123", "69266", "69259", "69034", "38185")).label == (
        "Lyon, Villeurbanne, Vénissieux, Caluire-et-Cuire et 1 autre"
    )
