"""The employment demo (relais.demo.employment, run by `manage.py seed_demo`): employers with
contacts and prospecting, positions, an APST, projects, abilities and a followed placement;
idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from relais.employment.models import (
    Ability,
    Employer,
    EmploymentProject,
    Mediation,
    Placement,
    Position,
    WorkstationAnalysis,
)

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Employer,
            Position,
            WorkstationAnalysis,
            EmploymentProject,
            Ability,
            Placement,
            Mediation,
        )
    }


def test_seed_creates_the_employment_demo_once():
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    first = _counts()
    assert first["Employer"] == 20 and first["Position"] > 20
    assert first["WorkstationAnalysis"] == 2 and first["EmploymentProject"] > 0
    assert first["Placement"] >= 1 and first["Mediation"] >= 1
    assert "Emploi : 20 employeurs" in out.getvalue()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert _counts() == first
