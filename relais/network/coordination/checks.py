"""Field checks shared by the coordination services (teams, what members add, case
conferences): dates within a plausible range, French dates in messages (texts: relais.core.text.clean_text)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from relais.core.errors import DomainError

EARLIEST_DATE = dt.date(1990, 1, 1)
MAX_FUTURE_YEARS = 10


def format_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def check_date(value: dt.date | None, field: str, label: str, *, future: bool = True) -> None:
    if value is None:
        return
    today = timezone.localdate()
    if not future and value > today:
        raise DomainError(f"{label} ne peut pas être dans le futur.", field=field)
    latest = today.replace(year=today.year + MAX_FUTURE_YEARS, day=min(today.day, 28))
    if value < EARLIEST_DATE or value > latest:
        raise DomainError(
            f"{label} semble erronée ({format_date(value)}) : vérifiez l'année.", field=field
        )
