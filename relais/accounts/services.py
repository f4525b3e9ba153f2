"""Writes on organisations and accounts. Each function is atomic and raises DomainError
with a French message when a rule refuses the operation."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from relais.accounts.models import (
    ApiToken,
    ApiTokenScope,
    Invitation,
    Membership,
    Organisation,
    Role,
    SecurityEvent,
    SecurityEventKind,
    User,
    hash_token,
)
from relais.core.errors import DomainError
from relais.core.links import absolute, link
from relais.core.mail import enqueue_on_commit, queue_email, retried
from relais.core.text import name_character_error, one_line


def security_event_record(
    *,
    kind: str,
    user: User | None = None,
    email: str = "",
    actor: User | None = None,
    organisation: Organisation | None = None,
    ip: str | None = None,
    detail: str = "",
) -> SecurityEvent:
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        email=(email or (user.email if user is not None else ""))[:254],
        actor=actor if actor is not None and actor.pk else None,
        organisation=organisation,
        ip=ip,
        detail=detail[:300],
    )


# Platform administrators act on accounts (password, second factor, activation, rights);
# each such action is recorded and told to the account's owner and to the managers of the
# organisations they belong to, so that an administrator cannot quietly take an account over.
ADMIN_ACCOUNT_KINDS = {
    SecurityEventKind.ADMIN_PASSWORD,
    SecurityEventKind.ADMIN_OTP_DEVICE,
    SecurityEventKind.ADMIN_ACTIVATION,
    SecurityEventKind.ADMIN_RIGHTS,
}


def admin_account_change_record(
    *, kind: str, user: User, actor: User, detail: str = "", ip: str | None = None
) -> SecurityEvent:
    """Record a platform administrator's action on `user`'s account and tell the people
    concerned (e-mails queued on commit)."""
    if kind not in ADMIN_ACCOUNT_KINDS:
        raise ValueError(f"not an administration event: {kind}")
    event = security_event_record(kind=kind, user=user, actor=actor, ip=ip, detail=detail)
    context = {"event": event, "site_name": settings.RELAIS_SITE_NAME}
    queue_email(
        subject=f"{settings.RELAIS_SITE_NAME} : action de l'administration sur un compte",
        body=render_to_string("accounts/emails/admin_account_change.txt", context),
        to=admin_account_change_recipients(user),
    )
    return event


def admin_account_change_recipients(user: User) -> set[str]:
    """The account's owner and the active managers of each organisation it belongs to."""
    managers = (
        Membership.objects.active()
        .filter(role=Role.MANAGER, organisation__memberships__user=user)
        .values_list("user__email", flat=True)
    )
    return {user.email, *managers} - {""}


def refusals_alert(*, user: User, count: int, minutes: int, ip: str | None) -> SecurityEvent:
    """Record and tell that `user` was refused access `count` times in `minutes` minutes."""
    event = security_event_record(
        kind=SecurityEventKind.REFUSALS,
        user=user,
        ip=ip,
        detail=f"{count} refus en {minutes} minutes",
    )
    managers = (
        Membership.objects.active()
        .filter(role=Role.MANAGER, organisation__memberships__user=user)
        .values_list("user__email", flat=True)
    )
    operators = User.objects.filter(is_staff=True, is_active=True).values_list("email", flat=True)
    context = {
        "event": event,
        "count": count,
        "minutes": minutes,
        "site_name": settings.RELAIS_SITE_NAME,
    }
    queue_email(
        subject=f"{settings.RELAIS_SITE_NAME} : accès refusés en série pour un compte",
        body=render_to_string("accounts/emails/refusals_alert.txt", context),
        to={*managers, *operators} - {user.email, ""},
    )
    return event


@task()
def invitation_email_send(*, invitation_id: int, attempt: int = 1) -> None:
    """Send the invitation (a background task). The token is made here, in the worker, and
    only its hash is stored: the e-mail holds the one copy of the link (the task's own
    arguments hold none). Each attempt makes a new token; an invitation accepted,
    replaced or expired in between is not sent."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.pending()
            .select_for_update()
            .select_related("organisation")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None:
            return
        raw = secrets.token_urlsafe(32)
        invitation.token_hash = hash_token(raw)
        invitation.save(update_fields=["token_hash", "updated_at"])
    context = {
        "invitation": invitation,
        "link": absolute(link("invitation", raw)),
        "organisation": invitation.organisation,
        "expires_at": invitation.expires_at,
        "site_name": settings.RELAIS_SITE_NAME,
    }
    subject = (
        f"Invitation à rejoindre {invitation.organisation.name} sur {settings.RELAIS_SITE_NAME}"
    )
    with retried(
        invitation_email_send, attempt=attempt, what=f"« {subject} »", invitation_id=invitation_id
    ):
        send_mail(
            subject=subject,
            message=render_to_string("accounts/emails/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )


def invitation_check(*, organisation: Organisation, email: str) -> None:
    """The rules an invitation must pass, for forms that want to refuse before sending."""
    if not organisation.is_active:
        raise DomainError("Cette structure est désactivée : impossible d'y inviter quelqu'un.")
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email.strip(), is_active=True
    ).exists():
        raise DomainError("Cette personne est déjà membre de la structure.", field="email")


@transaction.atomic
def invitation_send(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    invited_by: User | None,
    ip: str | None = None,
) -> Invitation:
    """Invite someone by e-mail. A previous pending invitation for the same address and
    organisation is replaced, so only the newest link works."""
    email = email.strip().lower()
    if role not in Role.values:
        raise DomainError("Rôle inconnu.", field="role")
    invitation_check(organisation=organisation, email=email)
    now = timezone.now()
    Invitation.objects.pending().filter(organisation=organisation, email__iexact=email).update(
        revoked_at=now
    )
    invitation = Invitation.objects.create(
        email=email,
        organisation=organisation,
        role=role,
        invited_by=invited_by,
        # Replaced by the token the e-mail carries when it is sent (invitation_email_send).
        token_hash=hash_token(secrets.token_urlsafe(32)),
        expires_at=now + settings.INVITATION_VALIDITY,
    )
    security_event_record(
        kind=SecurityEventKind.INVITATION_SENT,
        email=email,
        actor=invited_by,
        organisation=organisation,
        ip=ip,
        detail=f"rôle : {invitation.get_role_display()}",
    )
    enqueue_on_commit(invitation_email_send, invitation_id=invitation.pk)
    return invitation


def invitation_from_token(raw: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation").filter(token_hash=hash_token(raw)).first()
    )


def _check_usable(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise DomainError("Cette invitation a déjà été utilisée.")
    if invitation.revoked_at is not None:
        raise DomainError(
            "Cette invitation a été annulée ou remplacée par une invitation plus récente."
        )
    if invitation.is_expired:
        raise DomainError("Cette invitation a expiré.")


def _join(*, invitation: Invitation, user: User) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={"role": invitation.role},
    )
    if not created:
        membership.role = invitation.role
        membership.is_active = True
        membership.deactivated_at = None
        membership.save(update_fields=["role", "is_active", "deactivated_at", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    security_event_record(
        kind=SecurityEventKind.INVITATION_ACCEPTED, user=user, organisation=invitation.organisation
    )
    return membership


@transaction.atomic
def invitation_accept_new_user(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
) -> User:
    """First arrival: the invitation creates the account with the chosen password."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_usable(invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise DomainError(
            "Un compte existe déjà pour cette adresse : connectez-vous pour accepter l'invitation."
        )
    first_name, last_name = one_line(first_name), one_line(last_name)
    for field, label, value in (
        ("first_name", "Prénom", first_name),
        ("last_name", "Nom", last_name),
    ):
        if error := name_character_error(value, label):
            raise DomainError(error, field=field)
    user = User.objects.create_user(
        email=invitation.email,
        password=password,
        first_name=first_name,
        last_name=last_name,
    )
    _join(invitation=invitation, user=user)
    return user


@transaction.atomic
def invitation_accept_existing_user(*, invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_usable(invitation)
    if invitation.email.lower() != user.email.lower():
        raise DomainError(
            "Cette invitation a été envoyée à une autre adresse e-mail que celle de votre compte."
        )
    return _join(invitation=invitation, user=user)


def _manager_count(organisation: Organisation) -> int:
    return Membership.objects.active().filter(organisation=organisation, role=Role.MANAGER).count()


@transaction.atomic
def membership_change_role(
    *, membership: Membership, role: str, actor: User, ip: str | None = None
) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role not in Role.values:
        raise DomainError("Rôle inconnu.", field="role")
    if membership.role == role:
        return membership
    if membership.role == Role.MANAGER and _manager_count(membership.organisation) <= 1:
        raise DomainError("La structure doit garder au moins un responsable actif.", field="role")
    previous = membership.get_role_display()
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    security_event_record(
        kind=SecurityEventKind.ROLE_CHANGED,
        user=membership.user,
        actor=actor,
        organisation=membership.organisation,
        ip=ip,
        detail=f"{previous} → {membership.get_role_display()}",
    )
    return membership


@transaction.atomic
def membership_deactivate(
    *, membership: Membership, actor: User, ip: str | None = None
) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.user_id == actor.pk:
        raise DomainError("Vous ne pouvez pas désactiver votre propre accès.")
    if not membership.is_active:
        return membership
    if membership.role == Role.MANAGER and _manager_count(membership.organisation) <= 1:
        raise DomainError("La structure doit garder au moins un responsable actif.")
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    security_event_record(
        kind=SecurityEventKind.MEMBERSHIP_DEACTIVATED,
        user=membership.user,
        actor=actor,
        organisation=membership.organisation,
        ip=ip,
    )
    return membership


@transaction.atomic
def membership_reactivate(
    *, membership: Membership, actor: User, ip: str | None = None
) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.is_active:
        return membership
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    security_event_record(
        kind=SecurityEventKind.MEMBERSHIP_REACTIVATED,
        user=membership.user,
        actor=actor,
        organisation=membership.organisation,
        ip=ip,
    )
    return membership


@transaction.atomic
def user_logout_everywhere(*, user: User, ip: str | None = None) -> None:
    """Invalidate every session of the user, this one included, and their API tokens."""
    user.rotate_session_salt()
    user.save(update_fields=["session_salt"])
    security_event_record(kind=SecurityEventKind.LOGOUT_EVERYWHERE, user=user, actor=user, ip=ip)
    api_tokens_revoke_all(user=user, actor=user, ip=ip, why="déconnexion de tous les appareils")


API_TOKEN_PREFIX = "rls_"
# The lifetimes offered when creating a token (days); the longest is the most a token lives.
API_TOKEN_DAYS = (30, 90, 365)


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scope: str = ApiTokenScope.WRITE,
    days: int = 90,
    ip: str | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its clear value, shown once and never stored."""
    name = name.strip()
    if not name:
        raise DomainError(
            "Donnez un nom au jeton (par exemple, l'outil qui l'utilisera).", field="name"
        )
    if len(name) > 100:
        raise DomainError("Le nom du jeton ne peut dépasser 100 caractères.", field="name")
    if scope not in ApiTokenScope.values:
        raise DomainError("Choisissez les droits du jeton.", field="scope")
    if days not in API_TOKEN_DAYS:
        raise DomainError(
            "Choisissez une durée de validité de "
            + ", ".join(str(d) for d in API_TOKEN_DAYS[:-1])
            + f" ou {API_TOKEN_DAYS[-1]} jours.",
            field="days",
        )
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[4:12],
        key_hash=hash_token(raw),
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    security_event_record(
        kind=SecurityEventKind.TOKEN_CREATED,
        user=user,
        actor=user,
        ip=ip,
        detail=f"{name} ({token.get_scope_display()}, {days} jours)",
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User, ip: str | None = None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        security_event_record(
            kind=SecurityEventKind.TOKEN_REVOKED,
            user=token.user,
            actor=actor,
            ip=ip,
            detail=token.name,
        )
    return token


def api_tokens_revoke_all(
    *, user: User, actor: User | None, why: str, ip: str | None = None
) -> int:
    """Revoke every token of the user still in use (logout everywhere, lockout)."""
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )
    if count:
        security_event_record(
            kind=SecurityEventKind.TOKEN_REVOKED,
            user=user,
            actor=actor,
            ip=ip,
            detail=f"{count} jeton(s) : {why}",
        )
    return count


def api_token_find(raw: str) -> ApiToken | None:
    """The usable token with this clear value (its user loaded), or None."""
    if not raw.startswith(API_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.usable().select_related("user").filter(key_hash=hash_token(raw)).first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_authenticate(raw: str) -> User | None:
    token = api_token_find(raw)
    return token.user if token is not None else None


# --- Password reset -------------------------------------------------------------------------


def password_reset_request(*, email: str) -> None:
    """Queue the reset e-mail for the active account(s) of this address, if any (the page
    answers the same whether the address is known or not)."""
    users = User.objects.filter(email__iexact=email.strip(), is_active=True)
    for user_id in users.values_list("pk", flat=True):
        enqueue_on_commit(password_reset_email_send, user_id=user_id)


@task()
def password_reset_email_send(*, user_id: int, attempt: int = 1) -> None:
    """Send the reset link (a background task). The link is made here, in the worker, so that
    no usable link waits in the task's arguments; it is valid PASSWORD_RESET_TIMEOUT and
    once (Django's token changes with the password)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    context = {
        "user": user,
        "site_name": settings.RELAIS_SITE_NAME,
        "link": absolute(link("password_reset", uid, default_token_generator.make_token(user))),
    }
    subject = "".join(
        render_to_string("accounts/emails/password_reset_subject.txt", context).splitlines()
    )
    with retried(
        password_reset_email_send, attempt=attempt, what=f"« {subject} »", user_id=user_id
    ):
        send_mail(
            subject=subject,
            message=render_to_string("accounts/emails/password_reset.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
