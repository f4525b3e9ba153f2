"""The agenda's row helpers: when an appointment ends, and what it overlaps."""

from __future__ import annotations

import datetime as dt

from django import template

from relais.pathways.agenda import ends_at as _ends_at
from relais.pathways.models import Appointment

register = template.Library()


@register.filter
def ends_at(appointment: Appointment) -> dt.datetime:
    return _ends_at(appointment)


@register.simple_tag
def conflicts_of(appointment: Appointment, conflicts: dict) -> list:
    return conflicts.get(appointment.pk, [])
