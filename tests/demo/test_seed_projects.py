"""The projects demo: seeded through the services, idempotent."""

import pytest
from django.core.management import call_command

from relais.projects.models import Attendance, Enrolment, Project, Task

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_a_project_and_a_workshop_once(capsys):
    call_command("seed_demo", force=True)
    project = Project.objects.get()
    assert project.status == "running"
    assert Task.objects.filter(project=project).count() == 5
    # Two persons of each référent's caseload in each demo organisation, the first absent.
    assert Enrolment.objects.filter(workshop__project=project).exists()
    absent = set(
        Attendance.objects.filter(status="absent").values_list(
            "person__referent", "person__organisation"
        )
    )
    assert len(absent) == 4  # Julien at the CCAS and the PLIE, Sophie (PLIE), Thomas (ACI)
    assert "Projets collectifs : 1 projet(s)" in capsys.readouterr().out
    assert Enrolment.objects.values("workshop").distinct().count() == 3
    call_command("seed_demo", force=True)
    assert Project.objects.count() == 1
