"""Changes to a workshop once it exists: its design, a session (edited or cancelled) and an
enrolment withdrawn. Each keeps the participants' pathway steps in line with the sequence.

Rules decided here (the issue left them open):
- the design and a session are edited against their version (optimistic locking): a stale
  save is refused naming who saved in between, and the form keeps the user's input;
- a session's capacity cannot go below the persons enrolled now (withdrawn ones excepted);
- a cancelled session is kept (calendar, ICS `STATUS:CANCELLED`, history) with its reason;
  it takes no attendance, no longer counts for capacity, and is not edited any more. A
  session whose attendance is recorded took place: it cannot be cancelled, nor moved after
  now;
- the step « Atelier » of each enrolled person follows the sequence, as a referral's step
  follows its referral (`relais.network.referrals.workflow`): one UPDATE of the open steps
  of active pathways, the version bumped. Its date is the first session still to come (a
  session edited or cancelled may change it); when every session of the sequence is
  cancelled, the step is « annulée » with the reason in its outcome. A person withdrawn
  from the sequence: their open step becomes « abandonnée », the reason in its outcome;
- a cancelled session is announced to the organisation (in-app notice) and by e-mail to
  its facilitator and to the référents of the persons enrolled, who tell the persons: the
  notice names the workshop and the date, never a person nor the reason (free text);
- a cancellation can be undone (« Rétablir la séance ») while the session is still to come,
  its facilitator still a member and its places enough for the persons enrolled; the steps
  follow again and the same people are told. The reason of the cancellation is then cleared
  (the step outcomes keep the trace);
- renaming the workshop renames the steps it created, unless a professional retitled them.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from relais.accounts.models import User
from relais.core.errors import DomainError, PermissionDenied
from relais.core.links import link
from relais.core.text import clean_text
from relais.core.versioning import update_versioned
from relais.notifications.services import Email, notify
from relais.pathways.models import OPEN_STEP_STATUSES, PathwayStatus, Step, StepStatus
from relais.pathways.steps import STEP_TRANSITIONS
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.projects.checks import check_version, ensure_writer, validated
from relais.projects.models import Enrolment, Project, Session, Workshop
from relais.projects.workshops import (
    _design,
    _locked_workshop,
    check_capacity,
    check_facilitator,
    check_session_times,
    enrolled_count,
    step_title,
)

REASON_MAX = 300


def _reason(reason: str, field: str, what: str) -> str:
    cleaned = clean_text(reason or "").strip()
    if not cleaned:
        raise DomainError(f"Indiquez le motif {what}.", field=field)
    if len(cleaned) > REASON_MAX:
        raise DomainError(f"Le motif tient en {REASON_MAX} caractères au plus.", field=field)
    return cleaned


def _open_steps(step_ids, target: str | None = None):
    """The open steps among `step_ids` (of active pathways), those the pathways' workflow
    lets move to `target` when given."""
    statuses = [s for s in OPEN_STEP_STATUSES if target is None or target in STEP_TRANSITIONS[s]]
    return Step.objects.filter(
        pk__in=[pk for pk in step_ids if pk is not None],
        status__in=statuses,
        pathway__status=PathwayStatus.ACTIVE,
    )


def _move_steps(steps, *, status: str, note: str, actor: User) -> int:
    """Move these steps to `status`, the note added to their outcome. One read, one UPDATE
    per step (their outcomes differ)."""
    rows = list(steps.values_list("pk", "outcome"))
    now = timezone.now()
    for pk, outcome in rows:
        text = f"{outcome}\n{note}".strip() if outcome else note
        Step.objects.filter(pk=pk).update(
            status=status,
            done_on=None,
            outcome=text[:3000],
            version=F("version") + 1,
            updated_by=actor,
            updated_at=now,
        )
    return len(rows)


def _end_steps(step_ids, *, status: str, note: str, actor: User) -> int:
    """Move the open steps to `status` (cancelled or abandoned)."""
    return _move_steps(_open_steps(step_ids, status), status=status, note=note, actor=actor)


def _replan_steps(workshop: Workshop, actor: User, reason: str = "") -> None:
    """The enrolled persons' steps after a session changed: dated on the first session to
    come, or cancelled when no session of the sequence is left."""
    step_ids = list(
        Enrolment.objects.active().filter(workshop=workshop).values_list("step_id", flat=True)
    )
    if not any(step_ids):
        return
    left = Session.objects.filter(workshop=workshop, cancelled_at__isnull=True)
    if not left.exists():
        note = "Atelier annulé : toutes ses séances sont annulées"
        _end_steps(
            step_ids,
            status=StepStatus.CANCELLED,
            note=f"{note} ({reason})." if reason else f"{note}.",
            actor=actor,
        )
        return
    upcoming = left.filter(starts_at__gte=timezone.now()).order_by("starts_at").first()
    if upcoming is None:
        return
    day = timezone.localtime(upcoming.starts_at).date()
    _open_steps(step_ids).exclude(planned_on=day).update(
        planned_on=day, version=F("version") + 1, updated_by=actor, updated_at=timezone.now()
    )


@transaction.atomic
def workshop_update(
    *,
    workshop: Workshop,
    actor: User,
    expected_version: int,
    title: str,
    objectives: str,
    duration_hours,
    content: str = "",
    methods: str = "",
    materials: str = "",
    evaluation: str = "",
    project: Project | None = None,
) -> Workshop:
    """The design of the sequence: objectives, content, duration, methods, materials,
    evaluation (and its title and project). The abilities it requires are changed by
    `workshop_require`."""
    current = _locked_workshop(workshop, actor)
    check_version(current, expected_version)
    if project is not None and project.organisation_id != current.organisation_id:
        raise DomainError("Ce projet n'est pas celui de votre structure.", field="project")
    values = _design(
        {
            "title": title,
            "objectives": objectives,
            "content": content,
            "methods": methods,
            "materials": materials,
            "evaluation": evaluation,
        },
        duration_hours,
    )
    validated(Workshop, values, organisation_id=current.organisation_id)
    old_title = current.title
    updated = update_versioned(
        current,
        expected_version=expected_version,
        actor=actor,
        changes={**values, "project": project},
    )
    if updated.title != old_title:
        step_ids = Enrolment.objects.active().filter(workshop=updated).values_list("step_id")
        Step.objects.filter(
            pk__in=step_ids, title=step_title(old_title), pathway__status=PathwayStatus.ACTIVE
        ).update(
            title=step_title(updated.title),
            version=F("version") + 1,
            updated_by=actor,
            updated_at=timezone.now(),
        )
    return updated


def _locked_session(session: Session, actor: User) -> tuple[Workshop, Session]:
    """The workshop then the session locked (in the order `enrol` takes them)."""
    workshop = _locked_workshop(session.workshop, actor)
    current = Session.objects.select_for_update().get(pk=session.pk)
    current.workshop = workshop
    return workshop, current


@transaction.atomic
def session_update(
    *,
    session: Session,
    actor: User,
    expected_version: int,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str,
    facilitator: User | None,
    capacity: int | None,
) -> Session:
    """Date, place, facilitator and capacity of a session not cancelled."""
    workshop, current = _locked_session(session, actor)
    check_version(current, expected_version)
    if current.is_cancelled:
        raise DomainError("Cette séance est annulée : elle ne se modifie plus.")
    check_session_times(starts_at, ends_at)
    if current.attendance_recorded_at is not None and starts_at > timezone.now():
        raise DomainError(
            "L'émargement de cette séance est saisi : elle a eu lieu et ne peut pas être "
            "déplacée à une date à venir.",
            field="starts_at",
        )
    check_facilitator(facilitator, workshop.organisation_id)
    check_capacity(capacity, enrolled_count(workshop))
    values = validated(Session, {"place": clean_text(place)}, workshop=workshop)
    moved = starts_at != current.starts_at
    updated = update_versioned(
        current,
        expected_version=expected_version,
        actor=actor,
        changes={
            **values,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "facilitator": facilitator,
            "capacity": capacity,
        },
    )
    if moved:
        _replan_steps(workshop, actor)
    updated.workshop = workshop
    return updated


@transaction.atomic
def session_cancel(*, session: Session, actor: User, expected_version: int, reason: str) -> Session:
    """Cancel a session that has not taken place; the participants' steps follow and the
    facilitator and the participants' référents are told."""
    workshop, current = _locked_session(session, actor)
    check_version(current, expected_version)
    if current.is_cancelled:
        raise DomainError("Cette séance est déjà annulée.")
    if current.attendance_recorded_at is not None:
        raise DomainError(
            "L'émargement de cette séance est saisi : elle a eu lieu et ne peut plus être annulée."
        )
    cleaned = _reason(reason, "reason", "de l'annulation")
    updated = update_versioned(
        current,
        expected_version=expected_version,
        actor=actor,
        changes={
            "cancelled_at": timezone.now(),
            "cancelled_by": actor,
            "cancellation_reason": cleaned,
        },
    )
    _replan_steps(workshop, actor, cleaned)
    _announce(
        workshop,
        updated,
        "annulée",
        "La séance du {when} de l'atelier « {title} » est annulée. Prévenez les personnes "
        "inscrites que vous accompagnez.",
    )
    updated.workshop = workshop
    return updated


def _announce(workshop: Workshop, session: Session, what: str, text: str) -> None:
    """A session cancelled or reinstated: a notice to the organisation and an e-mail to the
    facilitator and the référents of the persons enrolled (never a person's name nor the
    reason)."""
    when = timezone.localtime(session.starts_at)
    referents = User.objects.filter(
        pk__in=Person.objects.filter(
            workshop_enrolments__in=Enrolment.objects.active().filter(workshop=workshop)
        ).values("referent_id")
    )
    notify(
        organisation=workshop.organisation,
        message=f"Séance du {when:%d/%m/%Y} de l'atelier « {workshop.title} » {what}.",
        link=link("workshop", workshop.pk),
        email=Email(
            subject=f"Séance d'atelier {what}",
            text=text.format(when=f"{when:%d/%m/%Y à %H:%M}", title=workshop.title),
        ),
        email_users=[session.facilitator, *referents],
    )


@transaction.atomic
def session_reinstate(*, session: Session, actor: User, expected_version: int) -> Session:
    """Undo a cancellation (made by mistake, or the session can take place after all): only
    for a session still to come, whose facilitator is still a member and whose places hold
    the persons enrolled now. The participants' steps follow again (reopened « planifiée »
    when this session ends a cancellation of the whole sequence) and the facilitator and
    the référents are told, as for the cancellation."""
    workshop, current = _locked_session(session, actor)
    check_version(current, expected_version)
    if not current.is_cancelled:
        raise DomainError("Cette séance n'est pas annulée.")
    when = timezone.localtime(current.starts_at)
    if current.starts_at <= timezone.now():
        raise DomainError(
            f"Cette séance était prévue le {when:%d/%m/%Y à %H:%M} : une séance passée ne se "
            "rétablit pas. Programmez une nouvelle séance."
        )
    try:
        check_facilitator(current.facilitator, workshop.organisation_id)
    except DomainError:
        raise DomainError(
            "L'animateur de cette séance n'est plus membre de la structure : programmez une "
            "nouvelle séance avec un autre animateur."
        ) from None
    enrolled = enrolled_count(workshop)
    if current.capacity < enrolled:
        raise DomainError(
            f"{enrolled} personnes sont inscrites pour {current.capacity} "
            f"place{'s' if current.capacity > 1 else ''} dans cette séance : programmez une "
            "nouvelle séance avec assez de places."
        )
    whole_sequence_cancelled = not Session.objects.filter(
        workshop=workshop, cancelled_at__isnull=True
    ).exists()
    updated = update_versioned(
        current,
        expected_version=expected_version,
        actor=actor,
        changes={"cancelled_at": None, "cancelled_by": None, "cancellation_reason": ""},
    )
    if whole_sequence_cancelled:
        _reopen_steps(workshop, actor)
    _replan_steps(workshop, actor)
    _announce(
        workshop,
        updated,
        "rétablie",
        "La séance du {when} de l'atelier « {title} » est rétablie : elle aura lieu. "
        "Prévenez les personnes inscrites que vous accompagnez.",
    )
    updated.workshop = workshop
    return updated


def _reopen_steps(workshop: Workshop, actor: User) -> None:
    """The steps « annulée » of the persons still enrolled go back to « planifiée » (the
    pathways' workflow allows it), a line added to their outcome."""
    step_ids = Enrolment.objects.active().filter(workshop=workshop).values("step_id")
    _move_steps(
        Step.objects.filter(
            pk__in=step_ids, status=StepStatus.CANCELLED, pathway__status=PathwayStatus.ACTIVE
        ),
        status=StepStatus.PLANNED,
        note=f"Atelier rétabli le {timezone.localdate():%d/%m/%Y}.",
        actor=actor,
    )


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, actor: User, reason: str) -> Enrolment:
    """A person leaves the sequence: the enrolment is kept (withdrawn, with the reason),
    their seat is free, their open step « Atelier » is abandoned. Needs the accompaniment
    capability on the person, as enrolling does."""
    workshop = _locked_workshop(enrolment.workshop, actor)
    current = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=enrolment.pk)
    )
    membership = ensure_writer(actor, workshop.organisation_id)
    if not can(membership, Capability.ACCOMPANIMENT, current.person):
        raise PermissionDenied("Vous n'avez pas accès à l'accompagnement de cette personne.")
    if current.is_withdrawn:
        raise DomainError(
            f"{current.person.display_name} est déjà désinscrit·e de cet atelier "
            f"(le {timezone.localtime(current.withdrawn_at):%d/%m/%Y})."
        )
    cleaned = _reason(reason, "reason", "de la désinscription")
    now = timezone.now()
    Enrolment.objects.filter(pk=current.pk).update(
        withdrawn_at=now, withdrawn_by=actor, withdrawal_reason=cleaned, updated_at=now
    )
    _end_steps(
        [current.step_id],
        status=StepStatus.ABANDONED,
        note=f"Désinscrit·e de l'atelier le {timezone.localdate(now):%d/%m/%Y} : {cleaned}",
        actor=actor,
    )
    current.refresh_from_db()
    current.workshop = workshop
    return current
