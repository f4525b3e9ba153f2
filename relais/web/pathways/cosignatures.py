"""The person's online co-signature (relais.person_space) on the professional's pathway
pages: each contract version shown gets `online_signature` (a `Cosignature` or None), read
in one query for the whole page. `pathways` may not read the person's space (layers), so
the page attaches it."""

from __future__ import annotations

from collections.abc import Iterable

from relais.pathways.models import Contract
from relais.person_space.selectors import cosignatures_by_contract


def attach_online_signatures(contracts: Iterable[Contract]) -> None:
    contracts = list(contracts)
    found = cosignatures_by_contract(c.pk for c in contracts)
    for contract in contracts:
        contract.online_signature = found.get(contract.pk)
