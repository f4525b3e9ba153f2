"""Reads of the module: a candidate's file, a jury session's candidates with their block
status, lists — each in a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from relais.certification import plan
from relais.certification.evaluations import evaluation_result, levels_of
from relais.certification.groups import funded_hours_of
from relais.certification.models import (
    Block,
    BlockAcquisition,
    BlockDecision,
    Candidate,
    CandidateDocument,
    Certificate,
    Certification,
    CriterionScore,
    Enrolment,
    EnrolmentStatus,
    Evaluation,
    JurySession,
    StatusChange,
)


def presided_juries(membership) -> list[JurySession]:
    """The juries of the organisation that the user presides, newest first: their way to the
    minutes they sign, whatever their role."""
    return list(
        JurySession.objects.filter(
            organisation_id=membership.organisation_id,
            members__is_president=True,
            members__user_id=membership.user_id,
        )
        .select_related("certification")
        .order_by("-held_on")[:50]
    )


def certifications():
    return Certification.objects.order_by("code")


def referential(code: str) -> Certification | None:
    return (
        Certification.objects.filter(code=code)
        .prefetch_related(
            Prefetch(
                "blocks",
                queryset=Block.objects.prefetch_related("competences", "modalities__criteria"),
            ),
            "correspondences",
        )
        .first()
    )


def candidate_list(candidates, *, query: str = "", certification: str = ""):
    candidates = candidates.order_by("last_name", "first_name", "pk")
    query = (query or "").strip()
    if query:
        candidates = candidates.filter(
            Q(last_name__icontains=query) | Q(first_name__icontains=query)
        )
    if certification:
        candidates = candidates.filter(enrolments__certification__code=certification).distinct()
    return candidates


def with_enrolments(page_candidates: list[Candidate]) -> None:
    """Attach the enrolments (with their certification) of a page of candidates."""
    enrolments = defaultdict(list)
    for enrolment in Enrolment.objects.filter(candidate__in=page_candidates).select_related(
        "certification"
    ):
        enrolments[enrolment.candidate_id].append(enrolment)
    for candidate in page_candidates:
        candidate.enrolment_list = enrolments.get(candidate.pk, [])


@dataclass
class BlockStatus:
    block: Block
    acquisition: BlockAcquisition | None = None
    decision: BlockDecision | None = None
    evaluations: list = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.acquisition is not None:
            return f"Acquis ({self.acquisition.get_via_display().lower()})"
        if self.decision is not None and not self.decision.validated:
            return "Non validé"
        if self.evaluations:
            return "En évaluation"
        return "À acquérir"

    @property
    def acquired(self) -> bool:
        return self.acquisition is not None


def candidate_file(candidate: Candidate) -> list[dict]:
    """Per enrolment: blocks with their status, evaluations (with a proposal from their
    scores), equivalences, plan, documents, certificates, alerts. About a dozen queries."""
    enrolments = list(
        Enrolment.objects.filter(candidate=candidate)
        .select_related("certification", "group", "trainer", "candidate")
        .prefetch_related(
            Prefetch(
                "certification__blocks",
                queryset=Block.objects.order_by("position").prefetch_related("modalities"),
            ),
            "acquisitions",
            "certification__correspondences",
            "equivalences__block",
            "plan__block",
            "positionings",
            "accompaniments",
            "surveys",
            Prefetch("documents", queryset=CandidateDocument.objects.select_related("block")),
            Prefetch("certificates", queryset=Certificate.objects.select_related("block")),
            Prefetch("decisions", queryset=BlockDecision.objects.select_related("session")),
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.select_related(
                    "modality__block", "evaluator"
                ).prefetch_related(
                    Prefetch(
                        "scores", queryset=CriterionScore.objects.only("evaluation_id", "level")
                    )
                ),
            ),
        )
    )
    by_code = {e.certification.code: e for e in enrolments}
    changes = status_history([e.pk for e in enrolments])
    files = []
    for enrolment in enrolments:
        acquisitions = {a.block_id: a for a in enrolment.acquisitions.all()}
        decisions = {}
        for decision in sorted(enrolment.decisions.all(), key=lambda d: d.decided_at):
            decisions[decision.block_id] = decision
        evaluations = defaultdict(list)
        for evaluation in enrolment.evaluations.all():
            evaluation.proposal = evaluation_result(levels_of(evaluation, evaluation.scores.all()))
            evaluations[evaluation.modality.block_id].append(evaluation)
        blocks = [
            BlockStatus(b, acquisitions.get(b.pk), decisions.get(b.pk), evaluations.get(b.pk, []))
            for b in enrolment.certification.blocks.all()
        ]
        hours = sum((a.hours for a in enrolment.accompaniments.all()), 0)
        funded = funded_hours_of(enrolment)
        files.append(
            {
                "enrolment": enrolment,
                "blocks": blocks,
                "alerts": plan.alerts(enrolment),
                "path_ends_on": plan.path_ends_on(enrolment),
                "accompaniment_hours": hours,
                "funded_hours": funded,
                # a former version in correspondence the candidate holds blocks of
                "carry_from": [
                    by_code[c.former_code]
                    for c in enrolment.certification.correspondences.all()
                    if c.former_code in by_code and by_code[c.former_code].acquisitions.all()
                ],
                "all_acquired": all(b.acquired for b in blocks),
                "history": changes[enrolment.pk],
            }
        )
    return files


def status_history(enrolment_ids: list[int]) -> dict[int, list[StatusChange]]:
    """The recorded status changes of these enrolments, oldest first (one query)."""
    found: dict[int, list[StatusChange]] = {pk: [] for pk in enrolment_ids}
    for change in (
        StatusChange.objects.filter(entity="enrolment", entity_id__in=enrolment_ids)
        .select_related("actor")
        .order_by("at", "pk")
    ):
        labels = dict(EnrolmentStatus.choices)
        change.from_label = labels.get(change.from_status, "")
        change.to_label = labels.get(change.to_status, change.to_status)
        found[change.entity_id].append(change)
    return found


def jury_rows(session: JurySession) -> list[dict]:
    """The session's candidates with the status of each block: four queries for 200
    candidates."""
    blocks = list(session.certification.blocks.order_by("position"))
    enrolments = list(
        session.enrolments.select_related("candidate").order_by(
            "candidate__last_name", "candidate__first_name"
        )
    )
    ids = [e.pk for e in enrolments]
    acquired = {
        (a.enrolment_id, a.block_id): a
        for a in BlockAcquisition.objects.filter(enrolment_id__in=ids)
    }
    decided = {
        (d.enrolment_id, d.block_id): d
        for d in BlockDecision.objects.filter(session=session, enrolment_id__in=ids)
    }
    rows = []
    for enrolment in enrolments:
        cells = []
        for block in blocks:
            decision = decided.get((enrolment.pk, block.pk))
            acquisition = acquired.get((enrolment.pk, block.pk))
            if decision is not None:
                label = "Validé" if decision.validated else "Non validé"
            elif acquisition is not None:
                label = f"Acquis ({acquisition.get_via_display().lower()})"
            else:
                label = "À délibérer"
            cells.append({"block": block, "label": label, "decision": decision})
        rows.append({"enrolment": enrolment, "cells": cells})
    return rows
