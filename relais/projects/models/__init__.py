"""Collective projects (Bloc C of the CISP referential, 3.1–3.9) and workshops / training
sequences for groups of accompanied persons (3.10–3.12)."""

from relais.projects.models.plan import Task, TaskDependency, TaskStatus  # noqa: F401
from relais.projects.models.project import (  # noqa: F401
    CONTRIBUTION_LABELS,
    BudgetKind,
    BudgetLine,
    ExpenseCategory,
    FundingStatus,
    Indicator,
    Measurement,
    Meeting,
    MeetingKind,
    Objective,
    Partner,
    Project,
    ProjectLogEntry,
    ProjectMember,
    ProjectNeed,
    ProjectStatus,
    ProjectTransition,
    Risk,
    SwotItem,
    SwotQuadrant,
)
from relais.projects.models.workshop import (  # noqa: F401
    Attendance,
    AttendanceStatus,
    Enrolment,
    Session,
    Workshop,
)
