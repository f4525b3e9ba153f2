"""Territory: the organisation's territory of intervention, the indicators of public
statistics and their values, their imports, the pooling agreements behind the observed
needs, the needs analysis (ABS) and the watch log.

Indicator values live in one narrow table (indicator, level, code, year, value): a
national catalogue is tens of millions of rows, read by (indicator, code, year)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from relais.core.models import TimeStampedModel, VersionedModel
from relais.territory.querysets import (
    IndicatorQuerySet,
    LabourDatasetQuerySet,
    NeedsAnalysisQuerySet,
    PoolingAgreementQuerySet,
    TerritoryQuerySet,
    WatchItemQuerySet,
)


class Theme(models.TextChoices):
    DEMOGRAPHY = "demography", "Démographie"
    HOUSEHOLDS = "households", "Ménages et familles"
    INCOME = "income", "Revenus et pauvreté"
    EMPLOYMENT = "employment", "Emploi et chômage"
    HOUSING = "housing", "Logement"
    HEALTH = "health", "Santé"
    YOUTH = "youth", "Jeunesse"
    ELDERLY = "elderly", "Personnes âgées"
    DISABILITY = "disability", "Handicap"


class GeoLevel(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    FRANCE = "france", "France"


class Aggregation(models.TextChoices):
    SUM = "sum", "Somme (effectifs)"
    WEIGHTED = "weighted", "Moyenne pondérée (taux, parts, moyennes)"


class Territory(TimeStampedModel, VersionedModel):
    """Areas are « niveau:code » strings (see `geography`); the comparison areas default to
    the départements of the territory and France."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="territories"
    )
    name = models.CharField("nom", max_length=150)
    areas = models.JSONField("zones", default=list)
    comparison_areas = models.JSONField("territoires de comparaison", default=list, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True
    )

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "territoire"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="territory_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(TimeStampedModel):
    """A measured figure. Counts add up over communes; rates and means are weighted by
    their denominator (`weight`, another indicator) or, without one, by population — an
    average of rates would give a village the weight of a city."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="indicators",
        null=True,
        blank=True,
        help_text="vide : indicateur commun à toutes les structures",
    )
    code = models.SlugField("code", max_length=60)
    name = models.CharField("nom", max_length=200)
    definition = models.TextField("définition", max_length=2000, blank=True)
    unit = models.CharField("unité", max_length=40, blank=True)
    source = models.CharField("source", max_length=200)
    theme = models.CharField("thème", max_length=20, choices=Theme.choices)
    level = models.CharField(
        "niveau géographique", max_length=12, choices=GeoLevel.choices, default=GeoLevel.COMMUNE
    )
    aggregation = models.CharField(
        "agrégation", max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    weight = models.ForeignKey(
        "self",
        verbose_name="dénominateur (pondération)",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField("chiffres de démonstration", default=False)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "indicateur"
        ordering = ["theme", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="indicator_unique_code"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(organisation__isnull=True),
                name="indicator_unique_shared_code",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "theme"], name="indicator_org_theme")]

    def __str__(self) -> str:
        return self.name


class Marker(models.TextChoices):
    """Why a figure is missing, as the file said it (`numbers.MISSING` reads the spellings);
    every one is shown « nd » in a portrait."""

    NONE = "", "—"
    SECRET = "s", "secret statistique"
    CONFIDENTIAL = "c", "confidentiel"
    NOT_AVAILABLE = "nd", "non disponible"
    NOT_COMMUNICATED = "nc", "non communiqué"
    NOT_SIGNIFICANT = "ns", "non significatif"
    NOT_APPLICABLE = "so", "sans objet"


class IndicatorValue(models.Model):
    """One figure. A missing figure (secret statistique, non disponible) has no value and its
    marker: it is never a zero."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    level = models.CharField(max_length=12, choices=GeoLevel.choices)
    geo_code = models.CharField(max_length=9)
    year = models.PositiveSmallIntegerField()
    value = models.FloatField(null=True, blank=True)
    marker = models.CharField(max_length=2, choices=Marker.choices, default="", blank=True)
    # Aggregates of the communes' figures for the départements, régions and France, computed
    # when the values are imported (`rollups.py`), so that a portrait reads them by index.
    computed = models.BooleanField(default=False)
    complete = models.BooleanField(default=True)

    class Meta:
        verbose_name = "valeur d'indicateur"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "geo_code", "year", "level"], name="indicator_value_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=False, marker="")
                | models.Q(value__isnull=True) & ~models.Q(marker=""),
                name="indicator_value_or_marker",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.geo_code} {self.year} : {self.value if self.value is not None else self.marker}"
        )


class ImportStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    QUEUED = "queued", "En file d'attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Importé"
    FAILED = "failed", "Refusé"


# An import queued or running that wrote no progress for this long: its worker died.
STALLED_AFTER = dt.timedelta(minutes=10)
ACTIVE_IMPORT = (ImportStatus.QUEUED, ImportStatus.RUNNING)
ENCODING_LABELS = {
    "utf-8-sig": "UTF-8 avec BOM",
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252",
    "xlsx": "classeur Excel",
}
DELIMITER_LABELS = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "": "—"}


class IndicatorImport(TimeStampedModel):
    """An uploaded file of values and how its columns map; the import itself runs as a
    task (files reach 200 MB) that reports its progress here, `updated_at` included (the
    page tells a dead worker by it). `attempt` counts the launches: a task of an earlier
    attempt stops as soon as it sees a later one."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="indicator_imports"
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="imports", null=True, blank=True
    )
    file = models.FileField(upload_to="territory/imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    # As found at upload (`parsing`), read again the same way by the task; "" for a workbook.
    encoding = models.CharField(max_length=10, blank=True, default="")
    delimiter = models.CharField(max_length=1, blank=True, default="")
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    attempt = models.PositiveSmallIntegerField(default=1)
    processed_bytes = models.PositiveBigIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    values_checked = models.PositiveIntegerField(default=0)
    values_imported = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "import d'indicateur"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="import_org_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator"],
                condition=models.Q(status__in=["queued", "running"]),
                name="import_one_active_per_indicator",
            )
        ]

    @property
    def percent(self) -> int:
        """The check pass's progress (bytes read)."""
        if self.status == ImportStatus.DONE:
            return 100
        return min(99, int(100 * self.processed_bytes / self.size)) if self.size else 0

    @property
    def storing(self) -> bool:
        return self.status == ImportStatus.RUNNING and self.values_checked > 0

    @property
    def store_percent(self) -> int:
        """The store pass's progress (values written)."""
        if not self.values_checked:
            return 0
        return min(99, int(100 * self.values_imported / self.values_checked))

    @property
    def is_stalled(self) -> bool:
        return self.status in ACTIVE_IMPORT and self.updated_at < timezone.now() - STALLED_AFTER

    @property
    def format_label(self) -> str:
        """« Encodage : Windows-1252 · séparateur : point-virgule »."""
        if self.encoding == "xlsx":
            return "Classeur Excel"
        if not self.encoding:
            return ""
        return (
            f"Encodage : {ENCODING_LABELS.get(self.encoding, self.encoding)} · "
            f"séparateur : {DELIMITER_LABELS.get(self.delimiter, self.delimiter)}"
        )


class IndicatorImportRow(models.Model):
    """A checked figure of an import being stored: written in committed batches (the page
    sees the progress, a dead worker is told from a slow one), then moved into
    `IndicatorValue` in one statement of the final transaction — all or nothing."""

    job = models.ForeignKey(IndicatorImport, on_delete=models.CASCADE, related_name="+")
    attempt = models.PositiveSmallIntegerField()
    geo_code = models.CharField(max_length=9)
    year = models.PositiveSmallIntegerField()
    value = models.FloatField(null=True)
    marker = models.CharField(max_length=2, blank=True)

    class Meta:
        verbose_name = "valeur d'un import en cours"

    def __str__(self) -> str:
        return f"{self.geo_code} {self.year}"


class PoolingAgreement(TimeStampedModel):
    """An organisation agrees that its diagnostics count, aggregated and anonymised, in the
    observed needs of the territories it is part of. Who agreed, when, and any withdrawal."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="pooling_agreements"
    )
    agreed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    agreed_on = models.DateField("accord donné le")
    withdrawn_at = models.DateTimeField("accord retiré le", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = PoolingAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = "accord de mutualisation"
        ordering = ["-agreed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="pooling_one_active",
            )
        ]


class NeedsAnalysis(TimeStampedModel, VersionedModel):
    """The analyse des besoins sociaux of one year for one territory: its sections' narrative
    (the tables and charts are computed when shown)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="needs_analyses"
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="needs_analyses"
    )
    year = models.PositiveSmallIntegerField("année")
    title = models.CharField("titre", max_length=200)
    narratives = models.JSONField("textes des sections", default=dict, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    objects = NeedsAnalysisQuerySet.as_manager()

    class Meta:
        verbose_name = "analyse des besoins sociaux"
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "territory", "year"], name="needs_analysis_unique_year"
            )
        ]

    def __str__(self) -> str:
        return self.title


class WatchItem(TimeStampedModel):
    """A dated entry of the team's watch log (veille). It has no `version`: an edit is
    checked against the `updated_at` the user started from (`relais.territory.watch`)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="watch_items"
    )
    published_on = models.DateField("date")
    title = models.CharField("titre", max_length=200)
    source = models.CharField("source", max_length=200)
    url = models.URLField("lien", max_length=500, blank=True)
    summary = models.TextField("résumé", max_length=5000, blank=True)
    tags = models.JSONField("mots-clés", default=list, blank=True)
    theme = models.CharField("thème", max_length=20, choices=Theme.choices, blank=True)
    territory = models.ForeignKey(
        Territory, on_delete=models.SET_NULL, null=True, blank=True, related_name="watch_items"
    )
    search_key = models.TextField(default="", editable=False)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    objects = WatchItemQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée de veille"
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-published_on"], name="watch_org_date"),
            models.Index(fields=["organisation", "theme"], name="watch_org_theme"),
        ]


class LabourDataset(TimeStampedModel):
    """A labour-market file by ROME code and area (France Travail's « Besoins en
    main-d'œuvre » by bassin d'emploi, job seekers by ROME…), imported whole or not at all.
    Areas are kept as the file names them (BMO's bassins are not COG areas)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="labour_datasets"
    )
    title = models.CharField("titre", max_length=200)
    source = models.CharField("source", max_length=200)
    year = models.PositiveSmallIntegerField("année")
    original_name = models.CharField(max_length=255)
    rows = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    objects = LabourDatasetQuerySet.as_manager()

    class Meta:
        verbose_name = "données du marché du travail"
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["organisation", "-year"], name="labour_org_year")]

    def __str__(self) -> str:
        return self.title


class LabourFigure(models.Model):
    """One trade (ROME code) in one area of a dataset. A missing figure (secret, « s »,
    « nd ») is None, never a zero."""

    dataset = models.ForeignKey(LabourDataset, on_delete=models.CASCADE, related_name="figures")
    area_code = models.CharField(max_length=12)
    area_label = models.CharField(max_length=120, blank=True)
    rome_code = models.CharField(max_length=5)
    rome_label = models.CharField(max_length=200, blank=True)
    projects = models.FloatField("projets de recrutement", null=True, blank=True)
    difficult = models.FloatField("projets jugés difficiles", null=True, blank=True)
    seasonal = models.FloatField("projets saisonniers", null=True, blank=True)
    job_seekers = models.FloatField("demandeurs d'emploi", null=True, blank=True)

    class Meta:
        verbose_name = "chiffre du marché du travail"
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "area_code", "rome_code"], name="labour_figure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rome_code} {self.area_code}"


class NeedsSummary(models.Model):
    """The observed needs of one calendar year in one commune, over the organisations that
    pooled their figures when it was computed (`relais.territory.needs_summary`, decision
    0070): the persons whose latest diagnostic of the year was made there, those in
    difficulty, the urgencies seen (columns: the evolution reads only them), and in `figures`
    the counts per domain, age band on 31 December, scheme and barrier. Counts are raw; they
    are suppressed where they are shown. Year 0: the twelve months to the day of the
    computation (`NeedsSummaryState.rolling_end`; no urgencies: no evolution reads them)."""

    year = models.PositiveSmallIntegerField()
    commune_code = models.CharField(max_length=5)
    persons = models.PositiveIntegerField(default=0)
    difficulty = models.PositiveIntegerField(default=0)
    urgent = models.PositiveIntegerField(default=0)
    figures = models.JSONField(default=dict)

    class Meta:
        verbose_name = "besoins observés d'une commune (chiffres calculés)"
        constraints = [
            models.UniqueConstraint(fields=["year", "commune_code"], name="needs_summary_unique")
        ]

    def __str__(self) -> str:
        return f"{self.commune_code} {self.year}"


class NeedsSummaryState(models.Model):
    """The one row telling when `NeedsSummary` was computed and over which pooled
    organisations, and whether a write has happened since (a refresh is then queued)."""

    computed_at = models.DateTimeField(null=True, blank=True)
    # The last day of the twelve months stored as `NeedsSummary.year` 0: the day computed.
    rolling_end = models.DateField(null=True, blank=True)
    organisations = models.JSONField(default=list)
    stale_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "état des besoins observés calculés"

    def __str__(self) -> str:
        return f"calculés le {self.computed_at}"
