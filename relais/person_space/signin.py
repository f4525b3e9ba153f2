"""Signing in to the person's space: a separate realm from the professionals' accounts.

- A code (6 digits, 15 minutes) sent by e-mail or SMS to the contact chosen at invitation,
  with a link that signs in at once; the invitation itself is such a link, valid 72 hours.
- A paper code (10 characters, 30 days) printed by the référent for a person with neither.
- Each code and link serves once. Ten wrong codes lock the access for the professionals'
  cool-off (`AXES_COOLOFF_TIME`, 15 minutes), after which the count starts again: a lock
  that lasted until a new invitation let anyone who knows the person's address keep them
  out. Sessions already open stay open. At most `CODES_PER_HOUR` codes are sent per hour.
- A session is a random key in a cookie restricted to the space's path, its digest here,
  valid `SESSION_LIFETIME` (the person stays signed in on their own phone for that long).

Another way to sign in (FranceConnect) plugs in as one more function that ends with
`session_open(access=…, method=…)`: see docs/architecture.md, « L'espace personnel »."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from relais.core.errors import DomainError
from relais.core.sms import normalise_number
from relais.person_space import tokens
from relais.person_space.models import (
    Channel,
    CodePurpose,
    SignInCode,
    SpaceAccess,
    SpaceSession,
)

CODE_VALIDITY = dt.timedelta(minutes=15)
INVITATION_VALIDITY = dt.timedelta(hours=72)
PAPER_VALIDITY = dt.timedelta(days=30)
SESSION_LIFETIME = dt.timedelta(days=30)
MAX_FAILED_ATTEMPTS = 10
CODES_PER_HOUR = 5
LAST_USED_PRECISION = dt.timedelta(minutes=5)


def locked_message(access: SpaceAccess) -> str:
    until = access.locked_until or timezone.now()
    return (
        "Trop de codes erronés : par sécurité, votre accès est bloqué pendant "
        f"{int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} minutes. Réessayez à partir "
        f"de {timezone.localtime(until):%H:%M}."
    )


class SignInRefused(DomainError):
    """A refused attempt on a known access: the view journals it as denied."""

    def __init__(self, message: str, *, field: str | None = None, access_id: int | None = None):
        super().__init__(message, field=field)
        self.access_id = access_id


def _refused(error: DomainError, access: SpaceAccess) -> SignInRefused:
    return SignInRefused(error.message, field=error.field, access_id=access.pk)


@dataclass(frozen=True)
class Issued:
    code: str
    link_token: str  # "" for paper codes


def issue_code(
    access: SpaceAccess, *, purpose: str, validity: dt.timedelta, contract_id: int | None = None
) -> Issued:
    """A new one-time code (and link) for `access`; earlier unused ones of the same purpose
    stop working, so only the last message received counts."""
    now = timezone.now()
    SignInCode.objects.filter(access=access, purpose=purpose, used_at__isnull=True).update(
        used_at=now
    )
    if purpose == CodePurpose.PAPER:
        code, link = tokens.new_paper_code(), ""
    else:
        code, link = tokens.new_numeric_code(), tokens.new_link_token()
    SignInCode.objects.create(
        access=access,
        purpose=purpose,
        code_hash=tokens.keyed_digest(code, salt=f"code.{access.pk}"),
        link_hash=tokens.digest(link) if link else "",
        lookup_hash=tokens.keyed_digest(code, salt="paper") if purpose == CodePurpose.PAPER else "",
        contract_id=contract_id,
        expires_at=now + validity,
    )
    return Issued(code=code, link_token=link)


def codes_sent_last_hour(access: SpaceAccess) -> int:
    since = timezone.now() - dt.timedelta(hours=1)
    return SignInCode.objects.filter(access=access, created_at__gte=since).count()


def contact_key(channel: str, raw: str) -> str:
    """The contact as stored: a lower-case address, or a number in international form."""
    raw = (raw or "").strip()
    return normalise_number(raw) if channel == Channel.SMS else raw.lower()


def access_for_contact(raw: str) -> SpaceAccess | None:
    """The access in force whose contact is `raw` (an address or a phone number)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    keys = {raw.lower()}
    number = normalise_number(raw)
    if number:
        keys.add(number)
    return (
        SpaceAccess.objects.active()
        .filter(contact__in=keys)
        .exclude(channel=Channel.PAPER)
        .order_by("-created_at")
        .first()
    )


def _failed(access: SpaceAccess) -> DomainError:
    """Count a wrong code (in its own transaction, so that it stays counted when the caller
    rolls back) and say how many tries are left."""
    with transaction.atomic():
        SpaceAccess.objects.filter(pk=access.pk).update(failed_attempts=F("failed_attempts") + 1)
        access.refresh_from_db(fields=["failed_attempts", "locked_at"])
        if access.failed_attempts >= MAX_FAILED_ATTEMPTS and access.locked_at is None:
            access.locked_at = timezone.now()
            access.save(update_fields=["locked_at", "updated_at"])
    if access.is_locked:
        return DomainError(locked_message(access), field="code")
    left = MAX_FAILED_ATTEMPTS - access.failed_attempts
    return DomainError(
        f"Ce code n'est pas le bon. Il vous reste {left} essai{'s' if left > 1 else ''}.",
        field="code",
    )


def check_code(access: SpaceAccess, *, purpose: str, code: str, contract=None) -> SignInCode:
    """The code `code` of `access` for `purpose`, marked used; otherwise a French error
    (wrong, expired, locked). A wrong code counts towards the lockout."""
    if access.revoked_at is not None:
        raise DomainError("Cet accès a été fermé par votre référent·e.", field="code")
    if access.is_locked:
        raise DomainError(locked_message(access), field="code")
    if access.locked_at is not None:  # the cool-off is over: the count starts again
        SpaceAccess.objects.filter(pk=access.pk, locked_at=access.locked_at).update(
            locked_at=None, failed_attempts=0
        )
        access.locked_at, access.failed_attempts = None, 0
    typed = tokens.normalise_code(code)
    if not typed:
        raise DomainError("Saisissez le code reçu.", field="code")
    latest = (
        SignInCode.objects.filter(access=access, purpose=purpose)
        .order_by("-created_at", "-id")
        .first()
    )
    expected = tokens.keyed_digest(typed, salt=f"code.{access.pk}")
    if latest is None or (contract is not None and latest.contract_id != contract.pk):
        raise _failed(access)
    if not tokens.same(latest.code_hash, expected):
        raise _failed(access)
    if latest.used_at is not None:
        raise DomainError("Ce code a déjà servi : demandez-en un nouveau.", field="code")
    if latest.expires_at <= timezone.now():
        raise DomainError("Ce code a expiré : demandez-en un nouveau.", field="code")
    used = SignInCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not used:  # the same code typed twice at the same moment
        raise DomainError("Ce code a déjà servi : demandez-en un nouveau.", field="code")
    SpaceAccess.objects.filter(pk=access.pk).update(failed_attempts=0)
    return latest


def session_open(*, access: SpaceAccess, method: str) -> str:
    """Open a session for `access`; returns the raw key for the cookie."""
    raw = tokens.new_session_key()
    now = timezone.now()
    SpaceSession.objects.create(
        access=access, key_hash=tokens.digest(raw), expires_at=now + SESSION_LIFETIME, method=method
    )
    SpaceAccess.objects.filter(pk=access.pk).update(last_used_at=now)
    return raw


def sign_in_with_code(*, access_id: int, code: str) -> tuple[SpaceAccess, str]:
    access = SpaceAccess.objects.filter(pk=access_id).first()
    if access is None:
        raise DomainError("Ce code n'est pas le bon. Demandez-en un nouveau.", field="code")
    try:
        check_code(access, purpose=CodePurpose.SIGN_IN, code=code)
    except DomainError as error:
        raise _refused(error, access) from None
    return access, session_open(access=access, method=access.channel)


def sign_in_with_link(*, token: str) -> tuple[SpaceAccess, str]:
    found = (
        SignInCode.objects.filter(link_hash=tokens.digest(token or ""), purpose=CodePurpose.SIGN_IN)
        .exclude(link_hash="")
        .select_related("access")
        .first()
    )
    if found is None:
        raise DomainError("Ce lien n'est pas valable : demandez un nouveau code de connexion.")
    access = found.access
    try:
        if access.revoked_at is not None:
            raise DomainError("Cet accès a été fermé par votre référent·e.")
        if access.is_locked:
            raise DomainError(locked_message(access))
        if found.used_at is not None:
            raise DomainError("Ce lien a déjà servi : demandez un nouveau code de connexion.")
        if found.expires_at <= timezone.now():
            raise DomainError("Ce lien a expiré : demandez un nouveau code de connexion.")
        if not SignInCode.objects.filter(pk=found.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        ):
            raise DomainError("Ce lien a déjà servi : demandez un nouveau code de connexion.")
    except DomainError as error:
        raise _refused(error, access) from None
    return access, session_open(access=access, method=access.channel)


def sign_in_with_paper_code(*, code: str) -> tuple[SpaceAccess, str]:
    """The paper code identifies the person by itself; wrong guesses are limited per
    address by the view (nothing else to count them against)."""
    typed = tokens.normalise_code(code)
    if len(typed) != tokens.PAPER_LENGTH:
        raise DomainError(
            f"Le code papier a {tokens.PAPER_LENGTH} caractères (lettres et chiffres).",
            field="code",
        )
    found = (
        SignInCode.objects.filter(
            lookup_hash=tokens.keyed_digest(typed, salt="paper"), purpose=CodePurpose.PAPER
        )
        .select_related("access")
        .first()
    )
    if found is None:
        raise DomainError("Ce code n'est pas le bon. Vérifiez-le et réessayez.", field="code")
    access = found.access
    try:
        check_code(access, purpose=CodePurpose.PAPER, code=typed)
    except DomainError as error:
        raise _refused(error, access) from None
    return access, session_open(access=access, method=Channel.PAPER)


def session_for_key(raw: str | None) -> SpaceSession | None:
    """The session in force for the cookie value `raw` (access open). A lock after wrong
    codes does not end it: it stops guesses, not the person already signed in."""
    if not raw:
        return None
    now = timezone.now()
    session = (
        SpaceSession.objects.filter(
            key_hash=tokens.digest(raw),
            ended_at__isnull=True,
            expires_at__gt=now,
            access__revoked_at__isnull=True,
        )
        .select_related("access__person__referent", "access__person__organisation")
        .first()
    )
    if session is None:
        return None
    access = session.access
    if access.last_used_at is None or now - access.last_used_at > LAST_USED_PRECISION:
        SpaceAccess.objects.filter(pk=access.pk).update(last_used_at=now)
        access.last_used_at = now
    return session


def session_end(session: SpaceSession) -> None:
    SpaceSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
