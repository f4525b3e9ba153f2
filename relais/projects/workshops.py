"""Writes on workshops and training sequences: the design, its sessions, enrolling persons
from caseloads (a step on their pathway, with their consent), the attendance sheet and the
evaluations.

Rules decided here (the issue left them open):
- a person is enrolled in the whole sequence (every session); each session has its own
  capacity, and an enrolment that would fill any session still to come beyond it is
  refused, as is a session whose capacity is below the persons already enrolled;
- enrolling needs the accompaniment capability on the person, an open pathway (the
  workshop becomes a step « Atelier » of the most recent one, planned on the first session
  to come) and the professional's confirmation that the person agreed, dated;
- the attendance sheet of a session is saved as a whole against the session's version: a
  second facilitator saving the same sheet at the same time is refused with the first
  one's name, and their input is kept;
- attendance can be recorded from the session's start (not before it took place);
- the abilities a sequence requires are codes of the employment module's vocabulary, with
  one level for all (from 2, « acquise avec un appui ponctuel », by default, as the
  matching): an unknown code is refused, naming it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, User
from relais.core.errors import DomainError, PermissionDenied
from relais.core.text import clean_text
from relais.core.versioning import update_versioned
from relais.employment.vocabulary import ABILITIES, Level
from relais.pathways.models import Pathway, StepKind, StepOwner
from relais.pathways.steps import step_create
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.projects.checks import check_date, check_version, ensure_writer, validated
from relais.projects.models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    Project,
    Session,
    Workshop,
)

MAX_ENROL_AT_ONCE = 100
DESIGN_FIELDS = ("title", "objectives", "content", "methods", "materials", "evaluation")


def _design(values: dict, duration_hours) -> dict:
    cleaned = {k: (clean_text(v) if k == "title" else (v or "").strip()) for k, v in values.items()}
    try:
        hours = Decimal(str(duration_hours))
    except Exception as error:
        raise DomainError("Indiquez la durée en heures.", field="duration_hours") from error
    if not hours.is_finite() or hours <= 0 or hours > 2000:
        raise DomainError(
            "La durée est un nombre d'heures supérieur à 0 (au plus 2 000).", field="duration_hours"
        )
    cleaned["duration_hours"] = hours
    return cleaned


def _requirements(required_abilities, required_level) -> dict:
    """The abilities a sequence requires, codes of the employment module's vocabulary, each
    once, in the vocabulary's order; the level from which an observation counts (1 to 4)."""
    codes = [str(c).strip() for c in (required_abilities or [])]
    unknown = [c for c in dict.fromkeys(codes) if c not in ABILITIES]
    if unknown:
        names = ", ".join(f"« {c[:40]} »" for c in unknown[:3])
        raise DomainError(
            f"Habileté inconnue : {names}. Choisissez dans la liste des habiletés.",
            field="required_abilities",
        )
    levels = dict(Level.CHOICES)
    try:
        level = int(required_level)
    except (TypeError, ValueError):
        level = 0
    if level not in levels:
        raise DomainError("Le niveau requis va de 1 à 4.", field="required_level")
    wanted = set(codes)
    return {
        "required_abilities": [c for c in ABILITIES if c in wanted],
        "required_level": level,
    }


def _locked_workshop(workshop: Workshop, actor: User) -> Workshop:
    current = Workshop.objects.select_for_update().get(pk=workshop.pk)
    ensure_writer(actor, current.organisation_id)
    return current


@transaction.atomic
def workshop_create(
    *,
    organisation,
    actor: User,
    title: str,
    objectives: str,
    duration_hours,
    content: str = "",
    methods: str = "",
    materials: str = "",
    evaluation: str = "",
    project: Project | None = None,
    required_abilities: list[str] | None = None,
    required_level: int = Level.MET,
) -> Workshop:
    ensure_writer(actor, organisation.pk)
    if project is not None and project.organisation_id != organisation.pk:
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
    values.update(_requirements(required_abilities, required_level))
    validated(Workshop, values, organisation=organisation)
    return Workshop.objects.create(
        organisation=organisation, project=project, created_by=actor, updated_by=actor, **values
    )


@transaction.atomic
def workshop_evaluate(
    *, workshop: Workshop, actor: User, expected_version: int, facilitator_evaluation: str
) -> Workshop:
    """The facilitator's evaluation of the sequence (what worked, what to change)."""
    current = _locked_workshop(workshop, actor)
    check_version(current, expected_version)
    values = validated(Workshop, {"facilitator_evaluation": (facilitator_evaluation or "").strip()})
    return update_versioned(current, expected_version=expected_version, actor=actor, changes=values)


@transaction.atomic
def workshop_require(
    *,
    workshop: Workshop,
    actor: User,
    expected_version: int,
    required_abilities: list[str],
    required_level: int,
) -> Workshop:
    """Change the abilities the sequence requires (the design, from the group's needs)."""
    current = _locked_workshop(workshop, actor)
    check_version(current, expected_version)
    values = _requirements(required_abilities, required_level)
    return update_versioned(current, expected_version=expected_version, actor=actor, changes=values)


def step_title(workshop_title: str) -> str:
    """The title of the step an enrolment puts on the person's pathway."""
    return f"Atelier : {workshop_title}"[:200]


def enrolled_count(workshop: Workshop | int) -> int:
    """Persons enrolled in the sequence now (a withdrawn enrolment frees its seat)."""
    return Enrolment.objects.active().filter(workshop=workshop).count()


def check_session_times(starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> None:
    """A session's start and end: present, plausible, in order, at most 12 hours. The
    session forms run it in their clean() too."""
    if starts_at is None:
        raise DomainError("Indiquez le début de la séance.", field="starts_at")
    if ends_at is None:
        raise DomainError("Indiquez la fin de la séance.", field="ends_at")
    check_date(timezone.localtime(starts_at).date(), "starts_at", "La date de la séance")
    if ends_at <= starts_at:
        raise DomainError("La fin de la séance doit suivre son début.", field="ends_at")
    if ends_at - starts_at > dt.timedelta(hours=12):
        raise DomainError(
            "Une séance dure au plus 12 heures : créez-en plusieurs.", field="ends_at"
        )


def check_capacity(capacity: int | None, enrolled: int) -> None:
    """Between 1 and 500 places, and not fewer than the persons already enrolled."""
    if capacity is None or capacity < 1 or capacity > 500:
        raise DomainError("Indiquez un nombre de places entre 1 et 500.", field="capacity")
    if capacity < enrolled:
        raise DomainError(
            f"{enrolled} personne{'s' if enrolled > 1 else ''} "
            f"{'sont' if enrolled > 1 else 'est'} déjà inscrite{'s' if enrolled > 1 else ''} : "
            f"prévoyez au moins {enrolled} places, ou retirez d'abord des inscriptions.",
            field="capacity",
        )


def check_facilitator(facilitator: User | None, organisation_id: int) -> None:
    if (
        facilitator is None
        or not Membership.objects.active()
        .filter(user=facilitator, organisation_id=organisation_id)
        .exists()
    ):
        raise DomainError("Choisissez un animateur membre de la structure.", field="facilitator")


@transaction.atomic
def session_create(
    *,
    workshop: Workshop,
    actor: User,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str,
    facilitator: User | None,
    capacity: int | None,
) -> Session:
    current = _locked_workshop(workshop, actor)
    check_session_times(starts_at, ends_at)
    check_facilitator(facilitator, current.organisation_id)
    check_capacity(capacity, enrolled_count(current))
    values = validated(Session, {"place": clean_text(place)}, workshop=current)
    return Session.objects.create(
        workshop=current,
        organisation_id=current.organisation_id,
        starts_at=starts_at,
        ends_at=ends_at,
        facilitator=facilitator,
        capacity=capacity,
        updated_by=actor,
        **values,
    )


@transaction.atomic
def enrol(
    *,
    workshop: Workshop,
    actor: User,
    persons: list[Person],
    consent_confirmed: bool,
    today: dt.date | None = None,
) -> list[Enrolment]:
    """Enrols each person (all or none): a step « Atelier » on their current pathway and
    the enrolment, dated with their consent. Every problem is reported at once."""
    today = today or timezone.localdate()
    current = _locked_workshop(workshop, actor)
    membership = (
        Membership.objects.active()
        .filter(user=actor, organisation_id=current.organisation_id)
        .first()
    )
    if not persons:
        raise DomainError("Choisissez au moins une personne.", field="persons")
    if len(persons) > MAX_ENROL_AT_ONCE:
        raise DomainError(f"Au plus {MAX_ENROL_AT_ONCE} personnes à la fois.", field="persons")
    if not consent_confirmed:
        raise DomainError(
            "Confirmez que chaque personne a donné son accord pour participer à l'atelier.",
            field="consent_confirmed",
        )
    visible = set(
        Person.objects.visible_to(membership)
        .filter(pk__in=[p.pk for p in persons])
        .values_list("pk", flat=True)
    )
    already = set(
        Enrolment.objects.active()
        .filter(workshop=current, person__in=persons)
        .values_list("person_id", flat=True)
    )
    problems: list[str] = []
    seen: set[int] = set()
    for person in persons:
        if person.pk not in visible or not can(membership, Capability.ACCOMPANIMENT, person):
            raise PermissionDenied("Vous n'avez pas accès à l'accompagnement de cette personne.")
        if person.pk in seen or person.pk in already:
            problems.append(f"{person.display_name} est déjà inscrit·e à cet atelier.")
        seen.add(person.pk)
    sessions = Session.objects.filter(workshop=current, cancelled_at__isnull=True)
    upcoming = list(sessions.filter(starts_at__gte=timezone.now()).order_by("starts_at"))
    if not upcoming and not sessions.exists() and current.sessions.exists():
        problems.append(
            "Toutes les séances de cet atelier sont annulées : programmez-en une nouvelle "
            "avant d'inscrire des personnes."
        )
    total = enrolled_count(current) + len(seen - already)
    for session in upcoming:
        if total > session.capacity:
            local = timezone.localtime(session.starts_at)
            problems.append(
                f"La séance du {local:%d/%m/%Y à %H:%M} est complète : {session.capacity} places, "
                f"{total} personnes inscrites avec celles-ci."
            )
    pathways: dict[int, Pathway] = {}
    for pathway in (
        Pathway.objects.active()
        .filter(person__in=persons)
        .order_by("person_id", "-started_on", "-id")
    ):
        pathways.setdefault(pathway.person_id, pathway)  # the most recent open one
    for person in persons:
        pathway = pathways.get(person.pk)
        if pathway is None:
            problems.append(
                f"{person.display_name} n'a pas de parcours en cours : ouvrez-en un pour "
                "l'inscrire (l'atelier devient une étape de son parcours)."
            )
    if problems:
        raise DomainError(" ".join(dict.fromkeys(problems)), field="persons")
    planned_on = timezone.localtime(upcoming[0].starts_at).date() if upcoming else None
    enrolments = []
    for person in persons:
        step = step_create(
            pathway=pathways[person.pk],
            actor=actor,
            kind=StepKind.WORKSHOP,
            title=step_title(current.title),
            owner=StepOwner.PERSON,
            planned_on=planned_on,
        )
        enrolments.append(
            Enrolment(
                workshop=current, person=person, step=step, consent_on=today, enrolled_by=actor
            )
        )
    return Enrolment.objects.bulk_create(enrolments)


@transaction.atomic
def attendance_record(
    *, session: Session, actor: User, expected_version: int, statuses: dict[int, str]
) -> Session:
    """`statuses`: enrolment id → present / excused / absent, for the whole sheet."""
    current = (
        Session.objects.select_for_update(of=("self",))
        .select_related("workshop")
        .get(pk=session.pk)
    )
    ensure_writer(actor, current.organisation_id)
    check_version(current, expected_version)
    if current.is_cancelled:
        raise DomainError("Cette séance est annulée : il n'y a pas de présence à saisir.")
    if current.starts_at > timezone.now():
        raise DomainError(
            "La séance n'a pas encore commencé : l'émargement se saisit à partir de son début."
        )
    enrolments = {
        e.pk: e for e in Enrolment.objects.active().filter(workshop_id=current.workshop_id)
    }
    unknown = [pk for pk in statuses if pk not in enrolments]
    if unknown:
        raise DomainError("Une personne de la feuille n'est pas inscrite à cet atelier.")
    bad = [pk for pk, status in statuses.items() if status not in AttendanceStatus.values]
    if bad:
        raise DomainError("Présence inconnue (présent, excusé ou absent).")
    missing = [e for pk, e in enrolments.items() if pk not in statuses]
    if missing:
        raise DomainError(
            f"Indiquez la présence de chaque participant ({len(missing)} sans réponse)."
        )
    existing = {a.enrolment_id: a for a in Attendance.objects.filter(session=current)}
    to_update, to_create = [], []
    for pk, status in statuses.items():
        row = existing.get(pk)
        if row is None:
            to_create.append(
                Attendance(
                    session=current,
                    enrolment_id=pk,
                    person_id=enrolments[pk].person_id,
                    status=status,
                    recorded_by=actor,
                )
            )
        elif row.status != status:
            row.status, row.recorded_by = status, actor
            to_update.append(row)
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, ["status", "recorded_by"])
    return update_versioned(
        current,
        expected_version=expected_version,
        actor=actor,
        changes={"attendance_recorded_at": timezone.now()},
    )


@transaction.atomic
def enrolment_evaluate(
    *, enrolment: Enrolment, actor: User, rating: int | None, evaluation: str
) -> Enrolment:
    """The participant's own evaluation of the workshop, as they gave it."""
    ensure_writer(actor, enrolment.workshop.organisation_id)
    if rating is not None and rating not in (1, 2, 3, 4, 5):
        raise DomainError("L'appréciation va de 1 à 5.", field="rating")
    values = validated(Enrolment, {"rating": rating, "evaluation": (evaluation or "").strip()})
    Enrolment.objects.filter(pk=enrolment.pk).update(**values)
    enrolment.refresh_from_db()
    return enrolment
