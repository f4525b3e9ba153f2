"""Importing indicator files: all or nothing, every bad row reported by its line number."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from relais.core.errors import DomainError, PermissionDenied
from relais.territory import geography, imports
from relais.territory.models import ImportStatus, IndicatorImport, IndicatorValue
from relais.territory.parsing import preview
from tests.factories.accounts import MembershipFactory
from tests.factories.territory import IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(organisation):
    return MembershipFactory(organisation=organisation, role="manager")


@pytest.fixture
def indicator(organisation):
    return IndicatorFactory(organisation=organisation)


def run(membership, indicator, content: bytes, name="valeurs.csv", **mapping) -> IndicatorImport:
    job = imports.import_upload(
        membership=membership,
        indicator=indicator,
        uploaded_file=SimpleUploadedFile(name, content),
    )
    with imports.local_file(job) as path:
        header = preview(path, job.original_name).header
    defaults = {"code": 0, "layout": "long", "value": 2, "year": 1, "fixed_year": None}
    defaults.update(mapping)
    imports.import_start(
        membership=membership, job=job, mapping=imports.build_mapping(header=header, **defaults)
    )
    return job


def values(indicator):
    return {
        (v.geo_code, v.year): (v.value, v.marker)
        for v in IndicatorValue.objects.filter(indicator=indicator, computed=False)
    }


def test_good_file_in_windows_1252_with_semicolons_and_decimal_commas(
    membership, indicator, django_capture_on_commit_callbacks
):
    content = (
        "Code géographique;Année;Valeur\n69266;2021;12 345,6\n69123;2021;s\n1015;2021;nd\n"
    ).encode("cp1252")
    with django_capture_on_commit_callbacks(execute=True):
        job = run(membership, indicator, content)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    assert job.values_imported == 3
    # The département's aggregate is computed with the import: incomplete (secret, others).
    computed = IndicatorValue.objects.get(indicator=indicator, level="departement", geo_code="69")
    assert (computed.value, computed.complete) == (12345.6, False)
    assert values(indicator) == {
        ("69266", 2021): (12345.6, ""),
        ("69123", 2021): (None, "s"),  # secret statistique: missing, never zero
        ("01015", 2021): (None, "nd"),  # the leading zero a spreadsheet dropped
    }


def test_utf8_bom_and_former_commune_codes(
    membership, indicator, django_capture_on_commit_callbacks
):
    content = "\ufeffcode,annee,valeur\n01340,2020,42\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        job = run(membership, indicator, content)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    assert values(indicator) == {("01015", 2020): (42.0, "")}


def test_broken_file_imports_nothing_and_reports_every_line(
    membership, indicator, django_capture_on_commit_callbacks
):
    IndicatorValueFactory(indicator=indicator, geo_code="69266", year=2021, value=1)
    content = (
        b"code;annee;valeur\n"
        b"69266;2021;10\n"
        b"99999;2021;5\n"  # line 3: unknown code
        b"69123;2021;beaucoup\n"  # line 4: not a number
        b"69266;2021;11\n"  # line 5: duplicate of line 2
        b"69256;20x1;3\n"  # line 6: bad year
        b"69256;2021;=SOMME(A1)\n"  # line 7: formula
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = run(membership, indicator, content)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    text = "\n".join(job.errors)
    assert "Ligne 3 : code géographique « 99999 » inconnu" in text
    assert "Ligne 4 : « beaucoup » n'est pas un nombre" in text
    assert "Ligne 5 : 69266 en 2021 figure déjà ligne 2" in text
    assert "Ligne 6 : année « 20x1 » invalide" in text
    assert "Ligne 7 : « =SOMME(A1) » ressemble à une formule" in text
    assert "Ligne 2" not in text
    assert values(indicator) == {("69266", 2021): (1.0, "")}  # nothing changed


def test_two_former_communes_of_one_commune_are_reported_as_duplicates(
    membership, indicator, django_capture_on_commit_callbacks
):
    content = b"code;annee;valeur\n01015;2021;10\n01340;2021;3\n"
    with django_capture_on_commit_callbacks(execute=True):
        job = run(membership, indicator, content)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "ancienne commune de 01015" in job.errors[0]


def test_wide_layout_one_column_per_year(membership, indicator, django_capture_on_commit_callbacks):
    content = b"CODGEO;Libelle;2019;2020;2021\n69266;Villeurbanne;1;2;s\n"
    with django_capture_on_commit_callbacks(execute=True):
        job = run(membership, indicator, content, layout="wide", value=None, year=None)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    assert values(indicator) == {
        ("69266", 2019): (1.0, ""),
        ("69266", 2020): (2.0, ""),
        ("69266", 2021): (None, "s"),
    }


def test_fixed_year_and_a_new_file_replaces_its_years_only(
    membership, indicator, django_capture_on_commit_callbacks
):
    IndicatorValueFactory(indicator=indicator, geo_code="69266", year=2019, value=7)
    IndicatorValueFactory(indicator=indicator, geo_code="69123", year=2022, value=7)
    content = b"code;valeur\n69266;5\n"
    with django_capture_on_commit_callbacks(execute=True):
        job = run(membership, indicator, content, value=1, year=None, fixed_year=2022)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    assert values(indicator) == {("69266", 2019): (7.0, ""), ("69266", 2022): (5.0, "")}


def test_xlsx_file(membership, indicator, django_capture_on_commit_callbacks):
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "année", "valeur"])
    sheet.append(["69266", 2021, 12.5])
    sheet.append([69123, 2021, "s"])
    buffer = io.BytesIO()
    book.save(buffer)
    with django_capture_on_commit_callbacks(execute=True):
        job = run(membership, indicator, buffer.getvalue(), name="valeurs.xlsx")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    assert values(indicator) == {("69266", 2021): (12.5, ""), ("69123", 2021): (None, "s")}


def test_invalid_utf8_in_the_middle_is_reported(
    membership, indicator, django_capture_on_commit_callbacks
):
    codes = sorted(geography.communes())[:6000]  # past the 64 KB the encoding is guessed on
    head = b"code;annee;valeur\n" + "".join(f"{c};2021;1\n" for c in codes).encode()
    # \x81 is neither UTF-8 nor Windows-1252 (an ASCII start followed by « ÿþ » would be
    # read as Windows-1252).
    content = head + b"69123;2021;\x81\n"
    # Refused at the upload, before any mapping: the whole file is read for its encoding.
    with pytest.raises(DomainError, match=r"^Ligne 6002 : caractère illisible en Windows-1252"):
        run(membership, indicator, content)
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()


def test_upload_refuses_wrong_kind_and_empty_files(membership, indicator):
    with pytest.raises(DomainError, match="CSV"):
        imports.import_upload(
            membership=membership,
            indicator=indicator,
            uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF"),
        )
    with pytest.raises(DomainError, match="vide"):
        imports.import_upload(
            membership=membership,
            indicator=indicator,
            uploaded_file=SimpleUploadedFile("a.csv", b""),
        )
    with pytest.raises(DomainError, match="une colonne"):
        imports.import_upload(
            membership=membership,
            indicator=indicator,
            uploaded_file=SimpleUploadedFile("a.csv", b"rien\n1\n"),
        )


def test_only_managers_import_and_only_their_own_indicators(organisation, indicator):
    referent = MembershipFactory(organisation=organisation, role="referent")
    with pytest.raises(PermissionDenied):
        imports.import_upload(
            membership=referent,
            indicator=indicator,
            uploaded_file=SimpleUploadedFile("a.csv", b"a;b\n"),
        )
    other = MembershipFactory(role="manager")
    with pytest.raises(PermissionDenied):
        imports.import_upload(
            membership=other,
            indicator=indicator,
            uploaded_file=SimpleUploadedFile("a.csv", b"a;b\n"),
        )


def test_mapping_reports_every_missing_choice():
    with pytest.raises(imports.MappingErrors) as error:
        imports.build_mapping(
            header=["a", "b"], code=None, layout="long", value=None, year=None, fixed_year=None
        )
    assert {f for f, _m in error.value.errors} == {"code", "value", "year"}
    with pytest.raises(imports.MappingErrors):
        imports.build_mapping(
            header=["code", "libellé"],
            code=0,
            layout="wide",
            value=None,
            year=None,
            fixed_year=None,
        )


def test_an_import_starts_once(membership, indicator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = run(membership, indicator, b"code;annee;valeur\n69266;2021;1\n")
    job.refresh_from_db()
    mapping = imports.Mapping(code=0, layout="long", value=2, year=1)
    with pytest.raises(DomainError, match="déjà lancé"):
        imports.import_start(membership=membership, job=job, mapping=mapping)
