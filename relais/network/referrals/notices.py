"""In-app notifications for an organisation, and the e-mails that go with them.

A notification names records by link, never by a person's name: it can be listed, and an
e-mail can travel through any mail server, without spreading personal data ("une orientation
vous a été adressée" + a link that asks to log in). E-mails leave after the transaction
commits (`transaction.on_commit`): a rolled-back transition sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, Role, User
from relais.network.referrals.models import Notification

EMAIL_ROLES = (Role.REFERENT, Role.MANAGER)


@dataclass(frozen=True)
class Email:
    subject: str
    text: str  # one or two sentences, no personal data


def recipients(organisation: Organisation, *, users: Iterable[User] | None = None) -> list[str]:
    """E-mail addresses of the organisation's active référents and managers, or of the
    given users when they are still active members there."""
    memberships = Membership.objects.active().filter(
        organisation=organisation, role__in=EMAIL_ROLES
    )
    if users is not None:
        memberships = memberships.filter(user__in=[u.pk for u in users if u is not None])
    return sorted({m for m in memberships.values_list("user__email", flat=True) if m})


def absolute(link: str, base_url: str = "") -> str:
    base = (base_url or getattr(settings, "RELAIS_BASE_URL", "") or "").rstrip("/")
    return f"{base}{link}" if base else link


def _send(messages: list[tuple[str, str, None, list[str]]]) -> None:
    send_mass_mail(messages, fail_silently=False)


def notify(
    *,
    organisation: Organisation,
    message: str,
    link: str = "",
    email: Email | None = None,
    email_users: Iterable[User] | None = None,
    base_url: str = "",
) -> Notification | None:
    """Tell `organisation`: an in-app notification for its members and, after commit, an
    e-mail (to `email_users` among its members, or to all its référents and managers).
    Partners "hors plateforme" have no members: nothing is recorded for them."""
    if organisation.is_external or not organisation.is_active:
        return None
    notification = Notification.objects.create(
        organisation=organisation, message=message[:300], link=link[:300]
    )
    if email is not None:
        to = recipients(organisation, users=email_users)
        if to:
            context = {
                "text": email.text,
                "link": absolute(link, base_url),
                "organisation": organisation,
                "site_name": settings.RELAIS_SITE_NAME,
            }
            body = render_to_string("network/referrals/emails/notification.txt", context)
            subject = f"[{settings.RELAIS_SITE_NAME}] {email.subject}"
            # One message per recipient: nobody sees the others' addresses.
            batch = [(subject, body, None, [address]) for address in to]
            transaction.on_commit(lambda: _send(batch))
    return notification


# --- Reading ---------------------------------------------------------------------------------


def for_organisation(organisation: Organisation, user: User | None = None) -> QuerySet:
    """Notifications the members of `organisation` see (and those addressed to `user`)."""
    queryset = Notification.objects.filter(organisation=organisation)
    if user is not None:
        queryset = queryset.filter(Q(user__isnull=True) | Q(user=user))
    return queryset


def unread_count(organisation: Organisation, user: User | None = None) -> int:
    return for_organisation(organisation, user).filter(read_at__isnull=True).count()


def mark_all_read(organisation: Organisation, user: User | None = None) -> int:
    return (
        for_organisation(organisation, user)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
