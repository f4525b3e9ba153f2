"""Evaluations on criteria grids: for each modality of a block, the evaluator scores every
criterion (met / partly met / not met, with evidence and comments); a modality the fiche
gives no criteria is scored as a whole, with the same levels. Scores name criteria of
the modality being evaluated — a criterion of another version or another modality is
refused, and nothing of the grid is saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership
from relais.certification import policies, rules
from relais.certification.checks import check_version, ensure, journal_write
from relais.certification.models import (
    CandidateDocument,
    CriterionScore,
    Enrolment,
    Evaluation,
    Modality,
    ModalityKind,
    ScoreLevel,
)
from relais.certification.plan import path_ends_on
from relais.core import uploads
from relais.core.errors import DomainError


@dataclass(frozen=True)
class ScoreInput:
    level: str
    evidence: str = ""
    comment: str = ""


def _own(membership: Membership, enrolment: Enrolment) -> None:
    if enrolment.organisation_id != membership.organisation_id:
        raise DomainError("Ce candidat n'est pas suivi par votre structure.")


def check_schedule_date(enrolment: Enrolment, scheduled_on: dt.date) -> None:
    """A written file or an oral is dated within the candidate's path: not before the
    enrolment, not after the 5-year limit of the path or the certification's last delivery."""
    if scheduled_on < enrolment.enrolled_on:
        raise DomainError(
            f"L'épreuve ne peut pas précéder l'inscription du {enrolment.enrolled_on:%d/%m/%Y}.",
            field="scheduled_on",
        )
    ends = path_ends_on(enrolment)
    if scheduled_on > ends:
        raise rules.PATH_MAX_YEARS.refuse(
            f"Le parcours s'achève le {ends:%d/%m/%Y}.", field="scheduled_on"
        )
    last = enrolment.certification.last_delivery_on
    if last and scheduled_on > last:
        raise rules.LAST_DELIVERY.refuse(
            f"{enrolment.certification.code} ne peut plus être délivrée après le {last:%d/%m/%Y}.",
            field="scheduled_on",
        )


@transaction.atomic
def evaluation_schedule(
    *,
    membership: Membership,
    enrolment: Enrolment,
    modality: Modality,
    scheduled_on: dt.date | None = None,
) -> Evaluation:
    """The evaluation of a modality, created on first use; with a date, the written file or
    oral is scheduled (or moved) to that date."""
    ensure(policies.can_score, membership)
    _own(membership, enrolment)
    if modality.block.certification_id != enrolment.certification_id:
        raise DomainError(
            "Cette modalité appartient à une autre certification (ou à une autre version du "
            "référentiel).",
            field="modality",
        )
    if scheduled_on is not None:
        check_schedule_date(enrolment, scheduled_on)
        if modality.kind == ModalityKind.ORAL:
            rules.check_placement_before_oral(enrolment, doing="planifiée", field="modality")
    evaluation, created = Evaluation.objects.get_or_create(
        enrolment=enrolment,
        modality=modality,
        defaults={
            "scheduled_on": scheduled_on,
            "evaluator": membership.user,
            "updated_by": membership.user,
        },
    )
    if not created and scheduled_on is not None and evaluation.scheduled_on != scheduled_on:
        evaluation.scheduled_on = scheduled_on
        evaluation.version += 1
        evaluation.updated_by = membership.user
        evaluation.save(update_fields=["scheduled_on", "version", "updated_by", "updated_at"])
    if scheduled_on is not None:
        journal_write(
            membership,
            enrolment,
            f"épreuve planifiée le {scheduled_on:%d/%m/%Y} : {modality.block.code}",
        )
    return evaluation


def _score_errors(score: ScoreInput, what: str) -> list[str]:
    errors = []
    if score.level not in ScoreLevel.values:
        errors.append(f"Niveau inconnu pour {what}.")
    if len(score.evidence) > 5000 or len(score.comment) > 5000:
        errors.append("Éléments de preuve et commentaires : 5 000 caractères au plus.")
    return errors


@transaction.atomic
def evaluation_score(
    *,
    membership: Membership,
    evaluation: Evaluation,
    scores: Mapping[int, ScoreInput],
    overall: ScoreInput | None = None,
    expected_version: int | None = None,
) -> Evaluation:
    """Save the whole grid (criterion id → score). Every criterion of the modality must be
    scored; every error is reported at once. A modality without criteria in the referential
    (the fiche publishes none for some orals and simulations) is scored as a whole:
    `overall`, and no criterion scores."""
    ensure(policies.can_score, membership)
    evaluation = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("enrolment", "modality")
        .get(pk=evaluation.pk)
    )
    _own(membership, evaluation.enrolment)
    check_version(evaluation, expected_version)
    if evaluation.modality.kind == ModalityKind.ORAL:
        rules.check_placement_before_oral(evaluation.enrolment, doing="notée")
    criteria = {c.pk: c for c in evaluation.modality.criteria.all()}
    errors = []
    foreign = [pk for pk in scores if pk not in criteria]
    if foreign:
        errors.append(
            f"{len(foreign)} critère(s) n'appartiennent pas à la modalité « "
            f"{evaluation.modality.title} » de cette version du référentiel."
        )
    if criteria:
        if overall is not None:
            errors.append(
                "Cette modalité a une grille de critères : notez chaque critère, pas "
                "d'appréciation d'ensemble."
            )
        missing = [c.code for pk, c in criteria.items() if pk not in scores]
        if missing:
            errors.append(f"Critère(s) non notés : {', '.join(missing)}.")
    elif overall is None:
        errors.append(
            "Cette modalité n'a pas de critères dans le référentiel : donnez une "
            "appréciation d'ensemble (atteint, partiellement atteint ou non atteint)."
        )
    else:
        errors += _score_errors(overall, "l'appréciation d'ensemble")
    for pk, score in scores.items():
        errors += _score_errors(score, f"le critère n° {pk}")
    if errors:
        raise DomainError(" ".join(dict.fromkeys(errors)))
    CriterionScore.objects.filter(evaluation=evaluation).delete()
    CriterionScore.objects.bulk_create(
        CriterionScore(
            evaluation=evaluation,
            criterion_id=pk,
            level=score.level,
            evidence=score.evidence.strip(),
            comment=score.comment.strip(),
        )
        for pk, score in scores.items()
    )
    evaluation.overall_level = overall.level if overall else ""
    evaluation.overall_evidence = overall.evidence.strip() if overall else ""
    evaluation.overall_comment = overall.comment.strip() if overall else ""
    evaluation.scored_on = timezone.localdate()
    evaluation.evaluator = membership.user
    evaluation.version += 1
    evaluation.updated_by = membership.user
    evaluation.save()
    journal_write(
        membership, evaluation.enrolment, f"grille notée : {evaluation.modality.block.code}"
    )
    return evaluation


def levels_of(evaluation: Evaluation, scores) -> list[str]:
    """The levels an evaluation's proposal rests on: its criteria, or its overall level."""
    levels = [s.level for s in scores]
    if not levels and evaluation.overall_level:
        levels = [evaluation.overall_level]
    return levels


def evaluation_result(levels: list[str]) -> str | None:
    """A proposal for the jury, not a decision: every criterion met or partly met, with at
    least half met → « favorable »."""
    if not levels:
        return None
    if ScoreLevel.NOT_MET in levels:
        return "défavorable"
    met = sum(1 for level in levels if level == ScoreLevel.MET)
    return "favorable" if met * 2 >= len(levels) else "réservé"


@transaction.atomic
def document_deposit(
    *, membership: Membership, enrolment: Enrolment, title: str, uploaded, block=None
) -> CandidateDocument:
    ensure(policies.can_use, membership)
    _own(membership, enrolment)
    title = (title or "").strip()[:200]
    if not title:
        raise DomainError("Indiquez le document déposé.", field="title")
    _type, original = uploads.check_upload(uploaded)
    uploaded.seek(0)
    document = CandidateDocument(
        enrolment=enrolment, title=title, original_name=original, block=block
    )
    document.file.save(f"document-{enrolment.pk}.{_type.extensions[0]}", uploaded, save=False)
    document.save()
    journal_write(membership, enrolment, f"document déposé : {title}", created=True)
    return document
