"""Factories of the projects module: projects and their parts, tasks, workshops, sessions,
enrolments (with the step they create on a pathway) and attendances."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import factory
from django.utils import timezone

from relais.pathways.models import StepKind
from relais.projects.models import (
    Attendance,
    AttendanceStatus,
    BudgetLine,
    Enrolment,
    Objective,
    Project,
    Session,
    Task,
    TaskDependency,
    Workshop,
)
from tests.factories.accounts import OrganisationFactory, UserFactory
from tests.factories.pathways import PathwayFactory, StepFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Projet collectif {n}")
    purpose = "Rompre l'isolement des personnes accompagnées par des ateliers collectifs."
    public = "personnes-en-situation-durgence"
    commune_code = "69123"
    thematiques = factory.LazyFunction(lambda: ["remobilisation"])
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - _dt.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + _dt.timedelta(days=300))


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    project = factory.SubFactory(ProjectFactory)
    text = "Accueillir 40 personnes isolées"
    indicator = "Nombre de participants"
    baseline = "0"
    target = "40"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + _dt.timedelta(days=200))


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Tâche {n}")
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + _dt.timedelta(days=4))


def depends(predecessor: Task, successor: Task) -> TaskDependency:
    return TaskDependency.objects.create(
        project_id=predecessor.project_id, predecessor=predecessor, successor=successor
    )


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    project = factory.SubFactory(ProjectFactory)
    kind = "expense"
    category = "staff"
    label = "Animation"
    amount = Decimal("1000.00")


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Atelier {n}")
    objectives = "Savoir se présenter à un employeur."
    duration_hours = Decimal("6")


def _ten_oclock(*, days: int) -> _dt.datetime:
    day = timezone.localdate() + _dt.timedelta(days=days)
    return timezone.make_aware(_dt.datetime.combine(day, _dt.time(10)))


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    workshop = factory.SubFactory(WorkshopFactory)
    organisation = factory.LazyAttribute(lambda o: o.workshop.organisation)
    # At 10:00 local time: a session of two hours never crosses midnight, whatever the hour
    # the tests run (the session form has one day and two times).
    starts_at = factory.LazyFunction(lambda: _ten_oclock(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + _dt.timedelta(hours=2))
    place = "Salle du CCAS"
    facilitator = factory.SubFactory(UserFactory)
    capacity = 12

    class Params:
        past = factory.Trait(starts_at=factory.LazyFunction(lambda: _ten_oclock(days=-2)))


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    workshop = factory.SubFactory(WorkshopFactory)
    person = factory.SubFactory(
        "tests.factories.people.PersonFactory",
        organisation=factory.SelfAttribute("..workshop.organisation"),
    )
    step = factory.LazyAttribute(
        lambda o: StepFactory(
            pathway=PathwayFactory(person=o.person), kind=StepKind.WORKSHOP, title="Atelier"
        )
    )
    consent_on = factory.LazyFunction(timezone.localdate)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory, past=True)
    enrolment = factory.SubFactory(
        EnrolmentFactory, workshop=factory.SelfAttribute("..session.workshop")
    )
    person = factory.LazyAttribute(lambda o: o.enrolment.person)
    status = AttendanceStatus.PRESENT
