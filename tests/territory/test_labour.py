"""Labour-market files by ROME code (employment basin): all or nothing, every bad line
reported by number, missing figures kept as missing, shares as ratios of sums."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from relais.core.errors import DomainError, PermissionDenied
from relais.territory import labour
from relais.territory.models import LabourDataset, LabourFigure
from tests.factories.accounts import MembershipFactory

pytestmark = pytest.mark.django_db

BMO_HEADER = "annee;Code métier BMO;code_rome;libelle_rome;BE23;NOMBE23;met;xmet;smet\n"


@pytest.fixture
def membership(organisation):
    return MembershipFactory(organisation=organisation, role="manager")


def run(membership, tmp_path: Path, content: bytes, name="bmo.csv", year=2025):
    path = tmp_path / name
    path.write_bytes(content)
    return labour.labour_import(
        membership=membership,
        title="BMO 2025",
        source="France Travail, BMO",
        year=year,
        path=path,
        name=name,
        size=len(content),
    )


def test_bmo_file_in_windows_1252_with_decimal_commas_and_secret(membership, tmp_path):
    content = (
        BMO_HEADER
        + "2025;A1Z40;A1203;Entretien des espaces verts;8401;Lyon Centre;1 240;620,0;s\n"
        + "2025;S1X40;G1603;Personnel polyvalent en restauration;8401;Lyon Centre;300;nd;120\n"
        + "2025;A1Z40;A1203;Entretien des espaces verts;8402;Villefranche;60;15;10\n"
    ).encode("cp1252")
    dataset = run(membership, tmp_path, content)
    assert dataset.rows == 3
    green = LabourFigure.objects.get(dataset=dataset, area_code="8401", rome_code="A1203")
    assert (green.projects, green.difficult, green.seasonal) == (1240, 620, None)
    assert green.area_label == "Lyon Centre"
    kitchen = LabourFigure.objects.get(rome_code="G1603")
    assert kitchen.difficult is None  # « nd » is missing, never zero


def test_utf8_bom_and_comma_separator(membership, tmp_path):
    content = '\ufeffcode_rome,code_geo,demandeurs\nK2204,69,"1 500"\n'.encode()
    dataset = run(membership, tmp_path, content)
    assert LabourFigure.objects.get(dataset=dataset).job_seekers == 1500


def test_every_bad_line_reported_and_nothing_imported(membership, tmp_path):
    content = (
        BMO_HEADER
        + "2025;x;A1203;Espaces verts;8401;Lyon;100;20;0\n"
        + "2025;x;12345;Inconnu;8401;Lyon;100;20;0\n"
        + "2025;x;G1603;Restauration;;Lyon;abc;20;0\n"
        + "2025;x;K2204;Nettoyage;8401;Lyon;10;20;0\n"
        + "2025;x;A1203;Espaces verts;8401;Lyon;5;1;0\n"
        + "2025;x;N1105;Manutention;8401;Lyon;-3;0;0\n"
    ).encode()
    with pytest.raises(labour.LabourFileErrors) as caught:
        run(membership, tmp_path, content)
    lines = caught.value.lines
    assert lines[0].startswith("Ligne 3 : « 12345 » n'est pas un code ROME")
    assert lines[1].startswith("Ligne 4 : zone manquante ; « abc » n'est pas un nombre")
    assert lines[2] == "Ligne 5 : plus de projets difficiles que de projets de recrutement."
    assert lines[3] == "Ligne 6 : A1203 pour la zone 8401 figure déjà ligne 2."
    assert lines[4] == "Ligne 7 : projets de recrutement négatif."
    assert not LabourDataset.objects.exists() and not LabourFigure.objects.exists()


def test_missing_columns_are_named_at_once(membership, tmp_path):
    with pytest.raises(labour.LabourFileErrors) as caught:
        run(membership, tmp_path, b"metier;annee;total\nA;2025;3\n")
    message = caught.value.lines[0]
    assert "le code ROME" in message and "la zone" in message and "au moins un chiffre" in message


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"", "bmo.csv", "Le fichier est vide."),
        (b"x", "bmo.pdf", "Déposez un fichier CSV"),
        (b"code_rome;BE23;met\n", "bmo.csv", "Aucune ligne de chiffres"),
        (b"not a workbook", "bmo.xlsx", "n'est pas un classeur Excel"),
    ],
)
def test_bad_files(membership, tmp_path, content, name, expected):
    with pytest.raises(DomainError) as caught:
        run(membership, tmp_path, content, name=name)
    error = caught.value
    text = error.lines[0] if isinstance(error, labour.LabourFileErrors) else error.message
    assert expected in text


def test_undecodable_byte_late_in_a_utf8_file(membership, tmp_path):
    rows = "".join(f"A{1000 + i};8401;1\n" for i in range(6000)).encode()
    content = b"code_rome;BE23;met\n" + rows + b"B1204;84\x811;2\n"
    with pytest.raises(labour.LabourFileErrors) as caught:
        run(membership, tmp_path, content)
    assert "caractère illisible" in caught.value.lines[0]


def test_xlsx(membership, tmp_path):
    book = Workbook()
    book.active.append(["code_rome", "BE23", "NOMBE23", "met", "xmet"])
    book.active.append(["A1203", "8401", "Lyon", 10, 4])
    buffer = io.BytesIO()
    book.save(buffer)
    dataset = run(membership, tmp_path, buffer.getvalue(), name="bmo.xlsx")
    assert LabourFigure.objects.get(dataset=dataset).difficult == 4


def test_bad_year_and_referent_refused(organisation, membership, tmp_path):
    with pytest.raises(DomainError, match="entre 1990 et 2100"):
        run(membership, tmp_path, b"code_rome;BE23;met\nA1203;8401;1\n", year=1200)
    referent = MembershipFactory(organisation=organisation, role="referent")
    with pytest.raises(PermissionDenied):
        run(referent, tmp_path, b"code_rome;BE23;met\nA1203;8401;1\n")


def test_trades_in_tension_are_ratios_of_sums(membership, tmp_path):
    content = (
        b"code_rome;BE23;met;xmet;demandeurs\n"
        b"A1203;8401;100;10;50\n"
        b"A1203;8402;10;10;\n"
        b"G1603;8401;40;30;20\n"
        b"K2204;9999;500;500;1\n"
    )
    dataset = run(membership, tmp_path, content)
    trades = labour.trades_in_tension(dataset, ["8401", "8402"])
    assert [t.rome_code for t in trades] == ["G1603", "A1203"]  # other areas left out
    green = trades[1]
    # 20 difficult of 110 projects (18.2 %), not the mean of 10 % and 100 %.
    assert round(green.difficult_share, 1) == 18.2
    assert green.job_seekers == 50
    assert labour.dataset_areas(dataset)[0] == ("8401", "")
    assert labour.default_areas(dataset, {"9999"}) == ["9999"]
