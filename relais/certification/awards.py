"""Capitalisation and certification: the certification is awarded when every block and the
final exams are acquired and still valid; a certificate (and block attestations) carries a
unique number that cannot be guessed, checked on a public page that shows only what the
certificate states. Correspondences carry acquired blocks of a former version over."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from relais.accounts.models import Membership
from relais.certification import policies, rules
from relais.certification.candidates import enrolment_move
from relais.certification.checks import ensure, touch
from relais.certification.models import (
    AcquiredVia,
    Block,
    BlockAcquisition,
    Certificate,
    Enrolment,
    EnrolmentStatus,
)
from relais.certification.plan import block_valid_until, path_ends_on
from relais.core import pdf
from relais.core.errors import DomainError

# Crockford's base 32 without look-alike letters: 20 symbols ≈ 100 bits, read aloud easily.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_number() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(20))
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


def normalise_number(text: str) -> str:
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    raw = raw.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(raw) != 20:
        return ""
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


def missing_blocks(enrolment: Enrolment, *, on: dt.date) -> list[Block]:
    acquired = {
        a.block_id
        for a in enrolment.acquisitions.all()
        if a.valid_until is None or a.valid_until >= on
    }
    return [b for b in enrolment.certification.blocks.all() if b.pk not in acquired]


def _issue(enrolment: Enrolment, *, block: Block | None, on: dt.date) -> Certificate:
    title = enrolment.certification.title if block is None else f"{block.code} — {block.title}"
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    enrolment=enrolment,
                    block=block,
                    number=new_number(),
                    issued_on=on,
                    holder_name=enrolment.candidate.display_name,
                    title=f"{enrolment.certification.code} — {title}" if block is None else title,
                )
        except IntegrityError:
            existing = Certificate.objects.filter(enrolment=enrolment, block=block).first()
            if existing is not None:
                return existing
    raise DomainError("Numéro de certificat indisponible : réessayez.")


@transaction.atomic
def certification_award(
    *, membership: Membership, enrolment: Enrolment, on: dt.date | None = None
) -> Certificate:
    ensure(policies.can_manage, membership)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("certification", "candidate")
        .get(pk=enrolment.pk)
    )
    if enrolment.organisation_id != membership.organisation_id:
        raise DomainError("Ce candidat n'est pas suivi par votre structure.")
    on = on or timezone.localdate()
    certification = enrolment.certification
    if enrolment.status == EnrolmentStatus.CERTIFIED:
        raise DomainError("La certification est déjà délivrée à ce candidat.")
    if certification.last_delivery_on and on > certification.last_delivery_on:
        raise rules.LAST_DELIVERY.refuse(
            f"{certification.code} ne peut plus être délivrée depuis le "
            f"{certification.last_delivery_on:%d/%m/%Y}."
        )
    ends = path_ends_on(enrolment)
    if on > ends:
        raise rules.PATH_MAX_YEARS.refuse(
            f"Le parcours de ce candidat, inscrit le {enrolment.enrolled_on:%d/%m/%Y}, s'est "
            f"achevé le {ends:%d/%m/%Y} : la certification ne peut plus lui être délivrée."
        )
    missing = missing_blocks(enrolment, on=on)
    if missing:
        raise DomainError(
            "Certification impossible : restent à valider "
            + ", ".join(f"{b.code} ({b.title})" for b in missing)
            + "."
        )
    placement = (certification.rules or {}).get("placement_hours")
    if (
        placement
        and not enrolment.candidate.vulnerable_experience
        and enrolment.placement_hours < placement
    ):
        raise rules.RS_PLACEMENT_HOURS.refuse(
            f"Stage pratique de {enrolment.placement_hours} h sur {placement} h requises."
        )
    if enrolment.status != EnrolmentStatus.IN_PROGRESS:
        enrolment_move(
            enrolment,
            EnrolmentStatus.IN_PROGRESS,
            actor=membership.user,
            reason="tous les blocs validés",
        )
    enrolment_move(
        enrolment, EnrolmentStatus.CERTIFIED, actor=membership.user, reason="certification délivrée"
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(certified_on=on)
    certificate = _issue(enrolment, block=None, on=on)
    touch(enrolment.candidate_id)
    return certificate


@transaction.atomic
def attestation_issue(*, membership: Membership, enrolment: Enrolment, block: Block) -> Certificate:
    ensure(policies.can_manage, membership)
    if enrolment.organisation_id != membership.organisation_id:
        raise DomainError("Ce candidat n'est pas suivi par votre structure.")
    acquisition = enrolment.acquisitions.filter(block=block).first()
    if acquisition is None:
        raise DomainError(f"Le bloc {block.code} n'est pas acquis.")
    touch(enrolment.candidate_id)
    return _issue(enrolment, block=block, on=acquisition.acquired_on)


@transaction.atomic
def correspondence_carry_over(
    *, membership: Membership, former: Enrolment, enrolment: Enrolment
) -> list[BlockAcquisition]:
    """Blocks acquired in a former version recognised in correspondence are acquired in the
    new one (same acquisition date)."""
    ensure(policies.can_score, membership)
    if former.candidate_id != enrolment.candidate_id:
        raise DomainError("Les deux inscriptions doivent être du même candidat.")
    correspondence = enrolment.certification.correspondences.filter(
        former_code=former.certification.code
    ).first()
    if correspondence is None:
        raise DomainError(
            f"{former.certification.code} n'est pas en correspondance avec "
            f"{enrolment.certification.code}."
        )
    blocks = {b.code: b for b in enrolment.certification.blocks.all()}
    made = []
    for acquisition in former.acquisitions.select_related("block"):
        target = blocks.get(correspondence.block_map.get(acquisition.block.code, ""))
        if target is None or enrolment.acquisitions.filter(block=target).exists():
            continue
        made.append(
            BlockAcquisition.objects.create(
                enrolment=enrolment,
                block=target,
                acquired_on=acquisition.acquired_on,
                via=AcquiredVia.CORRESPONDENCE,
                valid_until=block_valid_until(target, acquisition.acquired_on),
            )
        )
    return made


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    html = render_to_string(
        "certification/certificate_pdf.html",
        {
            "certificate": certificate,
            "certification": certificate.enrolment.certification,
            "verify_url": verify_url,
            "fonts_url": pdf.fonts_url(),
        },
    )
    return pdf.html_to_pdf(html)


def find_certificate(number: str) -> Certificate | None:
    """The public lookup: by full number only (no prefix search, no listing)."""
    normalised = normalise_number(number)
    if not normalised:
        return None
    return Certificate.objects.select_related("block").filter(number=normalised).first()
