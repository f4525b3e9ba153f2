"""Workshop sessions, enrolments and attendance (API). Sessions name no participant and are
read by every member; référents and managers schedule, change and cancel them; enrolling
and withdrawing need the accompaniment capability on each person; reading enrolments and
attendance is for the roles that accompany, journaled. Workshop designs are in
`relais.api.routers.sequences`."""

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
    EnrolmentDetailOut,
    EnrolmentOut,
    SessionCancelIn,
    SessionIn,
    SessionOut,
    SessionPatchIn,
    SessionReinstateIn,
    WithdrawIn,
)
from relais.core import journal
from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import JournalAction
from relais.core.submissions import submit_once
from relais.people.models import Person
from relais.projects import policies, workshop_changes
from relais.projects import workshops as workshop_services
from relais.projects.models import Attendance, Enrolment, Session, Workshop
from relais.projects.selectors import sessions_between

router = Router(tags=["Projets collectifs et ateliers"])
MAX_RANGE_DAYS = 93


def session_out(session: Session, enrolled: int | None = None) -> dict:
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
        "cancelled": session.is_cancelled,
        "cancelled_at": session.cancelled_at,
        "cancellation_reason": session.cancellation_reason,
    }


@router.get(
    "/organisations/{organisation_id}/sessions",
    response={200: list[SessionOut], **ERRORS},
    summary="Séances d'ateliers d'une période",
    description="Du `start` (inclus) au `end` (exclu), au plus 93 jours ; sans participant "
    "nommé ; les séances annulées y sont, marquées `cancelled`.",
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
    return [session_out(s) for s in rows]


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
    return Status(201, session_out(session, workshop_services.enrolled_count(workshop)))


@router.get(
    "/organisations/{organisation_id}/workshops/{workshop_id}/sessions",
    response={200: list[SessionOut], **ERRORS},
    summary="Séances d'un atelier",
    description="Toutes ses séances, annulées comprises (`cancelled`), par date.",
)
def workshop_sessions(request: HttpRequest, organisation_id: OrganisationId, workshop_id: Id):
    acting_membership(request, organisation_id)
    workshop = Workshop.objects.filter(organisation_id=organisation_id, pk=workshop_id).first()
    if workshop is None:
        raise Http404
    enrolled = workshop_services.enrolled_count(workshop)
    sessions = Session.objects.filter(workshop=workshop).order_by("starts_at", "id")
    return [session_out(s, enrolled) for s in sessions.select_related("workshop")]


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


def _writable_session(request: HttpRequest, organisation_id: int, session_id: int) -> Session:
    membership = acting_membership(request, organisation_id)
    session = (
        Session.objects.filter(organisation_id=organisation_id, pk=session_id)
        .select_related("workshop")
        .first()
    )
    if session is None:
        raise Http404
    ensure_writer(membership)
    return session


@router.get(
    "/organisations/{organisation_id}/sessions/{session_id}",
    response={200: SessionOut, **ERRORS},
    summary="Consulter une séance",
    description="Sans participant nommé ; une séance annulée l'est avec son motif.",
)
def session_detail(request: HttpRequest, organisation_id: OrganisationId, session_id: Id):
    acting_membership(request, organisation_id)
    session = (
        Session.objects.filter(organisation_id=organisation_id, pk=session_id)
        .select_related("workshop")
        .first()
    )
    if session is None:
        raise Http404
    return session_out(session, workshop_services.enrolled_count(session.workshop_id))


@router.patch(
    "/organisations/{organisation_id}/sessions/{session_id}",
    response={200: SessionOut, **WRITE_ERRORS},
    summary="Modifier une séance",
    description="Date, lieu, animateur, places : seuls les champs envoyés changent ; `version` "
    "obligatoire (409 si modifiée entre-temps). Les places ne descendent pas sous le nombre "
    "d'inscrits ; une séance annulée ne se modifie plus.",
)
def session_update(
    request: HttpRequest, organisation_id: OrganisationId, session_id: Id, payload: SessionPatchIn
):
    session = _writable_session(request, organisation_id, session_id)
    sent = payload.model_dump(exclude_unset=True)
    facilitator = session.facilitator
    if "facilitator_id" in sent:
        facilitator = User.objects.filter(pk=sent["facilitator_id"]).first()
    with api_fields(facilitator="facilitator_id"):
        session = workshop_changes.session_update(
            session=session,
            actor=request.user,
            expected_version=sent["version"],
            starts_at=sent.get("starts_at", session.starts_at),
            ends_at=sent.get("ends_at", session.ends_at),
            place=sent.get("place", session.place),
            facilitator=facilitator,
            capacity=sent.get("capacity", session.capacity),
        )
    return session_out(session, workshop_services.enrolled_count(session.workshop_id))


@router.post(
    "/organisations/{organisation_id}/sessions/{session_id}/cancel",
    response={200: SessionOut, **WRITE_ERRORS},
    summary="Annuler une séance",
    description="Avec son motif et sa `version`. La séance reste (marquée annulée, "
    "`STATUS:CANCELLED` dans le fichier ICS) et ne reçoit plus de présences ; l'étape des "
    "parcours des inscrits est redatée sur la séance suivante, ou annulée s'il n'en reste "
    "aucune ; l'animateur et les référents des inscrits sont prévenus. Refusée (400) si "
    "l'émargement est saisi ou si elle est déjà annulée.",
)
def session_cancel(
    request: HttpRequest, organisation_id: OrganisationId, session_id: Id, payload: SessionCancelIn
):
    session = _writable_session(request, organisation_id, session_id)
    session = workshop_changes.session_cancel(
        session=session, actor=request.user, expected_version=payload.version, reason=payload.reason
    )
    return session_out(session, workshop_services.enrolled_count(session.workshop_id))


@router.post(
    "/organisations/{organisation_id}/sessions/{session_id}/reinstate",
    response={200: SessionOut, **WRITE_ERRORS},
    summary="Rétablir une séance annulée",
    description="Avec sa `version`. Annule l'annulation d'une séance encore à venir : les "
    "étapes des inscrits suivent de nouveau (rouvertes si toute la séquence était annulée), "
    "l'animateur et les référents sont prévenus. Refusée (400) si la séance n'est pas "
    "annulée, est passée, si son animateur n'est plus membre de la structure ou si ses places "
    "ne suffisent plus pour les inscrits ; 409 si la version n'est plus la bonne.",
)
def session_reinstate(
    request: HttpRequest,
    organisation_id: OrganisationId,
    session_id: Id,
    payload: SessionReinstateIn,
):
    session = _writable_session(request, organisation_id, session_id)
    session = workshop_changes.session_reinstate(
        session=session, actor=request.user, expected_version=payload.version
    )
    return session_out(session, workshop_services.enrolled_count(session.workshop_id))


def _enrolment_out(e: Enrolment) -> dict:
    return {
        "id": e.pk,
        "person_id": e.person_id,
        "step_id": e.step_id,
        "consent_on": e.consent_on,
        "rating": e.rating,
        "withdrawn": e.is_withdrawn,
        "withdrawn_at": e.withdrawn_at,
        "withdrawal_reason": e.withdrawal_reason,
    }


def _participants_workshop(
    request: HttpRequest, organisation_id: int, workshop_id: int
) -> tuple[Membership, Workshop]:
    membership = acting_membership(request, organisation_id)
    workshop = Workshop.objects.filter(organisation_id=organisation_id, pk=workshop_id).first()
    if workshop is None:
        raise Http404
    if not policies.can_see_participants(membership, workshop):
        raise PermissionDenied(
            "Les participants sont réservés aux référents et aux responsables de la structure."
        )
    return membership, workshop


@router.get(
    "/organisations/{organisation_id}/workshops/{workshop_id}/enrolments",
    response={200: list[EnrolmentDetailOut], **ERRORS},
    summary="Inscriptions à un atelier",
    description="Les personnes inscrites, et celles désinscrites (`withdrawn`, "
    "gardées dans l'historique). Réservé aux rôles qui accompagnent ; journalisé.",
)
def enrolment_list(request: HttpRequest, organisation_id: OrganisationId, workshop_id: Id):
    _membership, workshop = _participants_workshop(request, organisation_id, workshop_id)
    rows = list(Enrolment.objects.filter(workshop=workshop).select_related("person"))
    if rows:
        journal.record_request(
            request,
            JournalAction.LIST,
            target_type="projects.enrolment",
            organisation=organisation_id,
            summary=f"API : inscriptions à l'atelier n° {workshop.pk} ({len(rows)})",
            also_covers=[*rows, *(e.person for e in rows)],
        )
    return [_enrolment_out(e) for e in rows]


@router.post(
    "/organisations/{organisation_id}/workshops/{workshop_id}/enrolments/{enrolment_id}/withdraw",
    response={200: EnrolmentDetailOut, **ERRORS},
    summary="Désinscrire une personne de l'atelier",
    description="Avec le motif. L'inscription reste dans l'historique, la place est libérée, "
    "l'étape « Atelier » de son parcours devient abandonnée. Demande l'accès à "
    "l'accompagnement de la personne ; refusée (400) si elle est déjà désinscrite.",
)
def enrolment_withdraw(
    request: HttpRequest,
    organisation_id: OrganisationId,
    workshop_id: Id,
    enrolment_id: Id,
    payload: WithdrawIn,
):
    membership, workshop = _participants_workshop(request, organisation_id, workshop_id)
    enrolment = (
        Enrolment.objects.filter(workshop=workshop, pk=enrolment_id)
        .select_related("person")
        .first()
    )
    if (
        enrolment is None
        or not Person.objects.visible_to(membership).filter(pk=enrolment.person_id).exists()
    ):
        raise Http404
    enrolment.workshop = workshop
    enrolment = workshop_changes.enrolment_withdraw(
        enrolment=enrolment, actor=request.user, reason=payload.reason
    )
    journal.record_request(
        request,
        JournalAction.UPDATE,
        enrolment,
        summary=f"API : désinscription de l'atelier n° {workshop.pk}",
        also_covers=[enrolment.person],
    )
    return _enrolment_out(enrolment)
