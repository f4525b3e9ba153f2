"""Reporting (API): the dashboards' indicators as JSON, with the suppression of small
counts of the pages (`relais.reporting`). A référent filter naming a professional of
another organisation is refused (403) and journaled as denied."""

from __future__ import annotations

import dataclasses

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from relais.api.access import acting_membership
from relais.api.routers.people import ERRORS, OrganisationId
from relais.api.schemas_reporting import IndicatorFilters, IndicatorsOut
from relais.people.access import record_denied
from relais.reporting import policies, selectors
from relais.reporting.filters import Scope, build_filter, check_whole_months, default_period

router = Router(tags=["Indicateurs"])


DESCRIPTION = (
    "Hors file active, un effectif de 1 à 4 est masqué (« < 5 », valeur null), ainsi que les "
    "cases qui permettraient de le retrouver ; quand moins de 5 personnes correspondent aux "
    "filtres, aucun chiffre n'est donné (`withheld` dit pourquoi). Hors file active, la période couvre des mois entiers (du 1er d'un mois au dernier jour "
    "d'un mois ; sinon 400). Période par défaut : du 1er janvier au dernier jour du mois en "
    "cours."
)
PATH = "/organisations/{organisation_id}/indicators"


@router.get(
    f"{PATH}/structure",
    response={200: IndicatorsOut, **ERRORS},
    summary="Indicateurs de la structure (responsables)",
    description=DESCRIPTION,
)
def organisation_indicators(
    request: HttpRequest, organisation_id: OrganisationId, filters: Query[IndicatorFilters]
):
    return _indicators(request, organisation_id, Scope.ORGANISATION, filters)


@router.get(
    f"{PATH}/file-active",
    response={200: IndicatorsOut, **ERRORS},
    summary="Indicateurs de votre file active",
    description=DESCRIPTION,
)
def caseload_indicators(
    request: HttpRequest, organisation_id: OrganisationId, filters: Query[IndicatorFilters]
):
    return _indicators(request, organisation_id, Scope.CASELOAD, filters)


@router.get(
    f"{PATH}/coordination",
    response={200: IndicatorsOut, **ERRORS},
    summary="Indicateurs des personnes que vous co-suivez (ce qui vous est partagé)",
    description=DESCRIPTION,
)
def team_indicators(
    request: HttpRequest, organisation_id: OrganisationId, filters: Query[IndicatorFilters]
):
    return _indicators(request, organisation_id, Scope.TEAM, filters)


def _indicators(request: HttpRequest, organisation_id: int, chosen: Scope, filters):
    membership = acting_membership(request, organisation_id)
    policies.check_view(membership, chosen)
    default_start, default_end = default_period(timezone.localdate())
    flt = build_filter(
        start=filters.start or default_start,
        end=filters.end or default_end,
        scheme=filters.scheme.value if filters.scheme and chosen != Scope.TEAM else "",
        referent_id=filters.referent_id if chosen == Scope.ORGANISATION else None,
        # Not for co-followed persons (their commune and age belong to « Identité »).
        commune_code=(filters.commune or "") if chosen != Scope.TEAM else "",
        age_band=filters.age_band.value if filters.age_band and chosen != Scope.TEAM else "",
    )
    if policies.suppresses(chosen):
        for error in check_whole_months(flt.start, flt.end):
            raise error  # 400, in French, as any period error
    try:
        policies.check_referent_filter(membership, flt.referent_id)
    except policies.ReferentOutOfReach:
        record_denied(
            request,
            target_type="accounts.user",
            target_id=flt.referent_id,
            person_id=None,
            organisation_id=None,
            reason="API indicateurs : professionnel d'une autre structure",
        )
        raise
    try:
        found, withheld = (
            selectors.compute(
                membership, chosen, flt, today=timezone.localdate(), keys=filters.keys or None
            ),
            None,
        )
    except selectors.TooFewPersons as error:
        found, withheld = [], error.message
    return {
        "scope": str(chosen),
        "start": flt.start,
        "end": flt.end,
        "suppression": policies.suppresses(chosen),
        "withheld": withheld,
        "indicators": [
            {
                "key": t.key,
                "section": t.indicator.section,
                "label": t.indicator.label,
                "definition": t.indicator.definition,
                "columns": [c or "Libellé" for c in t.columns],
                "lines": [
                    {
                        "label": line.label,
                        "cells": [dataclasses.asdict(c) for c in line.cells],
                        "is_total": line.is_total,
                    }
                    for line in t.lines
                ],
                "any_suppressed": t.any_suppressed,
            }
            for t in found
        ],
    }
