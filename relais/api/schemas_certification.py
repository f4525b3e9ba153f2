"""Schemas of the certification API: referentials, candidates and their enrolments,
evaluations, jury sessions and decisions, placements, and how each record is shown
(`certification_out`, `referential_out`, `candidate_out`, `evaluation_out`). The endpoints stay in
`relais.api.routers.certification` (their OpenAPI `operationId` is made from it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class CertificationOut(Schema):
    code: str
    kind: str
    title: str
    level: int | None
    data_version: str
    certifier: str
    nsf_codes: list[str]
    formacodes: list[str]
    rome_codes: list[str]
    registered_on: dt.date | None
    registration_ends_on: dt.date | None
    last_delivery_on: dt.date | None


class CriterionOut(Schema):
    id: int
    code: str
    text: str
    competence: str | None


class ModalityOut(Schema):
    id: int
    code: str
    kind: str
    title: str
    pages: int | None
    minutes: int | None
    hours: int | None
    criteria: list[CriterionOut]


class CompetenceOut(Schema):
    code: str
    title: str
    activity: str


class BlockOut(Schema):
    id: int
    code: str
    title: str
    acquired_alone: bool
    is_final: bool
    competences: list[CompetenceOut]
    modalities: list[ModalityOut]


class ReferentialOut(CertificationOut):
    blocks: list[BlockOut]
    correspondences: list[dict[str, Any]]


class BlockStatusOut(Schema):
    block: str
    status: str
    acquired_on: dt.date | None


class EnrolmentOut(Schema):
    id: int
    version: int
    certification: str
    access_route: str
    status: str
    enrolled_on: dt.date
    certified_on: dt.date | None
    withdrawn_on: dt.date | None = None
    withdrawal_reason: str = ""
    prerequisites: str
    funding: str
    funded_hours: int | None
    blocks: list[BlockStatusOut]


class CandidateOut(Schema):
    id: int
    version: int
    last_name: str
    first_name: str
    birth_date: dt.date
    email: str
    employer_name: str
    employer_siret: str
    diploma_level: int
    experience_years: Decimal
    enrolments: list[EnrolmentOut] = []


class CandidateIn(Schema):
    last_name: str = Field(max_length=150)
    first_name: str = Field(max_length=150)
    birth_date: dt.date
    email: str = Field("", max_length=254)
    employer_name: str = Field("", max_length=200)
    employer_siret: str = Field("", max_length=20, description="SIRET (14 chiffres), facultatif.")
    diploma_level: int = Field(0, ge=0, le=8)
    foreign_diploma: bool = False
    experience_years: Decimal = Field(Decimal(0), ge=0, le=60, decimal_places=1)
    vulnerable_experience: bool = False


class CandidateUpdateIn(CandidateIn):
    phone: str = Field("", max_length=20)
    job_title: str = Field("", max_length=200)
    version: int = Field(description="Version lue (verrouillage optimiste) : `version` du dossier.")


class WithdrawIn(Schema):
    withdrawn_on: dt.date = Field(
        description="Date de l'abandon (ni future, ni avant l'inscription)."
    )
    reason: str = Field(max_length=2000, description="Motif de l'abandon.")
    version: int = Field(description="Version lue de l'inscription (verrouillage optimiste).")


class Page(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class ScoreOut(Schema):
    criterion_id: int
    level: str
    evidence: str
    comment: str


class OverallScore(Schema):
    level: str = Field(max_length=8)
    evidence: str = Field("", max_length=5000)
    comment: str = Field("", max_length=5000)


class EvaluationOut(Schema):
    id: int
    modality_id: int
    block: str
    scheduled_on: dt.date | None
    scored_on: dt.date | None
    version: int
    scores: list[ScoreOut]
    # A modality without criteria in the referential is scored as a whole.
    overall: OverallScore | None = None


class ScoreIn(Schema):
    criterion_id: int
    level: str = Field(max_length=8)
    evidence: str = Field("", max_length=5000)
    comment: str = Field("", max_length=5000)


class ScoresIn(Schema):
    version: int | None = None
    scores: list[ScoreIn] = Field(max_length=500)
    overall: OverallScore | None = None


class DecisionOut(Schema):
    enrolment_id: int
    candidate: str
    block: str
    validated: bool
    reasons: str


class EnrolmentIn(Schema):
    certification: str = Field(max_length=40, description="Code RNCP ou RS.")
    access_route: str = Field(max_length=20)
    enrolled_on: dt.date
    vap_requested: bool = False
    funding: str = Field("", max_length=20)
    trainer_id: int | None = Field(
        None, description="Formateur référent, membre de la structure (par défaut : vous)."
    )


class EnrolmentCreatedOut(Schema):
    id: int
    certification: str
    access_route: str
    status: str
    prerequisites: str
    trainer_id: int | None


class JuryMemberOut(Schema):
    id: int
    full_name: str
    quality: str
    is_president: bool
    user_id: int | None
    employer_name: str
    employer_siret: str


class JuryOut(Schema):
    id: int
    certification: str
    held_on: dt.date
    for_vae: bool
    status: str
    version: int
    members: list[JuryMemberOut]
    enrolment_ids: list[int]


class JuryIn(Schema):
    certification: str = Field(max_length=40, description="Code RNCP ou RS.")
    held_on: dt.date
    for_vae: bool = False


class JuryMemberIn(Schema):
    full_name: str = Field(max_length=200)
    quality: str = Field(max_length=15)
    is_president: bool = False
    user_id: int | None = Field(None, description="Compte d'un membre de la structure.")
    employer_name: str = Field("", max_length=200)
    employer_siret: str = Field("", max_length=20)


class JuryCandidatesIn(Schema):
    enrolment_ids: list[int] = Field(max_length=500)


class PlacementIn(Schema):
    placement_hours: int = Field(ge=0, le=2000, description="Heures de stage accomplies (total).")
    version: int | None = Field(None, description="Version lue (verrouillage optimiste).")


class PlacementOut(Schema):
    id: int
    placement_hours: int
    required_hours: int
    version: int


def certification_out(c) -> dict:
    return {
        "code": c.code,
        "kind": c.kind,
        "title": c.title,
        "level": c.level,
        "data_version": c.data_version,
        "certifier": c.certifier_name,
        "nsf_codes": c.nsf_codes,
        "formacodes": c.formacodes,
        "rome_codes": c.rome_codes,
        "registered_on": c.registered_on,
        "registration_ends_on": c.registration_ends_on,
        "last_delivery_on": c.last_delivery_on,
    }


def referential_out(c) -> dict:
    """A certification with its blocks, competences, modalities and criteria (prefetched:
    `selectors.referential`)."""
    codes = {comp.pk: comp.code for b in c.blocks.all() for comp in b.competences.all()}
    return {
        **certification_out(c),
        "blocks": [
            {
                "id": b.pk,
                "code": b.code,
                "title": b.title,
                "acquired_alone": b.acquired_alone,
                "is_final": b.is_final,
                "competences": [
                    {"code": comp.code, "title": comp.title, "activity": comp.activity}
                    for comp in b.competences.all()
                ],
                "modalities": [
                    {
                        "id": m.pk,
                        "code": m.code,
                        "kind": m.kind,
                        "title": m.title,
                        "pages": m.pages,
                        "minutes": m.minutes,
                        "hours": m.hours,
                        "criteria": [
                            {
                                "id": cr.pk,
                                "code": cr.code,
                                "text": cr.text,
                                "competence": codes.get(cr.competence_id),
                            }
                            for cr in m.criteria.all()
                        ],
                    }
                    for m in b.modalities.all()
                ],
            }
            for b in c.blocks.all()
        ],
        "correspondences": [
            {"code": k.former_code, "title": k.former_title, "total": k.total}
            for k in c.correspondences.all()
        ],
    }


def candidate_out(c, files=None) -> dict:
    """A candidate, with each enrolment's file (`files`: the certification selectors'
    files) when given."""
    data = {
        "id": c.pk,
        "version": c.version,
        "last_name": c.last_name,
        "first_name": c.first_name,
        "birth_date": c.birth_date,
        "email": c.email,
        "employer_name": c.employer_name,
        "employer_siret": c.employer_siret,
        "diploma_level": c.diploma_level,
        "experience_years": c.experience_years,
        "enrolments": [],
    }
    for file in files or []:
        e = file["enrolment"]
        data["enrolments"].append(
            {
                "id": e.pk,
                "version": e.version,
                "certification": e.certification.code,
                "access_route": e.access_route,
                "status": e.status,
                "enrolled_on": e.enrolled_on,
                "certified_on": e.certified_on,
                "withdrawn_on": e.withdrawn_on,
                "withdrawal_reason": e.withdrawal_reason,
                "prerequisites": e.prerequisites_note,
                "funding": e.funding,
                "funded_hours": file["funded_hours"],
                "blocks": [
                    {
                        "block": s.block.code,
                        "status": s.label,
                        "acquired_on": s.acquisition.acquired_on if s.acquisition else None,
                    }
                    for s in file["blocks"]
                ],
            }
        )
    return data


def evaluation_out(e) -> dict:
    return {
        "id": e.pk,
        "modality_id": e.modality_id,
        "block": e.modality.block.code,
        "scheduled_on": e.scheduled_on,
        "scored_on": e.scored_on,
        "version": e.version,
        "scores": [
            {
                "criterion_id": s.criterion_id,
                "level": s.level,
                "evidence": s.evidence,
                "comment": s.comment,
            }
            for s in e.scores.all()
        ],
        "overall": {
            "level": e.overall_level,
            "evidence": e.overall_evidence,
            "comment": e.overall_comment,
        }
        if e.overall_level
        else None,
    }
