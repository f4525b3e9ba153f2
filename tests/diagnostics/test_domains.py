"""The twelve life domains, their barrier vocabulary and the data·inclusion mapping."""

from __future__ import annotations

import pytest

from relais.diagnostics import domains
from relais.diagnostics.domains import (
    BARRIER_THEMATIQUES,
    DATA_INCLUSION_CATEGORIES,
    DOMAIN_THEMATIQUES,
    Domain,
    barrier_thematiques,
    barriers,
    barriers_for,
)


def test_twelve_domains_each_with_thematiques():
    assert len(Domain) == 12
    assert set(DOMAIN_THEMATIQUES) == set(Domain.values)


def _category(thematique: str) -> str:
    return thematique.split("--", 1)[0]


def test_every_thematique_belongs_to_a_data_inclusion_category():
    every = [t for ts in DOMAIN_THEMATIQUES.values() for t in ts]
    every += [t for ts in BARRIER_THEMATIQUES.values() for t in ts]
    assert every
    for thematique in every:
        assert _category(thematique) in DATA_INCLUSION_CATEGORIES, thematique
        assert thematique == thematique.lower()
        assert " " not in thematique


def test_every_mapped_barrier_exists():
    assert set(BARRIER_THEMATIQUES) <= set(barriers())


def test_france_travail_barriers_carry_their_codes():
    shelter = barriers()["FT24"]
    assert shelter.domain == Domain.HOUSING
    assert shelter.is_france_travail
    assert shelter.group_code == "27"
    assert shelter.ft_code == "24"
    assert shelter.display_code == "FT 27.24"
    assert "logement" in shelter.group_label


def test_own_barriers_have_no_france_travail_code():
    own = barriers()["R40"]
    assert not own.is_france_travail
    assert own.display_code == ""


@pytest.mark.parametrize("domain", list(Domain))
def test_each_domain_has_a_barrier_vocabulary(domain):
    vocabulary = barriers_for(domain)
    assert vocabulary, domain
    assert all(b.domain == domain for b in vocabulary)


def test_barrier_thematiques_specific_then_domain_fallback():
    assert barrier_thematiques("FT24") == [
        "logement-hebergement--rechercher-une-solution-dhebergement-temporaire"
    ]
    assert barrier_thematiques("FT8") == ["mobilite--preparer-un-permis"]
    assert barrier_thematiques("inconnu") == []
    # A barrier without its own line answers to its domain's thématiques.
    saved = BARRIER_THEMATIQUES.pop("FT12")
    try:
        assert barrier_thematiques("FT12") == DOMAIN_THEMATIQUES[Domain.FAMILY]
    finally:
        BARRIER_THEMATIQUES["FT12"] = saved


def test_barrier_thematiques_returns_a_copy():
    result = barrier_thematiques("FT8")
    result.append("x")
    assert barrier_thematiques("FT8") == ["mobilite--preparer-un-permis"]


def test_barrier_codes_for():
    assert "FT24" in domains.barrier_codes_for(Domain.HOUSING)
    assert "FT24" not in domains.barrier_codes_for(Domain.HEALTH)
