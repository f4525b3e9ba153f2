"""`refresh_employment_references` reads France Travail's ROME files — the tab-separated
ones of the project's reference folder as well as the CSV exports — and keeps the codes
and appellations the shipped file has beyond them."""

from __future__ import annotations

import csv

import pytest
from django.core.management import CommandError, call_command

from relais.employment import references


@pytest.fixture
def rome_file(tmp_path, monkeypatch):
    target = tmp_path / "rome.csv"
    target.write_text(
        "code,label,appellations\n"
        "K2204,Ancien libellé,Agent / Agente de propreté|Eleveur de surfaces|Titre conservé\n"
        "M1805,Développeur / Développeuse informatique,Développeur / Développeuse informatique\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(references, "ROME_FILE", target)
    references.clear_caches()
    yield target
    references.clear_caches()


def _rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def test_tsv_files_rewrite_labels_and_appellations(rome_file, tmp_path):
    codes = tmp_path / "rome_codes.tsv"
    codes.write_text("code\tlabel\nK2204\tNettoyage de locaux\nN1101\tConduite d'engins\n")
    names = tmp_path / "rome_appellations.tsv"
    names.write_text(
        "code\tlabel\trome_code\n"
        "1\tTechnicien / Technicienne de surface\tK2204\n"
        "2\tÉleveur de surfaces\tK2204\n"
        "3\tCariste\tN1101\n"
        "4\tInconnu\tZ9999\n"
    )
    call_command("refresh_employment_references", rome_codes=codes, rome_appellations=names)
    rows = _rows(rome_file)
    assert list(rows) == ["K2204", "M1805", "N1101"]
    assert rows["K2204"]["label"] == "Nettoyage de locaux"
    # Official appellations first; those shipped before are kept unless they only differ
    # from an official one by accents or case.
    assert rows["K2204"]["appellations"].split("|") == [
        "Éleveur de surfaces",
        "Technicien / Technicienne de surface",
        "Agent / Agente de propreté",
        "Titre conservé",
    ]
    assert rows["M1805"]["label"] == "Développeur / Développeuse informatique"
    assert rows["N1101"]["appellations"] == "Cariste"
    assert references.rome_jobs()["N1101"].label == "Conduite d'engins"


def test_csv_exports_are_read_too(rome_file, tmp_path):
    codes = tmp_path / "codes.csv"
    codes.write_text("code_rome;libelle_rome\nK2204;Nettoyage de locaux\n", encoding="cp1252")
    names = tmp_path / "appellations.csv"
    names.write_text(
        "code_ogr;libelle_appellation_long;code_rome\n1;Laveur / Laveuse de vitres;K2204\n",
        encoding="utf-8",
    )
    call_command("refresh_employment_references", rome_codes=codes, rome_appellations=names)
    assert _rows(rome_file)["K2204"]["appellations"].startswith("Laveur / Laveuse de vitres|")


def test_files_without_the_expected_columns_are_refused(rome_file, tmp_path):
    before = rome_file.read_text(encoding="utf-8")
    codes = tmp_path / "rome_codes.tsv"
    codes.write_text("numero\tnom\nK2204\tNettoyage\n")
    with pytest.raises(CommandError, match="Colonnes attendues"):
        call_command("refresh_employment_references", rome_codes=codes)
    names = tmp_path / "rome_appellations.tsv"
    names.write_text("code\tnom\n1\tCariste\n")
    codes.write_text("code\tlabel\nK2204\tNettoyage\n")
    with pytest.raises(CommandError, match="appellations"):
        call_command("refresh_employment_references", rome_codes=codes, rome_appellations=names)
    assert rome_file.read_text(encoding="utf-8") == before
