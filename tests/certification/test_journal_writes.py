"""Every write on a candidate's file leaves a CREATE or UPDATE entry on the candidate in the
access journal — not only the read of the page it was made from — whether it came from a
page or the API (the services write it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from relais.certification import evaluations, groups, juries, plan
from relais.certification.evaluations import ScoreInput
from relais.certification.models import MemberQuality
from relais.core.models import AccessLogEntry
from tests.factories.certification import EnrolmentFactory, referential
from tests.helpers import login_verified
from tests.people.files import PDF_BYTES

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def entries(candidate) -> list[tuple[str, str]]:
    return list(
        AccessLogEntry.objects.filter(
            target_type="certification.candidate", target_id=str(candidate.pk)
        )
        .exclude(action="view")
        .order_by("pk")
        .values_list("action", "summary")
    )


def test_each_write_is_journaled_on_the_candidate(manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rncp = referential("RNCP41885")
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation, certification=rncp)
    candidate = enrolment.candidate
    block = rncp.blocks.first()
    modality = block.modalities.filter(criteria__isnull=False).first()
    pdf = SimpleUploadedFile("a.pdf", PDF_BYTES, content_type="application/pdf")

    groups.positioning_record(
        membership=manager, enrolment=enrolment, score_percent=85, taken_on=TODAY
    )
    groups.accompaniment_record(
        membership=manager,
        enrolment=enrolment,
        held_on=TODAY,
        hours=Decimal("2.5"),
        collective=False,
    )
    plan.session_plan(membership=manager, enrolment=enrolment, title="Synthèse", starts_on=TODAY)
    evaluations.document_deposit(
        membership=manager, enrolment=enrolment, title="Mémoire", uploaded=pdf
    )
    evaluation = evaluations.evaluation_schedule(
        membership=manager,
        enrolment=enrolment,
        modality=modality,
        scheduled_on=TODAY + dt.timedelta(days=10),
    )
    evaluations.evaluation_score(
        membership=manager,
        evaluation=evaluation,
        scores={c.pk: ScoreInput("met") for c in modality.criteria.all()},
    )
    plan.equivalence_grant(
        capitalisable=True,
        membership=manager,
        enrolment=enrolment,
        block=rncp.blocks.all()[1],
        training_title="Formation capitalisable",
        completed_on=TODAY,
        certificate=SimpleUploadedFile("b.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    session = juries.session_create(
        membership=manager, certification=rncp, held_on=TODAY, for_vae=False
    )
    juries.member_add(
        membership=manager,
        session=session,
        full_name="Présidente",
        quality=MemberQuality.ACADEMIC,
        is_president=True,
        user=manager.user,
    )
    juries.member_add(
        membership=manager, session=session, full_name="Marc", quality=MemberQuality.PROFESSIONAL
    )
    juries.candidates_add(membership=manager, session=session, enrolments=[enrolment])
    juries.session_constitute(membership=manager, session=session)
    juries.deliberate(
        membership=manager, session=session, enrolment=enrolment, decisions={block.pk: (True, "")}
    )
    juries.minutes_sign(membership=manager, session=session)

    when = TODAY.strftime("%d/%m/%Y")
    assert entries(candidate) == [
        ("create", "test de positionnement : 85 % (RNCP41885)"),
        ("create", "séance d'accompagnement (2,5 h) (RNCP41885)"),
        ("create", "plan de formation : session ajoutée (RNCP41885)"),
        ("create", "document déposé : Mémoire (RNCP41885)"),
        (
            "update",
            f"épreuve planifiée le {(TODAY + dt.timedelta(days=10)):%d/%m/%Y} : "
            f"{block.code} (RNCP41885)",
        ),
        ("update", f"grille notée : {block.code} (RNCP41885)"),
        ("create", f"équivalence accordée : {rncp.blocks.all()[1].code} (RNCP41885)"),
        ("update", f"délibération du jury du {when} (RNCP41885)"),
        ("update", f"procès-verbal du jury du {when} signé (RNCP41885)"),
    ]
    entry = AccessLogEntry.objects.filter(summary__startswith="grille notée").get()
    assert (entry.actor, entry.organisation_id) == (manager.user, manager.organisation_id)


def test_a_page_write_is_journaled_as_a_write(client, manager):
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation)
    login_verified(client, manager.user)
    response = client.post(
        reverse("certification:positioning", args=[enrolment.pk]),
        {"score_percent": "79", "taken_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    assert entries(enrolment.candidate) == [("create", "test de positionnement : 79 % (RNCP41885)")]
