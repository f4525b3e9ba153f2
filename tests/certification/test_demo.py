"""The certification demo is written through the services, and a second run adds nothing."""

from __future__ import annotations

import pytest

from relais.certification.models import (
    Candidate,
    Certificate,
    CollectiveGroup,
    Enrolment,
    Evaluation,
    JurySession,
)
from relais.demo.accounts import seed_accounts
from relais.demo.certification import seed_certification

pytestmark = pytest.mark.django_db


def test_demo_certification_seeds_once():
    organisations = seed_accounts()
    report = seed_certification(organisations)
    assert report.created and Candidate.objects.count() == 12
    assert CollectiveGroup.objects.get().status == "open"
    juries = JurySession.objects.order_by("held_on")
    assert [j.status for j in juries] == ["deliberated", "deliberated"]
    assert juries[0].minutes_signed_at is not None and juries[1].minutes_signed_at is None
    president = juries[1].members.get(is_president=True).user
    assert president.email == "formatrice.federation@relais.localhost"
    assert Certificate.objects.count() == 1
    assert (
        Enrolment.objects.filter(status="withdrawn", withdrawal_reason__isnull=False).count() == 1
    )
    assert Evaluation.objects.exclude(overall_level="").count() == 2
    again = seed_certification(organisations)
    assert not again.created and Candidate.objects.count() == 12
