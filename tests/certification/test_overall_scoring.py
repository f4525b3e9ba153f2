"""Modalities the fiche gives no criteria (orals, simulations, interviews of RNCP41885 and
RNCP16575) are scored as a whole: one level with evidence and a comment."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from relais.certification import evaluations, selectors
from relais.certification.evaluations import ScoreInput
from relais.certification.models import CriterionScore, Modality
from relais.certification.referentials import read_file, shipped_files
from relais.core.errors import DomainError
from tests.factories.certification import EnrolmentFactory
from tests.helpers import login_verified, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment(trainer, rncp):
    return EnrolmentFactory(candidate__organisation=trainer.organisation, certification=rncp)


def _oral(rncp) -> Modality:
    modality = Modality.objects.get(block__certification=rncp, code="RNCP41885BC01-M2")
    assert not modality.criteria.exists()
    return modality


def test_shipped_referentials_have_modalities_without_criteria():
    """Why the overall score exists: the fiches publish no grid for some modalities."""
    empty = []
    for path in shipped_files():
        data = read_file(path)
        graded = {c["modality"] for c in data["criteria"]}
        empty += [m["code"] for m in data["modalities"] if m["code"] not in graded]
    assert "RNCP41885BC01-M2" in empty and "RNCP16575BC02-M3" in empty


def test_a_modality_without_criteria_is_scored_as_a_whole(trainer, enrolment, rncp):
    modality = _oral(rncp)
    evaluation = evaluations.evaluation_schedule(
        membership=trainer, enrolment=enrolment, modality=modality
    )
    scored = evaluations.evaluation_score(
        membership=trainer,
        evaluation=evaluation,
        scores={},
        overall=ScoreInput(level="partly", evidence=" Soutenance de 30 min ", comment="Bien"),
        expected_version=evaluation.version,
    )
    assert (scored.overall_level, scored.overall_evidence) == ("partly", "Soutenance de 30 min")
    assert scored.scored_on is not None and not CriterionScore.objects.exists()
    files = selectors.candidate_file(enrolment.candidate)
    status = next(b for b in files[0]["blocks"] if b.block.pk == modality.block_id)
    assert status.evaluations[0].proposal == "réservé"  # partly met alone


@pytest.mark.parametrize(
    "scores, overall, message",
    [
        ({}, None, "donnez une appréciation d'ensemble"),
        ({}, ScoreInput(level="excellent"), "Niveau inconnu pour l'appréciation d'ensemble"),
        ({}, ScoreInput(level="met", comment="x" * 5001), "5 000 caractères au plus"),
    ],
)
def test_bad_overall_scores_are_refused(trainer, enrolment, rncp, scores, overall, message):
    evaluation = evaluations.evaluation_schedule(
        membership=trainer, enrolment=enrolment, modality=_oral(rncp)
    )
    with pytest.raises(DomainError, match=message):
        evaluations.evaluation_score(
            membership=trainer, evaluation=evaluation, scores=scores, overall=overall
        )
    evaluation.refresh_from_db()
    assert evaluation.scored_on is None and evaluation.overall_level == ""


def test_criterion_scores_on_a_modality_without_criteria_and_overall_on_a_grid(
    trainer, enrolment, rncp
):
    oral = evaluations.evaluation_schedule(
        membership=trainer, enrolment=enrolment, modality=_oral(rncp)
    )
    other = rncp.blocks.first().modalities.first()
    criterion = other.criteria.first()
    with pytest.raises(DomainError, match="n'appartiennent pas à la modalité"):
        evaluations.evaluation_score(
            membership=trainer,
            evaluation=oral,
            scores={criterion.pk: ScoreInput(level="met")},
            overall=ScoreInput(level="met"),
        )
    grid = evaluations.evaluation_schedule(membership=trainer, enrolment=enrolment, modality=other)
    with pytest.raises(DomainError, match="notez chaque critère, pas d'appréciation"):
        evaluations.evaluation_score(
            membership=trainer,
            evaluation=grid,
            scores={c.pk: ScoreInput(level="met") for c in other.criteria.all()},
            overall=ScoreInput(level="met"),
        )


def test_score_page_of_a_modality_without_criteria(client, trainer, enrolment, rncp):
    modality = _oral(rncp)
    login_verified(client, trainer.user)
    url = reverse("certification:score", args=[enrolment.pk, modality.pk])
    page = page_text(client.get(url))
    assert "elle est appréciée dans son ensemble" in page
    missing = client.post(url, {"overall_evidence": "Dossier lu", "overall_comment": "Clair"})
    text = page_text(missing)
    assert "Donnez l'appréciation d'ensemble de l'épreuve." in text
    assert "Dossier lu" in text and "Clair" in text  # the input is kept
    bad = client.post(url, {"overall_level": "<script>", "overall_evidence": "Dossier lu"})
    assert "Dossier lu" in page_text(bad) and bad.status_code == 200
    saved = client.post(url, {"overall_level": "met", "overall_evidence": "Dossier lu"})
    assert saved.status_code == 302
    detail = page_text(
        client.get(reverse("certification:candidate", args=[enrolment.candidate_id]))
    )
    assert "favorable" in detail
    again = page_text(client.get(url))
    assert re.search(r'value="met"[^>]*checked', again)
    evaluation = enrolment.evaluations.get(modality=modality)
    stale = client.post(url, {"overall_level": "not_met", "version": evaluation.version - 1})
    assert "Modifié entre-temps" in page_text(stale)
