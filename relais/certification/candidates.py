"""Writes on candidates and their enrolments, with the entry prerequisites of the
certification checked and explained."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, User
from relais.accounts.validators import normalise_siret, validate_siret
from relais.certification import policies, rules
from relais.certification.checks import (
    check_version,
    ensure,
    journal_write,
    record_change,
    required_text,
    same_organisation,
)
from relais.certification.models import (
    AccessRoute,
    Candidate,
    Certification,
    Enrolment,
    EnrolmentStatus,
)
from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction

TRANSITIONS = {
    EnrolmentStatus.ENROLLED: {
        EnrolmentStatus.REFRESHER,
        EnrolmentStatus.IN_PROGRESS,
        EnrolmentStatus.WITHDRAWN,
    },
    EnrolmentStatus.REFRESHER: {EnrolmentStatus.IN_PROGRESS, EnrolmentStatus.WITHDRAWN},
    EnrolmentStatus.IN_PROGRESS: {
        EnrolmentStatus.REFRESHER,
        EnrolmentStatus.CERTIFIED,
        EnrolmentStatus.WITHDRAWN,
    },
    EnrolmentStatus.CERTIFIED: set(),
    EnrolmentStatus.WITHDRAWN: set(),
}


@dataclass(frozen=True)
class Prerequisites:
    met: bool
    explanation: str


def _fields(
    *,
    last_name: str,
    first_name: str,
    birth_date: dt.date,
    diploma_level: int,
    experience_years: Decimal,
) -> dict:
    errors = []
    values = {}
    for field, label, value in (
        ("last_name", "le nom", last_name),
        ("first_name", "le prénom", first_name),
    ):
        try:
            values[field] = required_text(value, field=field, label=label, max_length=150)
        except DomainError as error:
            errors.append(error)
    if birth_date is None or birth_date > timezone.localdate():
        errors.append(DomainError("La date de naissance doit être passée.", field="birth_date"))
    if not 0 <= diploma_level <= 8:
        errors.append(DomainError("Le niveau de diplôme va de 0 à 8.", field="diploma_level"))
    if experience_years < 0 or experience_years > 60:
        errors.append(
            DomainError("Les années d'expérience vont de 0 à 60.", field="experience_years")
        )
    if errors:
        raise errors[0]
    return values


@transaction.atomic
def candidate_create(
    *,
    membership: Membership,
    last_name: str,
    first_name: str,
    birth_date: dt.date,
    email: str = "",
    phone: str = "",
    employer: Organisation | None = None,
    employer_name: str = "",
    employer_siret: str = "",
    job_title: str = "",
    diploma_level: int = 0,
    foreign_diploma: bool = False,
    experience_years: Decimal = Decimal(0),
    vulnerable_experience: bool = False,
) -> Candidate:
    ensure(policies.can_use, membership)
    values = _fields(
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        diploma_level=diploma_level,
        experience_years=experience_years,
    )
    siret = normalise_siret(employer_siret)
    if siret:
        try:
            validate_siret(siret)
        except ValidationError as error:
            raise DomainError(error.messages[0], field="employer_siret") from error
    candidate = Candidate.objects.create(
        organisation=membership.organisation,
        birth_date=birth_date,
        email=(email or "").strip().lower(),
        phone=(phone or "").strip(),
        employer=employer,
        employer_name=(employer_name or (employer.name if employer else "")).strip()[:200],
        employer_siret=siret,
        job_title=(job_title or "").strip()[:200],
        diploma_level=diploma_level,
        foreign_diploma=foreign_diploma,
        experience_years=experience_years,
        vulnerable_experience=vulnerable_experience,
        created_by=membership.user,
        updated_by=membership.user,
        **values,
    )
    journal.record(
        actor=membership.user,
        action=JournalAction.CREATE,
        target=candidate,
        actor_organisation=membership.organisation,
    )
    return candidate


def check_prerequisites(
    candidate: Candidate, certification: Certification, access_route: str
) -> Prerequisites:
    """The fiche's entry prerequisites applied to the candidate, with the reason in French.
    Not met → the enrolment is still possible with a VAP request (RNCP) or, for the RS
    without experience of vulnerable persons, with the 140-hour placement before the oral."""
    rules_of = certification.rules or {}
    prerequisites = rules_of.get("prerequisites") or {}
    if not prerequisites:
        return Prerequisites(True, "La fiche ne fixe pas de prérequis à l'entrée.")
    if prerequisites.get("experience_with_vulnerable_persons"):
        if candidate.vulnerable_experience:
            return Prerequisites(
                True, "Expérience de l'accompagnement de personnes vulnérables déclarée."
            )
        hours = rules_of.get("placement_hours") or rules.RS_PLACEMENT_HOURS.value
        return Prerequisites(
            False,
            f"Sans expérience de l'accompagnement de personnes vulnérables, un stage pratique "
            f"de {hours} heures est obligatoire avant l'épreuve orale "
            f"({rules.RS_PLACEMENT_HOURS.source}).",
        )
    apprentice = access_route == AccessRoute.APPRENTICESHIP
    years = prerequisites.get("min_years_apprentice" if apprentice else "min_years", 0)
    level = prerequisites.get("min_level", 0)
    level_ok = candidate.diploma_level >= level
    if candidate.foreign_diploma and not prerequisites.get("foreign_diploma_accepted"):
        level_ok = False
    if level_ok and candidate.experience_years >= years:
        origin = "diplôme obtenu à l'étranger" if candidate.foreign_diploma else "diplôme"
        return Prerequisites(
            True,
            f"Prérequis remplis : {origin} de niveau {candidate.diploma_level} (niveau {level} "
            f"requis) et {candidate.experience_years} an(s) d'expérience ({years} requis"
            f"{' pour un apprenti' if apprentice else ''}).",
        )
    missing = []
    if not level_ok:
        missing.append(f"un diplôme de niveau {level} au moins")
    if candidate.experience_years < years:
        missing.append(
            f"{years} an(s) d'expérience professionnelle"
            f"{' (apprentis)' if apprentice else ''} ; {candidate.experience_years} déclaré(s)"
        )
    text = "Prérequis non remplis : il manque " + " et ".join(missing) + "."
    if prerequisites.get("vap_otherwise"):
        text += " Une demande de validation des acquis professionnels (VAP) peut être présentée."
    return Prerequisites(False, text)


@transaction.atomic
def enrolment_create(
    *,
    membership: Membership,
    candidate: Candidate,
    certification: Certification,
    access_route: str,
    enrolled_on: dt.date,
    vap_requested: bool = False,
    funding: str = "",
    trainer: User | None = None,
) -> Enrolment:
    """`trainer`: the candidate's referent trainer, a member of the organisation (by
    default the user who enrols); the jury's conflict-of-interest check reads it."""
    ensure(policies.can_use, membership)
    same_organisation(membership, candidate.organisation_id)
    trainer = trainer or membership.user
    if (
        not Membership.objects.active()
        .filter(user=trainer, organisation_id=candidate.organisation_id)
        .exists()
    ):
        raise DomainError(
            "Le formateur référent doit être membre de votre structure.", field="trainer"
        )
    if access_route not in AccessRoute.values:
        raise DomainError("Choisissez une voie d'accès.", field="access_route")
    allowed_routes = (certification.rules or {}).get("access_routes") or AccessRoute.values
    if access_route not in allowed_routes:
        raise DomainError(
            f"La voie d'accès « {AccessRoute(access_route).label} » n'est pas ouverte pour "
            f"{certification.code}.",
            field="access_route",
        )
    if certification.last_delivery_on and enrolled_on > certification.last_delivery_on:
        raise rules.LAST_DELIVERY.refuse(
            f"{certification.code} ne peut plus être délivrée après le "
            f"{certification.last_delivery_on:%d/%m/%Y}.",
            field="certification",
        )
    if Enrolment.objects.filter(candidate=candidate, certification=certification).exists():
        raise DomainError(
            f"Ce candidat est déjà inscrit à {certification.code}.", field="certification"
        )
    check = check_prerequisites(candidate, certification, access_route)
    is_rs = bool(
        ((certification.rules or {}).get("prerequisites") or {}).get(
            "experience_with_vulnerable_persons"
        )
    )
    if not check.met and not is_rs and not vap_requested:
        raise DomainError(
            check.explanation + " Cochez « Demande de VAP » pour inscrire le candidat.",
            field="vap_requested",
        )
    enrolment = Enrolment.objects.create(
        candidate=candidate,
        certification=certification,
        organisation=candidate.organisation,
        access_route=access_route,
        enrolled_on=enrolled_on,
        prerequisites_note=check.explanation,
        vap_requested=vap_requested and not check.met,
        funding=funding,
        trainer=trainer,
        updated_by=membership.user,
    )
    record_change("enrolment", enrolment.pk, "", EnrolmentStatus.ENROLLED, membership.user)
    Candidate.objects.filter(pk=candidate.pk).update(last_activity_on=timezone.localdate())
    journal.record(
        actor=membership.user,
        action=JournalAction.UPDATE,
        target=candidate,
        actor_organisation=membership.organisation,
        summary=f"inscription à {certification.code}",
    )
    return enrolment


PLACEMENT_MAX_HOURS = 2000


@transaction.atomic
def placement_record(
    *,
    membership: Membership,
    enrolment: Enrolment,
    hours: int,
    expected_version: int | None = None,
) -> Enrolment:
    """The practical placement hours done so far (a total, corrected as the placement goes
    on); the oral waits for the hours the certification requires (rules.RS_PLACEMENT_HOURS)."""
    ensure(policies.can_score, membership)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("candidate", "certification")
        .get(pk=enrolment.pk)
    )
    same_organisation(membership, enrolment.organisation_id)
    check_version(enrolment, expected_version)
    if not 0 <= hours <= PLACEMENT_MAX_HOURS:
        raise DomainError(
            f"Les heures de stage vont de 0 à {PLACEMENT_MAX_HOURS}.",
            field="placement_hours",
        )
    enrolment.placement_hours = hours
    enrolment.version += 1
    enrolment.updated_by = membership.user
    enrolment.save(update_fields=["placement_hours", "version", "updated_by", "updated_at"])
    required = rules.placement_required(enrolment)
    journal_write(
        membership,
        enrolment,
        f"stage pratique : {hours} h" + (f" sur {required} h requises" if required else ""),
    )
    return enrolment


def enrolment_move(
    enrolment: Enrolment, to: str, *, actor: User, reason: str = "", expected_version=None
) -> Enrolment:
    """The one place an enrolment changes status (transition table above)."""
    check_version(enrolment, expected_version)
    if to not in TRANSITIONS[EnrolmentStatus(enrolment.status)]:
        raise DomainError(
            f"Passage impossible de « {enrolment.get_status_display()} » à "
            f"« {EnrolmentStatus(to).label} »."
        )
    before = enrolment.status
    enrolment.status = to
    enrolment.version += 1
    enrolment.updated_by = actor
    enrolment.save(update_fields=["status", "version", "updated_by", "updated_at"])
    record_change("enrolment", enrolment.pk, before, to, actor, reason)
    return enrolment
