"""The individual training plan of a capitalised path (document 002): equivalences granted
for capitalisable trainings at most 5 years old, planned sessions, the 5-year limit of the
path, and the alerts shown before a limit is reached."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership
from relais.certification import policies, rules
from relais.certification.checks import ensure, journal_write, required_text
from relais.certification.groups import add_months, funded_hours_of
from relais.certification.models import (
    AcquiredVia,
    Block,
    BlockAcquisition,
    Enrolment,
    EnrolmentStatus,
    Equivalence,
    PlannedSession,
    SessionKind,
)
from relais.core import uploads
from relais.core.errors import DomainError

ALERT_DAYS = 60  # alerts show this long before a limit


def path_ends_on(enrolment: Enrolment) -> dt.date:
    return add_months(enrolment.enrolled_on, 12 * rules.PATH_MAX_YEARS.value)


def oldest_equivalence_date(on: dt.date) -> dt.date:
    return add_months(on, -12 * rules.EQUIVALENCE_MAX_AGE_YEARS.value)


def _own(membership: Membership, enrolment: Enrolment) -> None:
    if enrolment.organisation_id != membership.organisation_id:
        raise DomainError("Ce candidat n'est pas suivi par votre structure.")


@transaction.atomic
def equivalence_grant(
    *,
    membership: Membership,
    enrolment: Enrolment,
    block: Block,
    training_title: str,
    completed_on: dt.date,
    certificate,
    capitalisable: bool,
    granted_on: dt.date | None = None,
) -> Equivalence:
    """Grant an equivalence for a block; the block is then acquired (capitalisation).
    `capitalisable`: the trainer checked that the training is one the training organisation
    identifies as « formation capitalisable » (document 002) — others are refused."""
    ensure(policies.can_score, membership)
    _own(membership, enrolment)
    granted_on = granted_on or timezone.localdate()
    training_title = required_text(
        training_title, field="training_title", label="la formation suivie", max_length=250
    )
    if block.certification_id != enrolment.certification_id:
        raise DomainError("Ce bloc appartient à une autre certification.", field="block")
    if not capitalisable:
        raise rules.CAPITALISABLE_TRAINING.refuse(
            "Cette formation n'est pas identifiée « formation capitalisable » : elle ne peut "
            "pas être prise en équivalence.",
            field="capitalisable",
        )
    if completed_on > granted_on:
        raise DomainError(
            "La formation ne peut pas être datée dans le futur.", field="completed_on"
        )
    oldest = oldest_equivalence_date(granted_on)
    if completed_on < oldest:
        raise rules.EQUIVALENCE_MAX_AGE_YEARS.refuse(
            f"La formation du {completed_on:%d/%m/%Y} a plus de "
            f"{rules.EQUIVALENCE_MAX_AGE_YEARS.value} ans : seules les formations suivies "
            f"depuis le {oldest:%d/%m/%Y} sont prises en équivalence.",
            field="completed_on",
        )
    if enrolment.acquisitions.filter(block=block).exists():
        raise DomainError("Ce bloc est déjà acquis.", field="block")
    if certificate is None:
        raise DomainError("Joignez l'attestation de formation (PDF).", field="certificate")
    file_type, original = uploads.check_upload(certificate)
    if file_type is not uploads.PDF:
        raise DomainError(
            f"L'attestation doit être un PDF (fichier reçu : {file_type.label}).",
            field="certificate",
        )
    certificate.seek(0)
    equivalence = Equivalence(
        enrolment=enrolment,
        block=block,
        training_title=training_title,
        completed_on=completed_on,
        granted_on=granted_on,
        certificate_name=original,
        granted_by=membership.user,
    )
    equivalence.certificate.save(
        f"attestation-{enrolment.pk}-{block.pk}.pdf", certificate, save=False
    )
    equivalence.save()
    BlockAcquisition.objects.create(
        enrolment=enrolment,
        block=block,
        acquired_on=granted_on,
        via=AcquiredVia.EQUIVALENCE,
        valid_until=block_valid_until(block, granted_on),
    )
    journal_write(membership, enrolment, f"équivalence accordée : {block.code}", created=True)
    return equivalence


def block_valid_until(block: Block, acquired_on: dt.date) -> dt.date | None:
    years = block.certification.block_validity_years
    return add_months(acquired_on, 12 * years) if years else None


@transaction.atomic
def session_plan(
    *,
    membership: Membership,
    enrolment: Enrolment,
    title: str,
    starts_on: dt.date,
    block: Block | None = None,
    kind: str = SessionKind.TRAINING,
) -> PlannedSession:
    """An item of the plan. Synthesis and validation sessions (one per block) come once
    every training of the path is done (document 002): neither before a planned training,
    nor a training after them."""
    ensure(policies.can_score, membership)
    _own(membership, enrolment)
    title = required_text(title, field="title", label="l'intitulé", max_length=250)
    if kind not in SessionKind.values:
        raise DomainError("Choisissez la nature de la session.", field="kind")
    if block is not None and block.certification_id != enrolment.certification_id:
        raise DomainError("Ce bloc appartient à une autre certification.", field="block")
    if starts_on > path_ends_on(enrolment):
        raise rules.PATH_MAX_YEARS.refuse(
            f"Le parcours s'achève le {path_ends_on(enrolment):%d/%m/%Y}.", field="starts_on"
        )
    check_synthesis_order(enrolment, kind=kind, starts_on=starts_on, block=block)
    planned = PlannedSession.objects.create(
        enrolment=enrolment, title=title, starts_on=starts_on, block=block, kind=kind
    )
    journal_write(membership, enrolment, "plan de formation : session ajoutée", created=True)
    return planned


CLOSING_KINDS = (SessionKind.SYNTHESIS, SessionKind.VALIDATION)


def check_synthesis_order(
    enrolment: Enrolment, *, kind: str, starts_on: dt.date, block: Block | None
) -> None:
    if kind in CLOSING_KINDS:
        if block is None:
            raise rules.SYNTHESIS_AFTER_TRAININGS.refuse(
                "Indiquez le bloc de cette session de synthèse ou de validation.", field="block"
            )
        last = (
            enrolment.plan.filter(kind=SessionKind.TRAINING, starts_on__gt=starts_on)
            .order_by("-starts_on")
            .first()
        )
        if last is not None:
            raise rules.SYNTHESIS_AFTER_TRAININGS.refuse(
                f"La formation « {last.title} » est prévue le {last.starts_on:%d/%m/%Y} : la "
                "session ne peut avoir lieu qu'après la dernière formation du parcours.",
                field="starts_on",
            )
    elif kind == SessionKind.TRAINING:
        first = (
            enrolment.plan.filter(kind__in=CLOSING_KINDS, starts_on__lt=starts_on)
            .order_by("starts_on")
            .first()
        )
        if first is not None:
            raise rules.SYNTHESIS_AFTER_TRAININGS.refuse(
                f"« {first.title} » ({first.get_kind_display().lower()}) est prévue le "
                f"{first.starts_on:%d/%m/%Y} : une formation du parcours se place avant.",
                field="starts_on",
            )


@dataclass(frozen=True)
class Alert:
    level: str  # "warning" or "error" (DSFR alert types)
    text: str


def alerts(enrolment: Enrolment, *, today: dt.date | None = None) -> list[Alert]:
    """What the plan should warn about before a limit is reached."""
    today = today or timezone.localdate()
    found: list[Alert] = []
    if enrolment.status in (EnrolmentStatus.CERTIFIED, EnrolmentStatus.WITHDRAWN):
        return found
    ends = path_ends_on(enrolment)
    if ends < today:
        found.append(
            Alert(
                "error",
                f"Parcours dépassé : il devait s'achever le {ends:%d/%m/%Y} ; la "
                f"certification ne peut plus être délivrée ({rules.PATH_MAX_YEARS.cited}).",
            )
        )
    elif (ends - today).days <= ALERT_DAYS:
        found.append(
            Alert(
                "warning",
                f"Le parcours s'achève le {ends:%d/%m/%Y} : la certification doit être "
                f"délivrée d'ici là ({rules.PATH_MAX_YEARS.cited}).",
            )
        )
    group = enrolment.group
    if group is not None and group.vae_phase_ends_on:
        left = (group.vae_phase_ends_on - today).days
        if 0 <= left <= 21:
            found.append(
                Alert("warning", f"La démarche VAE s'achève le {group.vae_phase_ends_on:%d/%m/%Y}.")
            )
    if group is not None or enrolment.funded_hours:
        funded = funded_hours_of(enrolment)
        done = sum((a.hours for a in enrolment.accompaniments.all()), 0)
        if done >= funded * 3 / 4:
            found.append(
                Alert("warning", f"Accompagnement : {done} h faites sur {funded} h financées.")
            )
    hours = (enrolment.certification.rules or {}).get("placement_hours")
    if (
        hours
        and not enrolment.candidate.vulnerable_experience
        and enrolment.placement_hours < hours
    ):
        found.append(
            Alert(
                "warning",
                f"Stage pratique : {enrolment.placement_hours} h sur "
                f"{hours} h requises avant l'épreuve orale.",
            )
        )
    certification = enrolment.certification
    if certification.last_delivery_on and (certification.last_delivery_on - today).days <= 180:
        found.append(
            Alert(
                "warning",
                f"{certification.code} ne peut plus être délivrée après le "
                f"{certification.last_delivery_on:%d/%m/%Y}.",
            )
        )
    return found
