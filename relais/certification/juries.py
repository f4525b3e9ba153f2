"""Jury sessions: members whose composition is checked against the certification's rules
(RNCP16575: a president, academic or institutional, and three professionals — two for VAE;
the RS: two members, one of them a health-social professional), conflicts of interest (a
member may not judge a candidate they trained or employ), deliberation per block, and
minutes signed by the president."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
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
)
from relais.certification.models import (
    AccessRoute,
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
from relais.core.errors import DomainError, PermissionDenied
from relais.core.text import fold


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
    employer_name: str = "",
    employer_siret: str = "",
) -> JuryMember:
    """A member, linked or not to a user of the organisation, with the employer they
    declare; refused when they trained, or share the employer of, a presented candidate."""
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
    if (
        user is not None
        and not Membership.objects.active()
        .filter(user=user, organisation_id=session.organisation_id)
        .exists()
    ):
        raise DomainError(
            "Ce compte n'est pas membre de votre structure : laissez le champ vide et "
            "indiquez l'employeur du membre.",
            field="user",
        )
    employer_name = (employer_name or "").strip()[:200]
    employer_siret = _siret(employer_siret, field="employer_siret")
    member = JuryMember(
        session=session,
        full_name=full_name,
        quality=quality,
        is_president=is_president,
        user=user,
        employer=employer,
        employer_name=employer_name,
        employer_siret=employer_siret,
    )
    _refuse_conflicts(conflicts([member], session.enrolments.select_related("candidate__employer")))
    member.save()
    _back_to_planned(session, membership.user)
    return member


def _not_signed(session: JurySession) -> None:
    if session.minutes_signed_at is not None:
        raise DomainError(
            f"Le procès-verbal de ce jury a été signé le "
            f"{timezone.localtime(session.minutes_signed_at):%d/%m/%Y} : le jury et ses "
            "décisions ne changent plus."
        )


def _check_route(session: JurySession, enrolment: Enrolment) -> None:
    """A VAE jury judges VAE candidates only; when the fiche sets a distinct composition for
    VAE (RNCP16575), the other juries do not take VAE candidates either."""
    name = enrolment.candidate.display_name
    is_vae = enrolment.access_route == AccessRoute.VAE
    if session.for_vae and not is_vae:
        raise DomainError(
            f"{name} n'est pas candidat par la VAE (voie d'accès : "
            f"{enrolment.get_access_route_display()}) : un jury de VAE ne juge que des "
            "candidats à la VAE."
        )
    vae_rule = ((session.certification.rules or {}).get("jury") or {}).get("vae")
    if not session.for_vae and is_vae and vae_rule:
        raise rules.JURY_COMPOSITION.refuse(
            f"{name} est candidat par la VAE : {session.certification.code} prévoit un jury de "
            f"VAE distinct ({vae_rule['text']}). Présentez-le à un jury de VAE."
        )


def _siret(value: str, *, field: str) -> str:
    value = normalise_siret(value)
    if not value:
        return ""
    try:
        validate_siret(value)
    except ValidationError as error:
        raise DomainError(error.messages[0], field=field) from error
    return value


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
    """Present candidates; each is checked against the members already designated (also
    after the composition was validated: a conflict is refused, never let in)."""
    ensure(policies.can_manage, membership)
    session = (
        JurySession.objects.select_for_update(of=("self",))
        .select_related("certification")
        .get(pk=session.pk)
    )
    _own(membership, session)
    _not_signed(session)
    enrolments = list(enrolments)
    for enrolment in enrolments:
        if enrolment.certification_id != session.certification_id:
            raise DomainError("Ce candidat est inscrit à une autre certification que le jury.")
        if enrolment.organisation_id != membership.organisation_id:
            raise DomainError("Ce candidat n'est pas suivi par votre structure.")
        _check_route(session, enrolment)
    _refuse_conflicts(conflicts(session.members.select_related("employer"), enrolments))
    session.enrolments.add(*enrolments)


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


# Legal forms dropped before comparing employers' names: « Association Le Relais » and
# « LE RELAIS (asso.) » are the same employer.
LEGAL_FORMS = frozenset(
    [
        "association",
        "asso",
        "sa",
        "sas",
        "sasu",
        "sarl",
        "eurl",
        "sci",
        "scop",
        "scic",
        "gie",
        "eirl",
        "ei",
    ]
)


def employer_key(name: str) -> str:
    """A name folded for comparison: no case, accents, punctuation, spaces or legal form."""
    return "".join(w for w in fold(name or "").split() if w not in LEGAL_FORMS)


@dataclass(frozen=True)
class EmployerRef:
    organisation_id: int | None
    name: str
    siret: str

    @property
    def key(self) -> str:
        return employer_key(self.name)


def candidate_employer(candidate) -> EmployerRef:
    organisation = candidate.employer
    return EmployerRef(
        candidate.employer_id,
        candidate.employer_name or (organisation.name if organisation else ""),
        candidate.employer_siret or (organisation.siret if organisation else ""),
    )


def member_employer(member: JuryMember) -> EmployerRef:
    organisation = member.employer
    return EmployerRef(
        member.employer_id,
        member.employer_name or (organisation.name if organisation else ""),
        member.employer_siret or (organisation.siret if organisation else ""),
    )


def same_employer(a: EmployerRef, b: EmployerRef) -> bool:
    """The same organisation of the platform; else, when both SIRETs are known, the same
    company (SIREN: the first 9 digits — two establishments of one employer); else the same
    normalised name."""
    if a.organisation_id is not None and a.organisation_id == b.organisation_id:
        return True
    if a.siret and b.siret:
        return a.siret[:9] == b.siret[:9]
    return bool(a.key) and a.key == b.key


def trainer_ids(enrolment: Enrolment) -> set[int]:
    """Who trained the candidate: the enrolment's referent trainer (a member of the
    organisation, chosen at enrolment; by default the user who enrolled the candidate)."""
    return {enrolment.trainer_id} if enrolment.trainer_id else set()


def conflicts(members: Iterable[JuryMember], enrolments: Iterable[Enrolment]) -> list[str]:
    """A member may not judge a candidate they trained or whose employer they work for."""
    members = list(members)
    found = []
    for enrolment in enrolments:
        candidate = enrolment.candidate
        employer = candidate_employer(candidate)
        for member in members:
            if member.user_id is not None and member.user_id in trainer_ids(enrolment):
                found.append(
                    f"Conflit d'intérêts : {member.full_name} a formé {candidate.display_name} "
                    f"(formateur référent de son inscription)."
                )
            if same_employer(member_employer(member), employer):
                found.append(
                    f"Conflit d'intérêts : {member.full_name} travaille pour "
                    f"{employer.name or member_employer(member).name}, l'employeur de "
                    f"{candidate.display_name}."
                )
    return found


def _refuse_conflicts(found: list[str]) -> None:
    if found:
        raise DomainError(
            " ".join(found) + " Un membre du jury ne peut pas évaluer un candidat qu'il a "
            "formé ou dont il partage l'employeur."
        )


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
    members = list(session.members.select_related("employer"))
    enrolments = list(session.enrolments.select_related("candidate__employer"))
    problems = composition_problems(session, members) + conflicts(members, enrolments)
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
    _not_signed(session)
    if session.status == JuryStatus.PLANNED:
        raise DomainError("Validez d'abord la composition du jury.")
    if not session.enrolments.filter(pk=enrolment.pk).exists():
        raise DomainError("Ce candidat n'est pas présenté à ce jury.")
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise DomainError("Ce candidat a abandonné le parcours : le jury ne délibère plus.")
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
    journal_write(membership, enrolment, f"délibération du jury du {session.held_on:%d/%m/%Y}")
    if session.status == JuryStatus.CONSTITUTED:
        JurySession.objects.filter(pk=session.pk).update(status=JuryStatus.DELIBERATED)
        record_change(
            "jury", session.pk, JuryStatus.CONSTITUTED, JuryStatus.DELIBERATED, membership.user
        )
    return made


@transaction.atomic
def minutes_sign(*, membership: Membership, session: JurySession) -> JurySession:
    """The president signs, manager or not; a manager who does not preside is told who
    must sign; anyone else is refused."""
    session = JurySession.objects.select_for_update().get(pk=session.pk)
    if not (policies.can_manage(membership) or policies.can_sign_minutes(membership, session)):
        raise PermissionDenied("Seul le président du jury signe le procès-verbal.")
    _own(membership, session)
    if session.status != JuryStatus.DELIBERATED:
        raise DomainError("Le procès-verbal se signe après la délibération.")
    _not_signed(session)
    president = session.members.filter(is_president=True).first()
    if president is None or president.user_id is None:
        raise DomainError(
            "Le procès-verbal est signé par le président du jury : reliez "
            f"{president.full_name if president else 'le président'} à son compte sur la "
            "plateforme (membre de votre structure) pour qu'il signe."
        )
    if president.user_id != membership.user_id:
        raise DomainError(
            f"Seul le président du jury, {president.full_name}, peut signer le procès-verbal."
        )
    session.minutes_signed_at = timezone.now()
    session.minutes_signed_by = membership.user
    session.save(update_fields=["minutes_signed_at", "minutes_signed_by", "updated_at"])
    for enrolment in session.enrolments.select_related("candidate", "certification"):
        journal_write(
            membership, enrolment, f"procès-verbal du jury du {session.held_on:%d/%m/%Y} signé"
        )
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
