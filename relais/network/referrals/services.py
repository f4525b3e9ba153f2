"""Referrals (orientations) with a closed loop: the explicit workflow and its services.

    sent ──► seen ──► accepted ──► in progress ──► done (outcome sent back)
      │        │          │              │
      │        ├──► refused (reason)     │
      └────────┴──► expired (no answer)  │
      sent, seen, accepted, in progress ──► cancelled by the sender

`TRANSITIONS` is the one place saying which status may follow which, and which side may
make the move (the sending organisation, the receiving one, or the system). Every other
rule is checked in `check_transition`. Each move is recorded as a `ReferralTransition`
(who, for which organisation, when, from, to, comment), keeps the pathway step that the
referral created in sync, and notifies the other side (in-app, and by e-mail after commit).

Rules decided here (the issue left them open):
- A referral needs a consent in force covering the receiving organisation (named, or its
  kind); health information needs the organisation named in the consent AND the sender's
  confirmation that the person explicitly agreed (see `referral_policies`).
- A referral lives in a pathway (it becomes one of its steps): with no active pathway the
  referral is refused with a message inviting to open one; with several, the user chooses.
- A second active referral of the same person to the same service is refused; a referral to
  a service of one's own organisation too (that is a step, not a referral).
- "Accepted" may go straight to "done" (a one-off service has nothing "in progress").
- Opening a referral (sent → seen) is a read receipt: it is recorded and notified but does
  not bump the version, so that the page the receiver opened stays valid for answering.
  Every other move bumps it: a second answer from a stale page (double click, two members
  at once) is refused with "Cette orientation a déjà été acceptée par X".
- For a partner "hors plateforme", the sender records the answers by hand
  (`referral_record_answer`), as the receiving side; nobody is notified.
- When the receiver accepts, the professional who accepts may join the person's
  coordination team with the categories the referral shared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import DurationField, ExpressionWrapper, F, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, User
from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.core.links import link
from relais.diagnostics.domains import Domain
from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.network.coordination.models import CoordinationTeam, SharedCategory, TeamMember
from relais.network.directory.models import Service
from relais.network.referrals import redundancy
from relais.network.referrals.models import (
    Referral,
    ReferralStatus,
    ReferralTransition,
    RefusalReason,
)
from relais.network.referrals.policies import (
    Side,
    receiver_categories,
    receiver_domains,
    sharing_scope,
    sharing_scopes,
    side_of,
)
from relais.notifications.services import Email, notify
from relais.pathways import services as pathway_services
from relais.pathways.models import Pathway, PathwayStatus, Step, StepKind, StepOwner, StepStatus
from relais.people.models import Consent, Document, Person, Resource
from relais.people.policies import Capability, can
from relais.people.services import IDENTITY_FIELDS, SITUATION_FIELDS

S = ReferralStatus
INITIAL = ""  # "from" status of the very first transition (the sending)

# from status → {to status: sides allowed to make that move}
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

OPEN_STATUSES = (S.SENT, S.SEEN, S.ACCEPTED, S.IN_PROGRESS)
WAITING_STATUSES = (S.SENT, S.SEEN)  # no answer yet: may expire
CLOSED_STATUSES = (S.REFUSED, S.DONE, S.CANCELLED, S.EXPIRED)
ANSWERED_STATUSES = (S.ACCEPTED, S.REFUSED)

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

CONTACT_PREFERENCES = [
    "Par téléphone",
    "Par SMS",
    "Par e-mail",
    "Par courrier",
    "Par l'intermédiaire du référent",
]

REASON_MAX = 3000
AVAILABILITY_MAX = 500
CONTACT_MAX = 200
COMMENT_MAX = 2000


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


# --- Preconditions (one place) ---------------------------------------------------------------


def _clean_text(value: str | None, *, field: str, label: str, limit: int, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"Le champ « {label} » est obligatoire.", field=field)
    if len(text) > limit:
        raise DomainError(
            f"« {label} » : {limit} caractères au plus (vous en avez saisi {len(text)}).",
            field=field,
        )
    return text


def _check_appointment_date(value: dt.date | None, referral: Referral) -> None:
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
    _check_appointment_date(first_appointment_on, referral)


# --- Helpers -----------------------------------------------------------------------------------


def _membership(actor: User | None, organisation: Organisation | int | None) -> Membership | None:
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


def _lock(referral: Referral | int, expected_version: int | None) -> Referral:
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


def _record(
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


def _move(
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
    current = locked or _lock(referral, expected_version)
    if actor is None:
        side: Side | None = Side.SYSTEM
    elif by_hand:
        side = (
            Side.RECEIVER
            if side_of(_membership(actor, organisation), current) == Side.SENDER
            else None
        )
        if side is None:
            raise PermissionDenied(
                "Seule la structure émettrice peut saisir la réponse du partenaire."
            )
    else:
        side = side_of(_membership(actor, organisation), current)
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
    _record(
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


# --- Sending ---------------------------------------------------------------------------------


def service_check(service: Service | None, *, sender_organisation_id: int) -> Service:
    """A service may receive referrals if it is published by an active organisation other
    than the sender's."""
    if service is None:
        raise DomainError(
            "Ce service n'existe pas ou plus : choisissez-en un autre.", field="service"
        )
    organisation = service.organisation
    if not organisation.is_active:
        raise DomainError(
            f"{organisation.name} ne figure plus dans l'annuaire : impossible de lui adresser "
            "une orientation. Choisissez un autre service.",
            field="service",
        )
    if not service.is_published:
        raise DomainError(
            f"Le service « {service.name} » n'est plus proposé (il a été retiré de l'annuaire) : "
            "choisissez un autre service.",
            field="service",
        )
    if organisation.pk == sender_organisation_id:
        raise DomainError(
            "Ce service est celui de votre structure : ajoutez plutôt une étape au parcours.",
            field="service",
        )
    return service


def active_pathways(person: Person) -> QuerySet[Pathway]:
    return Pathway.objects.filter(person=person, status=PathwayStatus.ACTIVE).order_by(
        "-started_on", "-id"
    )


def _choose_pathway(person: Person, pathway: Pathway | None) -> Pathway:
    if pathway is not None:
        if pathway.person_id != person.pk or pathway.status != PathwayStatus.ACTIVE:
            raise DomainError("Choisissez un parcours en cours de la personne.", field="pathway")
        return pathway
    pathways = list(active_pathways(person)[:2])
    if not pathways:
        raise DomainError(
            "La personne n'a pas de parcours en cours : une orientation s'inscrit dans un "
            "parcours, où elle devient une étape. Ouvrez d'abord un parcours.",
            field="pathway",
        )
    if len(pathways) > 1:
        raise DomainError(
            "La personne a plusieurs parcours en cours : choisissez celui où inscrire "
            "l'orientation.",
            field="pathway",
        )
    return pathways[0]


def consent_missing_message(organisation: Organisation) -> str:
    return (
        f"La personne n'a pas donné son accord pour partager des informations avec "
        f"{organisation.name} : l'orientation ne peut pas être envoyée. Recueillez son "
        f"consentement (partage avec cette structure, ou avec les structures de type "
        f"« {organisation.get_kind_display()} »), puis envoyez l'orientation."
    )


def check_sharing(
    *,
    person: Person,
    organisation: Organisation,
    shared_categories: Iterable[str],
    shared_domains: Iterable[str],
    attachments: Sequence[Document],
    health_consent_confirmed: bool,
) -> tuple[list[str], list[str]]:
    """What is shared must be covered by the person's consents. Returns the cleaned
    (categories, domains) in their canonical order."""
    categories = set(shared_categories or [])
    domains = set(shared_domains or [])
    if categories - set(SharedCategory.values):
        raise DomainError("Catégorie d'informations inconnue.", field="shared_categories")
    if domains - set(Domain.values):
        raise DomainError("Domaine du diagnostic inconnu.", field="shared_domains")
    scope = sharing_scope(person, organisation)
    if not scope.covered:
        raise DomainError(consent_missing_message(organisation), field="consent")
    if domains and SharedCategory.DIAGNOSTIC not in categories:
        raise DomainError(
            "Pour partager des domaines du diagnostic, cochez « Diagnostic ».",
            field="shared_domains",
        )
    if Domain.HEALTH in domains:
        raise DomainError(
            "La santé se partage avec la catégorie « Santé », qui demande l'accord "
            "explicite de la personne : décochez le domaine « Santé ».",
            field="shared_domains",
        )
    if SharedCategory.HEALTH in categories and SharedCategory.DIAGNOSTIC not in categories:
        raise DomainError(
            "La santé fait partie du diagnostic : cochez aussi « Diagnostic » pour la partager.",
            field="shared_categories",
        )
    if (
        SharedCategory.DIAGNOSTIC in categories
        and not domains
        and SharedCategory.HEALTH not in categories
    ):
        raise DomainError(
            "Choisissez les domaines du diagnostic à partager.", field="shared_domains"
        )
    if SharedCategory.HEALTH in categories:
        if not scope.health_allowed:
            raise DomainError(
                f"Les informations de santé ne se partagent qu'avec une structure que la "
                f"personne a nommée dans son consentement : le consentement en vigueur couvre "
                f"les structures de type « {organisation.get_kind_display()} », pas "
                f"{organisation.name} en particulier.",
                field="shared_categories",
            )
        if not health_consent_confirmed:
            raise DomainError(
                "Confirmez que la personne a explicitement accepté de partager des "
                "informations de santé avec cette structure.",
                field="health_consent_confirmed",
            )
    if attachments and SharedCategory.DOCUMENTS not in categories:
        raise DomainError(
            "Pour joindre des documents, cochez « Documents choisis ».", field="attachments"
        )
    if SharedCategory.DOCUMENTS in categories and not attachments:
        raise DomainError("Choisissez les documents à joindre.", field="attachments")
    if any(d.person_id != person.pk for d in attachments):
        raise DomainError("Ce document n'appartient pas au dossier.", field="attachments")
    return (
        [c for c in SharedCategory.values if c in categories],
        [d for d in Domain.values if d in domains],
    )


def _step_title(service: Service) -> str:
    title = f"Orientation vers « {service.name} » — {service.organisation.name}"
    return title if len(title) <= 300 else title[:299] + "…"


@transaction.atomic
def referral_send(
    *,
    person: Person,
    service: Service,
    actor: User,
    reason: str,
    request: str,
    pathway: Pathway | None = None,
    availability: str = "",
    contact_preference: str = "",
    shared_categories: Iterable[str] = (),
    shared_domains: Iterable[str] = (),
    attachments: Sequence[Document] = (),
    health_consent_confirmed: bool = False,
) -> Referral:
    """Send `person` to `service`: the referral, its first transition, a step in the
    pathway, a notification to the receiver and redundancy notices. The referral gets a
    `redundancies` attribute (the similar actions found)."""
    membership = _membership(actor, person.organisation_id)
    if not can(membership, Capability.ACCOMPANIMENT, person):
        raise PermissionDenied("Vous n'avez pas accès à l'accompagnement de cette personne.")
    service = Service.objects.select_related("organisation").filter(pk=service.pk).first()
    service_check(service, sender_organisation_id=person.organisation_id)
    receiver = service.organisation
    reason = _clean_text(
        reason, field="reason", label="Motif de l'orientation", limit=REASON_MAX, required=True
    )
    request = _clean_text(
        request, field="request", label="Ce qui est demandé", limit=REASON_MAX, required=True
    )
    availability = _clean_text(
        availability,
        field="availability",
        label="Disponibilités",
        limit=AVAILABILITY_MAX,
        required=False,
    )
    contact_preference = _clean_text(
        contact_preference,
        field="contact_preference",
        label="Préférence de contact",
        limit=CONTACT_MAX,
        required=False,
    )
    attachments = list(attachments)
    categories, domains = check_sharing(
        person=person,
        organisation=receiver,
        shared_categories=shared_categories,
        shared_domains=shared_domains,
        attachments=attachments,
        health_consent_confirmed=health_consent_confirmed,
    )
    pathway = _choose_pathway(person, pathway)
    # One person, one service, one open referral at a time (the person row serialises it).
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).first()
    already = (
        Referral.objects.filter(person=person, service=service, status__in=OPEN_STATUSES)
        .values_list("pk", flat=True)
        .first()
    )
    if already is not None:
        raise DomainError(
            f"Une orientation vers ce service est déjà en cours (orientation n° {already}) : "
            "suivez-la plutôt que d'en envoyer une seconde.",
            field="service",
        )
    step = pathway_services.step_create(
        pathway=pathway,
        actor=actor,
        kind=StepKind.REFERRAL,
        title=_step_title(service),
        owner=StepOwner.PARTNER,
        owner_name=receiver.name[:200],
    )
    now = timezone.now()
    referral = Referral.objects.create(
        person=person,
        pathway=pathway,
        step=step,
        service=service,
        sender_organisation_id=person.organisation_id,
        sender=actor,
        receiver_organisation=receiver,
        reason=reason,
        request=request,
        availability=availability,
        contact_preference=contact_preference,
        shared_categories=categories,
        shared_domains=domains,
        status=S.SENT,
        sent_at=now,
        expires_at=now + dt.timedelta(days=expiry_days()),
        updated_by=actor,
    )
    if attachments:
        referral.attachments.set(attachments)
    comment = ""
    if SharedCategory.HEALTH in categories:
        comment = (
            "Partage d'informations de santé : accord explicite de la personne confirmé par "
            "l'émetteur."
        )
    _record(
        referral,
        from_status=INITIAL,
        to_status=S.SENT,
        actor=actor,
        actor_organisation=membership.organisation,
        comment=comment,
        at=now,
    )
    found = redundancy.redundant_with(
        person,
        thematiques=service.thematiques,
        organisation=receiver,
        exclude_referral_id=referral.pk,
    )
    redundancy.notify_others(
        found,
        new_label=f"orientation vers « {service.name} »",
        by=membership.organisation,
    )
    notify(
        organisation=receiver,
        message=(
            f"Nouvelle orientation n° {referral.pk} vers « {service.name} », "
            f"de {membership.organisation.name}."
        ),
        link=detail_url(referral),
        email=Email(
            subject="Une orientation vous a été adressée",
            text="Une orientation vous a été adressée. Connectez-vous pour la consulter.",
        ),
    )
    referral.redundancies = found
    return referral


# --- Receiver side -----------------------------------------------------------------------------


@transaction.atomic
def referral_mark_seen(*, referral: Referral, actor: User, organisation: Organisation) -> Referral:
    """The receiver opened the referral: sent → seen, once (a read receipt: idempotent,
    does not bump the version). Anything else is left as it is."""
    current = _lock(referral, None)
    if (
        current.status != S.SENT
        or side_of(_membership(actor, organisation), current) != Side.RECEIVER
    ):
        return current
    return _move(
        current,
        to_status=S.SEEN,
        actor=actor,
        organisation=organisation,
        expected_version=None,
        bump=False,
        locked=current,
    )


def _join_team(referral: Referral, actor: User, organisation: Organisation) -> TeamMember | None:
    """The professional who accepted joins the person's coordination team, seeing what the
    referral shared (the teams pages decide what that gives access to). Reads ids only:
    the receiving side does not load the person's team."""
    teams = CoordinationTeam.objects.filter(person_id=referral.person_id)
    team_id = teams.values_list("pk", flat=True).first()
    if team_id is None:  # get_or_create, without loading an existing team
        try:
            with transaction.atomic():
                team_id = CoordinationTeam.objects.create(person_id=referral.person_id).pk
        except IntegrityError:
            team_id = teams.values_list("pk", flat=True).get()
    if TeamMember.objects.filter(
        team_id=team_id, user=actor, organisation=organisation, ended_on__isnull=True
    ).exists():
        return None
    categories = list(referral.shared_categories)
    health: dict = {}
    if SharedCategory.HEALTH in categories:
        # The explicit agreement is the consent naming the organisation (required to send
        # health information): the member carries its date and how it was collected.
        scope = sharing_scope(referral.person_id, organisation)
        consent = (
            Consent.objects.filter(pk=scope.named_consent_id)
            .values("decided_on", "method", "witness_name")
            .first()
            if scope.named_consent_id
            else None
        )
        if consent is None:
            categories.remove(SharedCategory.HEALTH)
        else:
            health = {
                "health_consent_on": consent["decided_on"],
                "health_consent_method": consent["method"],
                "health_consent_witness": consent["witness_name"],
            }
    member = TeamMember.objects.create(
        team_id=team_id,
        user=actor,
        organisation=organisation,
        role=referral.service.name[:200],
        shared_categories=categories,
        shared_domains=[d for d in referral.shared_domains if d != Domain.HEALTH],
        **health,
        started_on=timezone.localdate(),
        added_by=actor,
        referral=referral,
    )
    documents = list(referral.attachments.values_list("pk", flat=True))
    if documents:
        member.shared_documents.set(documents)
    return member


@transaction.atomic
def referral_accept(
    *,
    referral: Referral,
    actor: User,
    organisation: Organisation,
    expected_version: int | None,
    first_appointment_on: dt.date | None = None,
    comment: str = "",
    join_team: bool = False,
) -> Referral:
    comment = _clean_text(
        comment, field="comment", label="Commentaire", limit=COMMENT_MAX, required=False
    )
    changes = {}
    if first_appointment_on is not None:
        changes["first_appointment_on"] = first_appointment_on
    accepted = _move(
        referral,
        to_status=S.ACCEPTED,
        actor=actor,
        organisation=organisation,
        expected_version=expected_version,
        comment=comment,
        changes=changes,
    )
    accepted.team_member = _join_team(accepted, actor, organisation) if join_team else None
    return accepted


@transaction.atomic
def referral_refuse(
    *,
    referral: Referral,
    actor: User,
    organisation: Organisation,
    expected_version: int | None,
    refusal_reason: str,
    comment: str = "",
) -> Referral:
    comment = _clean_text(
        comment, field="refusal_comment", label="Commentaire", limit=COMMENT_MAX, required=False
    )
    return _move(
        referral,
        to_status=S.REFUSED,
        actor=actor,
        organisation=organisation,
        expected_version=expected_version,
        comment=comment,
        changes={"refusal_reason": refusal_reason or "", "refusal_comment": comment},
    )


@transaction.atomic
def referral_start(
    *,
    referral: Referral,
    actor: User,
    organisation: Organisation,
    expected_version: int | None,
    first_appointment_on: dt.date | None = None,
    comment: str = "",
) -> Referral:
    comment = _clean_text(
        comment, field="comment", label="Commentaire", limit=COMMENT_MAX, required=False
    )
    changes = {}
    if first_appointment_on is not None:
        changes["first_appointment_on"] = first_appointment_on
    return _move(
        referral,
        to_status=S.IN_PROGRESS,
        actor=actor,
        organisation=organisation,
        expected_version=expected_version,
        comment=comment,
        changes=changes,
    )


@transaction.atomic
def referral_complete(
    *,
    referral: Referral,
    actor: User,
    organisation: Organisation,
    expected_version: int | None,
    outcome: str,
    comment: str = "",
) -> Referral:
    outcome = _clean_text(
        outcome, field="outcome", label="Résultat", limit=REASON_MAX, required=False
    )
    comment = _clean_text(
        comment, field="comment", label="Commentaire", limit=COMMENT_MAX, required=False
    )
    return _move(
        referral,
        to_status=S.DONE,
        actor=actor,
        organisation=organisation,
        expected_version=expected_version,
        comment=comment,
        changes={"outcome": outcome},
    )


@transaction.atomic
def referral_set_first_appointment(
    *,
    referral: Referral,
    actor: User,
    organisation: Organisation,
    expected_version: int | None,
    first_appointment_on: dt.date | None,
) -> Referral:
    """Record (or correct) the date of the first appointment of an accepted referral: by the
    receiver, or by the sender for a partner "hors plateforme"."""
    current = _lock(referral, expected_version)
    side = side_of(_membership(actor, organisation), current)
    by_hand = current.receiver_organisation.is_external
    if (by_hand and side != Side.SENDER) or (not by_hand and side != Side.RECEIVER):
        raise PermissionDenied(
            "Seule la structure destinataire (ou l'émetteur, pour un partenaire hors "
            "plateforme) peut indiquer le premier rendez-vous."
        )
    if current.status not in (S.ACCEPTED, S.IN_PROGRESS, S.DONE):
        raise DomainError(
            "Le premier rendez-vous s'indique une fois l'orientation acceptée.",
            field="first_appointment_on",
        )
    _check_appointment_date(first_appointment_on, current)
    Referral.objects.filter(pk=current.pk).update(
        first_appointment_on=first_appointment_on,
        version=F("version") + 1,
        updated_by=actor,
        updated_at=timezone.now(),
    )
    current.refresh_from_db()
    if current.step_id and first_appointment_on and current.status != S.DONE:
        Step.objects.filter(pk=current.step_id, pathway__status=PathwayStatus.ACTIVE).update(
            planned_on=first_appointment_on,
            version=F("version") + 1,
            updated_by=actor,
            updated_at=timezone.now(),
        )
    return current


# --- Sender side -------------------------------------------------------------------------------


@transaction.atomic
def referral_cancel(
    *,
    referral: Referral,
    actor: User,
    organisation: Organisation,
    expected_version: int | None,
    comment: str,
) -> Referral:
    comment = _clean_text(
        comment, field="comment", label="Motif de l'annulation", limit=COMMENT_MAX, required=False
    )
    return _move(
        referral,
        to_status=S.CANCELLED,
        actor=actor,
        organisation=organisation,
        expected_version=expected_version,
        comment=comment,
    )


# For a partner "hors plateforme": the moves that lead from a status to the answer recorded.
_PATHS = {
    S.ACCEPTED: {S.SENT: [S.ACCEPTED], S.SEEN: [S.ACCEPTED]},
    S.REFUSED: {S.SENT: [S.REFUSED], S.SEEN: [S.REFUSED]},
    S.IN_PROGRESS: {
        S.SENT: [S.ACCEPTED, S.IN_PROGRESS],
        S.SEEN: [S.ACCEPTED, S.IN_PROGRESS],
        S.ACCEPTED: [S.IN_PROGRESS],
    },
    S.DONE: {
        S.SENT: [S.ACCEPTED, S.DONE],
        S.SEEN: [S.ACCEPTED, S.DONE],
        S.ACCEPTED: [S.DONE],
        S.IN_PROGRESS: [S.DONE],
    },
}
ANSWERS_BY_HAND = (S.ACCEPTED, S.REFUSED, S.IN_PROGRESS, S.DONE)


@transaction.atomic
def referral_record_answer(
    *,
    referral: Referral,
    actor: User,
    organisation: Organisation,
    expected_version: int | None,
    decision: str,
    refusal_reason: str = "",
    comment: str = "",
    first_appointment_on: dt.date | None = None,
    outcome: str = "",
) -> Referral:
    """The sender records the answer of a partner "hors plateforme" (by phone, by mail…):
    accepted / refused (reason) / in progress / done (outcome), with the first appointment
    date. Each intermediate move is recorded as if the partner had made it."""
    if decision not in ANSWERS_BY_HAND:
        raise DomainError("Choisissez la réponse du partenaire.", field="decision")
    current = _lock(referral, expected_version)
    if not current.receiver_organisation.is_external:
        raise DomainError(
            "Ce partenaire utilise la plateforme : c'est à lui de répondre à l'orientation."
        )
    comment = _clean_text(
        comment, field="comment", label="Commentaire", limit=COMMENT_MAX, required=False
    )
    outcome = _clean_text(
        outcome, field="outcome", label="Résultat", limit=REASON_MAX, required=False
    )
    if decision == current.status and decision in (S.ACCEPTED, S.IN_PROGRESS):
        return referral_set_first_appointment(
            referral=current,
            actor=actor,
            organisation=organisation,
            expected_version=None,
            first_appointment_on=first_appointment_on,
        )
    path = _PATHS[S(decision)].get(S(current.status))
    if path is None:
        check_transition(current, decision, Side.RECEIVER, by_hand=True)
    for to_status in path or []:
        changes: dict = {}
        if to_status in (S.ACCEPTED, S.IN_PROGRESS) and first_appointment_on is not None:
            changes["first_appointment_on"] = first_appointment_on
        if to_status == S.REFUSED:
            changes.update(refusal_reason=refusal_reason or "", refusal_comment=comment)
        if to_status == S.DONE:
            changes["outcome"] = outcome
        current = _move(
            current,
            to_status=to_status,
            actor=actor,
            organisation=organisation,
            expected_version=None,
            by_hand=True,
            comment=comment if to_status == path[-1] else "",
            changes=changes,
        )
    return current


# --- System ------------------------------------------------------------------------------------


def referrals_expire(*, now: dt.datetime | None = None) -> int:
    """Expire the referrals still waiting for an answer past their expiry date. Idempotent:
    each is re-checked under lock, and an expired referral is never expired again."""
    now = now or timezone.now()
    due = list(
        Referral.objects.filter(status__in=WAITING_STATUSES, expires_at__lte=now)
        .order_by("expires_at", "pk")
        .values_list("pk", flat=True)
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            current = _lock(pk, None)
            if current.status not in WAITING_STATUSES or current.expires_at > now:
                continue
            _move(
                current,
                to_status=S.EXPIRED,
                actor=None,
                organisation=None,
                expected_version=None,
                comment=f"Pas de réponse en {expiry_days()} jours.",
                locked=current,
            )
            expired += 1
    return expired


# --- Reads: what the receiving side sees --------------------------------------------------------


class SharedView:
    """What the receiving organisation may read of the person, now."""

    def __init__(self, referral: Referral) -> None:
        from relais.network.coordination.models import SharedCategory
        from relais.network.referrals.policies import receiver_categories

        self.loaded: list = []
        scope = sharing_scope(referral.person_id, referral.receiver_organisation)
        self.consent_in_force = scope.covered
        self.categories = receiver_categories(referral, scope)
        self.person = None
        self.identity = SharedCategory.IDENTITY in self.categories
        self.situation = SharedCategory.SITUATION in self.categories
        fields = ["id", "organisation_id"]
        if self.identity:
            fields += list(IDENTITY_FIELDS)
        if self.situation:
            fields += list(SITUATION_FIELDS)
        if self.identity or self.situation:
            self.person = Person.objects.only(*fields).get(pk=referral.person_id)
            self.loaded.append(self.person)
        self.situation_rows = self._situation_rows() if self.situation else []
        self.domains = receiver_domains(referral, self.categories)
        self.diagnostic_on = None
        self.assessments: list[DomainAssessment] = []
        if self.domains:
            latest = (
                Diagnostic.objects.filter(person_id=referral.person_id)
                .order_by("-assessed_on", "-id")
                .values_list("id", "assessed_on")
                .first()
            )
            if latest is not None:
                self.diagnostic_on = latest[1]
                self.assessments = list(
                    DomainAssessment.objects.filter(
                        diagnostic_id=latest[0], domain__in=self.domains
                    ).order_by("domain")
                )
                self.loaded += self.assessments
        self.attachments = []
        if SharedCategory.DOCUMENTS in self.categories:
            self.attachments = list(referral.attachments.all())
            self.loaded += self.attachments
        self.category_labels = [
            label for value, label in SharedCategory.choices if value in self.categories
        ]

    def _situation_rows(self) -> list[tuple[str, str]]:
        p = self.person
        resources = dict(Resource.choices)
        rows = [
            ("Situation familiale", p.get_household_display()),
            ("Âge des enfants", ", ".join(str(a) for a in p.children_ages)),
            ("Ressources", ", ".join(resources.get(r, r) for r in p.resources)),
            ("Niveau de diplôme", p.get_education_level_display()),
            ("Langues parlées", p.languages),
            ("Niveau de français", p.get_french_level_display()),
            ("Permis de conduire", p.get_driving_licence_display()),
            ("Véhicule", "Oui" if p.has_vehicle else "Non"),
            ("RQTH", "Oui" if p.rqth else "Non"),
            ("Situation administrative", p.get_administrative_status_display()),
        ]
        return [(label, value) for label, value in rows if value]


def listed_persons(rows: list[Referral], side: Side, organisation) -> dict[int, Person]:
    """Persons shown by name in a list: all of them for the sender (their own records);
    for the receiver, only those whose identity is shared under a consent in force. One
    query for the consents, one for the names."""
    if not rows:
        return {}
    if side == Side.SENDER:
        wanted = {r.pk: r.person_id for r in rows}
    else:
        scopes = sharing_scopes({r.person_id for r in rows}, organisation)
        wanted = {
            r.pk: r.person_id
            for r in rows
            if SharedCategory.IDENTITY in receiver_categories(r, scopes[r.person_id])
        }
    persons = Person.objects.only(
        "id", "organisation_id", "birth_name", "usage_name", "first_names", "birth_date"
    ).in_bulk(set(wanted.values()))
    return {pk: persons[pid] for pk, pid in wanted.items() if pid in persons}


# --- Delays (selectors for the referral pages and, later, reporting) ---------------------------


@dataclass(frozen=True)
class Delays:
    to_seen: dt.timedelta | None  # sent → seen
    to_answer: dt.timedelta | None  # sent → accepted / refused
    to_first_appointment: dt.timedelta | None  # answer → first appointment (days)


def delays(referral: Referral) -> Delays:
    def between(start, end):
        return end - start if start is not None and end is not None else None

    first = None
    if referral.answered_at is not None and referral.first_appointment_on is not None:
        first = referral.first_appointment_on - timezone.localdate(referral.answered_at)
    return Delays(
        to_seen=between(referral.sent_at, referral.seen_at),
        to_answer=between(referral.sent_at, referral.answered_at),
        to_first_appointment=first,
    )


def with_delays(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """Annotate `seen_delay`, `answer_delay` (durations) and `first_appointment_delay`
    (duration in whole days) — portable across SQLite and PostgreSQL, for reporting."""
    return queryset.annotate(
        seen_delay=ExpressionWrapper(F("seen_at") - F("sent_at"), output_field=DurationField()),
        answer_delay=ExpressionWrapper(
            F("answered_at") - F("sent_at"), output_field=DurationField()
        ),
        first_appointment_delay=ExpressionWrapper(
            F("first_appointment_on") - TruncDate("answered_at"), output_field=DurationField()
        ),
    )


def format_delay(value: dt.timedelta | None) -> str:
    """« 3 h », « 2 j », « moins d'une heure » — for tables."""
    if value is None:
        return ""
    seconds = value.total_seconds()
    if seconds < 0:
        return "—"
    if seconds < 3600:
        return "moins d'une heure"
    if seconds < 86400:
        hours = int(seconds // 3600)
        return f"{hours} h"
    days = int(seconds // 86400)
    return f"{days} j"
