"""Partner meetings not tied to one person: agenda, participants from the directory (the
organisations the host has a partnership with), minutes, and actions followed to the end.

Rules decided here (the issue left them open):
- the host organisation's référents and managers write the meeting; the members of the
  organisations taking part read it and follow the actions they carry;
- an action has an owner — a member of the host or of a participating organisation, or a
  named person outside the platform — and a due date; it is done or dropped once
  (open → done | dropped), by its owner or the host, with an optional comment;
- an owner from another organisation is told through an in-app notice that names the
  meeting, never a person (there is none here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, Role, User
from relais.core.errors import DomainError, PermissionDenied
from relais.core.links import link
from relais.core.text import clean_text
from relais.core.versioning import update_versioned
from relais.network.coordination.checks import check_date
from relais.network.coordination.meeting_models import (
    MeetingAction,
    MeetingActionStatus,
    PartnerMeeting,
)
from relais.network.coordination.models import Partnership
from relais.notifications.services import notify

WRITERS = (Role.REFERENT, Role.MANAGER)
ACTION_TRANSITIONS = {
    MeetingActionStatus.OPEN: {MeetingActionStatus.DONE, MeetingActionStatus.DROPPED},
    MeetingActionStatus.DONE: set(),
    MeetingActionStatus.DROPPED: set(),
}


@dataclass(frozen=True)
class ActionInput:
    text: str
    due_on: dt.date
    owner: User | None = None
    owner_name: str = ""


# --- Policies -------------------------------------------------------------------------------


def can_write(membership: Membership | None, organisation_id: int) -> bool:
    return bool(
        membership is not None
        and membership.is_active
        and membership.organisation_id == organisation_id
        and membership.role in WRITERS
    )


def visible_meetings(membership: Membership | None) -> QuerySet[PartnerMeeting]:
    """The host's meetings and those its organisation took part in."""
    if membership is None or not membership.is_active:
        return PartnerMeeting.objects.none()
    org = membership.organisation_id
    taking_part = PartnerMeeting.partners.through.objects.filter(organisation_id=org)
    return PartnerMeeting.objects.filter(
        Q(organisation_id=org) | Q(pk__in=taking_part.values("partnermeeting_id"))
    )


def can_close_action(membership: Membership | None, action: MeetingAction) -> bool:
    if membership is None or not membership.is_active:
        return False
    return action.owner_id == membership.user_id or can_write(
        membership, action.meeting.organisation_id
    )


def _writer(actor: User, organisation_id: int) -> Membership:
    membership = (
        Membership.objects.active().filter(user=actor, organisation_id=organisation_id).first()
    )
    if not can_write(membership, organisation_id):
        raise PermissionDenied(
            "Seuls les référents et responsables de la structure écrivent ses réunions."
        )
    return membership


# --- Choices (the form's lists) ----------------------------------------------------------------


def partner_choices(organisation: Organisation) -> QuerySet[Organisation]:
    """The directory's organisations the host has a partnership in force with."""
    partnerships = Partnership.objects.in_force().filter(
        Q(source=organisation) | Q(target=organisation)
    )
    ids = {p for pair in partnerships.values_list("source_id", "target_id") for p in pair}
    ids.discard(organisation.pk)
    return Organisation.objects.filter(pk__in=ids, is_active=True).order_by("name")


def owner_choices(organisation: Organisation, partners: Iterable[Organisation]) -> QuerySet[User]:
    org_ids = [organisation.pk, *(p.pk for p in partners)]
    return (
        User.objects.filter(
            pk__in=Membership.objects.active().filter(organisation_id__in=org_ids).values("user_id")
        )
        .order_by("last_name", "first_name", "email")
        .distinct()
    )


# --- Writes ---------------------------------------------------------------------------------


def _fields(values: dict) -> dict:
    fields = {
        "title": clean_text(values["title"]),
        "held_on": values["held_on"],
        "place": clean_text(values.get("place", "")),
        "other_participants": clean_text(values.get("other_participants", "")),
        "agenda": clean_text(values.get("agenda", "")),
        "minutes": clean_text(values.get("minutes", "")),
    }
    if not fields["title"]:
        raise DomainError("Indiquez l'objet de la réunion.", field="title")
    check_date(fields["held_on"], "held_on", "La date de la réunion")
    for name, limit in (("agenda", 5000), ("minutes", 20000), ("other_participants", 500)):
        if len(fields[name]) > limit:
            raise DomainError(f"Ce texte dépasse {limit} caractères.", field=name)
    return fields


def _check_partners(organisation: Organisation, partners: Iterable[Organisation]) -> list:
    allowed = set(partner_choices(organisation).values_list("pk", flat=True))
    chosen = list(partners)
    if any(p.pk not in allowed for p in chosen):
        raise DomainError(
            "Une structure choisie n'est pas un partenaire déclaré de la structure.",
            field="partners",
        )
    return chosen


def check_action(action: ActionInput, allowed_owner_ids: set[int], index: int) -> None:
    if not clean_text(action.text):
        raise DomainError("Décrivez l'action.", field=f"action-{index}-text")
    if action.owner is None and not clean_text(action.owner_name):
        raise DomainError(
            "Chaque action a un porteur : un professionnel de la liste ou un nom.",
            field=f"action-{index}-owner",
        )
    if action.owner is not None and action.owner.pk not in allowed_owner_ids:
        raise DomainError(
            "Le porteur doit appartenir à la structure ou à une structure participante.",
            field=f"action-{index}-owner",
        )
    check_date(action.due_on, f"action-{index}-due_on", "L'échéance")


def _add_actions(meeting: PartnerMeeting, actions: list[ActionInput], actor: User) -> None:
    partners = list(meeting.partners.all())
    allowed = set(owner_choices(meeting.organisation, partners).values_list("pk", flat=True))
    for index, action in enumerate(actions):
        check_action(action, allowed, index)
    created = MeetingAction.objects.bulk_create(
        [
            MeetingAction(
                meeting=meeting,
                text=clean_text(a.text)[:300],
                owner=a.owner,
                owner_name="" if a.owner else clean_text(a.owner_name)[:150],
                due_on=a.due_on,
            )
            for a in actions
        ]
    )
    _tell_owners(meeting, created, actor)


def _tell_owners(meeting: PartnerMeeting, actions: list[MeetingAction], actor: User) -> None:
    """Owners from a partner organisation learn of their action in their own notices."""
    owners = [a.owner for a in actions if a.owner is not None and a.owner != actor]
    if not owners:
        return
    by_user = dict(
        Membership.objects.active()
        .filter(user__in=owners, organisation__in=meeting.partners.all())
        .values_list("user_id", "organisation_id")
    )
    for organisation in Organisation.objects.filter(pk__in=set(by_user.values())):
        notify(
            organisation=organisation,
            message=f"Une action vous est confiée à la suite de la réunion « {meeting.title} ».",
            link=link("meeting_actions"),
        )


@transaction.atomic
def partner_meeting_create(
    *,
    organisation: Organisation,
    actor: User,
    title: str,
    held_on: dt.date,
    partners: Iterable[Organisation] = (),
    attendees: Iterable[User] = (),
    place: str = "",
    other_participants: str = "",
    agenda: str = "",
    minutes: str = "",
    actions: list[ActionInput] | None = None,
) -> PartnerMeeting:
    _writer(actor, organisation.pk)
    fields = _fields(locals())
    chosen = _check_partners(organisation, partners)
    meeting = PartnerMeeting.objects.create(
        organisation=organisation, created_by=actor, updated_by=actor, **fields
    )
    meeting.partners.set(chosen)
    meeting.attendees.set(list(attendees))
    _add_actions(meeting, actions or [], actor)
    return meeting


@transaction.atomic
def partner_meeting_update(
    *,
    meeting: PartnerMeeting,
    actor: User,
    expected_version: int,
    title: str,
    held_on: dt.date,
    partners: Iterable[Organisation] = (),
    attendees: Iterable[User] = (),
    place: str = "",
    other_participants: str = "",
    agenda: str = "",
    minutes: str = "",
    new_actions: list[ActionInput] | None = None,
) -> PartnerMeeting:
    _writer(actor, meeting.organisation_id)
    fields = _fields(locals())
    chosen = _check_partners(meeting.organisation, partners)
    updated = update_versioned(
        meeting, expected_version=expected_version, actor=actor, changes=fields
    )
    updated.partners.set(chosen)
    updated.attendees.set(list(attendees))
    _add_actions(updated, new_actions or [], actor)
    return updated


@transaction.atomic
def meeting_action_close(
    *, action: MeetingAction, actor: User, membership: Membership, status: str, note: str = ""
) -> MeetingAction:
    current = MeetingAction.objects.select_for_update().select_related("meeting").get(pk=action.pk)
    if membership.user_id != actor.pk or not can_close_action(membership, current):
        raise PermissionDenied(
            "Seuls le porteur et la structure qui organise suivent cette action."
        )
    if status not in ACTION_TRANSITIONS.get(current.status, set()):
        raise DomainError(
            f"Cette action est déjà « {current.get_status_display().lower()} »."
            if current.status != MeetingActionStatus.OPEN
            else "Choisissez « faite » ou « abandonnée »."
        )
    note = clean_text(note)
    if status == MeetingActionStatus.DROPPED and not note:
        raise DomainError("Indiquez pourquoi l'action est abandonnée.", field="note")
    current.status = status
    current.closed_at = timezone.now()
    current.closed_by = actor
    current.closing_note = note[:300]
    current.save(update_fields=["status", "closed_at", "closed_by", "closing_note", "updated_at"])
    return current


# --- Reads ----------------------------------------------------------------------------------


def actions_list(membership: Membership, *, mine: bool, open_only: bool) -> QuerySet:
    """The actions of the meetings this user sees (or only theirs), due first."""
    queryset = MeetingAction.objects.filter(
        meeting__in=visible_meetings(membership).values("pk")
    ).select_related("meeting", "meeting__organisation", "owner")
    if mine:
        queryset = queryset.filter(owner_id=membership.user_id)
    if open_only:
        queryset = queryset.filter(status=MeetingActionStatus.OPEN)
    return queryset.order_by("due_on", "id")
