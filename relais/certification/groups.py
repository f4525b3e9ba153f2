"""Collective VAE (document 002): a federation forms a group of staff of its member
structures, opens it when the group is large enough and every member has the experience
required; each candidate takes a positioning test (≥ 80 % → VAE, below → refresher or
complementary training first); the VAE phase lasts at most 3 months, with collective and
individual accompaniment counted against the funded hours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from relais.accounts.models import Membership
from relais.certification import policies, rules
from relais.certification.candidates import enrolment_move
from relais.certification.checks import (
    check_version,
    ensure,
    journal_write,
    record_change,
    required_text,
    touch,
)
from relais.certification.models import (
    AccessRoute,
    AccompanimentSession,
    Certification,
    CollectiveGroup,
    Enrolment,
    EnrolmentStatus,
    Funding,
    GroupStatus,
    Positioning,
)
from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError(day)


@transaction.atomic
def group_create(
    *, membership: Membership, certification: Certification, name: str, funded_hours: int = 24
) -> CollectiveGroup:
    ensure(policies.can_run_groups, membership)
    name = required_text(name, field="name", label="le nom du groupe", max_length=200)
    if not 0 < funded_hours <= rules.FUNDED_ACCOMPANIMENT_HOURS.value:
        raise rules.FUNDED_ACCOMPANIMENT_HOURS.refuse(
            f"Les heures financées vont de 1 à {rules.FUNDED_ACCOMPANIMENT_HOURS.value}.",
            field="funded_hours",
        )
    group = CollectiveGroup.objects.create(
        organisation=membership.organisation,
        certification=certification,
        name=name,
        funded_hours=funded_hours,
        updated_by=membership.user,
    )
    record_change("group", group.pk, "", GroupStatus.FORMING, membership.user)
    return group


@transaction.atomic
def group_add(*, membership: Membership, group: CollectiveGroup, enrolment: Enrolment) -> None:
    ensure(policies.can_run_groups, membership)
    if group.organisation_id != membership.organisation_id:
        raise DomainError("Ce groupe n'appartient pas à votre structure.")
    if enrolment.organisation_id != membership.organisation_id:
        raise DomainError("Ce candidat n'est pas suivi par votre structure.")
    if group.status != GroupStatus.FORMING:
        raise DomainError("Le groupe est déjà ouvert : on n'y ajoute plus de candidat.")
    if enrolment.certification_id != group.certification_id:
        raise DomainError("Ce candidat est inscrit à une autre certification que le groupe.")
    if enrolment.status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.CERTIFIED):
        raise DomainError(
            f"{enrolment.candidate.display_name} : inscription « "
            f"{enrolment.get_status_display()} », elle n'entre plus dans un groupe."
        )
    if enrolment.access_route != AccessRoute.VAE:
        raise DomainError(
            "Seul un candidat inscrit par la voie de l'expérience (VAE) entre "
            "dans un groupe de VAE collective."
        )
    if not rules.has_group_experience(enrolment.candidate.experience_years):
        raise rules.GROUP_MIN_EXPERIENCE_YEARS.refuse(
            f"{enrolment.candidate.display_name} déclare "
            f"{enrolment.candidate.experience_years} an(s) d'expérience dans la fonction."
        )
    enrolment.group = group
    enrolment.save(update_fields=["group", "updated_at"])


@transaction.atomic
def group_open(
    *,
    membership: Membership,
    group: CollectiveGroup,
    opened_on: dt.date,
    expected_version: int | None = None,
) -> CollectiveGroup:
    ensure(policies.can_run_groups, membership)
    group = CollectiveGroup.objects.select_for_update().get(pk=group.pk)
    check_version(group, expected_version)
    if group.status != GroupStatus.FORMING:
        raise DomainError("Ce groupe est déjà ouvert.")
    # A candidate who left the path stays in the group's history but no longer counts.
    count = group.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).count()
    if count < rules.GROUP_MIN_CANDIDATES.value:
        raise rules.GROUP_MIN_CANDIDATES.refuse(
            f"Le groupe compte {count} candidat{'s' if count > 1 else ''} : il en faut au "
            f"moins {rules.GROUP_MIN_CANDIDATES.value} pour lancer l'accompagnement collectif."
        )
    group.status = GroupStatus.OPEN
    group.opened_on = opened_on
    group.vae_phase_ends_on = add_months(opened_on, rules.VAE_PHASE_MAX_MONTHS.value)
    group.version += 1
    group.updated_by = membership.user
    group.save()
    record_change("group", group.pk, GroupStatus.FORMING, GroupStatus.OPEN, membership.user)
    return group


@transaction.atomic
def positioning_record(
    *, membership: Membership, enrolment: Enrolment, score_percent: int, taken_on: dt.date
) -> Positioning:
    ensure(policies.can_score, membership)
    if enrolment.organisation_id != membership.organisation_id:
        raise DomainError("Ce candidat n'est pas suivi par votre structure.")
    if not 0 <= score_percent <= 100:
        raise DomainError("Le résultat est un pourcentage de 0 à 100.", field="score_percent")
    admitted = rules.positioning_admits(score_percent)
    positioning = Positioning.objects.create(
        enrolment=enrolment,
        score_percent=score_percent,
        taken_on=taken_on,
        admitted=admitted,
        by=membership.user,
    )
    target = EnrolmentStatus.IN_PROGRESS if admitted else EnrolmentStatus.REFRESHER
    if enrolment.status != target and target in _next(enrolment):
        enrolment_move(
            enrolment,
            target,
            actor=membership.user,
            reason=f"test de positionnement : {score_percent} %",
        )
    journal_write(
        membership, enrolment, f"test de positionnement : {score_percent} %", created=True
    )
    return positioning


def _next(enrolment: Enrolment):
    from relais.certification.candidates import TRANSITIONS

    return TRANSITIONS[EnrolmentStatus(enrolment.status)]


def positioning_outcome(score_percent: int) -> str:
    if rules.positioning_admits(score_percent):
        return f"{score_percent} % : entrée en VAE."
    return (
        f"{score_percent} % : sous le seuil de {rules.POSITIONING_THRESHOLD.value} %, remise à "
        "niveau ou formation complémentaire d'abord."
    )


def accompaniment_hours(enrolment: Enrolment) -> Decimal:
    total = enrolment.accompaniments.aggregate(total=Sum("hours"))["total"]
    return total or Decimal(0)


MAX_FUNDED_HOURS = 200  # a bound against typing errors, not a rule of the documents


def funded_hours_of(enrolment: Enrolment) -> int:
    """The accompaniment hours funded for this candidate: those recorded with the funding,
    else the group's, else the CPF's 24 hours."""
    if enrolment.funded_hours:
        return enrolment.funded_hours
    if enrolment.group_id is not None:
        return enrolment.group.funded_hours
    return rules.FUNDED_ACCOMPANIMENT_HOURS.value


def check_funded_hours(funding: str, funded_hours: int | None) -> None:
    """The CPF funds 24 hours of VAE accompaniment at most (document 002). Shared by the form
    (reported with its other errors) and the service."""
    if funded_hours is None:
        return
    if not 1 <= funded_hours <= MAX_FUNDED_HOURS:
        raise DomainError(
            f"Les heures financées vont de 1 à {MAX_FUNDED_HOURS}.", field="funded_hours"
        )
    cap = rules.FUNDED_ACCOMPANIMENT_HOURS.value
    if funding == Funding.CPF and funded_hours > cap:
        raise rules.FUNDED_ACCOMPANIMENT_HOURS.refuse(
            f"Le CPF finance {cap} h d'accompagnement au plus : {funded_hours} h demandées.",
            field="funded_hours",
        )


@transaction.atomic
def funding_set(
    *,
    membership: Membership,
    enrolment: Enrolment,
    funding: str,
    funding_amount: Decimal | None = None,
    funded_hours: int | None = None,
    expected_version: int | None = None,
) -> Enrolment:
    """Record how a candidate's path is funded (OPCO, CPF, professionalisation funds, training
    plan, own funds), the amount and the accompaniment hours paid for."""
    ensure(policies.can_score, membership)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("group", "candidate")
        .get(pk=enrolment.pk)
    )
    if enrolment.organisation_id != membership.organisation_id:
        raise DomainError("Ce candidat n'est pas suivi par votre structure.")
    check_version(enrolment, expected_version)
    if funding and funding not in Funding.values:
        raise DomainError("Choisissez un financement de la liste.", field="funding")
    if funding_amount is not None and not Decimal(0) <= funding_amount < Decimal(1_000_000):
        raise DomainError("Le montant va de 0 à 999 999,99 €.", field="funding_amount")
    check_funded_hours(funding, funded_hours)
    if funded_hours is None and funding == Funding.CPF and enrolment.group_id is not None:
        # the group's hours apply: they too must stay within the CPF's cap
        check_funded_hours(funding, enrolment.group.funded_hours)
    done = accompaniment_hours(enrolment)
    if funded_hours is not None and done > funded_hours:
        raise DomainError(
            f"{_hours(done)} h d'accompagnement sont déjà faites : les heures financées ne peuvent "
            "pas être moins nombreuses.",
            field="funded_hours",
        )
    enrolment.funding = funding
    enrolment.funding_amount = funding_amount
    enrolment.funded_hours = funded_hours
    enrolment.version += 1
    enrolment.updated_by = membership.user
    enrolment.save(
        update_fields=[
            "funding",
            "funding_amount",
            "funded_hours",
            "version",
            "updated_by",
            "updated_at",
        ]
    )
    journal.record(
        actor=membership.user,
        action=JournalAction.UPDATE,
        target=enrolment.candidate,
        actor_organisation=membership.organisation,
        summary="financement",
    )
    touch(enrolment.candidate_id)
    return enrolment


@transaction.atomic
def accompaniment_record(
    *,
    membership: Membership,
    enrolment: Enrolment,
    held_on: dt.date,
    hours: Decimal,
    collective: bool,
) -> AccompanimentSession:
    ensure(policies.can_score, membership)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("group")
        .get(pk=enrolment.pk)
    )
    if enrolment.organisation_id != membership.organisation_id:
        raise DomainError("Ce candidat n'est pas suivi par votre structure.")
    if hours <= 0 or hours > 12:
        raise DomainError("Une séance dure de 0,5 à 12 heures.", field="hours")
    group = enrolment.group
    if group is not None and group.vae_phase_ends_on and held_on > group.vae_phase_ends_on:
        raise rules.VAE_PHASE_MAX_MONTHS.refuse(
            f"La démarche VAE du groupe s'achève le {group.vae_phase_ends_on:%d/%m/%Y}.",
            field="held_on",
        )
    funded = funded_hours_of(enrolment)
    done = accompaniment_hours(enrolment)
    if done + hours > funded:
        funder = f" ({enrolment.get_funding_display()})" if enrolment.funding else ""
        raise rules.FUNDED_ACCOMPANIMENT_HOURS.refuse(
            f"Cette séance de {_hours(hours)} h dépasserait le maximum financé : "
            f"{_hours(done)} h déjà faites sur {_hours(funded)} h financées{funder}, "
            f"il reste {_hours(funded - done)} h.",
            field="hours",
        )
    session = AccompanimentSession.objects.create(
        enrolment=enrolment, held_on=held_on, hours=hours, collective=collective
    )
    journal_write(
        membership, enrolment, f"séance d'accompagnement ({_hours(hours)} h)", created=True
    )
    return session


def _hours(value) -> str:
    """Hours as French users write them: 8, 2,5 (the database may give 8.0 or 8.00)."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")
