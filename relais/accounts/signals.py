"""Account events go to the security log (read by platform administrators)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from relais.accounts.models import SecurityEventKind, User
from relais.accounts.services import api_tokens_revoke_all, security_event_record


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in, dispatch_uid="relais-login")
def on_login(sender, request, user, **kwargs):
    security_event_record(kind=SecurityEventKind.LOGIN, user=user, ip=_ip(request))


@receiver(user_logged_out, dispatch_uid="relais-logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        security_event_record(kind=SecurityEventKind.LOGOUT, user=user, ip=_ip(request))


@receiver(user_login_failed, dispatch_uid="relais-login-failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    email = (credentials or {}).get("username", "") or ""
    user = User.objects.filter(email__iexact=email).first() if email else None
    security_event_record(
        kind=SecurityEventKind.LOGIN_FAILED, user=user, email=email, ip=_ip(request)
    )


@receiver(user_locked_out, dispatch_uid="relais-lockout")
def on_lockout(sender, request, username, ip_address, **kwargs):
    user = User.objects.filter(email__iexact=username).first() if username else None
    security_event_record(
        kind=SecurityEventKind.LOCKOUT, user=user, email=username or "", ip=ip_address
    )
    if user is not None:
        # Whoever is guessing the password may hold a token already: it stops working too.
        api_tokens_revoke_all(user=user, actor=None, why="compte verrouillé", ip=ip_address)
