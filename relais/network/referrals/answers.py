"""The answers to a referral: the receiving side opens, accepts (and may join the person's
coordination team), refuses, starts, completes it and gives the first appointment; for a
partner "hors plateforme", the sender records its answers by hand. Each is a move of
`relais.network.referrals.workflow`, atomic, with a French DomainError when refused."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from relais.accounts.models import Organisation, User
from relais.core.errors import DomainError, PermissionDenied
from relais.core.text import clean_text
from relais.diagnostics.domains import Domain
from relais.network.coordination.models import CoordinationTeam, SharedCategory, TeamMember
from relais.network.referrals.models import ANSWER_STATUSES, Referral
from relais.network.referrals.policies import (
    Side,
    sharing_scope,
    side_of,
)
from relais.network.referrals.services import COMMENT_MAX, REASON_MAX
from relais.network.referrals.workflow import (
    S,
    check_appointment_date,
    check_transition,
    lock,
    membership_of,
    move,
)
from relais.pathways.models import PathwayStatus, Step
from relais.people.models import Consent

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


# --- Sender side -------------------------------------------------------------------------------


def referral_mark_answer_seen(*, referral: Referral, organisation: Organisation) -> None:
    """The sending side opened a referral the partner answered: its answer is no longer new
    (a read receipt: neither the version nor `updated_at` moves)."""
    if referral.sender_organisation_id != organisation.pk or referral.status not in ANSWER_STATUSES:
        return
    Referral.objects.filter(pk=referral.pk).update(answer_seen_at=timezone.now())


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
