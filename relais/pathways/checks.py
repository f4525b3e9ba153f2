"""What every pathway service checks before writing, in one place so that the pathway, its
goals, steps, contract and reviews obey the same rules: the actor accompanies the person,
the pathway is open (its row locked for the transaction), the user's version is still the
saved one, fields pass the model's validation (lengths included), dates are plausible.
Also the calendar arithmetic these rules use (`add_months`)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from relais.accounts.models import Membership, User
from relais.core.errors import DomainError, PermissionDenied
from relais.core.versioning import update_versioned
from relais.pathways.models import Pathway, PathwayStatus
from relais.people.models import Person
from relais.people.policies import Capability, can

EARLIEST_DATE = dt.date(1990, 1, 1)
FAR_FUTURE_YEARS = 10


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months, clamped to the end of shorter months
    (31/01 + 1 month = 28/02 or 29/02)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def format_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def ensure_allowed(actor: User, person: Person) -> None:
    membership = (
        Membership.objects.active()
        .filter(user=actor, organisation_id=person.organisation_id)
        .first()
    )
    if not can(membership, Capability.ACCOMPANIMENT, person):
        raise PermissionDenied("Vous n'avez pas accès à l'accompagnement de cette personne.")


def ensure_open(pathway: Pathway) -> None:
    if pathway.status == PathwayStatus.CLOSED:
        raise DomainError("Ce parcours est terminé : il ne peut plus être modifié.")


def locked_pathway(pathway: Pathway, actor: User) -> Pathway:
    """The pathway row locked for the caller's transaction, once the actor's access and the
    pathway's being open are checked again on it."""
    current = (
        Pathway.objects.select_for_update()
        .select_related("person", "organisation")
        .get(pk=pathway.pk)
    )
    ensure_allowed(actor, current.person)
    ensure_open(current)
    return current


def check_version(instance: models.Model, expected_version: int | None) -> None:
    """Refuse, naming who saved in between, when the row moved past the user's version."""
    if expected_version is None or instance.version == expected_version:
        return
    # update_versioned finds no row at that version and raises the StaleObjectError.
    update_versioned(instance, expected_version=expected_version, actor=None, changes={})


def validate(instance: models.Model, fields: Iterable[str]) -> None:
    """Model field validation (lengths, choices, blanks) turned into a DomainError."""
    names = set(fields)
    exclude = [f.name for f in instance._meta.fields if f.name not in names]
    try:
        instance.clean_fields(exclude=exclude)
        # Django checks TextField.max_length in forms only: do it here for every caller.
        for model_field in instance._meta.fields:
            if (
                model_field.name in names
                and isinstance(model_field, models.TextField)
                and model_field.max_length
            ):
                value = getattr(instance, model_field.attname) or ""
                try:
                    MaxLengthValidator(model_field.max_length)(value)
                except ValidationError as error:
                    raise ValidationError({model_field.name: error.messages}) from error
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(messages[0], field=field) from error


def check_date(value: dt.date | None, field: str, label: str) -> None:
    if value is None:
        return
    today = timezone.localdate()
    if value < EARLIEST_DATE or value > add_months(today, 12 * FAR_FUTURE_YEARS):
        raise DomainError(
            f"{label} semble erronée ({format_date(value)}) : vérifiez l'année.", field=field
        )


def check_not_future(value: dt.date, field: str, label: str) -> None:
    if value > timezone.localdate():
        raise DomainError(f"{label} ne peut pas être dans le futur.", field=field)
