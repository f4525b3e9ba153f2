"""Broken files for the data·inclusion import, each the way people really break them: every
one gets French errors (with the line where there is one) and nothing is written — through
the import service and through the command line (no traceback)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from relais.accounts.models import Organisation
from relais.network.directory.datainclusion.reading import ImportFile
from relais.network.directory.models import Service
from tests.network.directory.datainclusion.support import (
    GOOD_SERVICE,
    GOOD_STRUCTURE,
    SERVICE_HEADER,
    STRUCTURE_HEADER,
    as_files,
    run_import,
    services_csv,
    structures_csv,
)

pytestmark = pytest.mark.django_db

GOOD = structures_csv(GOOD_STRUCTURE)
# What an untranslated message (Python, pydantic, csv) would contain.
ENGLISH = (
    " the ",
    "field required",
    "input should",
    "value error",
    "expected",
    "traceback",
    "must be",
    "invalid ",
    "error",
    "unexpected",
    "line contains",
)


def csv_files(structures: str | bytes = GOOD, services: str | bytes | None = None):
    return as_files(structures, services if services is not None else services_csv(GOOD_SERVICE))


BROKEN = {
    "utf-16": csv_files(GOOD.encode("utf-16")),
    "binary": csv_files(b"\x00\x01\x02\xff\xfe" * 200),
    "truncated utf-8": csv_files((GOOD + "Crèche").encode("utf-8")[:-1] + b"\n"),
    "missing column": csv_files(
        structures_csv(GOOD_STRUCTURE.rsplit(",", 1)[0], header=STRUCTURE_HEADER.rsplit(",", 1)[0])
        .replace(",nom,", ",")
        .replace(",Épicerie solidaire des Pentes,", ",")
    ),
    "extra cells": csv_files(structures_csv(GOOD_STRUCTURE + ",en trop,encore")),
    "unknown vocabulary": csv_files(
        services=services_csv(GOOD_SERVICE.replace("aide-materielle", "aide-magique"))
    ),
    "duplicate ids": csv_files(services=services_csv(GOOD_SERVICE, GOOD_SERVICE)),
    "formula cell": csv_files(
        services=services_csv(GOOD_SERVICE.replace("Aide alimentaire", "=1+1"))
    ),
    "header only garbage": csv_files("n'importe quoi\n"),
    "services of an unknown structure": csv_files(
        services=services_csv(GOOD_SERVICE.replace("dora--s1,dora--sv1", "dora--zz,dora--sv1"))
    ),
    "nested json": [ImportFile("f.json", b"[" * 50_000, "json")],
    "json of the wrong shape": [ImportFile("f.json", json.dumps({"a": 1}).encode(), "json")],
    "json with wrong types": [
        ImportFile(
            "f.json",
            json.dumps({"structures": [{"id": 5, "nom": ["x"], "siret": {"a": 1}}]}).encode(),
            "json",
        )
    ],
    "too big": csv_files(GOOD + ("x" * 100 + "\n") * 60_000),
    "empty": csv_files(b""),
}


@pytest.mark.parametrize("name", BROKEN)
def test_each_broken_file_gets_french_errors_and_writes_nothing(name):
    before = (Organisation.objects.count(), Service.objects.count())
    report = run_import(BROKEN[name])
    assert report.errors, name
    for error in report.errors:
        text = f" {error.message.lower()} "
        assert error.message.strip(), name
        assert not any(word in text for word in ENGLISH), error.message
    assert (Organisation.objects.count(), Service.objects.count()) == before


def test_errors_in_rows_carry_their_line_numbers():
    report = run_import(BROKEN["duplicate ids"])
    assert {error.line for error in report.errors} == {3}
    report = run_import(BROKEN["unknown vocabulary"])
    assert [error.line for error in report.errors] == [2]


def test_the_command_line_reports_without_a_traceback(tmp_path):
    nested = tmp_path / "imbrique.json"
    nested.write_bytes(b"[" * 50_000)
    with pytest.raises(CommandError) as caught:
        call_command("import_datainclusion", "--json", str(nested))
    assert "Traceback" not in str(caught.value)


def test_a_header_with_a_services_header_in_the_structures_slot(tmp_path):
    report = run_import(as_files(services_csv(GOOD_SERVICE, header=SERVICE_HEADER), None))
    assert report.errors
