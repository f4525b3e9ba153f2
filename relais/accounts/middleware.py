"""Second-factor verification and enforcement, the current organisation of the request, and
the alert on accounts refused access in series."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts import services
from relais.accounts.models import Membership
from relais.accounts.policies import requires_second_factor
from relais.core.compiled import CompiledQuery
from relais.core.journal import client_ip

SESSION_ORGANISATION_KEY = "relais_organisation_id"

# Reachable while logged in but not yet verified with the second factor.
_OPEN_PREFIXES = ("/static/", "/healthz", "/api/")


_compiled_totp_device = CompiledQuery(lambda pk: TOTPDevice.objects.filter(pk=pk), ids=("pk",))


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's middleware (`request.user.is_verified()`, the device bound to the user
    and confirmed), reading the session's TOTP device — every request of a verified user —
    as a compiled query; another kind of device as django-otp does."""

    def _device_from_persistent_id(self, persistent_id: str):
        persistent_id = self._normalize_persistent_id(persistent_id)
        label, _, device_id = persistent_id.rpartition("/")
        if label == TOTPDevice.model_label() and device_id.isdigit():
            found = _compiled_totp_device(pk=int(device_id))
            return found[0] if found else None
        return Device.from_persistent_id(persistent_id)


class SecondFactorMiddleware:
    """A logged-in user who must confirm a TOTP code reaches nothing but the code pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            allowed = {
                reverse("accounts:otp_verify"),
                reverse("accounts:otp_enrol"),
                reverse("accounts:logout"),
            }
            if request.path not in allowed:
                query = urlencode({"next": request.get_full_path()})
                if user_has_device(user, confirmed=True):
                    return redirect(f"{reverse('accounts:otp_verify')}?{query}")
                if requires_second_factor(user):
                    return redirect(f"{reverse('accounts:otp_enrol')}?{query}")
        return self.get_response(request)


def _memberships_of(user_id: int):
    return (
        Membership.objects.active()
        .filter(user_id=user_id)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


# Read by every request of a logged-in user: compiled once (relais.core.compiled).
_compiled_memberships = CompiledQuery(_memberships_of, ids=("user_id",))


class CurrentOrganisationMiddleware:
    """Sets `request.membership` and `request.organisation` from the session's choice, or the
    user's first active membership (by organisation name), and `request.memberships`, all
    the user's active memberships (the frame's organisation switcher): one query for the
    three. They are None (an empty list) for a user with no active membership."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None
        request.organisation = None
        request.memberships = []
        if request.user.is_authenticated:
            memberships = _compiled_memberships(user_id=request.user.pk)
            wanted = request.session.get(SESSION_ORGANISATION_KEY)
            membership = next((m for m in memberships if m.organisation_id == wanted), None)
            if membership is None and memberships:
                membership = memberships[0]
            if membership is not None:
                request.membership = membership
                request.organisation = membership.organisation
            request.memberships = memberships
        return self.get_response(request)


class RefusalAlertMiddleware:
    """An account refused access (403/404) hundreds of times within minutes is probing for
    records it may not read — a stolen session or token, a script. At
    `RELAIS_REFUSAL_ALERT_THRESHOLD` refusals in a `RELAIS_REFUSAL_ALERT_WINDOW` (seconds)
    window, once per window: a security event, and an e-mail to the managers of the
    account's organisations and to the platform operators. Counted in the cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (403, 404):
            user = getattr(request, "user", None)  # the API's token sets it in the view
            if user is not None and user.is_authenticated:
                refusal_count(user=user, ip=client_ip(request))
        return response


def refusal_count(*, user, ip: str | None) -> int:
    window = settings.RELAIS_REFUSAL_ALERT_WINDOW
    key = f"relais-refusals:{user.pk}:{int(time.time()) // window}"
    cache.add(key, 0, timeout=window * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, timeout=window * 2)
        count = 1
    if count == settings.RELAIS_REFUSAL_ALERT_THRESHOLD:
        services.refusals_alert(user=user, count=count, minutes=window // 60, ip=ip)
    return count
