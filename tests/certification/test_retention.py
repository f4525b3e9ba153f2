"""The candidates' retention command (scheduled daily): files without activity for the
retention period, every enrolment closed and no certificate, are deleted with their stored
files; any real activity on the file postpones it."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from relais.certification import awards, evaluations, juries, surveys
from relais.certification.evaluations import ScoreInput
from relais.certification.models import (
    Candidate,
    CandidateDocument,
    Certificate,
    Enrolment,
    EnrolmentStatus,
    Equivalence,
    MemberQuality,
)
from relais.core.models import AccessLogEntry
from tests.factories.certification import EnrolmentFactory, referential

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LONG_AGO = TODAY - dt.timedelta(days=365 * 5 + 10)


def _old(manager, status=EnrolmentStatus.WITHDRAWN, **candidate):
    enrolment = EnrolmentFactory(
        candidate__organisation=manager.organisation,
        candidate__last_activity_on=LONG_AGO,
        status=status,
        **{f"candidate__{k}": v for k, v in candidate.items()},
    )
    return enrolment


def _files(enrolment):
    document = CandidateDocument(enrolment=enrolment, title="Mémoire", original_name="m.pdf")
    document.file.save("memoire.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    equivalence = Equivalence(
        enrolment=enrolment,
        block=enrolment.certification.blocks.first(),
        training_title="Formation",
        completed_on=LONG_AGO,
        granted_on=LONG_AGO,
        certificate_name="a.pdf",
    )
    equivalence.certificate.save("attestation.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return document, equivalence


def run(*args) -> str:
    out = StringIO()
    call_command("certification_retention", *args, stdout=out)
    return out.getvalue()


def test_due_files_are_deleted_with_their_stored_files(manager, django_capture_on_commit_callbacks):
    referential("RNCP41885")
    due = _old(manager)
    document, equivalence = _files(due)
    stored = [(document.file.storage, document.file.name)]
    stored.append((equivalence.certificate.storage, equivalence.certificate.name))
    assert all(storage.exists(name) for storage, name in stored)
    still_open = _old(manager, status=EnrolmentStatus.IN_PROGRESS)
    recent = EnrolmentFactory(
        candidate__organisation=manager.organisation, status=EnrolmentStatus.WITHDRAWN
    )
    certified = _old(manager, status=EnrolmentStatus.CERTIFIED)
    Certificate.objects.create(
        enrolment=certified,
        number="AAAAA-BBBBB-CCCCC-DDDDD",
        issued_on=LONG_AGO,
        holder_name="X",
        title="Y",
    )

    assert "1 dossier(s) de candidat à supprimer (simulation)" in run("--dry-run")
    assert Candidate.objects.count() == 4

    with django_capture_on_commit_callbacks(execute=True):
        assert "1 dossier(s) de candidat supprimé(s)" in run()
    assert set(Candidate.objects.all()) == {
        still_open.candidate,
        recent.candidate,
        certified.candidate,
    }
    assert not any(storage.exists(name) for storage, name in stored)
    entry = AccessLogEntry.objects.get(action="delete")
    assert entry.target_id == str(due.candidate_id) and entry.actor is None
    assert "0 dossier(s)" in run()


def test_real_activity_postpones_the_deletion(manager):
    rncp = referential("RNCP41885")
    enrolment = _old(manager, status=EnrolmentStatus.IN_PROGRESS)
    candidate = enrolment.candidate
    block = rncp.blocks.first()
    modality = block.modalities.filter(criteria__isnull=False).first()

    def activity_after(action) -> dt.date:
        # Compared with the day the action ran, not the module's TODAY: a run may cross
        # midnight (Europe/Paris) between the import and this test.
        Candidate.objects.filter(pk=candidate.pk).update(last_activity_on=LONG_AGO)
        action()
        return Candidate.objects.get(pk=candidate.pk).last_activity_on

    def score():
        evaluation = evaluations.evaluation_schedule(
            membership=manager, enrolment=enrolment, modality=modality
        )
        evaluations.evaluation_score(
            membership=manager,
            evaluation=evaluation,
            scores={c.pk: ScoreInput("met") for c in modality.criteria.all()},
        )

    assert activity_after(score) == timezone.localdate()

    session = juries.session_create(
        membership=manager, certification=rncp, held_on=TODAY, for_vae=False
    )
    juries.member_add(
        membership=manager,
        session=session,
        full_name="Présidente",
        quality=MemberQuality.ACADEMIC,
        is_president=True,
    )
    juries.member_add(
        membership=manager, session=session, full_name="Marc", quality=MemberQuality.PROFESSIONAL
    )
    juries.candidates_add(membership=manager, session=session, enrolments=[enrolment])
    juries.session_constitute(membership=manager, session=session)

    def deliberate():
        juries.deliberate(
            membership=manager,
            session=session,
            enrolment=enrolment,
            decisions={b.pk: (True, "") for b in rncp.blocks.all()},
        )

    assert activity_after(deliberate) == timezone.localdate()

    def award():
        awards.certification_award(membership=manager, enrolment=enrolment)

    assert activity_after(award) == timezone.localdate()

    Enrolment.objects.filter(pk=enrolment.pk).update(certified_on=TODAY - dt.timedelta(days=220))
    enrolment.refresh_from_db()

    def survey():
        surveys.survey_record(
            membership=manager,
            enrolment=enrolment,
            months_after=6,
            employed=True,
            in_trade=True,
            answered_on=TODAY,
        )

    assert activity_after(survey) == timezone.localdate()
