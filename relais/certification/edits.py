"""Corrections on a candidate's file: their details, an enrolment's access route and referent
trainer, and a withdrawal (« abandon ») — the candidate leaves the path and its group, with
the date and the reason, kept in the history and never deleted. Each edit checks the version
read (several people work on one file) and reports every error at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, User
from relais.accounts.validators import normalise_siret, validate_siret
from relais.certification import policies
from relais.certification.candidates import check_prerequisites, enrolment_move
from relais.certification.checks import (
    check_version,
    ensure,
    journal_write,
    same_organisation,
    touch,
)
from relais.certification.models import (
    AccessRoute,
    Candidate,
    Enrolment,
    EnrolmentStatus,
    JurySession,
)
from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction

WITHDRAWAL_REASON_MAX = 300


class EditErrors(DomainError):
    """Several errors at once: `errors` maps a field (or None) to its message."""

    def __init__(self, errors: list[tuple[str | None, str]]) -> None:
        super().__init__(" ".join(message for _field, message in errors), field=errors[0][0])
        self.errors = errors


def _raise(errors: list[tuple[str | None, str]]) -> None:
    if errors:
        raise EditErrors(errors)


def candidate_errors(
    *,
    last_name: str,
    first_name: str,
    birth_date: dt.date | None,
    diploma_level: int,
    experience_years: Decimal,
    employer_siret: str,
) -> list[tuple[str | None, str]]:
    errors: list[tuple[str | None, str]] = []
    for field, label, value in (
        ("last_name", "le nom", last_name),
        ("first_name", "le prénom", first_name),
    ):
        value = (value or "").strip()
        if not value:
            errors.append((field, f"Indiquez {label}."))
        elif len(value) > 150:
            errors.append((field, f"{label[3:].capitalize()} : 150 caractères au plus."))
    if birth_date is None or birth_date > timezone.localdate():
        errors.append(("birth_date", "La date de naissance doit être passée."))
    if not 0 <= diploma_level <= 8:
        errors.append(("diploma_level", "Le niveau de diplôme va de 0 à 8."))
    if experience_years < 0 or experience_years > 60:
        errors.append(("experience_years", "Les années d'expérience vont de 0 à 60."))
    siret = normalise_siret(employer_siret)
    if siret:
        try:
            validate_siret(siret)
        except ValidationError as error:
            errors.append(("employer_siret", error.messages[0]))
    return errors


@transaction.atomic
def candidate_update(
    *,
    membership: Membership,
    candidate: Candidate,
    expected_version: int | None,
    last_name: str,
    first_name: str,
    birth_date: dt.date,
    email: str = "",
    phone: str = "",
    employer_name: str = "",
    employer_siret: str = "",
    job_title: str = "",
    diploma_level: int = 0,
    foreign_diploma: bool = False,
    experience_years: Decimal = Decimal(0),
    vulnerable_experience: bool = False,
) -> Candidate:
    """Correct a candidate's details. The prerequisites noted on their enrolments stay as
    checked at enrolment (what the decision rested on); a new enrolment checks the new
    details."""
    ensure(policies.can_use, membership)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    same_organisation(membership, candidate.organisation_id)
    check_version(candidate, expected_version)
    _raise(
        candidate_errors(
            last_name=last_name,
            first_name=first_name,
            birth_date=birth_date,
            diploma_level=diploma_level,
            experience_years=experience_years,
            employer_siret=employer_siret,
        )
    )
    before_employer = (candidate.employer_name, candidate.employer_siret)
    candidate.last_name = last_name.strip()
    candidate.first_name = first_name.strip()
    candidate.birth_date = birth_date
    candidate.email = (email or "").strip().lower()
    candidate.phone = (phone or "").strip()[:20]
    candidate.employer_name = (employer_name or "").strip()[:200]
    candidate.employer_siret = normalise_siret(employer_siret)
    if (candidate.employer_name, candidate.employer_siret) != before_employer:
        # A declared employer replaces the member organisation it was read from.
        candidate.employer = None
    candidate.job_title = (job_title or "").strip()[:200]
    candidate.diploma_level = diploma_level
    candidate.foreign_diploma = foreign_diploma
    candidate.experience_years = experience_years
    candidate.vulnerable_experience = vulnerable_experience
    candidate.last_activity_on = timezone.localdate()
    candidate.version += 1
    candidate.updated_by = membership.user
    candidate.save()
    journal.record(
        actor=membership.user,
        action=JournalAction.UPDATE,
        target=candidate,
        actor_organisation=membership.organisation,
        summary="coordonnées et situation du candidat modifiées",
    )
    return candidate


def _open_juries(enrolment: Enrolment):
    return JurySession.objects.filter(enrolments=enrolment, minutes_signed_at__isnull=True)


def _closed(enrolment: Enrolment) -> None:
    if enrolment.status in (EnrolmentStatus.CERTIFIED, EnrolmentStatus.WITHDRAWN):
        raise DomainError(
            f"Inscription « {enrolment.get_status_display()} » : elle ne se modifie plus."
        )


@transaction.atomic
def enrolment_update(
    *,
    membership: Membership,
    enrolment: Enrolment,
    expected_version: int | None,
    access_route: str,
    vap_requested: bool = False,
    trainer: User | None = None,
) -> Enrolment:
    """Correct an enrolment's access route (prerequisites checked again for the new route),
    VAP request and referent trainer."""
    ensure(policies.can_score, membership)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("candidate", "certification", "group")
        .get(pk=enrolment.pk)
    )
    same_organisation(membership, enrolment.organisation_id)
    check_version(enrolment, expected_version)
    _closed(enrolment)
    certification = enrolment.certification
    errors: list[tuple[str | None, str]] = []
    trainer = trainer or enrolment.trainer or membership.user
    if (
        not Membership.objects.active()
        .filter(user=trainer, organisation_id=enrolment.organisation_id)
        .exists()
    ):
        errors.append(("trainer", "Le formateur référent doit être membre de votre structure."))
    allowed = (certification.rules or {}).get("access_routes") or AccessRoute.values
    route_changed = access_route != enrolment.access_route
    if access_route not in AccessRoute.values:
        errors.append(("access_route", "Choisissez une voie d'accès."))
    elif access_route not in allowed:
        errors.append(
            (
                "access_route",
                f"La voie d'accès « {AccessRoute(access_route).label} » n'est pas ouverte "
                f"pour {certification.code}.",
            )
        )
    elif route_changed:
        if enrolment.group_id and access_route != AccessRoute.VAE:
            errors.append(
                (
                    "access_route",
                    f"Le candidat fait partie du groupe de VAE collective « "
                    f"{enrolment.group.name} » : il y reste candidat par la VAE.",
                )
            )
        if _open_juries(enrolment).exists():
            errors.append(
                (
                    "access_route",
                    "Le candidat est présenté à un jury dont le procès-verbal n'est pas signé : "
                    "la voie d'accès ne change pas avant la fin de ce jury.",
                )
            )
    check = None
    if access_route in allowed:
        check = check_prerequisites(enrolment.candidate, certification, access_route)
        is_rs = bool(
            ((certification.rules or {}).get("prerequisites") or {}).get(
                "experience_with_vulnerable_persons"
            )
        )
        if not check.met and not is_rs and not vap_requested:
            errors.append(
                (
                    "vap_requested",
                    check.explanation + " Cochez « Demande de VAP » pour garder l'inscription.",
                )
            )
    _raise(errors)
    enrolment.access_route = access_route
    enrolment.vap_requested = vap_requested and not check.met
    enrolment.prerequisites_note = check.explanation
    enrolment.trainer = trainer
    enrolment.version += 1
    enrolment.updated_by = membership.user
    enrolment.save()
    journal_write(
        membership,
        enrolment,
        f"inscription modifiée (voie d'accès : {enrolment.get_access_route_display()})",
    )
    return enrolment


@transaction.atomic
def enrolment_withdraw(
    *,
    membership: Membership,
    enrolment: Enrolment,
    expected_version: int | None,
    withdrawn_on: dt.date | None,
    reason: str,
) -> Enrolment:
    """The candidate leaves the path (and their collective VAE group): the enrolment moves
    to « Abandon » with the date and the reason, recorded in its history. Nothing is
    deleted: acquired blocks stay acquired (they keep their own validity), the group keeps
    the candidate in its history without counting them, and juries whose minutes are not
    signed stop presenting them."""
    ensure(policies.can_score, membership)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("candidate", "certification")
        .get(pk=enrolment.pk)
    )
    same_organisation(membership, enrolment.organisation_id)
    check_version(enrolment, expected_version)
    _closed(enrolment)
    errors: list[tuple[str | None, str]] = []
    reason = (reason or "").strip()
    if not reason:
        errors.append(("reason", "Indiquez le motif de l'abandon."))
    elif len(reason) > WITHDRAWAL_REASON_MAX:
        errors.append(("reason", f"Motif : {WITHDRAWAL_REASON_MAX} caractères au plus."))
    today = timezone.localdate()
    if withdrawn_on is None:
        errors.append(("withdrawn_on", "Indiquez la date de l'abandon."))
    elif withdrawn_on > today:
        errors.append(("withdrawn_on", "La date de l'abandon ne peut pas être dans le futur."))
    elif withdrawn_on < enrolment.enrolled_on:
        errors.append(
            (
                "withdrawn_on",
                f"La date de l'abandon ne peut pas précéder l'inscription du "
                f"{enrolment.enrolled_on:%d/%m/%Y}.",
            )
        )
    _raise(errors)
    for session in _open_juries(enrolment):
        if not session.decisions.filter(enrolment=enrolment).exists():
            session.enrolments.remove(enrolment)
    enrolment_move(enrolment, EnrolmentStatus.WITHDRAWN, actor=membership.user, reason=reason)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        withdrawn_on=withdrawn_on, withdrawal_reason=reason
    )
    enrolment.withdrawn_on, enrolment.withdrawal_reason = withdrawn_on, reason
    journal_write(membership, enrolment, f"abandon du parcours le {withdrawn_on:%d/%m/%Y}")
    touch(enrolment.candidate_id)
    return enrolment
