"""Referral services: sending, the receiving side's answers, the sender's moves, expiry.

Each is atomic, checks its rules (`relais.network.referrals.policies` for consent and the
service, `relais.network.referrals.workflow` for the moves) and raises a French DomainError.

Rules decided here:
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

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, User
from relais.core.errors import DomainError, PermissionDenied
from relais.core.text import clean_text
from relais.diagnostics.domains import Domain
from relais.network.coordination.models import CoordinationTeam, SharedCategory, TeamMember
from relais.network.directory.models import Service
from relais.network.referrals import redundancy
from relais.network.referrals.models import WAITING_STATUSES, Referral
from relais.network.referrals.policies import (
    Side,
    check_sharing,
    service_check,
    sharing_scope,
    side_of,
)
from relais.network.referrals.workflow import (
    INITIAL,
    S,
    check_appointment_date,
    check_transition,
    detail_url,
    expiry_days,
    lock,
    membership_of,
    move,
    record,
)
from relais.notifications.services import Email, notify
from relais.pathways import steps as step_services
from relais.pathways.models import Pathway, PathwayStatus, Step, StepKind, StepOwner
from relais.people.models import Consent, Document, Person
from relais.people.policies import Capability, can

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


# --- Sending ---------------------------------------------------------------------------------


def _lock_pathway(person: Person, pathway: Pathway | int | None) -> Pathway:
    """The active pathway the referral goes into, locked: the one chosen (an instance or an
    id, checked here), or the person's only active one."""
    active = Pathway.objects.active().filter(person=person).select_for_update()
    if pathway is not None:
        chosen = active.filter(pk=getattr(pathway, "pk", pathway)).first()
        if chosen is None:
            raise DomainError("Choisissez un parcours en cours de la personne.", field="pathway")
        return chosen
    pathways = list(active.order_by("-started_on", "-id")[:2])
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


def _step_title(service: Service) -> str:
    title = f"Orientation vers « {service.name} » — {service.organisation.name}"
    return title if len(title) <= 300 else title[:299] + "…"


@transaction.atomic
def referral_send(
    *,
    person: Person,
    service: Service | int,
    actor: User,
    membership: Membership | None = None,
    reason: str,
    asked_for: str,
    pathway: Pathway | int | None = None,
    availability: str = "",
    contact_preference: str = "",
    shared_categories: Iterable[str] = (),
    shared_domains: Iterable[str] = (),
    attachments: Sequence[Document] = (),
    health_consent_confirmed: bool = False,
    confirmed_redundancy: str | None = None,
) -> Referral:
    """Send `person` to `service`: the referral, its first transition, a step in the
    pathway, a notification to the receiver and redundancy notices to the organisations
    running a similar action.

    `membership`: the actor's membership in the person's organisation when the caller has
    it (a page, the API), else it is read. Similar actions of other organisations must have
    been shown to the user and confirmed: `confirmed_redundancy` is the key of what they saw
    (`redundancy.fingerprint`), else RedundancyToConfirm is raised with the list. The
    referral gets a `redundancies` attribute (the similar actions found).

    One pass: every rule is checked once, here, whatever the caller already showed."""
    if (
        membership is None
        or membership.user_id != actor.pk
        or membership.organisation_id != person.organisation_id
    ):
        membership = membership_of(actor, person.organisation_id)
    if not can(membership, Capability.ACCOMPANIMENT, person):
        raise PermissionDenied("Vous n'avez pas accès à l'accompagnement de cette personne.")
    if not isinstance(service, Service) or "organisation" not in service._state.fields_cache:
        service = (
            Service.objects.select_related("organisation")
            .filter(pk=getattr(service, "pk", service))
            .first()
        )
    service_check(service, sender_organisation_id=person.organisation_id)
    receiver = service.organisation
    reason = clean_text(
        reason, field="reason", label="Motif de l'orientation", limit=REASON_MAX, required=True
    )
    asked_for = clean_text(
        asked_for, field="asked_for", label="Ce qui est demandé", limit=REASON_MAX, required=True
    )
    availability = clean_text(
        availability, field="availability", label="Disponibilités", limit=AVAILABILITY_MAX
    )
    contact_preference = clean_text(
        contact_preference,
        field="contact_preference",
        label="Préférence de contact",
        limit=CONTACT_MAX,
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
    pathway = _lock_pathway(person, pathway)
    # One person, one service, one open referral at a time (the person row serialises it).
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).first()
    open_referrals = redundancy.open_referrals_of(person)
    already = next((r.pk for r in open_referrals if r.service_id == service.pk), None)
    if already is not None:
        raise DomainError(
            f"Une orientation vers ce service est déjà en cours (orientation n° {already}) : "
            "suivez-la plutôt que d'en envoyer une seconde.",
            field="service",
        )
    found = redundancy.referral_redundancies_among(open_referrals, service.thematiques, receiver)
    redundancy.check_confirmed(found, confirmed_redundancy)
    step = step_services.step_add_to_locked_pathway(
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
        asked_for=asked_for,
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
    record(
        referral,
        from_status=INITIAL,
        to_status=S.SENT,
        actor=actor,
        actor_organisation=membership.organisation,
        comment=comment,
        at=now,
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
    current = lock(referral, None)
    if (
        current.status != S.SENT
        or side_of(membership_of(actor, organisation), current) != Side.RECEIVER
    ):
        return current
    return move(
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
    comment = clean_text(
        comment, field="comment", label="Commentaire", limit=COMMENT_MAX, required=False
    )
    changes = {}
    if first_appointment_on is not None:
        changes["first_appointment_on"] = first_appointment_on
    accepted = move(
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
    comment = clean_text(
        comment, field="refusal_comment", label="Commentaire", limit=COMMENT_MAX, required=False
    )
    return move(
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
    comment = clean_text(
        comment, field="comment", label="Commentaire", limit=COMMENT_MAX, required=False
    )
    changes = {}
    if first_appointment_on is not None:
        changes["first_appointment_on"] = first_appointment_on
    return move(
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
    outcome = clean_text(
        outcome, field="outcome", label="Résultat", limit=REASON_MAX, required=False
    )
    comment = clean_text(
        comment, field="comment", label="Commentaire", limit=COMMENT_MAX, required=False
    )
    return move(
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
    current = lock(referral, expected_version)
    side = side_of(membership_of(actor, organisation), current)
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
    check_appointment_date(first_appointment_on, current)
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
    comment = clean_text(
        comment, field="comment", label="Motif de l'annulation", limit=COMMENT_MAX, required=False
    )
    return move(
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
    current = lock(referral, expected_version)
    if not current.receiver_organisation.is_external:
        raise DomainError(
            "Ce partenaire utilise la plateforme : c'est à lui de répondre à l'orientation."
        )
    comment = clean_text(
        comment, field="comment", label="Commentaire", limit=COMMENT_MAX, required=False
    )
    outcome = clean_text(
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
        current = move(
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
            current = lock(pk, None)
            if current.status not in WAITING_STATUSES or current.expires_at > now:
                continue
            move(
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
