"""Writes of the territory module: territories, pooling agreements, needs analyses,
indicators (the watch log's are in `watch.py`). Each is atomic, checks its policy and
raises a DomainError with a French message."""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from relais.accounts.models import Membership
from relais.core.errors import DomainError, PermissionDenied
from relais.core.text import fold
from relais.core.versioning import update_versioned
from relais.network.directory.geo import CommuneLookupError, resolve_commune
from relais.territory import geography, needs_summary
from relais.territory.models import (
    Aggregation,
    GeoLevel,
    Indicator,
    NeedsAnalysis,
    PoolingAgreement,
    Territory,
    Theme,
)
from relais.territory.policies import can_contribute, can_manage_territory
from relais.territory.report import SECTIONS

MAX_AREAS = 500
_EPCI = re.compile(r"^\d{9}$")
_DEPARTEMENT = re.compile(r"^(?:\d{2}|2[AB]|97\d)$", re.IGNORECASE)


def parse_areas(text: str, *, field: str = "zones") -> list[str]:
    """What a manager types — one area per line or separated by commas/semicolons: a
    département (« 69 »), an EPCI (SIREN, 9 digits), a commune (INSEE code or name), or
    « France » — as « niveau:code » areas. Every unknown entry is reported at once."""
    parts = [p.strip() for p in re.split(r"[,;\n]+", text or "") if p.strip()]
    if not parts:
        raise DomainError("Indiquez au moins une commune, un EPCI ou un département.", field=field)
    areas: list[str] = []
    unknown: list[str] = []
    for part in parts:
        area = _area_of(part)
        if area is None:
            unknown.append(part)
        elif area not in areas:
            areas.append(area)
    if unknown:
        raise DomainError(
            "Inconnu dans le code officiel géographique : "
            + ", ".join(f"« {u} »" for u in unknown)
            + ". Indiquez un code de département, un SIREN d'EPCI, un code INSEE ou un nom de commune.",
            field=field,
        )
    if len(areas) > MAX_AREAS:
        raise DomainError(f"{MAX_AREAS} zones au plus.", field=field)
    return areas


def _area_of(part: str) -> str | None:
    if fold(part) == "france":
        return "france"
    if ":" in part:
        return part if geography.area_exists(part) else None
    if _EPCI.match(part):
        return f"epci:{part}" if geography.area_exists(f"epci:{part}") else None
    if _DEPARTEMENT.match(part):
        code = part.upper()
        return f"departement:{code}" if geography.area_exists(f"departement:{code}") else None
    current = geography.commune_named(part) if re.fullmatch(r"[0-9AB]{5}", part.upper()) else None
    if current:
        return f"commune:{current}"
    try:
        commune = resolve_commune(part)
    except CommuneLookupError:
        return None
    current = geography.commune_named(commune.code)
    return f"commune:{current}" if current else None


def default_comparison(areas: list[str]) -> list[str]:
    """The départements of the territory's communes (at most three), then France."""
    table = geography.communes()
    departements: list[str] = []
    for code in geography.communes_of(areas):
        departement = table[code].departement
        if f"departement:{departement}" not in departements:
            departements.append(f"departement:{departement}")
    found = [d for d in departements[:3] if d not in areas]
    return [*found, "france"]


def _check_manager(membership: Membership) -> None:
    if not can_manage_territory(membership):
        raise PermissionDenied(
            "Seuls les responsables de la structure définissent ses territoires."
        )


def _check_name(organisation_id: int, name: str, exclude: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("Donnez un nom au territoire.", field="name")
    taken = Territory.objects.of_organisation(organisation_id).filter(name__iexact=name)
    if exclude:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise DomainError("Un territoire de la structure porte déjà ce nom.", field="name")
    return name


@transaction.atomic
def territory_create(
    *, membership: Membership, name: str, areas_text: str, comparison_text: str = ""
) -> Territory:
    _check_manager(membership)
    errors: list[DomainError] = []
    values = {}
    for key, check in (
        ("name", lambda: _check_name(membership.organisation_id, name)),
        ("areas", lambda: parse_areas(areas_text)),
        (
            "comparison",
            lambda: (
                parse_areas(comparison_text, field="comparaison") if comparison_text.strip() else []
            ),
        ),
    ):
        try:
            values[key] = check()
        except DomainError as error:
            errors.append(error)
    if errors:
        raise errors[0] if len(errors) == 1 else MultipleErrors(errors)
    try:
        return Territory.objects.create(
            organisation_id=membership.organisation_id,
            name=values["name"],
            areas=values["areas"],
            comparison_areas=values["comparison"] or default_comparison(values["areas"]),
            created_by=membership.user,
        )
    except IntegrityError as error:
        raise DomainError(
            "Un territoire de la structure porte déjà ce nom.", field="name"
        ) from error


@transaction.atomic
def territory_update(
    *,
    membership: Membership,
    territory: Territory,
    expected_version: int,
    name: str,
    areas_text: str,
    comparison_text: str = "",
) -> Territory:
    _check_manager(membership)
    if territory.organisation_id != membership.organisation_id:
        raise PermissionDenied("Ce territoire est celui d'une autre structure.")
    errors: list[DomainError] = []
    values = {}
    for key, check in (
        ("name", lambda: _check_name(membership.organisation_id, name, exclude=territory.pk)),
        ("areas", lambda: parse_areas(areas_text)),
        (
            "comparison",
            lambda: (
                parse_areas(comparison_text, field="comparaison") if comparison_text.strip() else []
            ),
        ),
    ):
        try:
            values[key] = check()
        except DomainError as error:
            errors.append(error)
    if errors:
        raise errors[0] if len(errors) == 1 else MultipleErrors(errors)
    return update_versioned(
        territory,
        expected_version=expected_version,
        actor=membership.user,
        changes={
            "name": values["name"],
            "areas": values["areas"],
            "comparison_areas": values["comparison"] or default_comparison(values["areas"]),
        },
    )


class MultipleErrors(DomainError):
    """Several fields in error at once: every one is reported in the same round."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__(" ".join(e.message for e in errors))
        self.errors = errors


@transaction.atomic
def pooling_agree(*, membership: Membership, on: dt.date | None = None) -> PoolingAgreement:
    _check_manager(membership)
    current = PoolingAgreement.objects.of_organisation(membership.organisation_id).active().first()
    if current is not None:
        return current
    agreement = PoolingAgreement.objects.create(
        organisation_id=membership.organisation_id,
        agreed_by=membership.user,
        agreed_on=on or timezone.localdate(),
    )
    # The stored observed needs cover other organisations now: read live until recomputed.
    needs_summary.mark_stale()
    return agreement


@transaction.atomic
def pooling_withdraw(*, membership: Membership) -> None:
    _check_manager(membership)
    PoolingAgreement.objects.of_organisation(membership.organisation_id).active().update(
        withdrawn_at=timezone.now(), withdrawn_by=membership.user
    )
    needs_summary.mark_stale()


def pooling_active(organisation_id: int) -> PoolingAgreement | None:
    return PoolingAgreement.objects.of_organisation(organisation_id).active().first()


@transaction.atomic
def needs_analysis_create(
    *, membership: Membership, territory: Territory, year: int, title: str = ""
) -> NeedsAnalysis:
    if not can_contribute(membership):
        raise PermissionDenied("Votre rôle ne permet pas de rédiger l'analyse des besoins sociaux.")
    if territory.organisation_id != membership.organisation_id:
        raise PermissionDenied("Ce territoire est celui d'une autre structure.")
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise DomainError("Indiquez une année entre 2000 et l'an prochain.", field="year")
    if (
        NeedsAnalysis.objects.of_organisation(membership.organisation_id)
        .filter(territory=territory, year=year)
        .exists()
    ):
        raise DomainError(
            f"L'analyse {year} de ce territoire existe déjà : ouvrez-la pour la compléter.",
            field="year",
        )
    previous = (
        NeedsAnalysis.objects.of_organisation(membership.organisation_id)
        .filter(territory=territory, year__lt=year)
        .order_by("-year")
        .first()
    )
    return NeedsAnalysis.objects.create(
        organisation_id=membership.organisation_id,
        territory=territory,
        year=year,
        title=(title or "").strip() or f"Analyse des besoins sociaux {year} — {territory.name}",
        # A yearly update starts from last year's text (décret 2016-824: initial analysis,
        # then thematic updates).
        narratives=dict(previous.narratives) if previous else {},
        created_by=membership.user,
    )


MAX_NARRATIVE = 20_000


@transaction.atomic
def needs_analysis_write(
    *,
    membership: Membership,
    analysis: NeedsAnalysis,
    section: str,
    text: str,
    expected_version: int,
) -> NeedsAnalysis:
    if not can_contribute(membership) or analysis.organisation_id != membership.organisation_id:
        raise PermissionDenied("Votre rôle ne permet pas de rédiger l'analyse des besoins sociaux.")
    if section not in SECTIONS:
        raise DomainError("Section inconnue.", field="section")
    text = (text or "").strip()
    if len(text) > MAX_NARRATIVE:
        raise DomainError(f"{MAX_NARRATIVE} caractères au plus ({len(text)} saisis).", field="text")
    narratives = dict(analysis.narratives)
    narratives[section] = text
    return update_versioned(
        analysis,
        expected_version=expected_version,
        actor=membership.user,
        changes={"narratives": narratives},
    )


@transaction.atomic
def indicator_create(
    *,
    membership: Membership,
    name: str,
    source: str,
    theme: str,
    unit: str = "",
    definition: str = "",
    level: str = "commune",
    aggregation: str = "sum",
    weight: Indicator | None = None,
    is_demo: bool = False,
) -> Indicator:
    """An indicator of the organisation's catalogue; its values come by import."""
    _check_manager(membership)
    name, source = (name or "").strip(), (source or "").strip()
    errors: list[DomainError] = []
    if not name:
        errors.append(DomainError("Donnez un nom à l'indicateur.", field="name"))
    if not source:
        errors.append(DomainError("Indiquez la source (ex. « INSEE, RP 2021 »).", field="source"))
    if theme not in Theme.values:
        errors.append(DomainError("Choisissez un thème.", field="theme"))
    if level not in GeoLevel.values:
        errors.append(DomainError("Niveau géographique inconnu.", field="level"))
    if aggregation not in Aggregation.values:
        errors.append(DomainError("Choisissez comment agréger.", field="aggregation"))
    if weight is not None and (
        weight.organisation_id not in (None, membership.organisation_id)
        or weight.aggregation != Aggregation.SUM
    ):
        errors.append(
            DomainError("Le dénominateur doit être un effectif du catalogue.", field="weight")
        )
    if weight is not None and aggregation == Aggregation.SUM:
        errors.append(
            DomainError("Un effectif s'additionne : il n'a pas de dénominateur.", field="weight")
        )
    code = slugify(name)[:60] or "indicateur"
    if (
        name
        and Indicator.objects.of_organisation(membership.organisation_id).filter(code=code).exists()
    ):
        errors.append(DomainError("Un indicateur de la structure porte déjà ce nom.", field="name"))
    if errors:
        raise errors[0] if len(errors) == 1 else MultipleErrors(errors)
    return Indicator.objects.create(
        organisation_id=membership.organisation_id,
        code=code,
        name=name,
        source=source,
        theme=theme,
        unit=(unit or "").strip(),
        definition=(definition or "").strip(),
        level=level,
        aggregation=aggregation,
        weight=weight,
        is_demo=is_demo,
    )
