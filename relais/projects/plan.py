"""The action plan: tasks, finish-to-start dependencies, the critical path, shifting a
task with everything that depends on it.

Rules decided here (the issue left them open):
- a dependency that would close a loop is refused, naming the loop;
- a task may be planned to start before its predecessor ends (plans are often written
  roughly first): it is flagged « dépendance non respectée » and « Décaler » moves it,
  with its own successors, to the day after;
- the critical path is computed over the project's tasks only (at most `MAX_TASKS`), in
  calendar days: a task is critical when delaying it by one day delays the project's end;
- a task is late when its end is past and it is neither done nor cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import User
from relais.core.errors import DomainError
from relais.core.text import clean_text
from relais.core.versioning import update_versioned
from relais.projects.checks import check_range, check_version, locked_project, validated
from relais.projects.models import Project, Task, TaskDependency, TaskStatus

MAX_TASKS = 1000
FINISHED = (TaskStatus.DONE, TaskStatus.CANCELLED)
TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskStatus.TODO: frozenset({TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED}),
    TaskStatus.IN_PROGRESS: frozenset({TaskStatus.DONE, TaskStatus.TODO, TaskStatus.CANCELLED}),
    TaskStatus.DONE: frozenset({TaskStatus.IN_PROGRESS}),
    TaskStatus.CANCELLED: frozenset({TaskStatus.TODO}),
}


def _task_fields(
    *,
    project: Project,
    title: str,
    owner: User | None,
    owner_name: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
) -> dict:
    if starts_on is None:
        raise DomainError("Indiquez la date de début de la tâche.", field="starts_on")
    if ends_on is None:
        raise DomainError("Indiquez la date de fin de la tâche.", field="ends_on")
    check_range(starts_on, ends_on, what="La fin de la tâche")
    if (
        owner is not None
        and not owner.memberships.filter(
            is_active=True, organisation_id=project.organisation_id
        ).exists()
    ):
        raise DomainError("Ce professionnel n'est pas membre de la structure.", field="owner")
    values = {
        "title": clean_text(title),
        "owner_name": "" if owner else clean_text(owner_name),
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    validated(Task, values, project=project)
    values["owner"] = owner
    return values


@transaction.atomic
def task_create(
    *,
    project: Project,
    actor: User,
    title: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    owner: User | None = None,
    owner_name: str = "",
    after: list[Task] | None = None,
) -> Task:
    """A task, and its predecessors (`after`) if given."""
    current = locked_project(project, actor)
    if Task.objects.filter(project=current).count() >= MAX_TASKS:
        raise DomainError(f"Un plan d'action compte au plus {MAX_TASKS} tâches.")
    values = _task_fields(
        project=current,
        title=title,
        owner=owner,
        owner_name=owner_name,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    task = Task.objects.create(project=current, updated_by=actor, **values)
    for predecessor in after or []:
        _add_dependency(current, predecessor, task)
    return task


@transaction.atomic
def task_update(
    *,
    task: Task,
    actor: User,
    expected_version: int,
    title: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    owner: User | None = None,
    owner_name: str = "",
) -> Task:
    project = locked_project(task.project, actor)
    current = Task.objects.select_for_update().get(pk=task.pk)
    check_version(current, expected_version)
    values = _task_fields(
        project=project,
        title=title,
        owner=owner,
        owner_name=owner_name,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    return update_versioned(current, expected_version=expected_version, actor=actor, changes=values)


@transaction.atomic
def task_change_status(*, task: Task, actor: User, expected_version: int, status: str) -> Task:
    locked_project(task.project, actor)
    current = Task.objects.select_for_update().get(pk=task.pk)
    check_version(current, expected_version)
    if status not in TaskStatus.values:
        raise DomainError("Statut de tâche inconnu.", field="status")
    if status not in TASK_TRANSITIONS[current.status]:
        raise DomainError(
            f"Une tâche « {TaskStatus(current.status).label.lower()} » ne peut pas passer à "
            f"« {TaskStatus(status).label.lower()} ».",
            field="status",
        )
    return update_versioned(
        current, expected_version=expected_version, actor=actor, changes={"status": status}
    )


def _edges(project: Project) -> list[tuple[int, int]]:
    return list(
        TaskDependency.objects.filter(project=project).values_list("predecessor_id", "successor_id")
    )


def _add_dependency(project: Project, predecessor: Task, successor: Task) -> TaskDependency:
    if predecessor.project_id != project.pk or successor.project_id != project.pk:
        raise DomainError("Ces tâches n'appartiennent pas au même projet.", field="predecessor")
    if predecessor.pk == successor.pk:
        raise DomainError("Une tâche ne peut pas dépendre d'elle-même.", field="predecessor")
    edges = _edges(project)
    if (predecessor.pk, successor.pk) in edges:
        raise DomainError(
            f"« {successor.title} » dépend déjà de « {predecessor.title} ».", field="predecessor"
        )
    graph: dict[int, set[int]] = defaultdict(set)
    for before, after in [*edges, (predecessor.pk, successor.pk)]:
        graph[after].add(before)
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        loop = error.args[1]
        titles = dict(Task.objects.filter(pk__in=loop).values_list("pk", "title"))
        names = " → ".join(f"« {titles[pk]} »" for pk in reversed(loop))
        raise DomainError(
            f"Dépendance refusée : elle créerait une boucle ({names}). Une tâche ne peut pas "
            "attendre, même indirectement, sa propre fin.",
            field="predecessor",
        ) from error
    return TaskDependency.objects.create(
        project=project, predecessor=predecessor, successor=successor
    )


@transaction.atomic
def dependency_add(
    *, project: Project, actor: User, predecessor: Task, successor: Task
) -> TaskDependency:
    current = locked_project(project, actor)
    return _add_dependency(current, predecessor, successor)


@transaction.atomic
def dependency_remove(*, project: Project, actor: User, dependency_id: int) -> None:
    current = locked_project(project, actor)
    TaskDependency.objects.filter(project=current, pk=dependency_id).delete()


@transaction.atomic
def task_shift(*, task: Task, actor: User, days: int) -> list[Task]:
    """Moves `task` by `days` (negative: earlier) together with every task that depends on
    it, directly or not, so the plan keeps its order. The tasks moved."""
    project = locked_project(task.project, actor)
    if not isinstance(days, int) or days == 0 or abs(days) > 3650:
        raise DomainError("Indiquez un décalage en jours, non nul, d'au plus 10 ans.", field="days")
    successors: dict[int, set[int]] = defaultdict(set)
    for before, after in _edges(project):
        successors[before].add(after)
    moved, todo = {task.pk}, [task.pk]
    while todo:
        for nxt in successors[todo.pop()]:
            if nxt not in moved:
                moved.add(nxt)
                todo.append(nxt)
    delta = dt.timedelta(days=days)
    tasks = list(Task.objects.select_for_update().filter(project=project, pk__in=moved))
    for t in tasks:
        check_range(t.starts_on + delta, t.ends_on + delta, what="La fin de la tâche")
    now = timezone.now()
    for t in tasks:
        t.starts_on += delta
        t.ends_on += delta
        t.version += 1
        t.updated_by = actor
        t.updated_at = now
    Task.objects.bulk_update(tasks, ["starts_on", "ends_on", "version", "updated_by", "updated_at"])
    return tasks


def shift_to_follow(task: Task, predecessors_end: dt.date) -> int:
    """Days to move `task` so that it starts the day after `predecessors_end`."""
    return (predecessors_end + dt.timedelta(days=1) - task.starts_on).days


# --- Reading the plan: critical path, late tasks ------------------------------------------


@dataclass
class PlannedTask:
    task: Task
    predecessors: list[int] = field(default_factory=list)
    critical: bool = False
    late: bool = False
    conflict: bool = False  # starts before a predecessor ends
    slack_days: int = 0
    shift_days: int = 0  # to respect its dependencies
    predecessor_titles: list[str] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.task.pk


@dataclass
class Plan:
    tasks: list[PlannedTask]
    start: dt.date | None
    end: dt.date | None
    titles: dict[int, str]

    @property
    def critical_count(self) -> int:
        return sum(1 for t in self.tasks if t.critical)

    @property
    def late_count(self) -> int:
        return sum(1 for t in self.tasks if t.late)


def plan_of(project: Project, today: dt.date | None = None) -> Plan:
    """The project's tasks with their dependencies, critical path and flags. Two queries."""
    today = today or timezone.localdate()
    tasks = list(
        Task.objects.filter(project=project)
        .select_related("owner")
        .order_by("starts_on", "id")[:MAX_TASKS]
    )
    by_pk = {t.pk: PlannedTask(t) for t in tasks}
    for before, after in _edges(project):
        if before in by_pk and after in by_pk:
            by_pk[after].predecessors.append(before)
    if not tasks:
        return Plan([], None, None, {})
    graph = {pk: set(p.predecessors) for pk, p in by_pk.items()}
    order = list(TopologicalSorter(graph).static_order())
    # Forward pass: earliest finish, each task keeping its planned start unless pushed.
    earliest_end: dict[int, dt.date] = {}
    for pk in order:
        p = by_pk[pk]
        start = p.task.starts_on
        if p.predecessors:
            pushed = max(earliest_end[b] for b in p.predecessors) + dt.timedelta(days=1)
            start = max(start, pushed)
        earliest_end[pk] = start + dt.timedelta(days=p.task.duration_days - 1)
    project_end = max(earliest_end.values())
    # Backward pass: latest finish that does not delay the project's end.
    successors: dict[int, list[int]] = defaultdict(list)
    for pk, p in by_pk.items():
        for b in p.predecessors:
            successors[b].append(pk)
    latest_end: dict[int, dt.date] = {}
    for pk in reversed(order):
        if successors[pk]:
            latest_end[pk] = min(
                latest_end[s] - dt.timedelta(days=by_pk[s].task.duration_days)
                for s in successors[pk]
            )
        else:
            latest_end[pk] = project_end
    for pk, p in by_pk.items():
        p.slack_days = (latest_end[pk] - earliest_end[pk]).days
        p.critical = p.slack_days == 0 and p.task.status != TaskStatus.CANCELLED
        p.late = p.task.ends_on < today and p.task.status not in FINISHED
        if p.predecessors:
            last = max(by_pk[b].task.ends_on for b in p.predecessors)
            if p.task.starts_on <= last:
                p.conflict = True
                p.shift_days = shift_to_follow(p.task, last)
    for p in by_pk.values():
        p.predecessor_titles = [by_pk[b].task.title for b in p.predecessors]
    return Plan(
        tasks=[by_pk[t.pk] for t in tasks],
        start=min(t.starts_on for t in tasks),
        end=max(t.ends_on for t in tasks),
        titles={t.pk: t.title for t in tasks},
    )
