"""Shared set-up for the eligibility tests (no test here): the three statuses, and the
facts of a person about whom everything relevant is known and nothing qualifies."""

from __future__ import annotations

from relais.network.directory.eligibility.criteria import Status
from relais.network.directory.eligibility.facts import PersonFacts

M, N, U = Status.MET, Status.NOT_MET, Status.UNKNOWN


def facts(**kwargs) -> PersonFacts:
    """A person about whom everything relevant is known and nothing qualifies."""
    base = {
        "age": 40,
        "resources": frozenset({"salary"}),
        "rqth": False,
        "education_level": "5",
        "household": "couple",
        "has_children": False,
        "french_level": "native",
        "driving_licence": "b",
        "has_vehicle": True,
        "administrative_status": "french",
        "registered_jobseeker": False,
        "resides_in_qpv": False,
        "resides_in_zrr": False,
        "has_diagnostic": True,
        "assessed_domains": frozenset({"housing", "mobility", "justice"}),
    }
    base.update(kwargs)
    return PersonFacts(**base)
