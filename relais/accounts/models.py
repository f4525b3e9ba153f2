"""Organisations, user accounts, memberships (role per organisation), invitations, API tokens
and the security events of accounts."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

from relais.accounts.validators import validate_commune_code, validate_siret
from relais.core.communes import get_commune
from relais.core.models import AppendOnlyModel, TimeStampedModel


class OrganisationKind(models.TextChoices):
    CCAS = "ccas", "CCAS / CIAS"
    PLIE = "plie", "PLIE"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    ACI = "aci", "SIAE — atelier et chantier d'insertion (ACI)"
    EI = "ei", "SIAE — entreprise d'insertion (EI)"
    AI = "ai", "SIAE — association intermédiaire (AI)"
    ETTI = "etti", "SIAE — entreprise de travail temporaire d'insertion (ETTI)"
    CHRS = "chrs", "CHRS"
    CADA = "cada", "CADA"
    DEPARTEMENT = "departement", "Conseil départemental"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    CAP_EMPLOI = "cap_emploi", "Cap emploi"
    TRAINING = "training", "Organisme de formation"
    ASSOCIATION = "association", "Association"
    OTHER = "other", "Autre"


class Organisation(TimeStampedModel):
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type de structure", max_length=20, choices=OrganisationKind.choices)
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text="14 chiffres, facultatif.",
    )
    commune_code = models.CharField(
        "code commune INSEE",
        max_length=5,
        validators=[validate_commune_code],
        help_text="Code officiel géographique, 5 caractères (ex. 69123).",
    )
    is_active = models.BooleanField("active", default=True)
    # Directory (annuaire): partners "hors plateforme" are listed without having users.
    is_external = models.BooleanField("hors plateforme", default=False)
    description = models.TextField("présentation", max_length=5000, blank=True)
    address = models.CharField("adresse", max_length=250, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("e-mail de contact", blank=True)
    website = models.URLField("site web", blank=True)
    networks = models.JSONField("réseaux porteurs", default=list, blank=True)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    # Identity in the data·inclusion schema (source, id): imports are idempotent on it.
    source = models.CharField("source", max_length=100, blank=True)
    source_id = models.CharField("identifiant à la source", max_length=200, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="ajoutée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~models.Q(siret=""), name="organisation_siret_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(siret="") | models.Q(siret__regex=r"^[0-9]{14}$"),
                name="organisation_siret_14_digits",
            ),
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source=""),
                name="organisation_source_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["commune_code"], name="organisation_commune"),
            models.Index(fields=["kind", "is_active"], name="organisation_kind_active"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def commune(self):
        return get_commune(self.commune_code)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str):
        return self.get(email__iexact=username)


def _new_session_salt() -> str:
    return secrets.token_hex(16)


class User(AbstractBaseUser, PermissionsMixin):
    """A professional's account. Logs in by e-mail. `is_staff` marks platform administrators,
    who manage organisations and accounts but read no personal data unless also members."""

    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("administrateur de la plateforme", default=False)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)
    # Changing it invalidates every open session of the user ("se déconnecter partout").
    session_salt = models.CharField(max_length=32, default=_new_session_salt, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def _get_session_auth_hash(self, secret=None) -> str:
        # Django's hash covers the password; we add the session salt so that rotating it
        # logs the user out of every browser at once.
        return salted_hmac(
            "relais.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_salt}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def rotate_session_salt(self) -> None:
        self.session_salt = _new_session_salt()


class Role(models.TextChoices):
    REFERENT = "referent", "Référent de parcours"
    MANAGER = "manager", "Responsable"
    STAFF = "staff", "Accueil / assistant administratif"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, organisation__is_active=True, user__is_active=True)


class Membership(TimeStampedModel):
    user = models.ForeignKey(
        User, verbose_name="utilisateur", on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="structure", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=10, choices=Role.choices)
    is_active = models.BooleanField("active", default=True)
    deactivated_at = models.DateTimeField("désactivée le", null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "appartenance"
        verbose_name_plural = "appartenances"
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]
        indexes = [models.Index(fields=["organisation", "is_active"], name="membership_org_active")]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(TimeStampedModel):
    """An e-mailed, single-use link to join an organisation. Only the hash of the token is
    stored: a database leak does not give working links."""

    email = models.EmailField("adresse e-mail")
    organisation = models.ForeignKey(
        Organisation, verbose_name="structure", on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField("rôle", max_length=10, choices=Role.choices)
    invited_by = models.ForeignKey(
        User,
        verbose_name="invité par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField("expire le")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    revoked_at = models.DateTimeField("annulée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "email"], name="invitation_org_email")]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class ApiTokenScope(models.TextChoices):
    READ = "read", "lecture seule"
    WRITE = "write", "lecture et écriture"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Neither revoked nor expired, of an active account."""
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True
        )


class ApiToken(TimeStampedModel):
    """A personal API token. Acts with the rights of its user, in the user's organisations,
    for a limited time, reading only or reading and writing (its scope)."""

    user = models.ForeignKey(
        User, verbose_name="utilisateur", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("nom", max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    expires_at = models.DateTimeField("expire le")
    scope = models.CharField(
        "droits", max_length=5, choices=ApiTokenScope.choices, default=ApiTokenScope.READ
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", "connexion"
    LOGIN_FAILED = "login_failed", "échec de connexion"
    LOCKOUT = "lockout", "compte verrouillé"
    LOGOUT = "logout", "déconnexion"
    LOGOUT_EVERYWHERE = "logout_everywhere", "déconnexion de toutes les sessions"
    OTP_ENROLLED = "otp_enrolled", "double authentification activée"
    OTP_FAILED = "otp_failed", "code de vérification erroné"
    PASSWORD_CHANGED = "password_changed", "mot de passe modifié"
    PASSWORD_RESET_REQUESTED = "password_reset", "réinitialisation demandée"
    INVITATION_SENT = "invitation_sent", "invitation envoyée"
    INVITATION_ACCEPTED = "invitation_accepted", "invitation acceptée"
    ROLE_CHANGED = "role_changed", "rôle modifié"
    MEMBERSHIP_DEACTIVATED = "membership_off", "membre désactivé"
    MEMBERSHIP_REACTIVATED = "membership_on", "membre réactivé"
    TOKEN_CREATED = "token_created", "jeton d'API créé"
    TOKEN_REVOKED = "token_revoked", "jeton d'API révoqué"
    PASSWORD_RESET_DONE = "password_reset_done", "mot de passe réinitialisé"
    # Done by a platform administrator on someone else's account (owner and managers told).
    ADMIN_PASSWORD = "admin_password", "mot de passe changé par l'administration"
    ADMIN_OTP_DEVICE = "admin_otp_device", "double authentification changée par l'administration"
    ADMIN_ACTIVATION = "admin_activation", "activation du compte changée par l'administration"
    ADMIN_RIGHTS = "admin_rights", "droits sur la plateforme changés par l'administration"
    REFUSALS = "refusals", "accès refusés en série"


class SecurityEvent(AppendOnlyModel):
    """Account events (logins, failures, lockouts, role changes…), read by platform admins.
    Holds no personal data of accompanied persons."""

    kind = models.CharField("événement", max_length=20, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.CharField("e-mail saisi", max_length=254, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="structure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    detail = models.CharField("précision", max_length=300, blank=True)

    class Meta:
        verbose_name = "événement de sécurité"
        verbose_name_plural = "événements de sécurité"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "-created_at"], name="secevent_kind_date"),
            models.Index(fields=["user", "-created_at"], name="secevent_user_date"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.get_kind_display()} {self.email}"
