"""The projects module at the scale the issue names: a project with 300 tasks and their
dependencies (its plan page and Gantt chart), an organisation with 2,000 workshop sessions
and 30,000 attendances (the calendar month), and enrolments of 30 persons in one request.

Rows are inserted in bulk through the real models (no service: the scenario measures
reads, and the enrolment POST goes through the services); each enrolment request gets 30
fresh persons with an open pathway, so every measured POST really enrols them."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass

from django.utils import timezone

from bench.common import step
from relais.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from relais.core.text import fold
from relais.pathways.models import Pathway
from relais.people.models import Person
from relais.projects.models import (
    Attendance,
    Enrolment,
    Project,
    Session,
    Task,
    TaskDependency,
    Workshop,
)

TASKS = 300
WORKSHOPS = 200
SESSIONS_PER_WORKSHOP = 10  # 2,000 sessions
PARTICIPANTS = 15  # per workshop: 15 × 2,000 sessions = 30,000 attendances
POOL = 900
ENROL_BATCH = 30
BATCH = 2000


@dataclass(frozen=True)
class ProjectsScenario:
    organisation_id: int
    referent_id: int
    project_id: int
    tasks: int
    dependencies: int
    sessions: int
    attendances: int
    month: str  # a day of the measured month (ISO)
    month_sessions: int
    enrol_workshop_id: int
    enrol_forms: list[dict]


def _person(organisation: Organisation, referent: User, name: str, i: int) -> Person:
    person = Person(
        organisation=organisation,
        referent=referent,
        created_by=referent,
        birth_name=name,
        first_names="Camille",
        birth_date=dt.date(1970, 1, 1) + dt.timedelta(days=i * 7),
    )
    person.name_key = fold(f"{person.birth_name} {person.first_names}")
    return person


def generate_projects(*, rng: random.Random, enrol_requests: int) -> ProjectsScenario:
    run = secrets.token_hex(3)
    today = timezone.localdate()
    now = timezone.now()
    with step("organisation, project, 300 tasks and dependencies", 4):
        organisation = Organisation.objects.create(
            name=f"Structure porteuse de projets (banc {run})",
            kind=OrganisationKind.CCAS,
            commune_code="69123",
        )
        referent = User.objects.create_user(
            email=f"projets-{run}@banc.invalid", password=secrets.token_urlsafe(16)
        )
        Membership.objects.create(user=referent, organisation=organisation, role=Role.REFERENT)
        project = Project.objects.create(
            organisation=organisation,
            title="Projet du banc",
            purpose="Mesurer le plan d'action.",
            starts_on=today - dt.timedelta(days=60),
            ends_on=today + dt.timedelta(days=700),
            created_by=referent,
        )
        tasks = []
        for i in range(TASKS):
            start = today - dt.timedelta(days=60) + dt.timedelta(days=(i * 2) + rng.randint(0, 3))
            tasks.append(
                Task(
                    project=project,
                    title=f"Tâche {i + 1:03d}",
                    starts_on=start,
                    ends_on=start + dt.timedelta(days=rng.randint(0, 9)),
                    owner=referent if i % 3 else None,
                )
            )
        tasks = Task.objects.bulk_create(tasks)
        links = set()
        for i in range(1, TASKS):
            links.add((tasks[i - 1].pk, tasks[i].pk))
            if i > 5 and rng.random() < 0.4:
                links.add((tasks[rng.randint(0, i - 2)].pk, tasks[i].pk))
        TaskDependency.objects.bulk_create(
            TaskDependency(project=project, predecessor_id=a, successor_id=b) for a, b in links
        )
    with step("900 persons, 200 workshops, 2,000 sessions, 30,000 attendances", 4):
        pool = Person.objects.bulk_create(
            [_person(organisation, referent, f"Atelier-{run}-{i:04d}", i) for i in range(POOL)],
            batch_size=BATCH,
        )
        workshops = Workshop.objects.bulk_create(
            Workshop(
                organisation=organisation,
                project=project if i % 4 == 0 else None,
                title=f"Atelier {i + 1:03d}",
                objectives="Objectifs.",
                duration_hours=12,
                created_by=referent,
            )
            for i in range(WORKSHOPS)
        )
        first_month = (today.replace(day=1) - dt.timedelta(days=150)).replace(day=1)
        sessions = []
        for w in workshops:
            for _k in range(SESSIONS_PER_WORKSHOP):
                day = first_month + dt.timedelta(days=rng.randint(0, 330))
                start = timezone.make_aware(
                    dt.datetime.combine(day, dt.time(9 + rng.randint(0, 7), 0))
                )
                sessions.append(
                    Session(
                        workshop=w,
                        organisation=organisation,
                        starts_at=start,
                        ends_at=start + dt.timedelta(hours=2),
                        place="Salle",
                        facilitator=referent,
                        capacity=20,
                    )
                )
        sessions = Session.objects.bulk_create(sessions, batch_size=BATCH)
        enrolments = []
        for w in workshops:
            for person in rng.sample(pool, PARTICIPANTS):
                enrolments.append(
                    Enrolment(workshop=w, person=person, consent_on=today, enrolled_by=referent)
                )
        enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        by_workshop: dict[int, list[Enrolment]] = {}
        for e in enrolments:
            by_workshop.setdefault(e.workshop_id, []).append(e)
        attendances = []
        for s in sessions:
            if s.starts_at > now:
                status_weights = ("present",)
            else:
                status_weights = ("present",) * 8 + ("excused", "absent")
            for e in by_workshop[s.workshop_id]:
                attendances.append(
                    Attendance(
                        session=s,
                        enrolment=e,
                        person_id=e.person_id,
                        status=rng.choice(status_weights),
                        recorded_by=referent,
                    )
                )
        Attendance.objects.bulk_create(attendances, batch_size=BATCH)
    with step(f"{enrol_requests} × 30 persons with an open pathway, to enrol", 4):
        target = Workshop.objects.create(
            organisation=organisation,
            title="Atelier d'inscription du banc",
            objectives="Mesurer l'inscription.",
            duration_hours=6,
            created_by=referent,
        )
        fresh = Person.objects.bulk_create(
            [
                _person(organisation, referent, f"Inscription-{run}-{i:05d}", i)
                for i in range(enrol_requests * ENROL_BATCH)
            ],
            batch_size=BATCH,
        )
        Pathway.objects.bulk_create(
            [
                Pathway(
                    person=p,
                    organisation=organisation,
                    scheme="rsa",
                    referent=referent,
                    started_on=today - dt.timedelta(days=30),
                )
                for p in fresh
            ],
            batch_size=BATCH,
        )
        forms = [
            {
                "persons": [str(p.pk) for p in fresh[i * ENROL_BATCH : (i + 1) * ENROL_BATCH]],
                "consent_confirmed": "on",
            }
            for i in range(enrol_requests)
        ]
    month_start = today.replace(day=1)
    month_end = (month_start + dt.timedelta(days=32)).replace(day=1)
    month_sessions = sum(
        1 for s in sessions if month_start <= timezone.localtime(s.starts_at).date() < month_end
    )
    return ProjectsScenario(
        organisation_id=organisation.pk,
        referent_id=referent.pk,
        project_id=project.pk,
        tasks=TASKS,
        dependencies=len(links),
        sessions=len(sessions),
        attendances=len(attendances),
        month=today.isoformat(),
        month_sessions=month_sessions,
        enrol_workshop_id=target.pk,
        enrol_forms=forms,
    )
