"""Placements (a hiring or a PMSMP immersion) with a named tutor, their follow-up
checkpoints, the mediation log and the outcome — which proposes the pathway's exit category
(the référent closes the pathway with the pathway's own exit service).

Checkpoints follow the usual rhythm of job-retention follow-up: one week, one month, three
months, six months after the start (for an immersion — a few days to a month — only the
first week and its end)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, User
from relais.core import pdf
from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.core.versioning import update_versioned
from relais.employment import policies
from relais.employment.models import (
    Checkpoint,
    ContractType,
    Employer,
    Mediation,
    Placement,
    PlacementKind,
    PlacementOutcome,
    PlacementStatus,
    Position,
    PositionStatus,
)
from relais.pathways.checks import add_months
from relais.pathways.models import ExitCategory, Pathway, PathwayStatus, Step, StepKind, StepOwner
from relais.pathways.steps import step_create
from relais.people.models import Person

CONTRACT_SCHEDULE = (("1 semaine", 0, 7), ("1 mois", 1, 0), ("3 mois", 3, 0), ("6 mois", 6, 0))
# A PMSMP lasts one month at most (renewable once): follow-up at one week and at its end.
IMMERSION_MAX_DAYS = 31

OUTCOME_EXIT: dict[str, str] = {
    PlacementOutcome.SUSTAINABLE: ExitCategory.SUSTAINABLE_EMPLOYMENT,
    PlacementOutcome.TRANSITION: ExitCategory.TRANSITION_EMPLOYMENT,
    PlacementOutcome.TRAINING: ExitCategory.POSITIVE,
}


def proposed_exit(placement: Placement) -> str:
    """The exit category the outcome suggests (« » when the pathway goes on)."""
    return OUTCOME_EXIT.get(placement.outcome, "")


def check_dates(starts_on: dt.date | None, ends_on: dt.date | None, kind: str) -> None:
    if starts_on is None:
        raise DomainError("Indiquez la date de début.", field="starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(
            f"La fin ({ends_on:%d/%m/%Y}) ne peut pas précéder le début ({starts_on:%d/%m/%Y}).",
            field="ends_on",
        )
    if kind == PlacementKind.IMMERSION:
        if ends_on is None:
            raise DomainError("Une immersion a une date de fin.", field="ends_on")
        if (ends_on - starts_on).days + 1 > IMMERSION_MAX_DAYS:
            raise DomainError(
                "Une immersion (PMSMP) dure un mois au plus ; renouvelez-la si besoin.",
                field="ends_on",
            )


def schedule(kind: str, starts_on: dt.date, ends_on: dt.date | None) -> list[tuple[str, dt.date]]:
    if kind == PlacementKind.IMMERSION:
        return [("1 semaine", starts_on + dt.timedelta(days=7)), ("Fin d'immersion", ends_on)]
    due = [
        (label, add_months(starts_on, months) + dt.timedelta(days=days))
        for label, months, days in CONTRACT_SCHEDULE
    ]
    return [(label, on) for label, on in due if ends_on is None or on <= ends_on] or [
        ("Fin de contrat", ends_on)
    ]


def _require(membership: Membership, person: Person) -> None:
    if not policies.can_accompany(membership, person):
        raise PermissionDenied("Votre accès à ce dossier ne permet pas cette action.")


@transaction.atomic
def placement_create(
    *,
    membership: Membership,
    actor: User,
    person: Person,
    employer: Employer,
    kind: str,
    job_title: str,
    starts_on: dt.date,
    weekly_hours,
    tutor_name: str,
    ends_on: dt.date | None = None,
    contract_type: str = "",
    tutor_role: str = "",
    tutor_phone: str = "",
    position: Position | None = None,
    pathway: Pathway | None = None,
) -> Placement:
    _require(membership, person)
    if not policies.in_organisation(membership, employer):
        raise DomainError("Choisissez un employeur de votre structure.", field="employer")
    if kind not in PlacementKind.values:
        raise DomainError("Indiquez s'il s'agit d'un contrat ou d'une immersion.", field="kind")
    if kind == PlacementKind.CONTRACT and contract_type not in ContractType.values:
        raise DomainError("Indiquez le type de contrat.", field="contract_type")
    if kind == PlacementKind.IMMERSION:
        contract_type = ""
    check_dates(starts_on, ends_on, kind)
    try:
        hours = Decimal(str(weekly_hours))
        if not Decimal("1") <= hours <= Decimal("48"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise DomainError(
            "La durée hebdomadaire va de 1 à 48 heures.", field="weekly_hours"
        ) from None
    tutor_name = " ".join((tutor_name or "").split())
    if not tutor_name:
        raise DomainError("Nommez le tuteur ou la tutrice chez l'employeur.", field="tutor_name")
    job_title = " ".join((job_title or "").split())
    if not job_title:
        raise DomainError("Indiquez le poste occupé.", field="job_title")
    if position is not None and position.employer_id != employer.pk:
        raise DomainError("Ce poste n'est pas chez cet employeur.", field="position")
    if pathway is not None and (
        pathway.person_id != person.pk or pathway.status != PathwayStatus.ACTIVE
    ):
        raise DomainError("Choisissez un parcours en cours de la personne.", field="pathway")
    placement = Placement.objects.create(
        person=person,
        organisation_id=person.organisation_id,
        pathway=pathway,
        employer=employer,
        position=position,
        kind=kind,
        contract_type=contract_type,
        job_title=job_title[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        weekly_hours=hours,
        tutor_name=tutor_name[:150],
        tutor_role=(tutor_role or "").strip()[:150],
        tutor_phone=(tutor_phone or "").strip()[:20],
        author=actor,
        updated_by=actor,
    )
    Checkpoint.objects.bulk_create(
        Checkpoint(placement=placement, label=label, due_on=on)
        for label, on in schedule(kind, starts_on, ends_on)
    )
    return placement


@transaction.atomic
def checkpoint_record(
    *,
    membership: Membership,
    actor: User,
    checkpoint: Checkpoint,
    done_on: dt.date,
    notes: str,
) -> Checkpoint:
    """Record a checkpoint once: two people noting the same one at once (or a client
    sending it twice) must not overwrite each other, so the row is read again under a lock
    and a checkpoint already noted is refused (stale)."""
    placement = checkpoint.placement
    _require(membership, placement.person)
    current = Checkpoint.objects.select_for_update().filter(pk=checkpoint.pk).first()
    if current is not None and current.done_on is not None:
        raise StaleObjectError(
            f"Le point de suivi « {checkpoint.label} » a déjà été noté le "
            f"{current.done_on:%d/%m/%Y}. Vos saisies ci-dessous n'ont pas été enregistrées."
        )
    if placement.status != PlacementStatus.ONGOING:
        raise DomainError("Cette mise en emploi est terminée : ses points de suivi sont clos.")
    if done_on is None:
        raise DomainError("Indiquez la date du point de suivi.", field="done_on")
    if done_on > timezone.localdate():
        raise DomainError("Un point de suivi ne peut pas être daté dans le futur.", field="done_on")
    if done_on < placement.starts_on:
        raise DomainError("Le point de suivi ne peut pas précéder le début.", field="done_on")
    if not (notes or "").strip():
        raise DomainError("Notez ce qui a été dit.", field="notes")
    checkpoint.done_on = done_on
    checkpoint.notes = notes.strip()
    checkpoint.done_by = actor
    checkpoint.save(update_fields=["done_on", "notes", "done_by", "updated_at"])
    return checkpoint


@transaction.atomic
def mediation_add(
    *,
    membership: Membership,
    actor: User,
    placement: Placement,
    happened_on: dt.date,
    difficulty: str,
    employer_words: str = "",
    person_words: str = "",
    tutor_words: str = "",
    agreement: str = "",
) -> Mediation:
    _require(membership, placement.person)
    if happened_on is None:
        raise DomainError("Indiquez la date de la médiation.", field="happened_on")
    if happened_on > timezone.localdate():
        raise DomainError(
            "Une médiation ne peut pas être datée dans le futur.", field="happened_on"
        )
    if not (difficulty or "").strip():
        raise DomainError("Décrivez la difficulté.", field="difficulty")
    if not any(w.strip() for w in (employer_words, person_words, tutor_words)):
        raise DomainError(
            "Notez ce qu'a dit au moins l'un des trois : employeur, personne, tuteur.",
            field="person_words",
        )
    return Mediation.objects.create(
        placement=placement,
        happened_on=happened_on,
        difficulty=difficulty.strip(),
        employer_words=employer_words.strip(),
        person_words=person_words.strip(),
        tutor_words=tutor_words.strip(),
        agreement=(agreement or "").strip(),
        author=actor,
    )


@transaction.atomic
def placement_end(
    *,
    membership: Membership,
    actor: User,
    placement: Placement,
    expected_version: int,
    outcome: str,
    outcome_on: dt.date,
) -> Placement:
    """Record the outcome; the placement ends. The exit category it proposes is shown on
    the placement's page, with a link to the pathway's exit."""
    _require(membership, placement.person)
    if placement.status == PlacementStatus.ENDED:
        raise DomainError("Cette mise en emploi est déjà terminée.")
    if outcome not in PlacementOutcome.values:
        raise DomainError("Indiquez l'issue.", field="outcome")
    if outcome_on is None:
        raise DomainError("Indiquez la date de l'issue.", field="outcome_on")
    if outcome_on < placement.starts_on:
        raise DomainError("L'issue ne peut pas précéder le début.", field="outcome_on")
    if outcome == PlacementOutcome.IMMERSION_DONE and placement.kind != PlacementKind.IMMERSION:
        raise DomainError("Cette issue ne concerne que les immersions.", field="outcome")
    return update_versioned(
        placement,
        expected_version=expected_version,
        actor=actor,
        changes={"outcome": outcome, "outcome_on": outcome_on, "status": PlacementStatus.ENDED},
    )


@transaction.atomic
def position_propose(
    *,
    membership: Membership,
    actor: User,
    person: Person,
    position: Position,
    pathway: Pathway,
    agreed: bool,
) -> Step:
    """What follows a match: the professional proposes the position, the person agrees,
    and a step « Candidature » is added to the person's pathway (nothing happens without
    the person's agreement — the matching never decides)."""
    _require(membership, person)
    if not agreed:
        raise DomainError(
            "Cochez l'accord de la personne : rien n'est proposé sans elle.", field="agreed"
        )
    if not policies.in_organisation(membership, position):
        raise PermissionDenied("Ce poste n'est pas celui de votre structure.")
    if position.status != PositionStatus.OPEN:
        raise DomainError("Ce poste n'est plus ouvert.")
    if pathway.person_id != person.pk:
        raise DomainError("Choisissez un parcours de la personne.", field="pathway")
    title = f"Candidature : {position.appellation or position.rome_code} — {position.employer.name}"
    return step_create(
        pathway=pathway,
        actor=actor,
        kind=StepKind.EMPLOYMENT,
        title=title[:200],
        owner=StepOwner.PERSON,
        planned_on=timezone.localdate() + dt.timedelta(days=7),
    )


def convention_pdf(placement: Placement, *, organisation) -> bytes:
    """The immersion's convention as a PDF: what the PMSMP convention form asks, filled in
    from the placement, to sign by the person, the host and the prescriber."""
    return pdf.render_pdf(
        "employment/convention_pdf.html",
        {"placement": placement, "person": placement.person, "organisation": organisation},
    )
