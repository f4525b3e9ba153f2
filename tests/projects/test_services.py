"""The project sheet: creation, SMART objectives (the same check as pathway goals),
needs, partners, status workflow, evaluation parts."""

import datetime as dt
from decimal import Decimal

import pytest

from relais.core.errors import DomainError, PermissionDenied
from relais.core.smart import smart_gaps
from relais.projects import services
from relais.projects.models import ProjectStatus, ProjectTransition
from tests.factories import GoalFactory, OrganisationFactory
from tests.factories.projects import ObjectiveFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_smart_check_is_shared_with_pathway_goals():
    goal = GoalFactory.build(indicator="", target="10", deadline=None)
    assert goal.smart_gaps == ["indicateur", "échéance"]
    objective = ObjectiveFactory.build(indicator="Nombre", baseline="", target="", deadline=None)
    assert objective.smart_gaps == ["valeur de départ", "cible", "échéance"]
    assert smart_gaps(indicator=" ", target="x", deadline=dt.date(2027, 1, 1)) == ["indicateur"]


def test_project_create_and_dates_checked(organisation, referent):
    project = services.project_create(
        organisation=organisation,
        actor=referent,
        title=" Jardin partagé ",
        purpose="Rompre l'isolement.",
    )
    assert project.title == "Jardin partagé"
    assert project.status == ProjectStatus.DESIGN
    with pytest.raises(DomainError) as error:
        services.project_create(
            organisation=organisation,
            actor=referent,
            title="X",
            purpose="Y",
            starts_on=dt.date(2027, 5, 1),
            ends_on=dt.date(2027, 4, 1),
        )
    assert error.value.field == "ends_on"


def test_project_create_refused_to_staff_and_too_long_title(organisation, referent, staff_member):
    with pytest.raises(PermissionDenied):
        services.project_create(
            organisation=organisation, actor=staff_member, title="X", purpose="Y"
        )
    with pytest.raises(DomainError) as error:
        services.project_create(
            organisation=organisation, actor=referent, title="x" * 201, purpose="Y"
        )
    assert error.value.field == "title"


def test_objective_without_measure_is_accepted_and_flagged(organisation, referent):
    project = ProjectFactory(organisation=organisation)
    objective = services.objective_create(project=project, actor=referent, text="Créer du lien")
    assert objective.smart_gaps == ["indicateur", "valeur de départ", "cible", "échéance"]


def test_objective_deadline_before_project_start_refused(organisation, referent):
    project = ProjectFactory(organisation=organisation, starts_on=dt.date(2027, 1, 1))
    with pytest.raises(DomainError) as error:
        services.objective_create(
            project=project, actor=referent, text="X", deadline=dt.date(2026, 6, 1)
        )
    assert error.value.field == "deadline"


def test_need_is_a_barrier_or_text(organisation, referent):
    project = ProjectFactory(organisation=organisation)
    with pytest.raises(DomainError, match="Choisissez un frein"):
        services.need_add(project=project, actor=referent)
    with pytest.raises(DomainError, match="Frein inconnu"):
        services.need_add(project=project, actor=referent, barrier_code="nope")
    need = services.need_add(project=project, actor=referent, text="Isolement des seniors")
    assert need.text == "Isolement des seniors"


def test_partner_from_directory_once_or_external(organisation, referent):
    project = ProjectFactory(organisation=organisation)
    partner_org = OrganisationFactory()
    services.partner_add(
        project=project,
        actor=referent,
        organisation=partner_org,
        contributions=["money", "premises"],
    )
    with pytest.raises(DomainError, match="déjà partenaire"):
        services.partner_add(project=project, actor=referent, organisation=partner_org)
    with pytest.raises(DomainError) as error:
        services.partner_add(project=project, actor=referent)
    assert error.value.field == "name"
    with pytest.raises(DomainError, match="Apport inconnu"):
        services.partner_add(project=project, actor=referent, name="Mairie", contributions=["gold"])
    external = services.partner_add(
        project=project, actor=referent, name="Mairie", contributions=["referrals"]
    )
    assert external.contribution_labels == ["Orientation de participants"]


def test_status_workflow_recorded_and_finished_project_read_only(organisation, referent):
    project = ProjectFactory(organisation=organisation)
    project = services.project_change_status(
        project=project, actor=referent, expected_version=1, status="running", reason="Financé"
    )
    with pytest.raises(DomainError, match="ne peut pas passer"):
        services.project_change_status(
            project=project, actor=referent, expected_version=project.version, status="design"
        )
    project = services.project_change_status(
        project=project, actor=referent, expected_version=project.version, status="closed"
    )
    assert list(ProjectTransition.objects.values_list("from_status", "to_status")) == [
        ("running", "closed"),
        ("design", "running"),
    ]
    with pytest.raises(DomainError, match="rouvrez-le"):
        services.objective_create(project=project, actor=referent, text="Encore un")
    # Its evaluation can still be written.
    services.swot_add(
        project=project, actor=referent, quadrant="strength", text="Partenariat solide"
    )


def test_stale_project_update_refused(organisation, referent, manager):
    project = ProjectFactory(organisation=organisation)
    fields = dict(
        title="A",
        purpose="B",
        public="",
        public_detail="",
        commune_code="",
        thematiques=[],
        starts_on=None,
        ends_on=None,
    )
    services.project_update(project=project, actor=manager, expected_version=1, **fields)
    with pytest.raises(DomainError, match="Modifié entre-temps"):
        services.project_update(
            project=project, actor=referent, expected_version=1, **{**fields, "title": "C"}
        )


def test_risk_scales_and_measurement_once_a_day(organisation, referent):
    project = ProjectFactory(organisation=organisation)
    with pytest.raises(DomainError) as error:
        services.risk_add(
            project=project, actor=referent, description="Désistement", probability=4, impact=1
        )
    assert error.value.field == "probability"
    indicator = services.indicator_add(
        project=project,
        actor=referent,
        name="Participants",
        baseline=Decimal(0),
        target=Decimal(40),
    )
    services.measurement_add(
        indicator=indicator, actor=referent, measured_on=dt.date(2027, 2, 1), value=Decimal(12)
    )
    with pytest.raises(DomainError, match="déjà enregistrée"):
        services.measurement_add(
            indicator=indicator, actor=referent, measured_on=dt.date(2027, 2, 1), value=Decimal(13)
        )
