"""Workshop sessions, enrolments and attendance (API). Sessions name no participant and are
read by every member; enrolling needs the accompaniment capability on each person; reading
and recording attendance is for the roles that accompany, journaled."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Status

from relais.accounts.models import Membership, User
from relais.api.access import acting_membership
from relais.api.idempotency import idempotent
from relais.api.routers.people import ERRORS, WRITE_ERRORS, Id, OrganisationId, api_fields
from relais.api.routers.projects import ensure_writer
from relais.api.schemas import ErrorOut
from relais.api.schemas_projects import (
    AttendanceIn,
    AttendanceOut,
    EnrolIn,
    EnrolmentOut,
    SessionIn,
    SessionOut,
)
from relais.core import journal
from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import JournalAction
from relais.core.submissions import submit_once
from relais.people.models import Person
from relais.projects import policies
from relais.projects import workshops as workshop_services
from relais.projects.models import Attendance, Enrolment, Session, Workshop
from relais.projects.selectors import sessions_between

router = Router(tags=["Projets collectifs et ateliers"])
MAX_RANGE_DAYS = 93


def _session_out(session: Session, enrolled: int | None = None) -> dict:
    return {
        "id": session.pk,
        "workshop_id": session.workshop_id,
        "workshop_title": session.workshop.title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "place": session.place,
        "facilitator_id": session.facilitator_id,
        "capacity": session.capacity,
        "enrolled": enrolled if enrolled is not None else (getattr(session, "enrolled", None) or 0),
        "version": session.version,
    }


@router.get(
    "/organisations/{organisation_id}/sessions",
    response={200: list[SessionOut], **ERRORS},
    summary="Séances d'ateliers d'une période",
    description="Du `start` (inclus) au `end` (exclu), au plus 93 jours ; sans participant nommé.",
)
def session_list(
    request: HttpRequest, organisation_id: OrganisationId, start: dt.date, end: dt.date
):
    acting_membership(request, organisation_id)
    if end <= start or (end - start).days > MAX_RANGE_DAYS:
        raise DomainError(
            f"La période va de `start` à `end`, au plus {MAX_RANGE_DAYS} jours.", field="end"
        )
    zone = timezone.get_default_timezone()
    rows = sessions_between(
        organisation_id,
        dt.datetime.combine(start, dt.time.min, zone),
        dt.datetime.combine(end, dt.time.min, zone),
    )
    return [_session_out(s) for s in rows]


def _workshop(
    request: HttpRequest, organisation_id: int, workshop_id: int
) -> tuple[Membership, Workshop]:
    membership = acting_membership(request, organisation_id)
    workshop = Workshop.objects.filter(organisation_id=organisation_id, pk=workshop_id).first()
    if workshop is None:
        raise Http404
    ensure_writer(membership)
    return membership, workshop


@router.post(
    "/organisations/{organisation_id}/workshops/{workshop_id}/sessions",
    response={409: ErrorOut, 201: SessionOut, **ERRORS},
    summary="Programmer une séance",
)
@idempotent
def session_create(
    request: HttpRequest, organisation_id: OrganisationId, workshop_id: Id, payload: SessionIn
):
    _membership, workshop = _workshop(request, organisation_id, workshop_id)
    session, _created = submit_once(
        token=request.headers.get("Idempotency-Key", ""),
        actor=request.user,
        model=Session,
        create=lambda: workshop_services.session_create(
            workshop=workshop,
            actor=request.user,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            place=payload.place,
            facilitator=User.objects.filter(pk=payload.facilitator_id).first(),
            capacity=payload.capacity,
        ),
    )
    session.workshop = workshop
    return Status(201, _session_out(session, Enrolment.objects.filter(workshop=workshop).count()))


@router.post(
    "/organisations/{organisation_id}/workshops/{workshop_id}/enrolments",
    response={409: ErrorOut, 201: list[EnrolmentOut], **ERRORS},
    summary="Inscrire des personnes à un atelier",
    description="Toutes ou aucune : chacune doit avoir un parcours en cours (l'atelier y devient une étape) et avoir donné son accord (`consent_confirmed`). Refusé si une séance à venir est complète ou si une personne est déjà inscrite.",
)
@idempotent
def enrol(request: HttpRequest, organisation_id: OrganisationId, workshop_id: Id, payload: EnrolIn):
    membership, workshop = _workshop(request, organisation_id, workshop_id)
    persons = list(Person.objects.visible_to(membership).filter(pk__in=payload.person_ids))
    if len(persons) != len(set(payload.person_ids)):
        raise Http404
    with api_fields(persons="person_ids"):
        enrolments = workshop_services.enrol(
            workshop=workshop,
            actor=request.user,
            persons=persons,
            consent_confirmed=payload.consent_confirmed,
        )
    for e in enrolments:
        journal.record_request(
            request,
            JournalAction.CREATE,
            e,
            summary=f"API : inscription à l'atelier n° {workshop.pk}",
            also_covers=[e.person],
        )
    return Status(
        201,
        [
            {"id": e.pk, "person_id": e.person_id, "step_id": e.step_id, "consent_on": e.consent_on}
            for e in enrolments
        ],
    )


def _session_for(
    request: HttpRequest, organisation_id: int, session_id: int
) -> tuple[Membership, Session]:
    membership = acting_membership(request, organisation_id)
    session = (
        Session.objects.filter(organisation_id=organisation_id, pk=session_id)
        .select_related("workshop")
        .first()
    )
    if session is None:
        raise Http404
    if not policies.can_see_participants(membership, session):
        raise PermissionDenied(
            "Les présences sont réservées aux référents et aux responsables de la structure."
        )
    return membership, session


def _attendance_out(request: HttpRequest, session: Session, action: str) -> dict:
    rows = list(Attendance.objects.filter(session=session).select_related("enrolment"))
    journal.record_request(
        request,
        action,
        target_type="projects.attendance",
        target_id=session.pk,
        organisation=session.organisation_id,
        summary=f"API : présences de la séance n° {session.pk} ({len(rows)})",
        also_covers=[*rows, *(r.enrolment for r in rows)],
    )
    return {
        "session_id": session.pk,
        "version": session.version,
        "rows": [
            {"enrolment_id": r.enrolment_id, "person_id": r.person_id, "status": r.status}
            for r in rows
        ],
    }


@router.get(
    "/organisations/{organisation_id}/sessions/{session_id}/attendance",
    response={200: AttendanceOut, **ERRORS},
    summary="Présences à une séance",
)
def attendance_detail(request: HttpRequest, organisation_id: OrganisationId, session_id: Id):
    _membership, session = _session_for(request, organisation_id, session_id)
    return _attendance_out(request, session, JournalAction.LIST)


@router.put(
    "/organisations/{organisation_id}/sessions/{session_id}/attendance",
    response={200: AttendanceOut, **WRITE_ERRORS},
    summary="Enregistrer les présences d'une séance",
    description="Toute la feuille à la fois, une ligne par participant ; `version` de la séance obligatoire : deux saisies simultanées, la seconde reçoit 409.",
)
def attendance_record(
    request: HttpRequest, organisation_id: OrganisationId, session_id: Id, payload: AttendanceIn
):
    _membership, session = _session_for(request, organisation_id, session_id)
    session = workshop_services.attendance_record(
        session=session,
        actor=request.user,
        expected_version=payload.version,
        statuses={row.enrolment_id: row.status for row in payload.rows},
    )
    return _attendance_out(request, session, JournalAction.UPDATE)
