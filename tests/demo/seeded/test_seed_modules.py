"""The demo of each module beyond the accompaniment, run by `manage.py seed_demo`:
coordination (services of the demo organisations and of partners « hors plateforme »,
referrals in every status, coordination teams, partnerships), the Bloc B tools, employment
and collective projects — each seeded through the services, and nothing added twice.

The demo is seeded twice (the second run must change nothing) once for this folder
(seeding.py); test_seed_demo.py checks the accompaniment's demo from the same runs."""

from __future__ import annotations

import pytest

from relais.accounts.models import Organisation
from relais.demo.accounts import ORGANISATIONS
from relais.employment.models import (
    Ability,
    Employer,
    EmploymentProject,
    Mediation,
    Placement,
    Position,
    WorkstationAnalysis,
)
from relais.network.coordination.meeting_models import PartnerMeeting
from relais.network.coordination.models import CoordinationTeam, Partnership, TeamMember
from relais.network.coordination.thread_models import ThreadMessage
from relais.network.directory.models import Service, ServiceThematique
from relais.network.referrals.models import Referral, ReferralStatus, ReferralTransition
from relais.pathways.collective_models import InfoSession, Registration
from relais.pathways.practice_models import CasePresentation, PeerSession
from relais.pathways.safety_models import Incident, SafetyFlag
from relais.people.models import Consent
from relais.projects.models import Attendance, Enrolment, Project, Task
from relais.records.synthesis_models import SynthesisReport
from tests.demo.seeded.seeding import COUNTERS

pytestmark = pytest.mark.django_db

# What each module's demo creates: counted after each run, the same after the second.
COORDINATION = (
    Service,
    ServiceThematique,
    Referral,
    ReferralTransition,
    CoordinationTeam,
    TeamMember,
    Partnership,
    Consent,
)
TOOLS = (
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
EMPLOYMENT = (
    Employer,
    Position,
    WorkstationAnalysis,
    EmploymentProject,
    Ability,
    Placement,
    Mediation,
)
PROJECTS = (Project, Task, Enrolment, Attendance)


def _counts() -> dict[str, int]:
    counts = {
        m.__name__: m.objects.count() for m in (*COORDINATION, *TOOLS, *EMPLOYMENT, *PROJECTS)
    }
    counts["external"] = Organisation.objects.filter(is_external=True).count()
    return counts


COUNTERS["modules"] = _counts


@pytest.fixture(scope="module")
def seeded(seed_runs):
    first, second = seed_runs
    return {
        "first": first.counts["modules"],
        "second": second.counts["modules"],
        "output": first.output,
    }


def test_seeded_once(seeded):
    assert seeded["first"] == seeded["second"]


# --- Coordination ------------------------------------------------------------------------


def test_coordination_summed_up(seeded):
    assert "Coordination :" in seeded["output"]


def test_services_of_demo_organisations_and_external_partners(seeded):
    assert Service.objects.count() >= 35
    externals = Organisation.objects.filter(is_external=True)
    assert externals.count() >= 4
    for org in externals:
        assert org.services.exists(), org
        assert org.latitude is not None
    # The accompanying organisations publish their offer (a certifying training body of
    # another demo need not).
    for org in Organisation.objects.filter(name__in=[o.name for o in ORGANISATIONS]):
        assert org.services.count() >= 5, org
    for service in Service.objects.all():
        assert service.thematiques and service.publics and service.latitude is not None
    # The parent categories are indexed too.
    assert ServiceThematique.objects.filter(thematique="mobilite").exists()


def test_referrals_in_every_status(seeded):
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values)
    refused = Referral.objects.filter(status=ReferralStatus.REFUSED)
    assert all(r.refusal_reason for r in refused)
    assert all(r.outcome for r in Referral.objects.filter(status=ReferralStatus.DONE))
    assert Referral.objects.filter(receiver_organisation__is_external=True).exists()
    assert Referral.objects.filter(answered_by_hand=True).exists()


def test_two_coordination_teams_and_partnerships(seeded):
    assert CoordinationTeam.objects.count() == 2
    assert TeamMember.objects.filter(ended_on__isnull=True).count() == 2
    assert any("notes" in m.shared_categories for m in TeamMember.objects.all())
    assert Partnership.objects.count() >= 3


def test_demo_services_have_a_phone_and_an_email(seeded):
    services = list(Service.objects.all())
    assert services
    assert all(s.phone and s.email for s in services)


# --- Bloc B tools ----------------------------------------------------------------------------


def test_every_tool_has_its_demo(seeded):
    assert all(seeded["first"][m.__name__] for m in TOOLS), seeded["first"]
    assert Registration.objects.filter(person__isnull=False).count() == 1
    assert "informations collectives" in seeded["output"]


# --- Employment ----------------------------------------------------------------------------


def test_employment_demo(seeded):
    first = seeded["first"]
    assert first["Employer"] == 20 and first["Position"] > 20
    assert first["WorkstationAnalysis"] == 2 and first["EmploymentProject"] > 0
    assert first["Placement"] >= 1 and first["Mediation"] >= 1
    assert "Emploi : 20 employeurs" in seeded["output"]


# --- Collective projects -----------------------------------------------------------------


def test_a_project_and_its_workshops(seeded):
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
    assert "Projets collectifs : 1 projet(s)" in seeded["output"]
    assert Enrolment.objects.values("workshop").distinct().count() == 3
