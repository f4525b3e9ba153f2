"""Referral services: sending, cancelling, expiry (the answers: `relais.network.referrals.answers`).

Each is atomic, checks its rules (`relais.network.referrals.policies` for consent and the
service, `relais.network.referrals.workflow` for the moves) and raises a French DomainError.

Rules decided here:
- A referral needs a consent in force covering the receiving organisation (named, or its
  kind); health information needs the organisation named in the consent AND the sender's
  confirmation that the person explicitly agreed (see `referral_policies`).
- A referral lives in a pathway (it becomes one of its steps): with no active pathway the
  referral is refused with a message inviting to open one; with several, the user chooses.
- It may serve a goal of that pathway (in progress): its step is linked to the goal.
- Sent from a step already planned (planned or on hold, of that pathway, not carrying a
  referral yet), it uses that step — which becomes a referral step carried by the partner,
  keeping its title, date and goal — instead of adding a second one.
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

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, User
from relais.core.errors import DomainError, PermissionDenied
from relais.core.text import clean_text
from relais.core.versioning import update_versioned
from relais.network.coordination.models import SharedCategory
from relais.network.directory.models import Service
from relais.network.referrals import redundancy
from relais.network.referrals.models import WAITING_STATUSES, Referral
from relais.network.referrals.policies import (
    check_sharing,
    service_check,
)
from relais.network.referrals.workflow import (
    INITIAL,
    S,
    detail_url,
    expiry_days,
    lock,
    membership_of,
    move,
    record,
)
from relais.notifications.services import Email, notify
from relais.pathways import steps as step_services
from relais.pathways.models import Goal, GoalStatus, Pathway, Step, StepKind, StepOwner, StepStatus
from relais.people.models import Document, Person
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


def _goal_of(pathway: Pathway, goal: Goal | int | None) -> Goal | None:
    if goal is None or goal == "":
        return None
    found = Goal.objects.filter(
        pk=getattr(goal, "pk", goal), pathway=pathway, status=GoalStatus.IN_PROGRESS
    ).first()
    if found is None:
        raise DomainError("Choisissez un objectif en cours de ce parcours.", field="goal")
    return found


def _use_planned_step(
    pathway: Pathway, step: Step | int, *, goal: Goal | None, receiver: Organisation, actor: User
) -> Step:
    """The planned step the referral carries out, become a referral step (see the rules)."""
    found = (
        Step.objects.select_for_update()
        .filter(pk=getattr(step, "pk", step), pathway=pathway)
        .first()
    )
    if found is None:
        raise DomainError("Cette étape n'est pas une étape de ce parcours.", field="step")
    if found.status not in (StepStatus.PLANNED, StepStatus.ON_HOLD):
        raise DomainError(
            f"L'étape « {found.title} » n'est plus à faire "
            f"({found.get_status_display().lower()}) : elle ne peut pas porter l'orientation.",
            field="step",
        )
    already = Referral.objects.filter(step=found).values_list("pk", flat=True).first()
    if already is not None:
        raise DomainError(
            f"L'étape « {found.title} » porte déjà l'orientation n° {already}.", field="step"
        )
    if goal is not None and found.goal_id not in (None, goal.pk):
        raise DomainError(
            f"L'étape « {found.title} » sert un autre objectif que celui choisi.", field="goal"
        )
    return update_versioned(
        found,
        expected_version=found.version,
        actor=actor,
        changes={
            "kind": StepKind.REFERRAL,
            "owner": StepOwner.PARTNER,
            "owner_name": receiver.name[:200],
            "goal": goal or found.goal,
        },
    )


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
    goal: Goal | int | None = None,
    step: Step | int | None = None,
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
    if not isinstance(service, Service) or not Service.organisation.is_cached(service):
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
    goal = _goal_of(pathway, goal)
    if step is not None:
        step = _use_planned_step(pathway, step, goal=goal, receiver=receiver, actor=actor)
    else:
        step = step_services.step_add_to_locked_pathway(
            pathway=pathway,
            actor=actor,
            kind=StepKind.REFERRAL,
            title=_step_title(service),
            goal=goal,
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
    redundancy.record_raised(
        found, person_id=person.pk, organisation=membership.organisation, referral=referral
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
