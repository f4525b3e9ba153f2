"""Platform administration: organisations and accounts only.

No model holding personal data of accompanied persons is ever registered here (a test
checks it): platform administrators manage the platform, they do not read case files.
"""

import contextlib

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts import services
from relais.accounts.models import (
    Invitation,
    Membership,
    Organisation,
    Role,
    SecurityEvent,
    SecurityEventKind,
    User,
)
from relais.accounts.validators import normalise_siret
from relais.core.errors import DomainError
from relais.core.journal import client_ip

admin.site.site_header = "Relais — administration de la plateforme"
admin.site.site_title = "Administration Relais"
admin.site.index_title = "Structures et comptes"


def _login_through_relais(request, extra_context=None):
    """The admin has no login form of its own: everyone goes through Relais's login, second
    factor included. Someone already logged in is sent on (administrator) or refused (anyone
    else): sending them to the login page again would loop."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect(next_url)
        raise PermissionDenied
    return redirect_to_login(next_url, reverse("accounts:login"))


admin.site.login = _login_through_relais


class OrganisationAdminForm(forms.ModelForm):
    # Longer than 14 so that a SIRET typed with spaces or dots reaches `clean_siret`; the
    # model's validators check the normalised 14 digits.
    siret = forms.CharField(
        label="SIRET",
        max_length=20,
        required=False,
        help_text="14 chiffres (espaces acceptés), facultatif.",
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "siret", "commune_code", "is_active"]

    def clean_siret(self):
        siret = normalise_siret(self.cleaned_data.get("siret", ""))
        if siret and Organisation.objects.filter(siret=siret).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Une structure avec ce SIRET existe déjà.")
        return siret

    def clean_commune_code(self):
        return self.cleaned_data["commune_code"].strip().upper()


class MembershipInline(admin.TabularInline):
    """Shown for information only. A platform administrator never grants, changes or
    activates a membership (that would open an organisation's case files to whoever they
    chose): people join an organisation by accepting an invitation, and only that
    organisation's managers change roles and activation, in Relais itself."""

    model = Membership
    extra = 0
    fields = ["user", "organisation", "role", "is_active", "deactivated_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "kind", "siret", "commune_code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "siret", "commune_code"]
    inlines = [MembershipInline]


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Droits sur la plateforme", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]},
        )
    ]
    filter_horizontal: list[str] = []

    # Each change of an account by a platform administrator is recorded as a security event
    # and told to the owner and their organisations' managers (services).
    ACCOUNT_FIELDS = {
        "is_active": SecurityEventKind.ADMIN_ACTIVATION,
        "is_staff": SecurityEventKind.ADMIN_RIGHTS,
        "is_superuser": SecurityEventKind.ADMIN_RIGHTS,
    }

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            return
        changed = [name for name in self.ACCOUNT_FIELDS if name in form.changed_data]
        for kind in dict.fromkeys(self.ACCOUNT_FIELDS[name] for name in changed):
            detail = ", ".join(
                f"{User._meta.get_field(name).verbose_name} : {'oui' if getattr(obj, name) else 'non'}"
                for name in changed
                if self.ACCOUNT_FIELDS[name] == kind
            )
            services.admin_account_change_record(
                kind=kind, user=obj, actor=request.user, detail=detail, ip=client_ip(request)
            )

    def user_change_password(self, request, id, form_url=""):
        before = User.objects.filter(pk=id).values_list("password", flat=True).first()
        response = super().user_change_password(request, id, form_url)
        user = User.objects.filter(pk=id).first()
        if user is not None and before is not None and user.password != before:
            services.admin_account_change_record(
                kind=SecurityEventKind.ADMIN_PASSWORD,
                user=user,
                actor=request.user,
                detail=""
                if user.has_usable_password()
                else "connexion par mot de passe désactivée",
                ip=client_ip(request),
            )
        return response


class InvitationAdminForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "organisation", "role"]

    def clean(self):
        # Refuse in the form (input kept, no "added" message) what the service would refuse.
        cleaned = super().clean()
        organisation, email = cleaned.get("organisation"), cleaned.get("email")
        if organisation is not None and email:
            try:
                services.invitation_check(organisation=organisation, email=email)
            except DomainError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Creating an invitation here sends the e-mail; invitations are never edited."""

    form = InvitationAdminForm
    list_display = [
        "email",
        "organisation",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", "organisation"]
    search_fields = ["email", "organisation__name"]
    autocomplete_fields = ["organisation"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            invitation = services.invitation_send(
                organisation=form.cleaned_data["organisation"],
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"] or Role.REFERENT,
                invited_by=request.user,
                ip=request.META.get("REMOTE_ADDR"),
            )
        except DomainError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            return
        obj.pk = invitation.pk
        self.message_user(request, f"Invitation envoyée à {invitation.email}.")


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "email", "user", "actor", "organisation", "ip", "detail"]
    list_filter = ["kind"]
    search_fields = ["email", "ip"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "actor", "organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The second-factor devices: a platform administrator may only remove one (an account whose
# owner lost their phone enrols again at the next login); never add or change one, which
# would let them sign in as someone else. Each removal is recorded and told.
with contextlib.suppress(admin.sites.NotRegistered):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        self._record_removal(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._record_removal(request, list(queryset.select_related("user")))
        super().delete_queryset(request, queryset)

    def _record_removal(self, request, devices):
        for device in devices:
            services.admin_account_change_record(
                kind=SecurityEventKind.ADMIN_OTP_DEVICE,
                user=device.user,
                actor=request.user,
                detail=f"appareil « {device.name} » supprimé",
                ip=client_ip(request),
            )
