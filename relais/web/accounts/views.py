"""Login (password then TOTP), second-factor enrolment, invitations, password reset and the
user's own account page (password, sessions, API tokens)."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts import services
from relais.accounts.models import ApiToken, Membership, SecurityEventKind, User
from relais.accounts.policies import requires_second_factor
from relais.core.errors import DomainError
from relais.core.journal import client_ip
from relais.web.accounts.forms import ApiTokenForm, InvitationSignupForm, LoginForm, OtpCodeForm


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        user = self.request.user
        target = self.get_redirect_url() or reverse("web:home")
        if user_has_device(user, confirmed=True):
            return f"{reverse('accounts:otp_verify')}?{urlencode({'next': target})}"
        if requires_second_factor(user):
            return f"{reverse('accounts:otp_enrol')}?{urlencode({'next': target})}"
        return target


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_safe_next(request, reverse("web:home")))
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect("accounts:otp_enrol")
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        throttled = [d for d in devices if not d.verify_is_allowed()[0]]
        for device in devices:
            if device not in throttled and device.verify_token(code):
                otp_login(request, device)
                return redirect(_safe_next(request, reverse("web:home")))
        services.security_event_record(
            kind=SecurityEventKind.OTP_FAILED, user=request.user, ip=client_ip(request)
        )
        if throttled:
            form.add_error(
                "code",
                "Trop de codes erronés d'affilée : patientez quelques secondes avant de réessayer "
                "(le délai double à chaque erreur).",
            )
        else:
            form.add_error(
                "code",
                "Ce code n'est pas valide. Vérifiez l'heure de votre téléphone et saisissez le code "
                "affiché maintenant. Après plusieurs erreurs, un délai d'attente s'applique.",
            )
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request, "")}
    )


def _pending_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Application d'authentification", confirmed=False
        )
    return device


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """First login: show a QR code (and the key in clear for manual entry), check one code."""
    if user_has_device(request.user, confirmed=True):
        return redirect("accounts:otp_verify")
    device = _pending_device(request.user)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            services.security_event_record(
                kind=SecurityEventKind.OTP_ENROLLED, user=request.user, ip=client_ip(request)
            )
            messages.success(request, "La double authentification est activée sur votre compte.")
            return redirect(_safe_next(request, reverse("web:home")))
        form.add_error(
            "code", "Ce code ne correspond pas. Vérifiez que l'heure de votre téléphone est exacte."
        )
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title="QR code à scanner")
    secret = device.config_url.split("secret=")[1].split("&")[0]
    spaced = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render(
        request,
        "accounts/otp_enrol.html",
        {"form": form, "qr_svg": qr_svg, "secret": spaced, "next": _safe_next(request, "")},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "Vous êtes déconnecté.")
    return redirect("accounts:login")


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    services.user_logout_everywhere(user=request.user, ip=client_ip(request))
    logout(request)
    messages.success(request, "Toutes vos sessions ont été fermées, sur tous vos appareils.")
    return redirect("accounts:login")


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_from_token(token)
    if invitation is None or not invitation.is_usable:
        reason = "unknown"
        if invitation is not None:
            if invitation.accepted_at:
                reason = "used"
            elif invitation.revoked_at:
                reason = "revoked"
            else:
                reason = "expired"
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"reason": reason, "invitation": invitation},
            status=410,
        )
    existing = User.objects.filter(email__iexact=invitation.email).exists()
    if existing:
        if not request.user.is_authenticated:
            return render(request, "accounts/invitation_login.html", {"invitation": invitation})
        if request.method == "POST":
            try:
                services.invitation_accept_existing_user(invitation=invitation, user=request.user)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect("web:home")
            request.session["relais_organisation_id"] = invitation.organisation_id
            messages.success(request, f"Vous avez rejoint {invitation.organisation.name}.")
            return redirect("web:home")
        return render(request, "accounts/invitation_accept.html", {"invitation": invitation})
    form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept_new_user(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                "Votre compte est créé. Connectez-vous avec votre adresse e-mail et le mot de passe choisi.",
            )
            return redirect(f"{reverse('accounts:login')}?email={invitation.email}")
    return render(
        request, "accounts/invitation_signup.html", {"invitation": invitation, "form": form}
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    token_form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and token_form.is_valid():
        try:
            _token, new_token = services.api_token_create(
                user=request.user,
                name=token_form.cleaned_data["name"],
                scope=token_form.cleaned_data["scope"],
                days=token_form.cleaned_data["days"],
                ip=client_ip(request),
            )
        except DomainError as error:
            token_form.add_error("name", error.message)
        else:
            token_form = ApiTokenForm()
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    tokens = ApiToken.objects.usable().filter(user=request.user)
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": memberships,
            "tokens": tokens,
            "token_form": token_form,
            "new_token": new_token,
        },
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(token=token, actor=request.user, ip=client_ip(request))
    messages.success(request, f"Le jeton « {token.name} » est révoqué.")
    return redirect("accounts:account")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.security_event_record(
            kind=SecurityEventKind.PASSWORD_CHANGED,
            user=self.request.user,
            ip=client_ip(self.request),
        )
        messages.success(self.request, "Votre mot de passe a été modifié.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Same answer whether the address is known or not: nobody learns who has an account."""

    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Recorded with the address typed, known or not (the answer to the user is the same).
        services.security_event_record(
            kind=SecurityEventKind.PASSWORD_RESET_REQUESTED,
            email=form.cleaned_data["email"],
            ip=client_ip(self.request),
        )
        # The e-mail is a background task that makes the link (relais.accounts.services).
        services.password_reset_request(email=form.cleaned_data["email"])
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.security_event_record(
            kind=SecurityEventKind.PASSWORD_RESET_DONE, user=form.user, ip=client_ip(self.request)
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
