"""Importing a file of indicator values: the mapping of its columns, then the import as a
task (files reach 200 MB), all or nothing.

Two passes. The first reads the file as a stream, checks every row and writes the clean
figures to a temporary file, updating the progress the page polls; any error (reported by
line number, the first MAX_ERRORS of them) stops there and nothing is written. The second
stages the clean figures in committed batches (progress and `updated_at` written after
each, so that a long store is not taken for a dead worker), then replaces the indicator's
figures for the years the file holds with them, in one transaction.

One import per indicator is queued or running at a time (checked under a lock on the
indicator, and by a partial unique constraint). An import whose worker died (no progress
for `STALLED_AFTER`) is relaunched by a manager: a new attempt; the task of an earlier
attempt stops at its next progress write."""

from __future__ import annotations

import csv
import logging
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tasks import task

from relais.accounts.models import Membership
from relais.core.errors import DomainError, PermissionDenied
from relais.territory import parsing
from relais.territory.models import (
    ACTIVE_IMPORT,
    ImportStatus,
    Indicator,
    IndicatorImport,
    IndicatorImportRow,
    IndicatorValue,
)
from relais.territory.policies import can_manage_import, can_manage_territory
from relais.territory.rollups import rollup_with_dependents

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 250 * 1024 * 1024
MAX_ERRORS = 200
BATCH = 20_000
PROGRESS_EVERY = 1.0  # seconds between two progress writes
EXTENSIONS = (".csv", ".txt", ".xlsx")


@dataclass(frozen=True)
class Mapping:
    """Which column holds what. `layout` is « long » (one row per code and year: a year
    column, or one year for the whole file, and a value column) or « wide » (one column per
    year)."""

    code: int
    layout: str
    value: int | None = None
    year: int | None = None
    fixed_year: int | None = None
    year_columns: tuple[tuple[int, int], ...] = ()

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "layout": self.layout,
            "value": self.value,
            "year": self.year,
            "fixed_year": self.fixed_year,
            "year_columns": [list(p) for p in self.year_columns],
        }

    @classmethod
    def from_json(cls, data: dict) -> Mapping:
        return cls(
            code=data["code"],
            layout=data["layout"],
            value=data.get("value"),
            year=data.get("year"),
            fixed_year=data.get("fixed_year"),
            year_columns=tuple(tuple(p) for p in data.get("year_columns", [])),
        )


@contextmanager
def local_file(job: IndicatorImport) -> Iterator[Path]:
    """A path on disk for the uploaded file: the file itself with a file-system storage,
    else a temporary copy (streamed by chunks, never read whole in memory)."""
    try:
        path = Path(job.file.path)
    except NotImplementedError:
        path = None
    if path is not None and path.exists():
        yield path
        return
    suffix = Path(job.original_name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with job.file.open("rb") as source:
            for chunk in source.chunks():
                copy.write(chunk)
        copy.flush()
        yield Path(copy.name)


def check_upload(*, name: str, size: int) -> None:
    if not name.lower().endswith(EXTENSIONS):
        raise DomainError(
            "Déposez un fichier CSV (.csv, .txt) ou un classeur Excel (.xlsx).", field="file"
        )
    if size == 0:
        raise DomainError("Le fichier est vide.", field="file")
    if size > MAX_FILE_BYTES:
        raise DomainError(
            f"Le fichier dépasse {MAX_FILE_BYTES // (1024 * 1024)} Mo : découpez-le.", field="file"
        )


@transaction.atomic
def import_upload(
    *, membership: Membership, indicator: Indicator, uploaded_file
) -> IndicatorImport:
    """Keep the uploaded file and read its first rows; the mapping comes next."""
    if not can_manage_territory(membership):
        raise PermissionDenied("Seuls les responsables importent des indicateurs.")
    if indicator.organisation_id not in (None, membership.organisation_id):
        raise PermissionDenied("Indicateur d'une autre structure.")
    if indicator.organisation_id is None:
        raise DomainError(
            "Les indicateurs communs ne se modifient pas : créez un indicateur de la structure.",
            field="indicator",
        )
    check_upload(name=uploaded_file.name, size=uploaded_file.size)
    job = IndicatorImport(
        organisation_id=membership.organisation_id,
        created_by=membership.user,
        indicator=indicator,
        original_name=uploaded_file.name[:255],
        size=uploaded_file.size,
    )
    job.file.save(Path(uploaded_file.name).name, uploaded_file, save=False)
    job.save()
    try:
        with local_file(job) as path:
            found = parsing.preview(path, job.original_name)
    except parsing.FileUnreadable as error:
        raise DomainError(str(error), field="file") from error
    job.encoding, job.delimiter = found.encoding, found.delimiter
    job.save(update_fields=["encoding", "delimiter", "updated_at"])
    return job


def build_mapping(
    *,
    header: list[str],
    code: int | None,
    layout: str,
    value: int | None,
    year: int | None,
    fixed_year: int | None,
) -> Mapping:
    """The mapping the user chose, checked against the file's header: every missing choice
    is reported at once (as one message per field)."""
    errors: list[tuple[str, str]] = []
    columns = range(len(header))
    if code not in columns:
        errors.append(("code", "Choisissez la colonne du code géographique."))
    year_columns: tuple[tuple[int, int], ...] = ()
    if layout == "wide":
        year_columns = tuple(
            (i, y) for i, h in enumerate(header) if (y := parsing.header_year(h)) and i != code
        )
        if not year_columns:
            errors.append(
                ("layout", "Aucune colonne ne porte une année pour titre (« 2019 », « P21 »…).")
            )
    elif layout == "long":
        if value not in columns:
            errors.append(("value", "Choisissez la colonne des valeurs."))
        if year not in columns and fixed_year is None:
            errors.append(
                ("year", "Choisissez la colonne de l'année, ou indiquez l'année du fichier.")
            )
        if fixed_year is not None and not 1900 <= fixed_year <= 2100:
            errors.append(("fixed_year", "Indiquez une année entre 1900 et 2100."))
        if value in columns and value == code:
            errors.append(("value", "La colonne des valeurs ne peut pas être celle du code."))
    else:
        errors.append(("layout", "Choisissez la disposition du fichier."))
    if errors:
        raise MappingErrors(errors)
    return Mapping(
        code=code,
        layout=layout,
        value=value,
        year=year if year in columns else None,
        fixed_year=fixed_year if (year not in columns) else None,
        year_columns=year_columns,
    )


class MappingErrors(DomainError):
    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(" ".join(m for _f, m in errors))
        self.errors = errors


ALREADY_RUNNING = (
    "Un import de cet indicateur est déjà en cours : attendez qu'il se termine (ou relancez-le "
    "s'il est interrompu) avant d'en lancer un autre."
)


@transaction.atomic
def import_start(*, membership: Membership, job: IndicatorImport, mapping: Mapping) -> None:
    if not can_manage_import(membership, job):
        raise PermissionDenied("Seuls les responsables importent des indicateurs.")
    # The indicator's row is the lock: two starts of its imports wait for each other.
    Indicator.objects.select_for_update().filter(pk=job.indicator_id).first()
    locked = IndicatorImport.objects.select_for_update().get(pk=job.pk)
    if locked.status != ImportStatus.PENDING:
        raise DomainError("Cet import est déjà lancé.")
    active = IndicatorImport.objects.filter(indicator_id=job.indicator_id, status__in=ACTIVE_IMPORT)
    if active.exclude(pk=job.pk).exists():
        raise DomainError(ALREADY_RUNNING)
    locked.mapping = mapping.as_json()
    locked.status = ImportStatus.QUEUED
    try:
        with transaction.atomic():
            locked.save(update_fields=["mapping", "status", "updated_at"])
    except IntegrityError as error:  # import_one_active_per_indicator: a start in between
        raise DomainError(ALREADY_RUNNING) from error
    attempt = locked.attempt
    transaction.on_commit(lambda: run_import.enqueue(import_id=job.pk, attempt=attempt))


@transaction.atomic
def import_restart(*, membership: Membership, job: IndicatorImport) -> IndicatorImport:
    """Launch again an import whose worker died: a new attempt, from the first line."""
    if not can_manage_import(membership, job):
        raise PermissionDenied("Seuls les responsables relancent un import.")
    locked = IndicatorImport.objects.select_for_update().get(pk=job.pk)
    if not locked.is_stalled:
        raise DomainError("Cet import n'est pas interrompu : il n'y a rien à relancer.")
    locked.attempt += 1
    locked.status = ImportStatus.QUEUED
    locked.processed_bytes = locked.rows_read = 0
    locked.values_checked = locked.values_imported = 0
    locked.errors = []
    locked.save()
    attempt = locked.attempt
    transaction.on_commit(lambda: run_import.enqueue(import_id=job.pk, attempt=attempt))
    return locked


class Superseded(Exception):
    """A later attempt of the import has started: this one stops, writing nothing."""


def _report(job: IndicatorImport, **fields) -> None:
    """Write the progress of this attempt (and `updated_at`, the sign of life)."""
    updated = IndicatorImport.objects.filter(pk=job.pk, attempt=job.attempt).update(
        updated_at=timezone.now(), **fields
    )
    if not updated:
        raise Superseded


@task()
def run_import(import_id: int, attempt: int | None = None) -> None:
    job = IndicatorImport.objects.select_related("indicator").get(pk=import_id)
    if job.status not in ACTIVE_IMPORT or (attempt is not None and attempt != job.attempt):
        return
    try:
        _report(job, status=ImportStatus.RUNNING)
        import_file(job)
    except Superseded:
        logger.info("Import d'indicateur %s : tentative %s remplacée", import_id, job.attempt)
        IndicatorImportRow.objects.filter(job_id=import_id, attempt=job.attempt).delete()
    except Exception:
        logger.exception("Import d'indicateur %s interrompu", import_id)
        IndicatorImport.objects.filter(pk=import_id, attempt=job.attempt).update(
            status=ImportStatus.FAILED,
            errors=["Erreur inattendue pendant l'import : rien n'a été importé. Réessayez."],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        IndicatorImportRow.objects.filter(job_id=import_id, attempt=job.attempt).delete()
        raise


def _row_cells(cells: list[str], mapping: Mapping):
    """(raw code, [(year or raw year text, raw value, column title index)])."""
    code = cells[mapping.code] if mapping.code < len(cells) else ""
    if mapping.layout == "wide":
        return code, [(y, cells[i] if i < len(cells) else "") for i, y in mapping.year_columns]
    value = cells[mapping.value] if mapping.value < len(cells) else ""
    if mapping.year is not None:
        year = cells[mapping.year] if mapping.year < len(cells) else ""
    else:
        year = mapping.fixed_year
    return code, [(year, value)]


def _year_of(raw) -> int | None:
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() and 1900 <= int(text) <= 2100 else None


def import_file(job: IndicatorImport) -> None:
    with local_file(job) as path:
        _import_path(job, path)


def _import_path(job: IndicatorImport, path: Path) -> None:
    indicator = job.indicator
    mapping = Mapping.from_json(job.mapping)
    last = [0.0]

    def progress(done: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            _report(job, processed_bytes=done)

    errors: list[str] = []
    error_count = 0
    # (code, year) → first line, as one int key (code's rank × 10,000 + year): a national
    # file has millions of pairs, tuples of a str and an int would double the memory.
    seen: dict[int, int] = {}
    ranks: dict[str, int] = {}
    years: set[int] = set()
    rows = 0
    with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as clean:
        writer = csv.writer(clean)
        try:
            _encoding, _delimiter, lines = parsing.open_lines(
                path,
                job.original_name,
                progress,
                encoding=job.encoding,
                delimiter=job.delimiter,
            )
            header_done = False
            for number, cells in lines:
                if not header_done:
                    header_done = True
                    continue
                if not any(c.strip() for c in cells):
                    continue
                rows += 1
                raw_code, pairs = _row_cells(cells, mapping)
                code, _note = parsing.normalise_code(raw_code, indicator.level)
                problems: list[str] = []
                if code is None:
                    problems.append(
                        f"code géographique « {raw_code.strip()[:20]} » inconnu du code officiel "
                        "géographique (ni actuel, ni ancienne commune fusionnée)"
                        if raw_code.strip()
                        else "code géographique manquant"
                    )
                for raw_year, raw_value in pairs:
                    year = _year_of(raw_year)
                    if year is None:
                        problems.append(f"année « {str(raw_year)[:10]} » invalide")
                        continue
                    try:
                        value, marker = parsing.parse_number(raw_value)
                    except ValueError as error:
                        problems.append(f"{error} ({year})")
                        continue
                    if code is None:
                        continue
                    key = ranks.setdefault(code, len(ranks)) * 10_000 + year
                    first = seen.get(key)
                    if first is not None:
                        problems.append(
                            f"{code} en {year} figure déjà ligne {first}"
                            + (
                                f" (« {raw_code.strip()} » est une ancienne commune de {code})"
                                if raw_code.strip().zfill(5) != code
                                else ""
                            )
                        )
                        continue
                    seen[key] = number
                    years.add(year)
                    writer.writerow((code, year, "" if value is None else repr(value), marker))
                if problems:
                    error_count += 1
                    if len(errors) < MAX_ERRORS:
                        errors.append(f"Ligne {number} : " + " ; ".join(problems) + ".")
        except parsing.FileUnreadable as error:
            errors.append(str(error))
            error_count += 1
        if not errors and rows == 0:
            errors.append("Aucune ligne de valeurs sous la ligne des titres.")
        if errors:
            if error_count > len(errors):
                errors.append(f"… et {error_count - len(errors)} autres lignes en erreur.")
            _report(
                job,
                status=ImportStatus.FAILED,
                errors=errors,
                rows_read=rows,
                processed_bytes=job.size,
                finished_at=timezone.now(),
            )
            return
        checked = len(seen)
        seen.clear()
        ranks.clear()
        _report(job, processed_bytes=job.size, rows_read=rows, values_checked=checked)
        clean.seek(0)
        count = _stage(job, clean)
    _store(job, indicator, years, count)


def _stage(job: IndicatorImport, clean) -> int:
    """The clean figures into `IndicatorImportRow`, in committed batches of plain tuples
    (model instances cost more than the insert), each followed by a progress write."""
    IndicatorImportRow.objects.filter(job_id=job.pk).delete()  # what a dead attempt left
    count = 0
    batch: list[tuple] = []
    for code, year, value, marker in csv.reader(clean):
        batch.append(
            (job.pk, job.attempt, code, int(year), float(value) if value else None, marker)
        )
        if len(batch) >= BATCH:
            count += _insert(batch)
            _report(job, values_imported=count)
            batch = []
    count += _insert(batch)
    _report(job, values_imported=count)
    return count


STAGED = ("job_id", "attempt", "geo_code", "year", "value", "marker")


def _insert(rows: list[tuple]) -> int:
    """One committed batch: COPY on PostgreSQL (a parametrised INSERT costs there 30 µs a
    row, twice the check of the row), `executemany` elsewhere."""
    if not rows:
        return 0
    table = connection.ops.quote_name(IndicatorImportRow._meta.db_table)
    columns = ", ".join(STAGED)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(STAGED))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 — quoted name
                rows,
            )
    return len(rows)


def _store(job: IndicatorImport, indicator: Indicator, years: set[int], count: int) -> None:
    """The staged figures replace the indicator's of the years the file holds, in one
    statement; the départements', régions' and France's aggregates are computed again in
    the same transaction. The attempt is checked under a lock first: a superseded task
    writes nothing."""
    values = connection.ops.quote_name(IndicatorValue._meta.db_table)
    staged = connection.ops.quote_name(IndicatorImportRow._meta.db_table)
    with transaction.atomic():
        current = IndicatorImport.objects.select_for_update().filter(pk=job.pk, attempt=job.attempt)
        if not list(current.values_list("pk", flat=True)):
            raise Superseded
        IndicatorValue.objects.filter(indicator=indicator, year__in=years).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {values} "  # noqa: S608 — quoted table names, values as parameters
                "(indicator_id, level, geo_code, year, value, marker, computed, complete) "
                f"SELECT %s, %s, geo_code, year, value, marker, %s, %s FROM {staged} "
                "WHERE job_id = %s AND attempt = %s",
                [indicator.pk, indicator.level, False, True, job.pk, job.attempt],
            )
        rollup_with_dependents(indicator, years)
        _report(job, status=ImportStatus.DONE, values_imported=count, finished_at=timezone.now())
    IndicatorImportRow.objects.filter(job_id=job.pk).delete()
