"""The referral workflow: statuses, the transition table, and the one way a referral moves.

    sent ──► seen ──► accepted ──► in progress ──► done (outcome sent back)
      │        │          │              │
      │        ├──► refused (reason)     │
      └────────┴──► expired (no answer)  │
      sent, seen, accepted, in progress ──► cancelled by the sender

`TRANSITIONS` is the one place saying which status may follow which, and which side may
make the move (the sending organisation, the receiving one, or the system). Every other
rule is checked in `check_transition`. `move` locks the referral, checks, applies, records
the move as a `ReferralTransition` (who, for which organisation, when, from, to, comment),
keeps the pathway step that the referral created in sync, and notifies the other side
(in-app, and by e-mail after commit). The services (`relais.network.referrals.services`)
are the moves a user can ask for.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, User
from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.core.links import link
from relais.network.referrals.models import (
    ANSWERED_STATUSES,
    CLOSED_STATUSES,
    Referral,
    ReferralStatus,
    ReferralTransition,
    RefusalReason,
)
from relais.network.referrals.policies import Side, side_of
from relais.notifications.services import Email, notify
from relais.pathways.models import PathwayStatus, Step, StepStatus

S = ReferralStatus
INITIAL = ""  # "from" status of the very first transition (the sending)

TRANSITIONS: dict[str, dict[str, frozenset[Side]]] = {
    INITIAL: {S.SENT: frozenset({Side.SENDER})},
    S.SENT: {
        S.SEEN: frozenset({Side.RECEIVER}),
        S.ACCEPTED: frozenset({Side.RECEIVER}),
        S.REFUSED: frozenset({Side.RECEIVER}),
        S.CANCELLED: frozenset({Side.SENDER}),
        S.EXPIRED: frozenset({Side.SYSTEM}),
    },
    S.SEEN: {
        S.ACCEPTED: frozenset({Side.RECEIVER}),
        S.REFUSED: frozenset({Side.RECEIVER}),
        S.CANCELLED: frozenset({Side.SENDER}),
        S.EXPIRED: frozenset({Side.SYSTEM}),
    },
    S.ACCEPTED: {
        S.IN_PROGRESS: frozenset({Side.RECEIVER}),
        S.DONE: frozenset({Side.RECEIVER}),
        S.CANCELLED: frozenset({Side.SENDER}),
    },
    S.IN_PROGRESS: {
        S.DONE: frozenset({Side.RECEIVER}),
        S.CANCELLED: frozenset({Side.SENDER}),
    },
    S.REFUSED: {},
    S.DONE: {},
    S.CANCELLED: {},
    S.EXPIRED: {},
}

# How the step created in the pathway follows its referral.
STEP_STATUS_FOR = {
    S.ACCEPTED: StepStatus.IN_PROGRESS,
    S.IN_PROGRESS: StepStatus.IN_PROGRESS,
    S.DONE: StepStatus.DONE,
    S.REFUSED: StepStatus.CANCELLED,
    S.CANCELLED: StepStatus.CANCELLED,
    S.EXPIRED: StepStatus.ABANDONED,
}

# « Cette orientation a déjà été … »
DONE_PHRASES = {
    S.SENT: "envoyée",
    S.SEEN: "ouverte",
    S.ACCEPTED: "acceptée",
    S.REFUSED: "refusée",
    S.IN_PROGRESS: "prise en charge",
    S.DONE: "clôturée",
    S.CANCELLED: "annulée",
    S.EXPIRED: "déclarée expirée",
}


class ReferralConflict(StaleObjectError):
    """Someone else moved the referral since the user's page was loaded (the API answers
    409, as for any stale version)."""


def expiry_days() -> int:
    return int(getattr(settings, "RELAIS_REFERRAL_EXPIRY_DAYS", 30))


def allowed_moves(status: str, side: Side) -> list[str]:
    """Statuses a referral in `status` may move to when `side` acts, in the enum's order."""
    moves = TRANSITIONS.get(status, {})
    return [s for s in S.values if side in moves.get(s, frozenset())]


def detail_url(referral: Referral | int) -> str:
    return link("referral", getattr(referral, "pk", referral))


def check_appointment_date(value: dt.date | None, referral: Referral) -> None:
    if value is None:
        return
    if not isinstance(value, dt.date):
        raise DomainError("Date de premier rendez-vous invalide.", field="first_appointment_on")
    sent_on = timezone.localdate(referral.sent_at)
    if value < sent_on:
        raise DomainError(
            f"Le premier rendez-vous ne peut pas précéder l'envoi de l'orientation "
            f"(le {sent_on:%d/%m/%Y}).",
            field="first_appointment_on",
        )
    if value > timezone.localdate() + dt.timedelta(days=366):
        raise DomainError(
            "Le premier rendez-vous est à plus d'un an : vérifiez l'année.",
            field="first_appointment_on",
        )


def check_transition(
    referral: Referral,
    to_status: str,
    side: Side | None,
    *,
    by_hand: bool = False,
    refusal_reason: str = "",
    comment: str = "",
    outcome: str = "",
    first_appointment_on: dt.date | None = None,
) -> None:
    """Every rule a move must pass, raising a DomainError with a French message."""
    from_status = referral.status
    moves = TRANSITIONS.get(from_status, {})
    if to_status not in moves:
        if from_status in CLOSED_STATUSES:
            raise DomainError(
                f"Cette orientation est {S(from_status).label.lower()} : "
                "elle ne peut plus changer de statut."
            )
        if from_status == INITIAL:
            raise DomainError("Une orientation commence par son envoi.")
        raise DomainError(
            f"Une orientation « {S(from_status).label.lower()} » ne peut pas passer "
            f"à « {S(to_status).label.lower()} »."
        )
    if side is None or side not in moves[to_status]:
        sides = moves[to_status]
        who = (
            "la structure destinataire"
            if Side.RECEIVER in sides
            else "la structure émettrice"
            if Side.SENDER in sides
            else "le système"
        )
        raise PermissionDenied(f"Seule {who} peut faire passer l'orientation à ce statut.")
    receiver = referral.receiver_organisation
    if side == Side.RECEIVER and receiver.is_external and not by_hand:
        raise PermissionDenied(
            "Ce partenaire n'utilise pas la plateforme : c'est l'émetteur qui saisit sa réponse."
        )
    if by_hand and not receiver.is_external:
        raise DomainError(
            "Ce partenaire utilise la plateforme : c'est à lui de répondre à l'orientation."
        )
    if to_status == S.REFUSED:
        if refusal_reason not in RefusalReason.values:
            raise DomainError("Choisissez le motif du refus.", field="refusal_reason")
        if refusal_reason == RefusalReason.OTHER and not comment.strip():
            raise DomainError(
                "Précisez le motif du refus dans le commentaire.", field="refusal_comment"
            )
    if to_status == S.DONE and not outcome.strip():
        raise DomainError(
            "Indiquez le résultat de l'accompagnement : il est transmis à l'émetteur.",
            field="outcome",
        )
    if to_status == S.CANCELLED and not comment.strip():
        raise DomainError("Indiquez pourquoi l'orientation est annulée.", field="comment")
    check_appointment_date(first_appointment_on, referral)


def membership_of(actor: User | None, organisation: Organisation | int | None) -> Membership | None:
    if actor is None or organisation is None:
        return None
    organisation_id = getattr(organisation, "pk", organisation)
    return (
        Membership.objects.active()
        .filter(user=actor, organisation_id=organisation_id)
        .select_related("organisation")
        .first()
    )


def _who(transition: ReferralTransition | None) -> str:
    if transition is None or transition.actor is None:
        return "le système"
    name = transition.actor.get_full_name() or transition.actor.email
    if transition.actor_organisation is not None:
        return f"{name} ({transition.actor_organisation.name})"
    return name


def conflict_message(referral: Referral) -> str:
    """What to tell a user whose answer came too late, naming who moved the referral."""
    last = (
        ReferralTransition.objects.filter(referral=referral)
        .select_related("actor", "actor_organisation")
        .order_by("-at", "-id")
        .first()
    )
    when = ""
    if last is not None:
        when = f" le {timezone.localtime(last.at):%d/%m/%Y à %H:%M}"
    if last is not None and last.to_status == referral.status:
        if referral.status == S.EXPIRED:
            return f"Cette orientation a expiré sans réponse{when}."
        return (
            f"Cette orientation a déjà été {DONE_PHRASES[S(referral.status)]} par "
            f"{_who(last)}{when}. Rechargez la page pour voir son état actuel."
        )
    who = referral.updated_by.get_full_name() if referral.updated_by else "un autre utilisateur"
    return (
        f"Cette orientation a été modifiée entre-temps par {who}. "
        "Rechargez la page pour voir son état actuel."
    )


def lock(referral: Referral | int, expected_version: int | None) -> Referral:
    current = (
        Referral.objects.select_for_update(of=("self",))
        .select_related(
            "service",
            "sender_organisation",
            "receiver_organisation",
            "updated_by",
        )
        .filter(pk=getattr(referral, "pk", referral))
        .first()
    )
    if current is None:
        raise DomainError("Cette orientation n'existe plus.")
    if expected_version is not None and current.version != expected_version:
        raise ReferralConflict(conflict_message(current))
    return current


def record(
    referral: Referral,
    *,
    from_status: str,
    to_status: str,
    actor: User | None,
    actor_organisation: Organisation | None,
    comment: str = "",
    at: dt.datetime | None = None,
) -> ReferralTransition:
    return ReferralTransition.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_organisation=actor_organisation,
        at=at or timezone.now(),
        comment=comment[:3000],
    )


def _sync_step(referral: Referral, to_status: str, actor: User | None, note: str) -> None:
    """The pathway step follows its referral (a closed pathway is left as it is). A plain
    UPDATE: the receiving side moves the step without reading the sender's pathway."""
    step_status = STEP_STATUS_FOR.get(to_status)
    if referral.step_id is None or step_status is None:
        return
    changes: dict = {"status": step_status}
    changes["done_on"] = timezone.localdate() if step_status == StepStatus.DONE else None
    if referral.first_appointment_on and step_status == StepStatus.IN_PROGRESS:
        changes["planned_on"] = referral.first_appointment_on
    if note:
        changes["outcome"] = note[:3000]
    Step.objects.filter(pk=referral.step_id, pathway__status=PathwayStatus.ACTIVE).update(
        **changes,
        version=F("version") + 1,
        updated_by=actor,
        updated_at=timezone.now(),
    )


def _step_note(referral: Referral, to_status: str, comment: str) -> str:
    receiver = referral.receiver_organisation.name
    if to_status == S.DONE:
        return referral.outcome
    if to_status == S.REFUSED:
        text = f"Orientation refusée par {receiver} : {RefusalReason(referral.refusal_reason).label.lower()}."
        return f"{text} {referral.refusal_comment}".strip()
    if to_status == S.CANCELLED:
        return f"Orientation annulée : {comment}".strip()
    if to_status == S.EXPIRED:
        return f"Orientation expirée : pas de réponse de {receiver} en {expiry_days()} jours."
    if to_status == S.ACCEPTED:
        text = f"Orientation acceptée par {receiver}."
        if referral.first_appointment_on:
            text += f" Premier rendez-vous le {referral.first_appointment_on:%d/%m/%Y}."
        return text
    return ""


_NOTICE = {
    S.SEEN: (
        "a été ouverte par {receiver}.",
        "Une orientation que vous avez envoyée a été ouverte",
    ),
    S.ACCEPTED: (
        "a été acceptée par {receiver}.",
        "Une orientation que vous avez envoyée a été acceptée",
    ),
    S.REFUSED: (
        "a été refusée par {receiver}.",
        "Une orientation que vous avez envoyée a été refusée",
    ),
    S.IN_PROGRESS: (
        "est prise en charge par {receiver}.",
        "Une orientation que vous avez envoyée est prise en charge",
    ),
    S.DONE: (
        "est terminée : {receiver} vous a transmis le résultat.",
        "Une orientation que vous avez envoyée est terminée",
    ),
    S.CANCELLED: (
        "a été annulée par {sender}.",
        "Une orientation qui vous était adressée a été annulée",
    ),
    S.EXPIRED: ("a expiré sans réponse.", "Une orientation a expiré sans réponse"),
}


def _notify_other_side(referral: Referral, to_status: str, side: Side, *, by_hand: bool) -> None:
    if by_hand or to_status not in _NOTICE:
        return
    template, subject = _NOTICE[S(to_status)]
    text = f"Orientation n° {referral.pk} vers « {referral.service.name} » " + template.format(
        receiver=referral.receiver_organisation.name,
        sender=referral.sender_organisation.name,
    )
    link = detail_url(referral)
    email = Email(
        subject=subject,
        text=f"{subject}. Connectez-vous pour la consulter.",
    )
    if side in (Side.RECEIVER, Side.SYSTEM):
        notify(
            organisation=referral.sender_organisation,
            message=text,
            link=link,
            email=email,
            email_users=[referral.sender],
        )
    if side in (Side.SENDER, Side.SYSTEM):
        notify(
            organisation=referral.receiver_organisation,
            message=text,
            link=link,
            email=email,
        )


def move(
    referral: Referral,
    *,
    to_status: str,
    actor: User | None,
    organisation: Organisation | None,
    expected_version: int | None,
    by_hand: bool = False,
    comment: str = "",
    changes: dict | None = None,
    bump: bool = True,
    locked: Referral | None = None,
) -> Referral:
    """Lock, check, apply, record, sync the step, notify. Inside the caller's transaction."""
    current = locked or lock(referral, expected_version)
    if actor is None:
        side: Side | None = Side.SYSTEM
    elif by_hand:
        side = (
            Side.RECEIVER
            if side_of(membership_of(actor, organisation), current) == Side.SENDER
            else None
        )
        if side is None:
            raise PermissionDenied(
                "Seule la structure émettrice peut saisir la réponse du partenaire."
            )
    else:
        side = side_of(membership_of(actor, organisation), current)
        if side is None:
            raise PermissionDenied("Vous n'intervenez pas sur cette orientation.")
    changes = dict(changes or {})
    from_status = current.status
    check_transition(
        current,
        to_status,
        side,
        by_hand=by_hand,
        refusal_reason=changes.get("refusal_reason", ""),
        comment=comment,
        outcome=changes.get("outcome", ""),
        first_appointment_on=changes.get("first_appointment_on"),
    )
    now = timezone.now()
    changes["status"] = to_status
    if to_status == S.SEEN:
        changes["seen_at"] = now
    elif to_status in ANSWERED_STATUSES and current.seen_at is None and not by_hand:
        changes["seen_at"] = now  # answered without opening it first (API): seen then
    if to_status in ANSWERED_STATUSES and current.answered_at is None:
        changes["answered_at"] = now
    if to_status in CLOSED_STATUSES:
        changes["closed_at"] = now
    if by_hand:
        changes["answered_by_hand"] = True
    values = {**changes, "updated_at": now}
    if bump:
        values["version"] = F("version") + 1
        values["updated_by"] = actor
    count = Referral.objects.filter(pk=current.pk, version=current.version).update(**values)
    if count != 1:  # pragma: no cover - the row is locked; kept for databases without locks
        raise ReferralConflict(conflict_message(current))
    for name, value in changes.items():
        setattr(current, name, value)
    if by_hand:
        comment = f"Réponse du partenaire saisie par l'émetteur. {comment}".strip()
    record(
        current,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_organisation=organisation if actor is not None else None,
        comment=comment,
        at=now,
    )
    _sync_step(current, to_status, actor, _step_note(current, to_status, comment))
    _notify_other_side(current, to_status, side, by_hand=by_hand)
    current.refresh_from_db()
    return current
