"""Who may do what with organisations and accounts. Views and API both ask here."""

from __future__ import annotations

from django.conf import settings

from relais.accounts.models import Membership, Organisation, Role, User


def active_membership(user: User, organisation: Organisation | None) -> Membership | None:
    if organisation is None or not user.is_authenticated:
        return None
    return Membership.objects.active().filter(user=user, organisation=organisation).first()


def can_manage_members(user: User, organisation: Organisation | None) -> bool:
    membership = active_membership(user, organisation)
    return membership is not None and membership.role == Role.MANAGER


def can_read_journal(user: User, organisation: Organisation | None) -> bool:
    """The access journal of an organisation is read by its managers only."""
    return can_manage_members(user, organisation)


def requires_second_factor(user: User) -> bool:
    """Every account must confirm a TOTP code at login, unless the local demo switched the
    requirement off. Accounts that enrolled a device are always asked for it."""
    return bool(settings.RELAIS_OTP_REQUIRED)
