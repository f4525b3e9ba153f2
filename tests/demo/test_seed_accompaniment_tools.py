"""The demo of the Bloc B tools (relais.demo.accompaniment_tools, run by `seed_demo`):
everything is seeded through the services, and nothing is added twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from relais.network.coordination.meeting_models import PartnerMeeting
from relais.network.coordination.thread_models import ThreadMessage
from relais.pathways.collective_models import InfoSession, Registration
from relais.pathways.practice_models import CasePresentation, PeerSession
from relais.pathways.safety_models import Incident, SafetyFlag
from relais.records.synthesis_models import SynthesisReport

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            InfoSession,
            Registration,
            Incident,
            SafetyFlag,
            PartnerMeeting,
            CasePresentation,
            PeerSession,
            ThreadMessage,
            SynthesisReport,
        )
    }


def test_seeded_once():
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    first = counts()
    assert all(first.values()), first
    assert Registration.objects.filter(person__isnull=False).count() == 1
    assert "informations collectives" in out.getvalue()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert counts() == first
