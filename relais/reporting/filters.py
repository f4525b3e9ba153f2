"""What a dashboard is computed over: a scope (whose persons) and filters (period, scheme,
référent, commune, age band), checked once here for the pages, the API and the exports.

Scopes:
- `organisation`: every person of the organisation (managers);
- `caseload`: the persons whose référent is the user (« ma file active »);
- `team`: the persons the user co-follows in a coordination team, for another organisation
  (only what is shared with them: each indicator says which category it needs).

Beyond the user's own caseload, small counts are suppressed (`relais.reporting.tables`, with
`relais.core.disclosure`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from django.db import models

from relais.core.errors import DomainError
from relais.pathways.models import Scheme

MAX_PERIOD_DAYS = 3 * 366
MIN_DATE, MAX_DATE = (
    dt.date(1900, 1, 1),
    dt.date(2100, 12, 31),
)  # three years: beyond, a dashboard says little and costs a lot


class Scope(StrEnum):
    ORGANISATION = "structure"
    CASELOAD = "file-active"
    TEAM = "coordination"

    @property
    def label(self) -> str:
        return SCOPE_LABELS[self]


SCOPE_LABELS = {
    Scope.ORGANISATION: "Ma structure",
    Scope.CASELOAD: "Ma file active",
    Scope.TEAM: "Mes équipes de coordination",
}


class AgeBand(models.TextChoices):
    """The age bands of the FSE+ participant indicators (age at the end of the period)."""

    UNDER_25 = "moins-25", "Moins de 25 ans"
    FROM_25_TO_54 = "25-54", "25 à 54 ans"
    FROM_55 = "55-plus", "55 ans et plus"


# Lowest and highest age (inclusive) of each band.
AGE_BOUNDS: dict[str, tuple[int, int | None]] = {
    AgeBand.UNDER_25: (0, 24),
    AgeBand.FROM_25_TO_54: (25, 54),
    AgeBand.FROM_55: (55, None),
}


class PeriodError(DomainError):
    pass


@dataclass(frozen=True)
class ReportFilter:
    start: dt.date
    end: dt.date
    scheme: str = ""
    referent_id: int | None = None
    commune_code: str = ""
    age_band: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def params(self) -> dict:
        """As JSON: what export jobs and snapshots keep."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "scheme": self.scheme,
            "referent_id": self.referent_id,
            "commune_code": self.commune_code,
            "age_band": self.age_band,
        }

    @classmethod
    def from_params(cls, params: dict) -> ReportFilter:
        return cls(
            start=dt.date.fromisoformat(params["start"]),
            end=dt.date.fromisoformat(params["end"]),
            scheme=params.get("scheme", ""),
            referent_id=params.get("referent_id"),
            commune_code=params.get("commune_code", ""),
            age_band=params.get("age_band", ""),
        )

    def previous_year(self) -> ReportFilter:
        """The same dates one year earlier (29 February becomes 28 February; the last day
        of a month stays the last day of that month, so whole months stay whole)."""
        end = _year_before(self.end)
        if self.end == _month_end(self.end):
            end = _month_end(end)
        return replace(self, start=_year_before(self.start), end=end)

    @property
    def whole_months(self) -> bool:
        return is_whole_months(self.start, self.end)

    def birth_date_range(self) -> tuple[dt.date | None, dt.date | None]:
        """Birth dates of the persons in the age band at the end of the period:
        (born after or on, born on or before); (None, None) without a band."""
        if not self.age_band:
            return None, None
        low, high = AGE_BOUNDS[self.age_band]
        born_on_or_before = _years_before(self.end, low)
        born_after_or_on = (
            _years_before(self.end, high + 1) + dt.timedelta(days=1) if high is not None else None
        )
        return born_after_or_on, born_on_or_before

    def describe(self) -> str:
        """The filters in words, for exports and reports."""
        parts = [f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"]
        if self.scheme:
            parts.append(f"dispositif : {Scheme(self.scheme).label}")
        if self.commune_code:
            parts.append(f"commune : {self.commune_code}")
        if self.age_band:
            parts.append(f"âge : {AgeBand(self.age_band).label}")
        if self.referent_id:
            parts.append(f"référent : {referent_name(self.referent_id)}")
        return ", ".join(parts)


def referent_name(user_id: int) -> str:
    """The référent's name as the users know them (never an internal number)."""
    from relais.accounts.models import User

    user = User.objects.filter(pk=user_id).only("first_name", "last_name", "email").first()
    if user is None:
        return "inconnu"
    return user.get_full_name() or user.email


def _year_before(day: dt.date) -> dt.date:
    return _years_before(day, 1)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _month_end(day: dt.date) -> dt.date:
    following = day.replace(day=28) + dt.timedelta(days=4)
    return following - dt.timedelta(days=following.day)


def is_whole_months(start: dt.date, end: dt.date) -> bool:
    return start.day == 1 and end == _month_end(end)


WHOLE_MONTHS_RULE = (
    "Hors de votre file active, la période doit couvrir des mois entiers : elle commence le "
    "1er d'un mois et finit le dernier jour d'un mois (par exemple du 01/01/2026 au "
    "30/06/2026). Deux périodes qui ne différeraient que de quelques jours permettraient de "
    "retrouver une personne en comparant leurs chiffres."
)


def check_whole_months(start: dt.date | None, end: dt.date | None) -> list[DomainError]:
    """Beyond the caseload: whole months only, each wrong date named."""
    errors: list[DomainError] = []
    if start is not None and start.day != 1:
        errors.append(
            PeriodError(
                f"{WHOLE_MONTHS_RULE} Début proposé : le {start.replace(day=1):%d/%m/%Y}.",
                field="start",
            )
        )
    if end is not None and end != _month_end(end):
        errors.append(
            PeriodError(
                f"{WHOLE_MONTHS_RULE} Fin proposée : le {_month_end(end):%d/%m/%Y}.",
                field="end",
            )
        )
    return errors


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """From 1 January to the last day of the current month: the year so far in whole
    months (what funders' yearly reports cover, and what every dashboard beyond the
    caseload accepts)."""
    return dt.date(today.year, 1, 1), _month_end(today)


def check_period(start: dt.date | None, end: dt.date | None) -> list[DomainError]:
    """Every problem of a period at once (the form shows them all)."""
    errors: list[DomainError] = []
    if start is None:
        errors.append(PeriodError("Indiquez la date de début de la période.", field="start"))
    if end is None:
        errors.append(PeriodError("Indiquez la date de fin de la période.", field="end"))
    for day, name in ((start, "start"), (end, "end")):
        if day is not None and not MIN_DATE <= day <= MAX_DATE:
            errors.append(PeriodError("Date hors des années 1900 à 2100.", field=name))
    if errors:
        return errors
    if start and end:
        if end < start:
            errors.append(
                PeriodError(
                    "La fin de la période ne peut pas précéder son début "
                    f"({end:%d/%m/%Y} est avant le {start:%d/%m/%Y}).",
                    field="end",
                )
            )
        elif (end - start).days + 1 > MAX_PERIOD_DAYS:
            errors.append(PeriodError("La période ne peut pas dépasser trois ans.", field="end"))
    return errors


def build_filter(
    *,
    start: dt.date | None,
    end: dt.date | None,
    scheme: str = "",
    referent_id: int | None = None,
    commune_code: str = "",
    age_band: str = "",
) -> ReportFilter:
    """A checked filter; the first problem raised as a `DomainError` (forms use
    `check_period` to show all of them). The référent is checked against the organisation
    by `relais.reporting.policies.check_referent_filter`."""
    errors = check_period(start, end)
    if scheme and scheme not in Scheme.values:
        errors.append(DomainError("Dispositif inconnu.", field="scheme"))
    if age_band and age_band not in AgeBand.values:
        errors.append(DomainError("Tranche d'âge inconnue.", field="age_band"))
    if commune_code and (len(commune_code) != 5 or not commune_code.isalnum()):
        errors.append(DomainError("Code commune INSEE invalide (5 caractères).", field="commune"))
    if errors:
        raise errors[0]
    return ReportFilter(
        start=start,
        end=end,
        scheme=scheme,
        referent_id=referent_id,
        commune_code=commune_code.upper(),
        age_band=age_band,
    )
