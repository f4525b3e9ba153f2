"""The action plan of a project: tasks with owners, dates and finish-to-start
dependencies (the Gantt chart and the critical path are computed in
`relais.projects.plan`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from relais.core.models import TimeStampedModel, VersionedModel
from relais.projects.models.project import Project


class TaskStatus(models.TextChoices):
    TODO = "todo", "À faire"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Terminée"
    CANCELLED = "cancelled", "Annulée"


class Task(TimeStampedModel, VersionedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField("tâche", max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="responsable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    owner_name = models.CharField("responsable (hors Relais)", max_length=200, blank=True)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    status = models.CharField(
        "statut", max_length=12, choices=TaskStatus.choices, default=TaskStatus.TODO
    )

    class Meta:
        verbose_name = "tâche"
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["project", "starts_on"], name="task_project_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="task_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def duration_days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def owner_label(self) -> str:
        if self.owner_id:
            return self.owner.get_full_name() or self.owner.email
        return self.owner_name


class TaskDependency(models.Model):
    """`successor` starts once `predecessor` is finished (finish-to-start)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    predecessor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="predecessor_links")

    class Meta:
        verbose_name = "dépendance"
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="dependency_once"),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")), name="dependency_not_self"
            ),
        ]
        indexes = [models.Index(fields=["project"], name="dependency_project")]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id}"
