"""The action plan: task dates, dependencies without cycles, critical path, late tasks,
shifting a task with its successors."""

import datetime as dt

import pytest

from relais.core.errors import DomainError, PermissionDenied
from relais.projects import plan
from relais.projects.models import Task, TaskDependency, TaskStatus
from tests.factories import MembershipFactory
from tests.factories.projects import ProjectFactory, TaskFactory, depends

pytestmark = pytest.mark.django_db
D = dt.date(2027, 3, 1)


@pytest.fixture
def project(organisation):
    return ProjectFactory(
        organisation=organisation, starts_on=D, ends_on=D + dt.timedelta(days=365)
    )


def test_task_ending_before_it_starts_is_refused(project, referent):
    with pytest.raises(DomainError) as error:
        plan.task_create(
            project=project,
            actor=referent,
            title="Affiche",
            starts_on=D,
            ends_on=D - dt.timedelta(days=1),
        )
    assert error.value.field == "ends_on"
    assert "ne peut pas précéder le début" in error.value.message
    assert not Task.objects.exists()


def test_task_needs_both_dates(project, referent):
    with pytest.raises(DomainError) as error:
        plan.task_create(
            project=project, actor=referent, title="Affiche", starts_on=None, ends_on=D
        )
    assert error.value.field == "starts_on"


def test_staff_may_not_plan(project, staff_member):
    with pytest.raises(PermissionDenied):
        plan.task_create(
            project=project, actor=staff_member, title="Affiche", starts_on=D, ends_on=D
        )


def test_member_of_another_organisation_may_not_plan(project):
    outsider = MembershipFactory(role="manager").user
    with pytest.raises(PermissionDenied):
        plan.task_create(project=project, actor=outsider, title="Affiche", starts_on=D, ends_on=D)


def test_task_created_after_its_predecessors(project, referent):
    first = plan.task_create(
        project=project,
        actor=referent,
        title="Recruter",
        starts_on=D,
        ends_on=D + dt.timedelta(days=9),
    )
    second = plan.task_create(
        project=project,
        actor=referent,
        title="Animer",
        starts_on=D + dt.timedelta(days=10),
        ends_on=D + dt.timedelta(days=20),
        after=[first],
    )
    assert TaskDependency.objects.filter(predecessor=first, successor=second).exists()


def test_dependency_cycle_is_refused_naming_the_loop(project, referent):
    a = TaskFactory(project=project, title="Concevoir")
    b = TaskFactory(project=project, title="Financer")
    c = TaskFactory(project=project, title="Lancer")
    depends(a, b)
    depends(b, c)
    with pytest.raises(DomainError) as error:
        plan.dependency_add(project=project, actor=referent, predecessor=c, successor=a)
    message = error.value.message
    assert "boucle" in message
    for title in ("Concevoir", "Financer", "Lancer"):
        assert f"« {title} »" in message
    assert TaskDependency.objects.count() == 2


def test_self_and_duplicate_dependency_refused(project, referent):
    a, b = TaskFactory(project=project), TaskFactory(project=project)
    with pytest.raises(DomainError, match="elle-même"):
        plan.dependency_add(project=project, actor=referent, predecessor=a, successor=a)
    plan.dependency_add(project=project, actor=referent, predecessor=a, successor=b)
    with pytest.raises(DomainError, match="dépend déjà"):
        plan.dependency_add(project=project, actor=referent, predecessor=a, successor=b)


def test_dependency_across_projects_refused(project, referent, organisation):
    a = TaskFactory(project=project)
    other = TaskFactory(project=ProjectFactory(organisation=organisation))
    with pytest.raises(DomainError, match="même projet"):
        plan.dependency_add(project=project, actor=referent, predecessor=a, successor=other)


def test_critical_path_and_slack(project):
    # a (5 days) → b (5 days); c (3 days) runs alongside: a and b are critical, c has slack.
    a = TaskFactory(project=project, starts_on=D, ends_on=D + dt.timedelta(days=4))
    b = TaskFactory(
        project=project, starts_on=D + dt.timedelta(days=5), ends_on=D + dt.timedelta(days=9)
    )
    c = TaskFactory(project=project, starts_on=D, ends_on=D + dt.timedelta(days=2))
    depends(a, b)
    result = {p.pk: p for p in plan.plan_of(project, today=D).tasks}
    assert result[a.pk].critical and result[b.pk].critical
    assert not result[c.pk].critical
    assert result[c.pk].slack_days == 7


def test_late_task_and_conflicting_dependency_flagged(project):
    a = TaskFactory(project=project, starts_on=D, ends_on=D + dt.timedelta(days=4))
    b = TaskFactory(
        project=project, starts_on=D + dt.timedelta(days=2), ends_on=D + dt.timedelta(days=6)
    )
    done = TaskFactory(project=project, starts_on=D, ends_on=D, status=TaskStatus.DONE)
    depends(a, b)
    result = {p.pk: p for p in plan.plan_of(project, today=D + dt.timedelta(days=30)).tasks}
    assert result[a.pk].late and not result[done.pk].late
    assert result[b.pk].conflict and result[b.pk].shift_days == 3


def test_shift_moves_the_task_and_everything_after_it(project, referent):
    a = TaskFactory(project=project, starts_on=D, ends_on=D + dt.timedelta(days=4))
    b = TaskFactory(
        project=project, starts_on=D + dt.timedelta(days=5), ends_on=D + dt.timedelta(days=9)
    )
    c = TaskFactory(
        project=project, starts_on=D + dt.timedelta(days=10), ends_on=D + dt.timedelta(days=12)
    )
    unrelated = TaskFactory(project=project, starts_on=D, ends_on=D)
    depends(a, b)
    depends(b, c)
    moved = plan.task_shift(task=a, actor=referent, days=7)
    assert {t.pk for t in moved} == {a.pk, b.pk, c.pk}
    c.refresh_from_db()
    unrelated.refresh_from_db()
    assert c.starts_on == D + dt.timedelta(days=17)
    assert c.version == 2
    assert unrelated.starts_on == D


@pytest.mark.parametrize("days", [0, 5000])
def test_shift_by_nothing_or_too_far_refused(project, referent, days):
    a = TaskFactory(project=project)
    with pytest.raises(DomainError):
        plan.task_shift(task=a, actor=referent, days=days)


def test_task_status_follows_its_table(project, referent):
    task = TaskFactory(project=project)
    task = plan.task_change_status(
        task=task, actor=referent, expected_version=1, status=TaskStatus.DONE
    )
    with pytest.raises(DomainError, match="ne peut pas passer"):
        plan.task_change_status(
            task=task, actor=referent, expected_version=task.version, status=TaskStatus.CANCELLED
        )


def test_concurrent_task_edit_is_refused(project, referent, manager):
    task = TaskFactory(project=project)
    plan.task_update(
        task=task,
        actor=manager,
        expected_version=1,
        title="Version du responsable",
        starts_on=task.starts_on,
        ends_on=task.ends_on,
    )
    with pytest.raises(DomainError, match="Modifié entre-temps"):
        plan.task_update(
            task=task,
            actor=referent,
            expected_version=1,
            title="Ma version",
            starts_on=task.starts_on,
            ends_on=task.ends_on,
        )
    task.refresh_from_db()
    assert task.title == "Version du responsable"


def test_plan_of_three_hundred_tasks_reads_in_two_queries(project, django_assert_num_queries):
    tasks = [
        TaskFactory(
            project=project,
            starts_on=D + dt.timedelta(days=i),
            ends_on=D + dt.timedelta(days=i + 2),
        )
        for i in range(300)
    ]
    TaskDependency.objects.bulk_create(
        TaskDependency(project=project, predecessor=tasks[i], successor=tasks[i + 1])
        for i in range(299)
    )
    with django_assert_num_queries(2):
        result = plan.plan_of(project, today=D)
    assert len(result.tasks) == 300
