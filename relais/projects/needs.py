"""Observed needs of the organisation's territories (`relais.territory`), for linking a
project's need to one of them.

`relais.projects` sits above `relais.territory` in the layers contract (pyproject.toml), so
it reads the territory's observed needs directly: no registration, no import by name.

An observed need is a life domain in which persons of one of the organisation's territories
have an important or blocking difficulty in their latest diagnostic of the last twelve
months (`relais.territory.needs.needs_by_domain`, over the organisations that pool their
figures). Its key, stored in `ProjectNeed.observed_need`, is « <territory id>:<domain> »:
the label is rebuilt from it (territory's name, domain's label), so a need stays readable
when the figures change; the count is shown only when choosing (suppressed under 5, as on
the territory's pages).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from relais.core.disclosure import suppress
from relais.diagnostics.domains import Domain
from relais.territory.models import Territory
from relais.territory.needs import needs_by_domain
from relais.territory.needs_sources import TWELVE_MONTHS

# Read from the territory's stored figures (decision 0070) when they were computed today.
PERIOD = TWELVE_MONTHS
WHAT = "difficulté importante ou bloquante"


def _parse(key: str) -> tuple[int, str] | None:
    territory_id, _sep, domain = (key or "").partition(":")
    if not territory_id.isdigit() or domain not in Domain.values:
        return None
    return int(territory_id), domain


def choices(organisation_id: int, *, today: dt.date | None = None) -> list[tuple[str, str]]:
    """(key, label with the count of persons) of the needs observed on each of the
    organisation's territories, most frequent first. Two queries per territory (the pooling agreements, the counts)."""
    today = today or timezone.localdate()
    found = []
    for territory in Territory.objects.of_organisation(organisation_id).order_by("name", "id"):
        for domain, label, persons in needs_by_domain(territory, start=today - PERIOD, end=today):
            count = suppress(persons)
            found.append(
                (
                    f"{territory.pk}:{domain}",
                    f"{territory.name} — {label} : {count} personne"
                    f"{'s' if count.suppressed or persons > 1 else ''} en {WHAT} (12 derniers mois)",
                )
            )
    return found


def is_known(key: str, organisation_id: int) -> bool:
    if _parse(key) is None:
        return False
    return any(k == key for k, _ in choices(organisation_id))


def labels(keys: list[str]) -> dict[str, str]:
    """Label of each key, with one query for all of them (a project page lists its needs)."""
    parsed = {key: _parse(key) for key in keys if key}
    ids = {p[0] for p in parsed.values() if p}
    names = dict(Territory.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    domains = dict(Domain.choices)
    result = {}
    for key, found in parsed.items():
        if found is None:
            result[key] = key
            continue
        territory_id, domain = found
        name = names.get(territory_id, "territoire supprimé")
        result[key] = f"{name} — {domains[domain]} ({WHAT})"
    return result


def label(key: str) -> str:
    return labels([key]).get(key, key)
