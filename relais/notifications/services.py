"""Telling an organisation: an in-app notification for its members and, if asked, an e-mail.

A notification names records by link, never by a person's name: it can be listed, and an
e-mail can travel through any mail server, without spreading personal data (« une
orientation vous a été adressée » + a link that asks to log in).

The notification row is written in the caller's transaction (it exists if and only if the
action does); the e-mails are a task queued when that transaction commits, which finds the
recipients and queues one message each (`relais.core.mail`): a failing mail server never
fails the action, and the request does not even read the recipients.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from relais.accounts.models import Membership, Organisation, Role, User
from relais.core.links import absolute
from relais.core.mail import enqueue_on_commit, queue_email
from relais.notifications.models import Notification

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


def email_send(*, to: Iterable[str], email: Email, link: str = "", organisation=None) -> None:
    """Queue `email` (the notice template: greeting, text, link, no personal data)."""
    context = {
        "text": email.text,
        "link": absolute(link),
        "organisation": organisation,
        "site_name": settings.RELAIS_SITE_NAME,
    }
    queue_email(
        subject=f"[{settings.RELAIS_SITE_NAME}] {email.subject}",
        body=render_to_string("notifications/email.txt", context),
        to=to,
    )


@task()
def notice_email_send(
    *, organisation_id: int, user_ids: list[int] | None, subject: str, text: str, link: str
) -> None:
    """Who gets a notice's e-mail is decided when it leaves (a background task, after the
    action's commit): the organisation's référents and managers, or the named users still
    members there. Each message then leaves on its own (`relais.core.mail`)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return
    users = None if user_ids is None else User.objects.filter(pk__in=user_ids)
    to = recipients(organisation, users=users)
    if to:
        email_send(
            to=to, email=Email(subject=subject, text=text), link=link, organisation=organisation
        )


def notify(
    *,
    organisation: Organisation,
    message: str,
    link: str = "",
    email: Email | None = None,
    email_users: Iterable[User] | None = None,
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
        user_ids = None if email_users is None else [u.pk for u in email_users if u is not None]
        enqueue_on_commit(
            notice_email_send,
            organisation_id=organisation.pk,
            user_ids=user_ids,
            subject=email.subject,
            text=email.text,
            link=link,
        )
    return notification


def mark_all_read(organisation: Organisation, user: User | None = None) -> int:
    return Notification.objects.seen_by(organisation, user).unread().update(read_at=timezone.now())
