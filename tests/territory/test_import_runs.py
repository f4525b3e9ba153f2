"""How an import runs: one at a time per indicator, relaunched when its worker died (a new
attempt supersedes the old one), progress written during the store too, the file read with
the encoding and separator found at upload, bad numbers and markers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.territory import imports, parsing
from relais.territory.models import (
    ImportStatus,
    IndicatorImport,
    IndicatorImportRow,
    IndicatorValue,
)
from tests.factories.accounts import MembershipFactory
from tests.factories.territory import IndicatorFactory

pytestmark = pytest.mark.django_db

GOOD = "Code;Année;Valeur\n69266;2021;12 345,6\n69123;2021;(s)\n".encode("cp1252")
MAPPING = {"code": 0, "layout": "long", "value": 2, "year": 1, "fixed_year": None}


@pytest.fixture
def membership(organisation):
    return MembershipFactory(organisation=organisation, role="manager")


@pytest.fixture
def indicator(organisation):
    return IndicatorFactory(organisation=organisation)


def upload(membership, indicator, content=GOOD, name="valeurs.csv") -> IndicatorImport:
    return imports.import_upload(
        membership=membership, indicator=indicator, uploaded_file=SimpleUploadedFile(name, content)
    )


def start(membership, job, header=("Code", "Année", "Valeur")) -> None:
    mapping = imports.build_mapping(header=list(header), **MAPPING)
    imports.import_start(membership=membership, job=job, mapping=mapping)


def values(indicator):
    return {
        (v.geo_code, v.year): (v.value, v.marker)
        for v in IndicatorValue.objects.filter(indicator=indicator, computed=False)
    }


def stall(job) -> None:
    IndicatorImport.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=11)
    )


# --- One import per indicator at a time ------------------------------------------------


def test_a_second_import_of_the_same_indicator_waits_for_the_first(
    membership, indicator, django_capture_on_commit_callbacks
):
    first = upload(membership, indicator)
    start(membership, first)  # queued: the task is not run (no commit callbacks executed)
    first.refresh_from_db()
    assert first.status == ImportStatus.QUEUED
    second = upload(membership, indicator)
    with pytest.raises(DomainError, match="déjà en cours"):
        start(membership, second)
    second.refresh_from_db()
    assert second.status == ImportStatus.PENDING  # it can be started later
    # Another indicator is not held up.
    other = upload(membership, IndicatorFactory(organisation=indicator.organisation))
    start(membership, other)
    # Once the first one has finished, the second starts.
    imports.run_import.call(import_id=first.pk, attempt=1)
    with django_capture_on_commit_callbacks(execute=True):
        start(membership, second)
    second.refresh_from_db()
    assert second.status == ImportStatus.DONE, second.errors


def test_the_database_refuses_two_active_imports_of_one_indicator(membership, indicator):
    first, second = upload(membership, indicator), upload(membership, indicator)
    IndicatorImport.objects.filter(pk=first.pk).update(status=ImportStatus.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorImport.objects.filter(pk=second.pk).update(status=ImportStatus.QUEUED)


def test_a_start_racing_past_the_check_gets_the_french_refusal(membership, indicator, monkeypatch):
    """Two starts at once: the one the check did not stop meets the unique constraint."""
    first, second = upload(membership, indicator), upload(membership, indicator)
    start(membership, first)
    monkeypatch.setattr(imports, "ACTIVE_IMPORT", ())  # as if the other had not committed yet
    with pytest.raises(DomainError, match="déjà en cours"):
        start(membership, second)


# --- Stalled imports and their relaunch ------------------------------------------------


def test_an_import_without_progress_for_ten_minutes_is_stalled(membership, indicator):
    job = upload(membership, indicator)
    start(membership, job)
    job.refresh_from_db()
    assert not job.is_stalled
    IndicatorImport.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=9)
    )
    job.refresh_from_db()
    assert not job.is_stalled
    stall(job)
    job.refresh_from_db()
    assert job.is_stalled
    IndicatorImport.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
    job.refresh_from_db()
    assert not job.is_stalled  # a finished import is never « interrompu »


def test_relaunching_a_stalled_import_runs_a_new_attempt(
    membership, indicator, django_capture_on_commit_callbacks
):
    job = upload(membership, indicator)
    start(membership, job)
    stall(job)
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_restart(membership=membership, job=job)
    job.refresh_from_db()
    assert (job.status, job.attempt) == (ImportStatus.DONE, 2), job.errors
    assert values(indicator) == {("69266", 2021): (12345.6, ""), ("69123", 2021): (None, "s")}
    # The first attempt's task, arriving late, does nothing.
    imports.run_import.call(import_id=job.pk, attempt=1)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE


def test_only_a_stalled_import_is_relaunched_and_only_by_its_managers(
    organisation, membership, indicator
):
    job = upload(membership, indicator)
    start(membership, job)
    with pytest.raises(DomainError, match="n'est pas interrompu"):
        imports.import_restart(membership=membership, job=job)
    stall(job)
    referent = MembershipFactory(organisation=organisation, role="referent")
    with pytest.raises(PermissionDenied):
        imports.import_restart(membership=referent, job=job)
    stranger = MembershipFactory(role="manager")
    with pytest.raises(PermissionDenied):
        imports.import_restart(membership=stranger, job=job)
    job.refresh_from_db()
    assert job.attempt == 1


def test_a_superseded_attempt_writes_nothing(
    membership, indicator, monkeypatch, django_capture_on_commit_callbacks
):
    """The worker was only slow: a manager relaunched meanwhile. The old attempt stops at
    its next progress write and stores nothing; the new one does the import."""
    job = upload(membership, indicator)
    stage = imports._stage

    def relaunched_meanwhile(job, clean):
        IndicatorImport.objects.filter(pk=job.pk).update(attempt=2)
        return stage(job, clean)

    monkeypatch.setattr(imports, "_stage", relaunched_meanwhile)
    with django_capture_on_commit_callbacks(execute=True):
        start(membership, job)
    job.refresh_from_db()
    assert (job.status, job.attempt) == (ImportStatus.RUNNING, 2)
    assert values(indicator) == {}
    assert not IndicatorImportRow.objects.exists()


def test_the_store_writes_its_progress_batch_by_batch(
    membership, indicator, monkeypatch, django_capture_on_commit_callbacks
):
    """A long store must not look stalled: each staged batch writes progress and
    `updated_at`, committed (the page reads them from another connection)."""
    monkeypatch.setattr(imports, "BATCH", 2)
    reports: list[dict] = []
    report = imports._report

    def spy(job, **fields):
        reports.append(fields)
        report(job, **fields)

    monkeypatch.setattr(imports, "_report", spy)
    content = "code;annee;valeur\n" + "".join(f"{c};2021;{i}\n" for i, c in enumerate(CODES))
    job = upload(membership, indicator, content.encode())
    with django_capture_on_commit_callbacks(execute=True):
        start(membership, job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    stored = [r["values_imported"] for r in reports if "values_imported" in r]
    assert stored == [2, 4, 5, 5]  # three batches, then the final count
    assert job.values_checked == job.values_imported == 5
    assert not IndicatorImportRow.objects.exists()  # the staging rows are gone


CODES = ["69123", "69266", "69256", "01004", "13055"]


def test_an_unexpected_error_imports_nothing_and_clears_the_staging(
    membership, indicator, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(imports, "rollup_with_dependents", broken)
    job = upload(membership, indicator)
    with django_capture_on_commit_callbacks(execute=True):
        start(membership, job)  # the task fails (logged), the request did not
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "rien n'a été importé" in job.errors[0]
    assert values(indicator) == {}
    assert not IndicatorImportRow.objects.exists()


# --- The file's format, found once ------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "encoding", "delimiter", "label"),
    [
        (GOOD, "cp1252", ";", "Encodage : Windows-1252 · séparateur : point-virgule"),
        (
            "\ufeffcode,annee,valeur\n01340,2020,42\n".encode(),
            "utf-8-sig",
            ",",
            "Encodage : UTF-8 avec BOM · séparateur : virgule",
        ),
        (
            b"code\tannee\tvaleur\n69123\t2020\t1\n",
            "utf-8",
            "\t",
            "Encodage : UTF-8 · séparateur : tabulation",
        ),
    ],
)
def test_the_format_found_at_upload_is_kept(
    membership, indicator, content, encoding, delimiter, label
):
    job = upload(membership, indicator, content)
    job.refresh_from_db()
    assert (job.encoding, job.delimiter, job.format_label) == (encoding, delimiter, label)


def test_the_task_reads_the_file_as_it_was_previewed(
    membership, indicator, monkeypatch, django_capture_on_commit_callbacks
):
    job = upload(membership, indicator)

    def no_detection(*args, **kwargs):
        raise AssertionError("detected again")

    monkeypatch.setattr(parsing, "_file_encoding", no_detection)
    monkeypatch.setattr(parsing, "detect_delimiter", no_detection)
    with django_capture_on_commit_callbacks(execute=True):
        start(membership, job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors


def test_a_bad_byte_is_still_reported_with_the_stored_encoding(
    membership, indicator, django_capture_on_commit_callbacks
):
    job = upload(membership, indicator, b"code;annee;valeur\n69123;2021;1\n")
    job.refresh_from_db()
    assert job.encoding == "utf-8"
    with job.file.open("wb") as file:  # the file changed on disk after the preview
        file.write(b"code;annee;valeur\n69123;2021;1\n69266;2021;\xff\n")
    with django_capture_on_commit_callbacks(execute=True):
        start(membership, job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.errors[0].startswith("Ligne 3 : caractère illisible en UTF-8")


# --- Numbers and markers through an import ---------------------------------------------


def test_numbers_written_every_way_and_markers_kept(
    membership, indicator, django_capture_on_commit_callbacks
):
    content = (
        "code;annee;valeur\n"
        "69123;2021;1.234,5\n"
        "69266;2021;– 3,2\n"
        "69256;2021;12,5 %\n"
        "01004;2021;c\n"
        "13055;2021;///\n"
        "75056;2021;n.s.\n"
        "06088;2021;…\n"
    ).encode("cp1252")
    job = upload(membership, indicator, content)
    with django_capture_on_commit_callbacks(execute=True):
        start(membership, job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    assert values(indicator) == {
        ("69123", 2021): (1234.5, ""),
        ("69266", 2021): (-3.2, ""),
        ("69256", 2021): (12.5, ""),
        ("01004", 2021): (None, "c"),
        ("13055", 2021): (None, "so"),
        ("75056", 2021): (None, "ns"),
        ("06088", 2021): (None, "nd"),
    }


def test_a_malformed_number_is_reported_by_line_and_text_and_nothing_is_written(
    membership, indicator, django_capture_on_commit_callbacks
):
    content = "code;annee;valeur\n69123;2021;12 345,6\n69266;2021;12 34,5\n69256;2021;1,2,3\n"
    job = upload(membership, indicator, content.encode())
    with django_capture_on_commit_callbacks(execute=True):
        start(membership, job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.errors == [
        "Ligne 3 : « 12 34,5 » : chiffres mal groupés (les milliers se séparent par groupes "
        "de trois chiffres, « 12 345,6 ») (2021).",
        "Ligne 4 : « 1,2,3 » : chiffres mal groupés (les milliers se séparent par groupes "
        "de trois chiffres, « 12 345,6 ») (2021).",
    ]
    assert values(indicator) == {}
