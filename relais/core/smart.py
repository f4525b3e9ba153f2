"""What a SMART objective still lacks to be measurable and time-bound.

One check for every kind of objective — a pathway's goal (`relais.pathways.models.Goal`),
a collective project's objective (`relais.projects.models.Objective`) — so that the
interface flags the same gaps with the same words wherever an objective is written. An
objective that lacks something is accepted and flagged, not refused: it is often written
first with the person or the partners and made measurable later.
"""

from __future__ import annotations

import datetime as dt

_NOT_GIVEN = object()


def smart_gaps(
    *,
    indicator: str,
    target: str,
    deadline: dt.date | None,
    baseline: object = _NOT_GIVEN,
) -> list[str]:
    """The missing parts, in French, in the order they are usually written. `baseline` is
    checked only for objectives that have one (a project measures from a starting value;
    a person's goal does not)."""
    gaps = []
    if not (indicator or "").strip():
        gaps.append("indicateur")
    if baseline is not _NOT_GIVEN and not (str(baseline or "")).strip():
        gaps.append("valeur de départ")
    if not (target or "").strip():
        gaps.append("cible")
    if deadline is None:
        gaps.append("échéance")
    return gaps
