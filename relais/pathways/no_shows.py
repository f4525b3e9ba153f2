"""The seam through which the caseload learns that a person missed a collective session.

Workshops and their attendance belong to `relais.projects`, a layer above `pathways`: the
caseload cannot import it. Yet a person who does not come to a workshop they agreed to
attend is exactly what a référent must hear about, next to « sans contact » and « étape en
retard ». So the projects app registers a provider when Django starts
(`relais.projects.apps.ProjectsConfig.ready` → `relais.projects.absences`) and the caseload
asks it, for the persons of the page or of the filter, in one query.

Unlike `relais.pathways.closing`, a missing provider is not an error: `relais.projects` is
an optional module of this layer, and without it nobody can have missed a session.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

# How far back an unexcused absence is still worth an alert.
RECENT_DAYS = 30


class NoShowProvider(Protocol):
    def persons_with_recent_no_show(self, persons: Any, *, since: dt.datetime) -> set[int]:
        """Among `persons` (a queryset of persons or of their ids, or a list of ids), those
        marked absent without excuse at a session that started after `since`."""


_provider: NoShowProvider | None = None


def register(provider: NoShowProvider) -> None:
    global _provider
    _provider = provider


def persons_with_recent_no_show(persons: Any, *, today: dt.date) -> set[int]:
    if _provider is None:
        return set()
    since = dt.datetime.combine(today - dt.timedelta(days=RECENT_DAYS), dt.time.min, dt.UTC)
    return _provider.persons_with_recent_no_show(persons, since=since)
