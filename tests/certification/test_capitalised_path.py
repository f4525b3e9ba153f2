"""The capitalised path of document 002: only trainings marked « formation capitalisable »
become equivalences, and the path lasts 5 years at most after enrolment — checked when the
certification is awarded, and announced before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from relais.certification import awards, plan, rules
from relais.certification.models import (
    AcquiredVia,
    BlockAcquisition,
    Certificate,
    EnrolmentStatus,
    Equivalence,
    SessionKind,
)
from relais.core.errors import DomainError
from tests.factories.certification import EnrolmentFactory
from tests.helpers import login_verified, page_text
from tests.people.files import PDF_BYTES

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _all_blocks_acquired(enrolment, on):
    for block in enrolment.certification.blocks.all():
        BlockAcquisition.objects.create(
            enrolment=enrolment, block=block, acquired_on=on, via=AcquiredVia.JURY
        )


def _enrolled(manager, rncp, enrolled_on):
    return EnrolmentFactory(
        candidate__organisation=manager.organisation,
        certification=rncp,
        enrolled_on=enrolled_on,
        status=EnrolmentStatus.IN_PROGRESS,
    )


def test_award_refused_after_the_five_year_path(manager, rncp):
    enrolled_on = plan.add_months(TODAY, -60) - dt.timedelta(days=1)
    enrolment = _enrolled(manager, rncp, enrolled_on)
    _all_blocks_acquired(enrolment, TODAY)
    with pytest.raises(DomainError) as refused:
        awards.certification_award(membership=manager, enrolment=enrolment)
    message = refused.value.message
    assert f"inscrit le {enrolled_on:%d/%m/%Y}" in message
    assert "ne peut plus lui être délivrée" in message
    assert rules.PATH_MAX_YEARS.label in message and rules.SEED_002 in message
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.IN_PROGRESS and not Certificate.objects.exists()


def test_award_on_the_last_day_of_the_path(manager, rncp):
    enrolment = _enrolled(manager, rncp, plan.add_months(TODAY, -60))
    assert plan.path_ends_on(enrolment) == TODAY
    _all_blocks_acquired(enrolment, TODAY)
    awards.certification_award(membership=manager, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CERTIFIED


def test_alerts_before_and_after_the_path_limit_cite_the_rule(manager, rncp):
    soon = _enrolled(manager, rncp, plan.add_months(TODAY, -60) + dt.timedelta(days=30))
    [alert] = [a for a in plan.alerts(soon) if "parcours" in a.text.lower()]
    assert alert.level == "warning" and "doit être délivrée d'ici là" in alert.text
    assert rules.SEED_002 in alert.text
    late = EnrolmentFactory(
        candidate__organisation=manager.organisation,
        certification=rncp,
        enrolled_on=plan.add_months(TODAY, -61),
    )
    [alert] = [a for a in plan.alerts(late) if "arcours" in a.text]
    assert alert.level == "error" and "ne peut plus être délivrée" in alert.text
    early = _enrolled(manager, rncp, TODAY - dt.timedelta(days=30))
    assert not [a for a in plan.alerts(early) if "arcours" in a.text]


def test_only_capitalisable_trainings_become_equivalences(trainer, rncp, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    enrolment = EnrolmentFactory(candidate__organisation=trainer.organisation, certification=rncp)
    with pytest.raises(DomainError, match="pas identifiée « formation capitalisable »") as error:
        plan.equivalence_grant(
            membership=trainer,
            enrolment=enrolment,
            block=rncp.blocks.first(),
            training_title="Formation interne",
            completed_on=TODAY,
            certificate=SimpleUploadedFile("a.pdf", PDF_BYTES),
            capitalisable=False,
        )
    assert error.value.field == "capitalisable" and rules.SEED_002 in error.value.message
    assert not Equivalence.objects.exists() and not BlockAcquisition.objects.exists()


def test_every_limit_is_a_named_rule_with_its_source():
    codes = [rule.code for rule in rules.ALL_RULES]
    assert len(codes) == len(set(codes))
    for rule in rules.ALL_RULES:
        assert rule.label and rule.source
    assert rules.PATH_MAX_YEARS in rules.ALL_RULES
    assert rules.CAPITALISABLE_TRAINING in rules.ALL_RULES


def test_equivalence_form_reports_every_error_at_once(client, trainer, rncp):
    enrolment = EnrolmentFactory(candidate__organisation=trainer.organisation, certification=rncp)
    login_verified(client, trainer.user)
    url = reverse("certification:equivalence", args=[enrolment.pk])
    assert "formation capitalisable" in page_text(client.get(url))
    answer = client.post(url, {"training_title": "Accueil et écoute", "completed_on": "31/02/2024"})
    text = page_text(answer)
    assert "Seules les formations identifiées « formation capitalisable »" in text
    assert "Cette date n'existe pas" in text
    assert "Joignez l'attestation de formation (PDF)." in text
    assert "Accueil et écoute" in text  # kept


def test_synthesis_and_validation_sessions_close_the_path(trainer, rncp):
    enrolment = EnrolmentFactory(candidate__organisation=trainer.organisation, certification=rncp)
    block = rncp.blocks.first()
    day = TODAY + dt.timedelta(days=30)

    def planned(kind, on, *, block=block, title="Session"):
        return plan.session_plan(
            membership=trainer,
            enrolment=enrolment,
            title=title,
            starts_on=on,
            block=block,
            kind=kind,
        )

    planned(SessionKind.TRAINING, day, title="Analyse des besoins sociaux")
    with pytest.raises(DomainError, match="Indiquez le bloc") as error:
        planned(SessionKind.SYNTHESIS, day + dt.timedelta(days=10), block=None)
    assert rules.SYNTHESIS_AFTER_TRAININGS.label in error.value.message
    with pytest.raises(DomainError, match="Analyse des besoins sociaux » est prévue le"):
        planned(SessionKind.VALIDATION, day - dt.timedelta(days=1))
    planned(SessionKind.SYNTHESIS, day + dt.timedelta(days=10), title="Synthèse bloc 1")
    with pytest.raises(DomainError, match="une formation du parcours se place avant"):
        planned(SessionKind.TRAINING, day + dt.timedelta(days=20))
    planned(SessionKind.TRAINING, day - dt.timedelta(days=5), title="Accueil")  # before: fine
    planned(SessionKind.ORAL, day + dt.timedelta(days=20), block=None)  # not ordered
    with pytest.raises(DomainError, match="Choisissez la nature"):
        planned("<script>", day)
    assert [p.kind for p in enrolment.plan.order_by("starts_on")] == [
        "training",
        "training",
        "synthesis",
        "oral",
    ]


def test_plan_page_records_the_kind(client, trainer, rncp):
    enrolment = EnrolmentFactory(candidate__organisation=trainer.organisation, certification=rncp)
    login_verified(client, trainer.user)
    url = reverse("certification:plan", args=[enrolment.pk])
    day = (TODAY + dt.timedelta(days=30)).isoformat()
    refused = client.post(url, {"kind": "validation", "title": "Validation", "starts_on": day})
    assert "Indiquez le bloc de cette session" in page_text(refused)
    block = rncp.blocks.first()
    ok = client.post(
        url, {"kind": "validation", "title": "Validation", "starts_on": day, "block": block.pk}
    )
    assert ok.status_code == 302
    default = client.post(url, {"title": "Formation", "starts_on": TODAY.isoformat()})
    assert default.status_code == 302
    detail = page_text(
        client.get(reverse("certification:candidate", args=[enrolment.candidate_id]))
    )
    assert "Session de validation : Validation" in detail and "Formation : Formation" in detail
