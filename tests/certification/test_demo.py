"""The certification demo is written through the services, and a second run adds nothing."""

from __future__ import annotations

import pytest

from relais.certification.models import Candidate, Certificate, CollectiveGroup, JurySession
from relais.demo.accounts import seed_accounts
from relais.demo.certification import seed_certification

pytestmark = pytest.mark.django_db


def test_demo_certification_seeds_once():
    organisations = seed_accounts()
    report = seed_certification(organisations)
    assert report.created and Candidate.objects.count() == 12
    assert CollectiveGroup.objects.get().status == "open"
    assert JurySession.objects.get().status == "deliberated"
    assert Certificate.objects.count() == 1
    again = seed_certification(organisations)
    assert not again.created and Candidate.objects.count() == 12
