"""Export jobs: an export runs as a background task (django-tasks) that reports its
progress; the file is kept with the job for `EXPORT_KEPT_DAYS` days, then deleted
(`reporting_purge_exports`), and a participants export goes as soon as one of its
organisation's persons is erased (`relais.reporting.services.exports_forget_person`)."""

from __future__ import annotations

from django.db import models

from relais.core.models import TimeStampedModel


class ExportKind(models.TextChoices):
    FIGURES_CSV = "figures_csv", "Indicateurs (CSV)"
    FIGURES_XLSX = "figures_xlsx", "Indicateurs (Excel)"
    ACTIVITY_PDF = "activity_pdf", "Rapport d'activité (PDF)"
    PARTICIPANTS_XLSX = "participants_xlsx", "Participants d'un dispositif (Excel)"
    PARTICIPANTS_CSV = "participants_csv", "Participants d'un dispositif (CSV)"


PARTICIPANT_KINDS = (ExportKind.PARTICIPANTS_XLSX, ExportKind.PARTICIPANTS_CSV)


class ExportStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Prêt"
    FAILED = "failed", "Échec"


RUNNING_STATUSES = (ExportStatus.PENDING, ExportStatus.RUNNING)

# How long an export (its file) is kept: long enough to download it and send it to the
# funder, short enough that the names and birth dates of a participants export do not
# outlive their purpose (`reporting_purge_exports`, daily).
EXPORT_KEPT_DAYS = 7

# pending → running → done | failed; nothing else (the task is the only writer).
EXPORT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ExportStatus.PENDING: (ExportStatus.RUNNING, ExportStatus.FAILED),
    ExportStatus.RUNNING: (ExportStatus.DONE, ExportStatus.FAILED),
    ExportStatus.DONE: (),
    ExportStatus.FAILED: (),
}


class ReportExport(TimeStampedModel):
    """One export asked by a user. The same export (same kind, scope and filters) asked
    again by the same user while it runs is the same job: a partial unique constraint
    holds it whatever the number of clicks or processes."""

    # A participants export holds persons' data: reading it is journaled (`export`).
    holds_personal_data = True

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("type d'export", max_length=20, choices=ExportKind.choices)
    scope = models.CharField("tableau de bord", max_length=15)
    params = models.JSONField("filtres", default=dict)
    key = models.CharField(max_length=64)
    status = models.CharField(
        "état", max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    row_count = models.PositiveIntegerField("lignes", default=0)
    # Participants whose funder fields are missing: [{"line": 3, "person_id": 12,
    # "fields": ["sexe"]}], listed on the page and in the file, never left silently blank.
    missing = models.JSONField("champs manquants", default=list, blank=True)
    filename = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "export"
        verbose_name_plural = "exports"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organisation", "requested_by", "-created_at"], name="export_org_user"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "requested_by", "key"],
                condition=models.Q(status__in=["pending", "running"]),
                name="export_one_running",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="export_progress_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Export n° {self.pk}"

    @property
    def journal_organisation_id(self) -> int:
        return self.organisation_id

    @property
    def journal_person_id(self) -> None:
        return None

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES


class DashboardSnapshot(models.Model):
    """The organisation dashboard over its default period (1 January to the end of the current
    month), computed
    by the scheduled command `reporting_refresh` so that the page most asked for opens at
    once on large organisations. The tables are stored as shown (suppression applied); any
    other period or filter is computed when asked."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=64)  # SHA-256 of the scope and filters
    computed_at = models.DateTimeField()
    tables = models.JSONField(default=list)

    class Meta:
        verbose_name = "tableau de bord précalculé"
        verbose_name_plural = "tableaux de bord précalculés"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="snapshot_unique_key")
        ]

    def __str__(self) -> str:
        return f"Tableau de bord précalculé n° {self.pk}"
