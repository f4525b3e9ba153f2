"""Issue 18 (certification): a candidate's file, a jury session's 200 candidates with their
block status, and the yearly statistics of a certification, on generated data.

One training organisation, « Organisme (bench certification) », takes part in the process.
50 certifications: the shipped RNCP41885 and 49 generated ones of the same shape (5 blocks,
8 modalities, 31 criteria). `candidates` candidates (100,000 at full scale), each enrolled in
one certification — a fifth of them in RNCP41885, the one measured — with four scored
evaluations of about 5 criteria each (2 million criterion scores at full scale), some
acquired blocks, and for the certified ones (about a third, over ten years) a follow-up
survey. One jury session of RNCP41885 presents 200 candidates, half of them deliberated.
Rows are written as the real models' rows (bench.common.Inserter)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from bench import names
from bench.common import Ids, Inserter, reset_sequences, step
from relais.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from relais.certification.models import (
    Block,
    BlockAcquisition,
    BlockDecision,
    Candidate,
    Certification,
    CertificationBody,
    Competence,
    Criterion,
    CriterionScore,
    Enrolment,
    Evaluation,
    FollowUpSurvey,
    JurySession,
    Modality,
)
from relais.certification.referentials import DATA_DIR, load, read_file

MEASURED = "RNCP41885"


@dataclass
class CertificationScenario:
    organisation_id: int
    manager_id: int
    candidates: int
    scores: int
    big_candidate_id: int
    jury_id: int
    jury_candidates: int
    certified: int


def _clone(source: Certification, index: int) -> Certification:
    """A generated certification with the shape of the shipped one."""
    code = f"RNCP9{index:04d}"
    clone = Certification.objects.create(
        code=code,
        kind="rncp",
        data_version="bench",
        title=f"Certification générée n° {index}",
        level=5 + index % 2,
        certifier_name="Certificateur (bench)",
        source="bench",
        rules=source.rules,
    )
    for block in source.blocks.prefetch_related("competences", "modalities__criteria"):
        new_block = Block.objects.create(
            certification=clone,
            code=block.code.replace(MEASURED, code),
            title=block.title,
            position=block.position,
            is_final=block.is_final,
        )
        competences = {}
        for c in block.competences.all():
            competences[c.pk] = Competence.objects.create(
                block=new_block,
                code=c.code.replace(MEASURED, code),
                title=c.title,
                position=c.position,
            )
        for m in block.modalities.all():
            new_modality = Modality.objects.create(
                block=new_block, code=m.code, kind=m.kind, title=m.title, position=m.position
            )
            Criterion.objects.bulk_create(
                Criterion(
                    modality=new_modality,
                    competence=competences.get(k.competence_id),
                    code=k.code,
                    text=k.text,
                    position=k.position,
                )
                for k in m.criteria.all()
            )
    return clone


def generate_certification(*, candidates: int, rng: random.Random) -> CertificationScenario:
    organisation = Organisation.objects.create(
        name="Organisme (bench certification)",
        kind=OrganisationKind.TRAINING,
        commune_code="69123",
    )
    CertificationBody.objects.create(organisation=organisation, kind="training")
    user = User.objects.create_user(email="bench.certification@relais.localhost")
    Membership.objects.create(user=user, organisation=organisation, role=Role.MANAGER)
    with step("50 certifications (RNCP41885 and 49 of its shape)"):
        measured = Certification.objects.filter(code=MEASURED).first() or load(
            read_file(DATA_DIR / "rncp41885.json")
        )
        certifications = [measured] + [_clone(measured, i) for i in range(1, 50)]
    shapes = {}
    for c in certifications:
        blocks = list(c.blocks.order_by("position"))
        modalities = [
            (m.pk, m.block_id, list(m.criteria.values_list("pk", flat=True)))
            for m in Modality.objects.filter(block__certification=c)
        ]
        shapes[c.pk] = (blocks, [m for m in modalities if m[2]])
    ids, out = Ids(), Inserter()
    now = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    scores = certified = 0
    big_candidate = None
    measured_enrolments: list[int] = []
    with step(f"{candidates:,} candidates, enrolments, evaluations and criterion scores"):
        for index in range(candidates):
            certification = measured if index % 5 == 0 else certifications[1 + index % 49]
            blocks, modalities = shapes[certification.pk]
            candidate_id = ids.take(Candidate)
            out.add(
                Candidate,
                {
                    "id": candidate_id,
                    "organisation_id": organisation.pk,
                    "last_name": names.last_name(rng),
                    "first_name": names.first_names(rng, index % 2 == 0),
                    "birth_date": dt.date(1960 + index % 40, 1 + index % 12, 1 + index % 28),
                    "diploma_level": 5,
                    "experience_years": 3 + index % 5,
                    "last_activity_on": now.date(),
                    "created_at": now,
                    "updated_at": now,
                },
            )
            enrolment_id = ids.take(Enrolment)
            year = 2016 + index % 10
            is_certified = index % 3 == 0
            out.add(
                Enrolment,
                {
                    "id": enrolment_id,
                    "candidate_id": candidate_id,
                    "certification_id": certification.pk,
                    "organisation_id": organisation.pk,
                    "access_route": "vae" if index % 7 == 0 else "continuing",
                    "status": "certified" if is_certified else "in_progress",
                    "enrolled_on": dt.date(year - 1, 9, 1),
                    "certified_on": dt.date(year, 6, 15) if is_certified else None,
                    "created_at": now,
                    "updated_at": now,
                },
            )
            if certification is measured:
                measured_enrolments.append(enrolment_id)
                if big_candidate is None and index > candidates // 2:
                    big_candidate = candidate_id
            scored = rng.sample(modalities, min(4, len(modalities)))
            for modality_id, _block_id, criteria in scored:
                evaluation_id = ids.take(Evaluation)
                out.add(
                    Evaluation,
                    {
                        "id": evaluation_id,
                        "enrolment_id": enrolment_id,
                        "modality_id": modality_id,
                        "scored_on": now.date(),
                        "created_at": now,
                        "updated_at": now,
                    },
                )
                first = ids.take(CriterionScore, len(criteria))
                for offset, criterion_id in enumerate(criteria):
                    out.add(
                        CriterionScore,
                        {
                            "id": first + offset,
                            "evaluation_id": evaluation_id,
                            "criterion_id": criterion_id,
                            "level": ("met", "partly", "not_met")[rng.randrange(3)],
                        },
                    )
                scores += len(criteria)
            for block in blocks[: 5 if is_certified else index % 3]:
                out.add(
                    BlockAcquisition,
                    {
                        "id": ids.take(BlockAcquisition),
                        "enrolment_id": enrolment_id,
                        "block_id": block.pk,
                        "acquired_on": dt.date(year, 6, 15),
                        "via": "jury",
                    },
                )
            if is_certified:
                certified += 1
                for months in (6, 24):
                    employed = rng.random() < 0.8
                    out.add(
                        FollowUpSurvey,
                        {
                            "id": ids.take(FollowUpSurvey),
                            "enrolment_id": enrolment_id,
                            "months_after": months,
                            "employed": employed,
                            "in_trade": employed and rng.random() < 0.8,
                            "answered_on": dt.date(year, 12, 15),
                            "created_at": now,
                            "updated_at": now,
                        },
                    )
            if out.size() > 50_000 or index == candidates - 1:
                out.flush()
        reset_sequences(ids.models())
    with step("a jury session of RNCP41885 with 200 candidates"):
        jury = JurySession.objects.create(
            organisation=organisation,
            certification=measured,
            held_on=dt.date(2026, 1, 20),
            status="deliberated",
        )
        presented = measured_enrolments[-200:]
        through = JurySession.enrolments.through
        through.objects.bulk_create(
            through(jurysession_id=jury.pk, enrolment_id=e) for e in presented
        )
        blocks = shapes[measured.pk][0]
        BlockDecision.objects.bulk_create(
            BlockDecision(
                session=jury, enrolment_id=e, block=b, validated=rng.random() < 0.8, reasons=""
            )
            for e in presented[:100]
            for b in blocks
        )
    return CertificationScenario(
        organisation_id=organisation.pk,
        manager_id=user.pk,
        candidates=candidates,
        scores=scores,
        big_candidate_id=big_candidate,
        jury_id=jury.pk,
        jury_candidates=len(presented),
        certified=certified,
    )
