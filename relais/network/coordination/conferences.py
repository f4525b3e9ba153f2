"""Case conferences (réunions de synthèse): the team meets about a person; the minutes are
kept and each decision becomes a step of the person's pathway, with who carries it and by
when.

Rules decided here (the issue left them open):
- Written by the référents and managers of the person's organisation and by the active
  members of the coordination team (Capability.TEAM); read by the same people.
- Participants are chosen among the active members of the person's organisation and the
  active team members; others (the person's family, an interpreter…) are written in
  "autres participants"; whether the person was present is recorded.
- Decisions go into ONE open pathway of the person, chosen on the form (pre-selected when
  there is only one). A person without an open pathway: the conference is recorded, but
  decisions are refused with a message asking a référent to open a pathway first — a
  decision that becomes nobody's step is what case conferences must avoid.
- A decision's step: type chosen (default "Autre action"), title = the decision, owner =
  the person / the référent / another professional (named), planned date = due date,
  status "Prévue". The decision keeps a link to its step.
- The minutes can be edited afterwards and decisions added; a recorded decision is not
  edited here (its step is, in the pathway).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, User
from relais.core import pdf
from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.network.coordination.checks import check_date
from relais.network.coordination.contributions import lock_open_pathway, new_step
from relais.network.coordination.models import CaseConference, ConferenceDecision, TeamMember
from relais.pathways.models import Pathway, StepKind, StepOwner
from relais.people.models import Person
from relais.people.policies import Capability, can

TEXT_LIMITS = {"other_participants": 500, "agenda": 5000, "minutes": 20000}


@dataclass(frozen=True)
class DecisionInput:
    text: str
    owner: str = StepOwner.REFERENT
    owner_name: str = ""
    due_on: dt.date | None = None
    kind: str = StepKind.OTHER


def participant_choices(person: Person) -> list[tuple[User, str]]:
    """Who may be named a participant: active members of the person's organisation, then
    the active team members (with their organisation). Two queries."""
    own = (
        Membership.objects.active()
        .filter(organisation_id=person.organisation_id)
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    team = (
        TeamMember.objects.active()
        .of_person(person.pk)
        .select_related("user", "organisation", "team")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    choices: list[tuple[User, str]] = []
    seen: set[int] = set()
    for row in [*own, *team]:
        if row.user_id in seen:
            continue
        seen.add(row.user_id)
        name = row.user.get_full_name() or row.user.email
        choices.append((row.user, f"{name} ({row.organisation.name})"))
    return choices


def open_pathways(person: Person) -> list[Pathway]:
    return list(
        Pathway.objects.active()
        .filter(person=person)
        .select_related("referent")
        .order_by("-started_on", "-pk")
    )


def _ensure_writes(membership: Membership, actor: User, person: Person) -> None:
    if membership is None or membership.user_id != getattr(actor, "pk", None):
        raise PermissionDenied("Vous n'agissez pas pour cette structure.")
    if not can(membership, Capability.TEAM, person):
        raise PermissionDenied(
            "Les réunions de synthèse sont écrites par l'équipe de coordination de la personne."
        )


def check_someone_took_part(participants: Iterable[User], other_participants: str) -> None:
    """A conference has participants (the conference form calls it too)."""
    if not list(participants or []) and not (other_participants or "").strip():
        raise DomainError("Indiquez qui a participé à la réunion.", field="participants")


def _clean_fields(
    *,
    person: Person,
    held_on: dt.date,
    participants: Iterable[User],
    other_participants: str,
    agenda: str,
    minutes: str,
) -> dict[str, Any]:
    if held_on is None:
        raise DomainError("Indiquez la date de la réunion.", field="held_on")
    check_date(held_on, "held_on", "La date de la réunion")
    values = {
        "other_participants": (other_participants or "").strip(),
        "agenda": (agenda or "").strip(),
        "minutes": (minutes or "").strip(),
    }
    for name, limit in TEXT_LIMITS.items():
        if len(values[name]) > limit:
            raise DomainError(f"{limit} caractères au plus.", field=name)
    participants = list(participants or [])
    allowed = {user.pk for user, _ in participant_choices(person)}
    if any(p.pk not in allowed for p in participants):
        raise DomainError(
            "Les participants se choisissent parmi les professionnels de la structure et de "
            "l'équipe de coordination ; écrivez les autres dans « Autres participants ».",
            field="participants",
        )
    check_someone_took_part(participants, values["other_participants"])
    values["held_on"] = held_on
    values["participants"] = participants
    return values


def _owner_label(decision: DecisionInput, pathway: Pathway) -> str:
    if decision.owner == StepOwner.PERSON:
        return "La personne"
    if decision.owner == StepOwner.REFERENT:
        referent = pathway.referent
        return f"Le référent ({referent.get_full_name() or referent.email})"
    return (decision.owner_name or "").strip()


def _record_decisions(
    *,
    conference: CaseConference,
    person: Person,
    actor: User,
    pathway: Pathway | None,
    decisions: Iterable[DecisionInput],
) -> list[ConferenceDecision]:
    decisions = [d for d in decisions or [] if (d.text or "").strip()]
    if not decisions:
        return []
    if pathway is None:
        candidates = open_pathways(person)
        if not candidates:
            raise DomainError(
                "La personne n'a pas de parcours en cours : les décisions deviennent des "
                "étapes d'un parcours. Demandez au référent d'ouvrir un parcours, ou "
                "enregistrez la réunion sans décision.",
                field="pathway",
            )
        if len(candidates) == 1:
            pathway = candidates[0]
    current = lock_open_pathway(person, pathway)
    recorded = []
    for index, decision in enumerate(decisions):
        prefix = f"decision-{index}-"
        step = new_step(
            pathway=current,
            actor=actor,
            kind=decision.kind,
            title=decision.text,
            owner=decision.owner,
            owner_name=decision.owner_name,
            planned_on=decision.due_on,
            field_prefix=prefix,
        )
        recorded.append(
            ConferenceDecision.objects.create(
                conference=conference,
                text=step.title,
                owner_name=_owner_label(decision, current)[:200],
                due_on=decision.due_on,
                step=step,
            )
        )
    return recorded


@transaction.atomic
def case_conference_create(
    *,
    membership: Membership,
    actor: User,
    person: Person,
    held_on: dt.date,
    participants: Iterable[User] = (),
    person_present: bool = False,
    other_participants: str = "",
    agenda: str = "",
    minutes: str = "",
    decisions: Iterable[DecisionInput] = (),
    pathway: Pathway | None = None,
) -> CaseConference:
    _ensure_writes(membership, actor, person)
    values = _clean_fields(
        person=person,
        held_on=held_on,
        participants=participants,
        other_participants=other_participants,
        agenda=agenda,
        minutes=minutes,
    )
    chosen = values.pop("participants")
    conference = CaseConference.objects.create(
        person=person,
        organisation_id=person.organisation_id,
        person_present=bool(person_present),
        author=actor,
        **values,
    )
    conference.participants.set(chosen)
    _record_decisions(
        conference=conference, person=person, actor=actor, pathway=pathway, decisions=decisions
    )
    return conference


@transaction.atomic
def case_conference_update(
    *,
    membership: Membership,
    actor: User,
    conference: CaseConference,
    expected_version: int,
    held_on: dt.date,
    participants: Iterable[User] = (),
    person_present: bool = False,
    other_participants: str = "",
    agenda: str = "",
    minutes: str = "",
    new_decisions: Iterable[DecisionInput] = (),
    pathway: Pathway | None = None,
) -> CaseConference:
    """Complete the minutes after the meeting, fix the participants, add decisions.
    Refused (StaleObjectError) if a team member saved the minutes since `expected_version`
    was read: minutes are written by several professionals."""
    person = conference.person
    _ensure_writes(membership, actor, person)
    current = CaseConference.objects.select_for_update().get(pk=conference.pk)
    if current.version != expected_version:
        who = current.updated_by or current.author
        raise StaleObjectError(
            f"Modifié entre-temps par {who} le "
            f"{timezone.localtime(current.updated_at):%d/%m/%Y à %H:%M}. Vos saisies sont "
            "conservées ci-dessous : vérifiez-les au regard de la nouvelle version, puis "
            "enregistrez de nouveau."
        )
    current.version += 1
    current.updated_by = actor
    values = _clean_fields(
        person=person,
        held_on=held_on,
        participants=participants,
        other_participants=other_participants,
        agenda=agenda,
        minutes=minutes,
    )
    chosen = values.pop("participants")
    for name, value in values.items():
        setattr(current, name, value)
    current.person_present = bool(person_present)
    current.save()
    current.participants.set(chosen)
    current.person = person
    _record_decisions(
        conference=current, person=person, actor=actor, pathway=pathway, decisions=new_decisions
    )
    return current


def conferences_of(person: Person) -> list[CaseConference]:
    """The person's case conferences, newest first, with their decisions. Three queries."""
    conferences = list(
        CaseConference.objects.filter(person=person)
        .select_related("author")
        .prefetch_related("decisions", "participants")
    )
    for conference in conferences:
        conference.person = person
    return conferences


# --- Minutes as PDF ------------------------------------------------------------------------


def minutes_html(conference: CaseConference, *, person_label: str) -> str:
    return pdf.render_html(
        "network/conferences/minutes_pdf.html",
        {
            "conference": conference,
            "person_label": person_label,
            "participants": [u.get_full_name() or u.email for u in conference.participants.all()],
            "decisions": list(conference.decisions.all()),
            "printed_on": timezone.localdate(),
        },
    )


def minutes_pdf(conference: CaseConference, *, person_label: str) -> bytes:
    """The minutes as a PDF; `person_label`: the name (or "Personne n° X") the reader may
    see."""
    return pdf.html_to_pdf(minutes_html(conference, person_label=person_label))
