"""Reads of the employment module shared by the pages, the API and the benchmark."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from relais.core.text import fold
from relais.employment import references
from relais.employment.matching import Sharing
from relais.employment.models import Employer, Position, PositionStatus
from relais.people import cofollowing


def search_employers(
    organisation_id: int,
    *,
    text: str = "",
    naf: str = "",
    commune: str = "",
    recontact_by: dt.date | None = None,
) -> QuerySet[Employer]:
    """The organisation's employers matching a name (folded, any part) or an exact SIRET, a
    NAF prefix, a commune; `recontact_by`: only those to recontact by that day, earliest
    first. Each row carries its number of open positions. Every filter is served by an
    index starting with the organisation (name, NAF, commune, next contact)."""
    rows = Employer.objects.filter(organisation_id=organisation_id)
    if text:
        rows = rows.filter(Q(name_key__contains=fold(text)) | Q(siret=text.replace(" ", "")))
    if naf:
        rows = rows.filter(naf_code__startswith=references.normalise_naf(naf)[:5])
    if commune:
        rows = rows.filter(commune_code=commune)
    if recontact_by is not None:
        rows = rows.filter(next_contact_on__lte=recontact_by).order_by("next_contact_on", "pk")
    else:
        rows = rows.order_by("name_key", "pk")
    return rows.annotate(
        open_positions=Count("positions", filter=Q(positions__status=PositionStatus.OPEN))
    ).only("pk", "name", "siret", "naf_code", "commune_code", "next_contact_on", "size_band")


def cofollowed_sharing(membership) -> Sharing:
    """The persons the user co-follows in coordination teams, for the matching: those whose
    pathway is shared with the user, and what else each shared (one query, through the
    co-following seam that the coordination wing fills)."""
    return Sharing.from_accesses(cofollowing.provider().cofollowed_accesses(membership))


def open_positions_by_rome(organisation_id: int, codes) -> dict[str, int]:
    """The organisation's open positions per ROME code, for the codes given (one query):
    the territory's employment basin links each trade in tension to them."""
    codes = [c for c in codes if c]
    if not codes:
        return {}
    return dict(
        Position.objects.filter(
            organisation_id=organisation_id, status=PositionStatus.OPEN, rome_code__in=codes
        )
        .values_list("rome_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
