"""The shape of an export: items (label, value rows) in groups, and how values read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from relais.people.models import Person


@dataclass
class Item:
    title: str
    fields: list[tuple[str, Any]]
    children: list[Group] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[str, str, bool]]:
        """(label, text, is_long) for the PDF."""
        return [(label, display(value), is_long(value)) for label, value in self.fields]


@dataclass
class Group:
    key: str
    title: str
    items: list[Item]
    empty: str = "Aucun élément enregistré."
    item_titles: bool = True  # False for a group of one item titled like the group


@dataclass
class PersonExport:
    person: Person
    title: str
    generated_at: dt.datetime
    generated_by: str
    organisation: str
    groups: list[Group]


def display(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y à %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list | tuple):
        return ", ".join(display(v) for v in value)
    return str(value)


def is_long(value: Any) -> bool:
    return isinstance(value, str) and (len(value) > 120 or "\n" in value)


def user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def label_of(instance, name: str) -> str:
    value = getattr(instance, name)
    if value in (None, ""):
        return ""
    return getattr(instance, f"get_{name}_display")()
