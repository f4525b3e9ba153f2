"""Jury sessions: members whose composition is checked against the certification's rules
(RNCP16575: a president, academic or institutional, and three professionals — two for VAE;
the RS: two members, one of them a health-social professional), conflicts of interest (a
member may not judge a candidate they trained or employ), deliberation per block, and
minutes signed by the president."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, User
from relais.certification import policies, rules
from relais.certification.checks import check_version, ensure, record_change, required_text
from relais.certification.models import (
    AcquiredVia,
    Block,
    BlockAcquisition,
    BlockDecision,
    Certification,
    Enrolment,
    EnrolmentStatus,
    JuryMember,
    JurySession,
    JuryStatus,
    MemberQuality,
)
from relais.certification.plan import block_valid_until
from relais.core import pdf
from relais.core.errors import DomainError


def _own(membership: Membership, session: JurySession) -> None:
    if session.organisation_id != membership.organisation_id:
        raise DomainError("Ce jury n'appartient pas à votre structure.")


@transaction.atomic
def session_create(
    *, membership: Membership, certification: Certification, held_on: dt.date, for_vae: bool
) -> JurySession:
    ensure(policies.can_manage, membership)
    session = JurySession.objects.create(
        organisation=membership.organisation,
        certification=certification,
        held_on=held_on,
        for_vae=for_vae,
        updated_by=membership.user,
    )
    record_change("jury", session.pk, "", JuryStatus.PLANNED, membership.user)
    return session


@transaction.atomic
def member_add(
    *,
    membership: Membership,
    session: JurySession,
    full_name: str,
    quality: str,
    is_president: bool = False,
    user: User | None = None,
    employer: Organisation | None = None,
) -> JuryMember:
    ensure(policies.can_manage, membership)
    _own(membership, session)
    if session.status == JuryStatus.DELIBERATED:
        raise DomainError("Le jury a délibéré : sa composition ne change plus.")
    full_name = required_text(full_name, field="full_name", label="le nom", max_length=200)
    if quality not in MemberQuality.values:
        raise DomainError("Choisissez la qualité du membre.", field="quality")
    if session.members.filter(full_name__iexact=full_name).exists():
        raise DomainError(f"{full_name} est déjà membre de ce jury.", field="full_name")
    if user is not None and session.members.filter(user=user).exists():
        raise DomainError(f"{full_name} est déjà membre de ce jury.", field="full_name")
    if is_president and session.members.filter(is_president=True).exists():
        raise DomainError("Ce jury a déjà un président.", field="is_president")
    member = JuryMember.objects.create(
        session=session,
        full_name=full_name,
        quality=quality,
        is_president=is_president,
        user=user,
        employer=employer,
    )
    _back_to_planned(session, membership.user)
    return member


def _back_to_planned(session: JurySession, actor) -> None:
    if session.status == JuryStatus.CONSTITUTED:
        JurySession.objects.filter(pk=session.pk).update(status=JuryStatus.PLANNED)
        record_change(
            "jury",
            session.pk,
            JuryStatus.CONSTITUTED,
            JuryStatus.PLANNED,
            actor,
            "composition modifiée",
        )
        session.status = JuryStatus.PLANNED


@transaction.atomic
def candidates_add(
    *, membership: Membership, session: JurySession, enrolments: Iterable[Enrolment]
) -> None:
    ensure(policies.can_manage, membership)
    _own(membership, session)
    for enrolment in enrolments:
        if enrolment.certification_id != session.certification_id:
            raise DomainError("Ce candidat est inscrit à une autre certification que le jury.")
        if enrolment.organisation_id != membership.organisation_id:
            raise DomainError("Ce candidat n'est pas suivi par votre structure.")
        session.enrolments.add(enrolment)


def composition_rule(session: JurySession) -> dict | None:
    jury_rules = (session.certification.rules or {}).get("jury") or {}
    return (jury_rules.get("vae") if session.for_vae else None) or jury_rules.get("default")


def composition_rule_text(session: JurySession) -> str:
    rule = composition_rule(session)
    return rule["text"] if rule else ""


def composition_problems(session: JurySession, members: list[JuryMember]) -> list[str]:
    """Every reason the composition does not match the certification's rules (empty: valid)."""
    rule = composition_rule(session)
    problems = []
    presidents = [m for m in members if m.is_president]
    if len(presidents) != 1:
        problems.append("Le jury doit avoir un président, et un seul.")
    if not rule:
        if len(members) < 2:
            problems.append("Un jury compte au moins deux membres.")
        return problems
    size = rule.get("size")
    if size and len(members) != size:
        problems.append(f"{rule['text']} : {size} membres attendus, {len(members)} désignés.")
    qualities = rule.get("president_qualities")
    if qualities and presidents and presidents[0].quality not in qualities:
        labels = " ou ".join(MemberQuality(q).label.lower() for q in qualities)
        problems.append(f"Le président doit être {labels}.")
    professionals = [
        m
        for m in members
        if not m.is_president
        and m.quality in (MemberQuality.PROFESSIONAL, MemberQuality.HEALTH_SOCIAL)
    ]
    wanted = rule.get("min_professionals")
    if wanted and len(professionals) < wanted:
        problems.append(f"{wanted} membres professionnels attendus, {len(professionals)} désignés.")
    health = rule.get("min_health_social")
    if health and sum(1 for m in members if m.quality == MemberQuality.HEALTH_SOCIAL) < health:
        problems.append("Un membre au moins doit être un professionnel du secteur santé-social.")
    return problems


def conflicts(
    session: JurySession, members: list[JuryMember], enrolments: list[Enrolment]
) -> list[str]:
    """A member may not judge a candidate they trained or employ."""
    found = []
    for enrolment in enrolments:
        for member in members:
            trained = member.user_id is not None and member.user_id == enrolment.trainer_id
            employs = (
                member.employer_id is not None
                and member.employer_id == enrolment.candidate.employer_id
            )
            if trained or employs:
                why = "l'a formé" if trained else "est de la structure qui l'emploie"
                found.append(
                    f"Conflit d'intérêts : {member.full_name} {why} "
                    f"({enrolment.candidate.display_name})."
                )
    return found


@transaction.atomic
def session_constitute(
    *, membership: Membership, session: JurySession, expected_version: int | None = None
) -> JurySession:
    """Check the composition and the conflicts of interest; refused with every reason."""
    ensure(policies.can_manage, membership)
    session = (
        JurySession.objects.select_for_update(of=("self",))
        .select_related("certification")
        .get(pk=session.pk)
    )
    _own(membership, session)
    check_version(session, expected_version)
    if session.status != JuryStatus.PLANNED:
        raise DomainError("La composition de ce jury est déjà validée.")
    members = list(session.members.all())
    enrolments = list(session.enrolments.select_related("candidate"))
    problems = composition_problems(session, members) + conflicts(session, members, enrolments)
    if problems:
        raise rules.JURY_COMPOSITION.refuse("Composition refusée. " + " ".join(problems))
    session.status = JuryStatus.CONSTITUTED
    session.version += 1
    session.updated_by = membership.user
    session.save()
    record_change("jury", session.pk, JuryStatus.PLANNED, JuryStatus.CONSTITUTED, membership.user)
    return session


@transaction.atomic
def deliberate(
    *,
    membership: Membership,
    session: JurySession,
    enrolment: Enrolment,
    decisions: dict[int, tuple[bool, str]],
) -> list[BlockDecision]:
    """Decide block by block (block id → (validated, reasons)); a refusal needs its reasons.
    Validated blocks are capitalised at once."""
    ensure(policies.can_manage, membership)
    session = (
        JurySession.objects.select_for_update(of=("self",))
        .select_related("certification")
        .get(pk=session.pk)
    )
    _own(membership, session)
    if session.status == JuryStatus.PLANNED:
        raise DomainError("Validez d'abord la composition du jury.")
    if not session.enrolments.filter(pk=enrolment.pk).exists():
        raise DomainError("Ce candidat n'est pas présenté à ce jury.")
    blocks = {b.pk: b for b in session.certification.blocks.all()}
    errors = []
    for block_id, (validated, reasons) in decisions.items():
        if block_id not in blocks:
            errors.append("Un bloc n'appartient pas à cette certification.")
        elif not validated and not reasons.strip():
            errors.append(f"Indiquez les motifs du refus du bloc {blocks[block_id].code}.")
    if not decisions:
        errors.append("Décidez d'au moins un bloc.")
    if errors:
        raise DomainError(" ".join(errors))
    made = []
    for block_id, (validated, reasons) in decisions.items():
        decision, _ = BlockDecision.objects.update_or_create(
            session=session,
            enrolment=enrolment,
            block_id=block_id,
            defaults={"validated": validated, "reasons": reasons.strip()[:2000]},
        )
        made.append(decision)
        if validated:
            BlockAcquisition.objects.get_or_create(
                enrolment=enrolment,
                block_id=block_id,
                defaults={
                    "acquired_on": session.held_on,
                    "via": AcquiredVia.JURY,
                    "valid_until": block_valid_until(blocks[block_id], session.held_on),
                },
            )
        else:
            BlockAcquisition.objects.filter(
                enrolment=enrolment, block_id=block_id, via=AcquiredVia.JURY
            ).delete()
    if enrolment.status == EnrolmentStatus.ENROLLED:
        from relais.certification.candidates import enrolment_move

        enrolment_move(
            enrolment, EnrolmentStatus.IN_PROGRESS, actor=membership.user, reason="présenté au jury"
        )
    if session.status == JuryStatus.CONSTITUTED:
        JurySession.objects.filter(pk=session.pk).update(status=JuryStatus.DELIBERATED)
        record_change(
            "jury", session.pk, JuryStatus.CONSTITUTED, JuryStatus.DELIBERATED, membership.user
        )
    return made


@transaction.atomic
def minutes_sign(*, membership: Membership, session: JurySession) -> JurySession:
    ensure(policies.can_manage, membership)
    session = JurySession.objects.select_for_update().get(pk=session.pk)
    _own(membership, session)
    if session.status != JuryStatus.DELIBERATED:
        raise DomainError("Le procès-verbal se signe après la délibération.")
    session.minutes_signed_at = timezone.now()
    session.save(update_fields=["minutes_signed_at", "updated_at"])
    return session


def minutes_pdf(session: JurySession, *, rows: list[dict]) -> bytes:
    members = list(session.members.all())
    president = next((m for m in members if m.is_president), None)
    html = render_to_string(
        "certification/minutes_pdf.html",
        {
            "session": session,
            "members": members,
            "president": president,
            "rows": rows,
            "fonts_url": pdf.fonts_url(),
            "printed_on": timezone.localdate(),
        },
    )
    return pdf.html_to_pdf(html)


def blocks_of(certification: Certification) -> list[Block]:
    return list(certification.blocks.all())
