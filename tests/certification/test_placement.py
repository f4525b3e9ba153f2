"""The RS's practical placement (fiche RS référent de parcours): without experience of
accompanying vulnerable persons, 140 hours before the oral can be scheduled or scored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.certification import candidates, evaluations
from relais.certification.models import ModalityKind
from relais.core.errors import DomainError, StaleObjectError
from relais.core.models import AccessLogEntry
from tests.factories.certification import EnrolmentFactory, referential

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def rs_enrolment(trainer):
    rs = referential("RS-REFERENT-PARCOURS")
    # The fiche's last delivery date (27/09/2026) would refuse any oral after it.
    rs.last_delivery_on = None
    rs.save(update_fields=["last_delivery_on"])
    return EnrolmentFactory(
        candidate__organisation=trainer.organisation,
        candidate__vulnerable_experience=False,
        certification=rs,
    )


def _oral(enrolment):
    return enrolment.certification.blocks.first().modalities.get(kind=ModalityKind.ORAL)


def test_oral_waits_for_the_140_hours(trainer, rs_enrolment):
    oral = _oral(rs_enrolment)
    on = TODAY + dt.timedelta(days=30)
    with pytest.raises(DomainError, match="0 h faites sur 140 h requises") as error:
        evaluations.evaluation_schedule(
            membership=trainer, enrolment=rs_enrolment, modality=oral, scheduled_on=on
        )
    assert "fiche RS référent de parcours" in error.value.message
    assert "ne peut être planifiée" in error.value.message
    evaluation = evaluations.evaluation_schedule(
        membership=trainer, enrolment=rs_enrolment, modality=oral
    )
    with pytest.raises(DomainError, match="ne peut être notée qu'une fois le stage accompli"):
        evaluations.evaluation_score(membership=trainer, evaluation=evaluation, scores={})

    candidates.placement_record(membership=trainer, enrolment=rs_enrolment, hours=139)
    rs_enrolment.refresh_from_db()
    with pytest.raises(DomainError, match="139 h faites sur 140 h"):
        evaluations.evaluation_schedule(
            membership=trainer, enrolment=rs_enrolment, modality=oral, scheduled_on=on
        )
    candidates.placement_record(
        membership=trainer, enrolment=rs_enrolment, hours=140, expected_version=2
    )
    rs_enrolment.refresh_from_db()
    scheduled = evaluations.evaluation_schedule(
        membership=trainer, enrolment=rs_enrolment, modality=oral, scheduled_on=on
    )
    assert scheduled.scheduled_on == on
    assert AccessLogEntry.objects.filter(
        action="update", summary__startswith="stage pratique : 140 h sur 140 h requises"
    ).exists()


def test_placement_input_checked_and_not_required_with_experience(trainer, rs_enrolment):
    with pytest.raises(DomainError, match="de 0 à 2000"):
        candidates.placement_record(membership=trainer, enrolment=rs_enrolment, hours=5000)
    with pytest.raises(StaleObjectError):
        candidates.placement_record(
            membership=trainer, enrolment=rs_enrolment, hours=10, expected_version=7
        )
    experienced = EnrolmentFactory(
        candidate__organisation=trainer.organisation,
        candidate__vulnerable_experience=True,
        certification=rs_enrolment.certification,
    )
    evaluations.evaluation_schedule(
        membership=trainer,
        enrolment=experienced,
        modality=_oral(experienced),
        scheduled_on=TODAY + dt.timedelta(days=3),
    )
