"""Information collective: scheduling sessions, registering people (by the organisation or
a partner), taking attendance, turning an attendee into a person record.

Rules decided here (the issue left them open):
- the organisation's members, reception included, run its sessions (reception often
  handles registrations); a partner organisation registers people to a session only if
  it is open to partners, and sees only the people it registered;
- a session is never over its capacity: registrations are counted under the session's
  row lock, so two last-minute registrations cannot both take the last seat;
- the same person (same folded names and birth date, or the same record) is registered
  once per session; the duplicate check against the organisation's records
  (`relais.people.duplicates`) is run by the organisation only — a partner never learns
  which records exist;
- attendance is recorded once the session has started; « créer la fiche » calls the
  intake service (`relais.people.services.person_create`, with its own duplicate check)
  with what was collected, and links the record to the registration;
- a person who was absent is listed for a reminder (`no_shows`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, User
from relais.core import pdf
from relais.core.errors import DomainError, PermissionDenied
from relais.core.text import clean_text, fold
from relais.core.versioning import update_versioned
from relais.pathways.checks import check_version, validate
from relais.pathways.collective_models import (
    Attendance,
    InfoSession,
    InfoSessionStatus,
    Registration,
)
from relais.pathways.models import Scheme
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.people.rules import clean_person_data
from relais.people.services import person_create

REGISTRATION_FIELDS = ("birth_name", "first_names", "birth_date", "phone", "email")


# --- Who may do what (policies) -------------------------------------------------------------


def runs(membership: Membership | None, session: InfoSession) -> bool:
    """The session's organisation (any role with the identity capability) runs it."""
    return (
        membership is not None
        and membership.organisation_id == session.organisation_id
        and can(membership, Capability.IDENTITY)
    )


def may_register(membership: Membership | None, session: InfoSession) -> bool:
    if runs(membership, session):
        return True
    return (
        membership is not None
        and membership.is_active
        and session.open_to_partners
        and can(membership, Capability.IDENTITY)
    )


def visible_sessions(membership: Membership | None) -> QuerySet[InfoSession]:
    """The organisation's own sessions and the sessions open to partners."""
    if membership is None or not membership.is_active:
        return InfoSession.objects.none()
    return InfoSession.objects.filter(
        Q(organisation_id=membership.organisation_id) | Q(open_to_partners=True)
    )


def registrations_seen_by(membership: Membership, session: InfoSession) -> QuerySet:
    """All of them for the organisation running it; a partner's own otherwise."""
    queryset = session.registrations.all()
    if runs(membership, session):
        return queryset
    return queryset.filter(registered_by_organisation_id=membership.organisation_id)


def _membership(actor: User, organisation_id: int) -> Membership | None:
    return Membership.objects.active().filter(user=actor, organisation_id=organisation_id).first()


# --- Sessions -------------------------------------------------------------------------------


def _session_fields(values: Mapping) -> dict:
    fields = {
        "title": clean_text(values["title"]),
        "scheme": values["scheme"],
        "starts_at": values["starts_at"],
        "place": clean_text(values["place"]),
        "capacity": values["capacity"],
        "open_to_partners": bool(values.get("open_to_partners")),
    }
    if not fields["title"]:
        raise DomainError("Indiquez l'intitulé de la session.", field="title")
    if not fields["place"]:
        raise DomainError("Indiquez le lieu.", field="place")
    if fields["scheme"] not in Scheme.values:
        raise DomainError("Choisissez le dispositif présenté.", field="scheme")
    if not isinstance(fields["capacity"], int) or not 1 <= fields["capacity"] <= 500:
        raise DomainError("Le nombre de places doit être compris entre 1 et 500.", field="capacity")
    return fields


@transaction.atomic
def info_session_create(
    *,
    organisation: Organisation,
    actor: User,
    title: str,
    scheme: str,
    starts_at: dt.datetime,
    place: str,
    capacity: int,
    open_to_partners: bool = False,
) -> InfoSession:
    membership = _membership(actor, organisation.pk)
    if membership is None or not can(membership, Capability.IDENTITY):
        raise PermissionDenied("Vous ne pouvez pas programmer de session pour cette structure.")
    fields = _session_fields(locals())
    if starts_at < timezone.now():
        raise DomainError(
            "La session ne peut pas être programmée dans le passé.", field="starts_at"
        )
    session = InfoSession(organisation=organisation, created_by=actor, updated_by=actor, **fields)
    validate(session, ["title", "place"])
    session.save()
    return session


@transaction.atomic
def info_session_update(
    *, session: InfoSession, actor: User, expected_version: int, **values
) -> InfoSession:
    current = InfoSession.objects.select_for_update().get(pk=session.pk)
    if not runs(_membership(actor, current.organisation_id), current):
        raise PermissionDenied("Vous ne pouvez pas modifier cette session.")
    check_version(current, expected_version)
    fields = _session_fields(values)
    taken = current.registrations.exclude(attendance=Attendance.EXCUSED).count()
    if fields["capacity"] < taken:
        raise DomainError(
            f"{taken} personnes sont déjà inscrites : le nombre de places ne peut pas être "
            "inférieur.",
            field="capacity",
        )
    return update_versioned(current, expected_version=expected_version, actor=actor, changes=fields)


# --- Registrations --------------------------------------------------------------------------


def check_capacity(session: InfoSession, taken: int) -> None:
    if taken >= session.capacity:
        raise DomainError(
            f"La session est complète ({session.capacity} place{'s' if session.capacity > 1 else ''}) : "
            "inscrivez la personne à une autre date.",
        )


@transaction.atomic
def registration_add(
    *,
    session: InfoSession,
    actor: User,
    membership: Membership,
    data: Mapping,
    comment: str = "",
    person: Person | None = None,
) -> Registration:
    """Register someone. `person`: the organisation's record the user recognised in the
    duplicate check (the organisation only)."""
    current = InfoSession.objects.select_for_update().get(pk=session.pk)
    if not may_register(membership, current) or membership.user_id != actor.pk:
        raise PermissionDenied("Vous ne pouvez pas inscrire de personne à cette session.")
    if current.status != InfoSessionStatus.SCHEDULED:
        raise DomainError("Cette session n'est plus ouverte aux inscriptions.")
    if person is not None and (
        person.organisation_id != current.organisation_id or not runs(membership, current)
    ):
        raise PermissionDenied("Ce dossier n'est pas celui d'une personne de la structure.")
    cleaned = clean_person_data({k: data.get(k, "") for k in REGISTRATION_FIELDS})
    for required, label in (("birth_name", "Le nom"), ("first_names", "Le prénom")):
        if not cleaned.get(required):
            raise DomainError(f"{label} est obligatoire.", field=required)
    if not cleaned.get("birth_date"):
        raise DomainError("La date de naissance est obligatoire.", field="birth_date")
    taken = current.registrations.exclude(attendance=Attendance.EXCUSED).count()
    check_capacity(current, taken)
    key = fold(f"{cleaned['birth_name']} {cleaned['first_names']}")
    twice = current.registrations.filter(
        Q(name_key=key, birth_date=cleaned["birth_date"])
        | (Q(person=person) if person is not None else Q(pk__in=[]))
    )
    if twice.exists():
        raise DomainError("Cette personne est déjà inscrite à cette session.", field="birth_name")
    registration = Registration(
        session=current,
        registered_by_organisation_id=membership.organisation_id,
        registered_by=actor,
        comment=clean_text(comment),
        name_key=key,
        person=person,
        **{k: cleaned.get(k, "") for k in REGISTRATION_FIELDS},
    )
    validate(registration, ["comment"])
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:
        raise DomainError("Cette personne est déjà inscrite à cette session.") from error
    return registration


# --- Attendance and « créer la fiche » -------------------------------------------------------


@transaction.atomic
def attendance_record(
    *, session: InfoSession, actor: User, attendance: Mapping[int, str]
) -> InfoSession:
    """Record everyone's attendance at once (`{registration id: Attendance}`)."""
    current = InfoSession.objects.select_for_update().get(pk=session.pk)
    if not runs(_membership(actor, current.organisation_id), current):
        raise PermissionDenied("Seule la structure qui organise la session relève les présences.")
    if current.status == InfoSessionStatus.CANCELLED:
        raise DomainError("Cette session a été annulée.")
    if current.starts_at > timezone.now():
        raise DomainError("Les présences se relèvent le jour de la session, une fois commencée.")
    allowed = {Attendance.PRESENT, Attendance.ABSENT, Attendance.EXCUSED}
    registrations = {r.pk: r for r in current.registrations.all()}
    missing = [r for pk, r in registrations.items() if attendance.get(pk) not in allowed]
    if missing:
        names = ", ".join(str(r) for r in missing[:5])
        raise DomainError(f"Indiquez la présence de chaque personne inscrite (manque : {names}).")
    for pk, registration in registrations.items():
        registration.attendance = attendance[pk]
    Registration.objects.bulk_update(registrations.values(), ["attendance", "updated_at"])
    current.status = InfoSessionStatus.HELD
    current.save(update_fields=["status", "updated_at"])
    return current


@transaction.atomic
def registration_create_person(
    *,
    registration: Registration,
    actor: User,
    set_aside: Collection[int] = (),
    existing: Person | None = None,
) -> Person:
    """« Créer la fiche »: the intake of an attendee, with what was collected. `existing`:
    the record the user recognised among the possible duplicates instead."""
    current = (
        Registration.objects.select_for_update().select_related("session").get(pk=registration.pk)
    )
    session = current.session
    if not runs(_membership(actor, session.organisation_id), session):
        raise PermissionDenied("Seule la structure qui organise la session crée les dossiers.")
    if current.attendance != Attendance.PRESENT:
        raise DomainError("Seule une personne présente à la session peut avoir sa fiche créée ici.")
    if current.person_id is not None:
        raise DomainError("Le dossier de cette personne existe déjà.")
    if existing is not None:
        if existing.organisation_id != session.organisation_id:
            raise PermissionDenied("Ce dossier n'est pas celui d'une personne de la structure.")
        person = existing
    else:
        data = {k: getattr(current, k) for k in REGISTRATION_FIELDS if getattr(current, k)}
        person = person_create(
            organisation=session.organisation,
            actor=actor,
            data=data,
            set_aside=set(set_aside),
        )
    current.person = person
    current.save(update_fields=["person", "updated_at"])
    return person


# --- Reads ----------------------------------------------------------------------------------


def with_counts(queryset: QuerySet[InfoSession]) -> QuerySet[InfoSession]:
    return queryset.annotate(
        registered=Count("registrations", filter=~Q(registrations__attendance=Attendance.EXCUSED)),
        present=Count("registrations", filter=Q(registrations__attendance=Attendance.PRESENT)),
    )


def no_shows(organisation: Organisation) -> QuerySet[Registration]:
    """Absent people of the organisation's held sessions, to remind (most recent first)."""
    return (
        Registration.objects.filter(
            session__organisation=organisation,
            session__status=InfoSessionStatus.HELD,
            attendance=Attendance.ABSENT,
        )
        .select_related("session", "registered_by_organisation")
        .order_by("-session__starts_at", "birth_name", "id")
    )


def attendance_sheet_pdf(session: InfoSession, registrations: list[Registration]) -> bytes:
    """The sheet signed on the day (WeasyPrint), with a few blank lines for walk-ins."""
    return pdf.render_pdf(
        "pathways/attendance_sheet.html",
        {
            "session": session,
            "organisation": session.organisation.name,
            "scheme": Scheme(session.scheme).label,
            "starts_at": timezone.localtime(session.starts_at),
            "registrations": registrations,
            "blank_rows": range(max(0, min(5, session.capacity - len(registrations)))),
            "printed_on": timezone.localdate(),
        },
    )
